package dev.xlat64.ops;

import dev.xlat64.e2e.Netns;
import dev.xlat64.e2e.Shell;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The shipped unit and example config together, without a systemd to run them (this machine has none as PID 1): the
 * unit's ExecStart= with the example config, as an unprivileged user holding only the unit's AmbientCapabilities=,
 * with $NOTIFY_SOCKET and the RuntimeDirectory= stand-in, in a namespace of its own. It must become READY=1 with the
 * example's routes in place, serve {@code xlat64 stats}, and leave nothing behind on SIGTERM.
 */
class UnitEmulationTest
{
    private static String directive(final String unit, final String key)
    {
        return unit.lines().filter(l -> l.startsWith(key + "=")).map(l -> l.substring(key.length() + 1))
            .findFirst().orElseThrow(() -> new AssertionError("no " + key + "= in the unit"));
    }

    @Test
    void exampleConfigRunsUnderTheUnitsCommandLineAndCapabilities() throws IOException
    {
        assumeTrue(Netns.requireRoot(), Netns.ROOT_MESSAGE);
        assumeTrue(Shell.run("sh", "-c", "command -v setpriv && command -v unshare && getent passwd nobody").ok(),
            "needs setpriv, unshare and user nobody");
        final String unit = Files.readString(SystemdFilesTest.SYSTEMD.resolve("xlat64.service"));
        final Path dir = Files.createTempDirectory("xlat64-unit-");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        final Path runtime = Files.createDirectories(dir.resolve("run/xlat64"));
        Shell.check("chown", "nobody", runtime.toString());
        Shell.check("mknod", "-m", "666", dir.resolve("tun").toString(), "c", "10", "200");
        Files.writeString(dir.resolve("with-tun.sh"),
            "mount --bind " + dir.resolve("tun") + " /dev/net/tun\nexec \"$@\"\n");
        final Path config = dir.resolve("xlat64.toml");
        Files.copy(SystemdFilesTest.EXAMPLE, config);
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-r--r--"));

        final List<String> caps = new ArrayList<>();
        for (final String cap : directive(unit, "AmbientCapabilities").split("\\s+"))
        {
            caps.add(cap.toLowerCase(Locale.ROOT).replace("cap_", ""));
        }
        assertEquals(directive(unit, "AmbientCapabilities"), directive(unit, "CapabilityBoundingSet"));
        final String capList = "+" + String.join(",+", caps);

        // ExecStart=/usr/bin/xlat64 run --config /etc/xlat64/xlat64.toml --pidfile /run/xlat64/xlat64.pid
        final List<String> execStart = new ArrayList<>(List.of(directive(unit, "ExecStart").split("\\s+")));
        assertEquals("/usr/bin/xlat64", execStart.get(0));
        final List<String> args = new ArrayList<>();
        for (final String a : execStart.subList(1, execStart.size()))
        {
            args.add(a.replace("/etc/xlat64/xlat64.toml", config.toString()).replace("/run/xlat64",
                runtime.toString()));
        }
        final Path pidfile = runtime.resolve("xlat64.pid");
        assertTrue(args.contains(pidfile.toString()), args.toString());

        final Netns gw = Netns.create("xou");
        try (NotifyReceiver notify = new NotifyReceiver(dir.resolve("notify").toString()))
        {
            final List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", gw.name(), "env",
                "NOTIFY_SOCKET=" + notify.socket, "unshare", "-m", "sh", dir.resolve("with-tun.sh").toString(),
                "setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--no-new-privs",
                "--inh-caps=" + capList, "--ambient-caps=" + capList, "--bounding-set=-all," + capList,
                System.getProperty("java.home") + "/bin/java", "--add-exports",
                    "java.base/jdk.internal.misc=ALL-UNNAMED",
                "--add-opens", "java.base/java.nio=ALL-UNNAMED", "-cp", LeastPrivilegeTest.readableClasspath(dir),
                "dev.xlat64.cli.Xlat64"));
            argv.addAll(args);
            final Shell.Background service = gw.start(argv.toArray(new String[0]));
            try
            {
                notify.awaitLine("READY=1", 30_000);
            }
            catch (final AssertionError ex)
            {
                throw new AssertionError(service.errors() + service.output(), ex);
            }
            assertTrue(Files.exists(pidfile));
            final String v6 = gw.check("ip", "-6", "route", "show", "dev", "xlat64").stdout();
            assertTrue(v6.contains("64:ff9b::/96") && v6.contains("2001:db8:46::1"), v6);
            assertTrue(gw.check("ip", "-4", "route", "show", "dev", "xlat64").stdout().contains("192.0.2.1"));
            final Shell.Result stats = gw.exec(xlat64("stats"));
            assertEquals(0, stats.exitCode(), stats.toString());

            final Shell.Result stopped = service.stop();
            assertTrue(stopped.stderr().contains("route 64:ff9b::/96 dev xlat64 removed"), stopped.toString());
            notify.awaitLine("STOPPING=1", 5000);
            assertFalse(Files.exists(pidfile));
            assertFalse(gw.exec("ip", "link", "show", "xlat64").ok(), "the TUN device xlat64 created is gone");
        }
        finally
        {
            gw.close();
            Shell.run("rm", "-rf", dir.toString());
        }
    }

    /** The test-classpath java command line for a short xlat64 command, as root. */
    private static String[] xlat64(final String... args)
    {
        final List<String> argv = new ArrayList<>(List.of(System.getProperty("java.home") + "/bin/java",
            "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED", "--add-opens", "java.base/java.nio=ALL-UNNAMED",
            "-cp", System.getProperty("java.class.path"), "dev.xlat64.cli.Xlat64"));
        argv.addAll(List.of(args));
        return argv.toArray(new String[0]);
    }
}
