package dev.xlat64.ops;

import dev.xlat64.e2e.Netns;
import dev.xlat64.e2e.Shell;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * xlat64 without root, as README-ops.md documents it: as user nobody with no capabilities at all, attached to a
 * persistent TUN device that root created for that user; and as nobody with CAP_NET_ADMIN only, creating its TUN and
 * routes itself (what xlat64.service grants). Checks the process's uid and effective capabilities in /proc.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LeastPrivilegeTest
{
    private static final String NOBODY_UID = "65534";
    private static final String CAP_NET_ADMIN_ONLY = "0000000000001000";
    private static final String NO_CAPS = "0000000000000000";

    private Netns gw;
    private Path dir;
    private String classpath;

    @BeforeAll
    void up() throws IOException
    {
        assumeTrue(Netns.requireRoot(), Netns.ROOT_MESSAGE);
        assumeTrue(Shell.run("sh", "-c", "command -v setpriv && command -v unshare && getent passwd nobody").ok(),
            "needs setpriv, unshare and user nobody");
        dir = Files.createTempDirectory("xlat64-priv-");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        classpath = readableClasspath(dir);
        // A private /dev/net/tun of mode 0666 (udev's default; this machine may have 0600), in a mount namespace of
        // the test's own: unprivileged users need to open the clone device, and CAP_NET_ADMIN does not bypass modes.
        Shell.check("mknod", "-m", "666", dir.resolve("tun").toString(), "c", "10", "200");
        Files.writeString(dir.resolve("with-tun.sh"),
            "mount --bind " + dir.resolve("tun") + " /dev/net/tun\nexec \"$@\"\n");
        gw = Netns.create("xop");
    }

    @AfterAll
    void down()
    {
        if (gw != null)
        {
            gw.close();
        }
        if (dir != null)
        {
            Shell.run("rm", "-rf", dir.toString());
        }
    }

    /** The test classpath, with what nobody cannot read (e.g. jars under /root/.m2) copied into {@code into}. */
    static String readableClasspath(final Path into) throws IOException
    {
        final List<String> out = new ArrayList<>();
        int n = 0;
        for (final String entry : System.getProperty("java.class.path").split(File.pathSeparator))
        {
            final Path p = Path.of(entry);
            if (entry.startsWith("/root") && Files.isRegularFile(p))
            {
                final Path copy = into.resolve((n++) + "-" + p.getFileName());
                Files.copy(p, copy, StandardCopyOption.REPLACE_EXISTING);
                Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rw-r--r--"));
                out.add(copy.toString());
            }
            else if (!entry.startsWith("/root"))
            {
                out.add(entry);
            }
        }
        return String.join(File.pathSeparator, out);
    }

    private Shell.Background startAsNobody(final String capabilities, final String... args)
    {
        final List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", gw.name(), "unshare", "-m", "sh",
            dir.resolve("with-tun.sh").toString(), "setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"));
        if (capabilities.isEmpty())
        {
            argv.addAll(List.of("--inh-caps=-all", "--bounding-set=-all"));
        }
        else
        {
            argv.addAll(List.of("--inh-caps=+" + capabilities, "--ambient-caps=+" + capabilities,
                "--bounding-set=-all,+" + capabilities));
        }
        argv.addAll(List.of(System.getProperty("java.home") + "/bin/java", "--add-exports",
            "java.base/jdk.internal.misc=ALL-UNNAMED", "--add-opens", "java.base/java.nio=ALL-UNNAMED",
            "-cp", classpath, "dev.xlat64.cli.Xlat64", "run"));
        argv.addAll(List.of(args));
        return gw.start(argv.toArray(new String[0]));
    }

    private static void awaitTranslating(final Shell.Background p)
    {
        for (int i = 0; i < 200 && !p.errors().contains("translating on"); i++)
        {
            OpsTopology.sleep(100);
        }
        assertTrue(p.errors().contains("translating on"), p.errors() + p.output());
    }

    private static String status(final long pid, final String field) throws IOException
    {
        for (final String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status")))
        {
            if (line.startsWith(field + ":"))
            {
                return line.substring(field.length() + 1).strip();
            }
        }
        throw new AssertionError("no " + field + " in /proc/" + pid + "/status");
    }

    @Test
    void attachesWithoutAnyCapabilityToAPersistentTunItsUserOwns() throws IOException
    {
        gw.ip("tuntap", "add", "dev", "xop0", "mode", "tun", "user", "nobody");
        gw.ip("link", "set", "xop0", "mtu", "1500", "up");
        gw.ip("-6", "route", "add", "2001:db8:64::/96", "dev", "xop0");
        try (Shell.Background p = startAsNobody("", "--tun", "xop0", "--prefix", "2001:db8:64::/96", "--mtu", "1500",
            "--metrics", "127.0.0.1:9465"))
        {
            awaitTranslating(p);
            assertTrue(status(p.pid(), "Uid").startsWith(NOBODY_UID + "\t"), status(p.pid(), "Uid"));
            assertEquals(NO_CAPS, status(p.pid(), "CapEff"));
            assertEquals(NO_CAPS, status(p.pid(), "CapPrm"));
            // It reads and counts what the kernel routes into its TUN device.
            gw.exec("ping", "-6", "-c", "2", "-i", "0.2", "-W", "1", "2001:db8:64::c633:6402");
            final String metrics = gw.check("curl", "-sf", "http://127.0.0.1:9465/metrics").stdout();
            assertTrue(metrics.lines().anyMatch(l -> l.startsWith("xlat64_packets_total{") && !l.endsWith(" 0.0")),
                metrics);
        }
        finally
        {
            gw.ip("link", "del", "xop0");
        }
    }

    @Test
    void withOnlyCapNetAdminItCreatesItsTunAndRoutes() throws IOException
    {
        try (Shell.Background p = startAsNobody("net_admin", "--tun", "xop1", "--prefix", "2001:db8:64::/96",
            "--ipv4-addr", "192.0.2.1", "--manage-routes"))
        {
            awaitTranslating(p);
            // The start-up line says whether the TUN offloads are on (the TUN's owner may set them, no capability).
            assertTrue(p.errors().contains("offloads on (csum, tso4, tso6, tso_ecn"), p.errors());
            assertTrue(status(p.pid(), "Uid").startsWith(NOBODY_UID + "\t"), status(p.pid(), "Uid"));
            assertEquals(CAP_NET_ADMIN_ONLY, status(p.pid(), "CapEff"));
            assertEquals(CAP_NET_ADMIN_ONLY, status(p.pid(), "CapBnd"));
            assertTrue(gw.check("ip", "-6", "route", "show", "dev", "xop1").stdout().contains("2001:db8:64::/96"));
            assertTrue(gw.check("ip", "-4", "route", "show", "dev", "xop1").stdout().contains("192.0.2.1"));
        }
    }
}
