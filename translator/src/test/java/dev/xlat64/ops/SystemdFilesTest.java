package dev.xlat64.ops;

import dev.xlat64.cli.Xlat64;
import dev.xlat64.config.Settings;
import dev.xlat64.e2e.Shell;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The files in systemd/: the example config is valid and complete, and the units pass {@code systemd-analyze verify}.
 */
class SystemdFilesTest
{
    static final Path SYSTEMD = Path.of("..", "systemd").toAbsolutePath().normalize();
    static final Path EXAMPLE = SYSTEMD.resolve("xlat64.toml");
    private static final Pattern TABLE = Pattern.compile("^#?\\s*\\[{1,2}([a-z0-9-]+)(\\.[a-z0-9.-]+)?]{1,2}\\s*$");
    // A key's table is the first part of the header: [[sixrd.domain]] holds the sixrd.* keys.
    private static final Pattern KEY = Pattern.compile("^#?\\s*([a-z0-9-]+)\\s*=");

    @Test
    void exampleConfigPassesCheckConfig()
    {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final CommandLine cl = Xlat64.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        final int code = cl.execute("check-config", EXAMPLE.toString());
        assertEquals(0, code, out + "" + err);
        assertTrue(out.toString().contains("OK"), out.toString());
    }

    @Test
    void exampleConfigListsEverySettingInItsTable() throws IOException
    {
        final List<String> seen = new ArrayList<>();
        String table = "";
        for (final String line : Files.readAllLines(EXAMPLE))
        {
            final Matcher t = TABLE.matcher(line.trim());
            if (t.matches())
            {
                table = t.group(1);
                continue;
            }
            final Matcher k = KEY.matcher(line.trim());
            if (k.find())
            {
                seen.add(table + "." + k.group(1));
            }
        }
        final List<String> missing = new ArrayList<>();
        for (final Settings.Key key : Settings.Key.values())
        {
            if (!seen.contains(key.dotted()))
            {
                missing.add(key.dotted());
            }
        }
        assertEquals(List.of(), missing, "keys missing from " + EXAMPLE + " (add them, commented when optional)");
    }

    @Test
    void exampleConfigManagesRoutes() throws IOException
    {
        assertTrue(Files.readString(EXAMPLE).contains("\nmanage-routes = true\n"));
    }

    @Test
    void unitsPassSystemdAnalyzeVerify(@TempDir final Path dir) throws IOException
    {
        assumeTrue(Shell.run("sh", "-c", "command -v systemd-analyze").ok(), "systemd-analyze is not installed");
        // verify insists that ExecStart= binaries exist: point /usr/bin/xlat64 at a stand-in, change nothing else.
        final Path fake = dir.resolve("xlat64");
        Files.writeString(fake, "#!/bin/sh\nexit 0\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
        final List<String> argv = new ArrayList<>(List.of("systemd-analyze", "verify"));
        for (final String unit : List.of("xlat64.service", "xlat64-dns64.service", "xlat64-clat.service"))
        {
            final String text = Files.readString(SYSTEMD.resolve(unit));
            assertTrue(text.contains("ExecStart=/usr/bin/xlat64 "), unit);
            final Path copy = dir.resolve(unit);
            Files.writeString(copy, text.replace("/usr/bin/xlat64", fake.toString()));
            argv.add(copy.toString());
        }
        final Shell.Result r = Shell.run(argv.toArray(new String[0]));
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("", r.stderr().strip(), r.toString());
    }

    @Test
    void translatorUnitExposureStaysLow(@TempDir final Path dir) throws IOException
    {
        assumeTrue(Shell.run("sh", "-c", "command -v systemd-analyze").ok(), "systemd-analyze is not installed");
        final Path fake = dir.resolve("xlat64");
        Files.writeString(fake, "#!/bin/sh\nexit 0\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
        final Path unit = dir.resolve("xlat64.service");
        Files.writeString(unit, Files.readString(SYSTEMD.resolve("xlat64.service")).replace("/usr/bin/xlat64",
            fake.toString()));
        // systemd's own score, 0 (locked down) to 10 (exposed); 2.2 when written. Fails above 3.0.
        final Shell.Result r = Shell.run("systemd-analyze", "security", "--offline=true", "--threshold=30",
            unit.toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.stdout().contains("Overall exposure level for xlat64.service"), r.toString());
    }

    @Test
    void translatorUnitIsNotifyTypeWithOnlyTheNeededCapabilities() throws IOException
    {
        final String unit = Files.readString(SYSTEMD.resolve("xlat64.service"));
        assertTrue(unit.contains("\nType=notify\n"));
        assertTrue(unit.contains("\nExecReload=/bin/kill -HUP $MAINPID\n"));
        assertTrue(unit.contains("\nCapabilityBoundingSet=CAP_NET_ADMIN CAP_NET_BIND_SERVICE\n"));
        assertTrue(unit.contains("\nAmbientCapabilities=CAP_NET_ADMIN CAP_NET_BIND_SERVICE\n"));
        assertTrue(unit.contains("\nDeviceAllow=/dev/net/tun rw\n"));
        assertTrue(unit.contains("\nRestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK\n"));
        assertTrue(unit.contains("\nNoNewPrivileges=yes\n"));
    }

    @Test
    void clatUnitRunsXlat64ClatWithNetAdminAndNetRawOnly() throws IOException
    {
        final String unit = Files.readString(SYSTEMD.resolve("xlat64-clat.service"));
        assertTrue(unit.contains("\nType=notify\n"));
        assertTrue(unit.contains("\nExecStart=/usr/bin/xlat64 clat "));
        assertTrue(unit.contains("\nAfter=network-online.target\n"));
        assertTrue(unit.contains("\nCapabilityBoundingSet=CAP_NET_ADMIN CAP_NET_RAW\n"));
        assertTrue(unit.contains("\nAmbientCapabilities=CAP_NET_ADMIN CAP_NET_RAW\n"));
        assertTrue(unit.contains("\nDeviceAllow=/dev/net/tun rw\n"));
        assertTrue(unit.contains("\nProtectKernelTunables=no\n"), "the CLAT sets and restores net.ipv6 sysctls");
        assertTrue(unit.contains("\nNoNewPrivileges=yes\n"));
    }
}
