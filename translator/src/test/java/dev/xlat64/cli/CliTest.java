package dev.xlat64.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CLI as an operator meets it: help, exit codes, check-config and the map calculator. */
class CliTest extends CliHarness
{
    @Test
    void helpListsTheCommands()
    {
        assertEquals(0, run("--help"));
        for (final String c : new String[] {"run", "check-config", "map", "demo"})
        {
            assertTrue(out.toString().contains("  " + c), out.toString());
        }
    }

    @Test
    void mapTranslatesBothWaysWithTheDataPlaneCode()
    {
        assertEquals(0, run("map", "--prefix", "2001:db8:122:344::/64", "192.0.2.33", "2001:db8:122:344:c0:2:2100:0"));
        assertTrue(out.toString().contains("192.0.2.33 -> 2001:db8:122:344:c0:2:2100:0"), out.toString());
        assertTrue(out.toString().contains("2001:db8:122:344:c0:2:2100:0 -> 192.0.2.33"), out.toString());
    }

    @Test
    void mapExplainsWhatDoesNotTranslate()
    {
        assertEquals(1, run("map", "--prefix", "64:ff9b::/96", "10.0.0.1"));
        assertTrue(out.toString().contains("RFC 6052 s.3.1"), out.toString());
    }

    @Test
    void mapAnswersUntranslatableForDenylistedAndUOctetAddresses()
    {
        assertEquals(1, run("map", "--prefix", "2001:db8:64::/96", "2001:db8:64::ffff:ffff", "2001:db8:64::7f00:1",
            "2001:db8:64::e000:1", "0.0.0.1"));
        assertEquals(4, out.toString().split("untranslatable: IPv4 address in the denylist", -1).length - 1,
            out.toString());
        assertEquals(1, run("map", "--prefix", "2001:db8::/64", "2001:db8:0:0:ff01:203:400:0"));
        assertTrue(out.toString().contains("2001:db8:0:0:ff01:203:400:0 -> (untranslatable"), out.toString());
        assertEquals(0, run("map", "--prefix", "2001:db8:64::/96", "--ipv4-denylist", "none", "2001:db8:64::7f00:1"));
        assertTrue(out.toString().contains("2001:db8:64::7f00:1 -> 127.0.0.1"), out.toString());
    }

    @Test
    void mapRefusesAPrefixWithANonZeroUOctet()
    {
        assertEquals(2, run("map", "--prefix", "2001:db8:0:0:ff00::/96", "192.0.2.1"));
        assertTrue(err.toString().contains("u octet"), err.toString());
    }

    @Test
    void checkConfigReadsTheIpv4Denylist(@TempDir final Path dir) throws Exception
    {
        final Path f = dir.resolve("x.toml");
        Files.writeString(f, "[translator]\nprefix = \"64:ff9b::/96\"\nipv4-denylist = []\n");
        assertEquals(0, run("check-config", f.toString()));
        Files.writeString(f, "[translator]\nprefix = \"64:ff9b::/96\"\nipv4-denylist = [\"10.0.0.1/8\"]\n");
        assertEquals(2, run("check-config", f.toString()));
        assertTrue(err.toString().contains(f + ":3: translator.ipv4-denylist:"), err.toString());
        Files.writeString(f, "[translator]\nprefix = \"2001:db8:0:0:ff00::/96\"\n");
        assertEquals(2, run("check-config", f.toString()));
        assertTrue(err.toString().contains(f + ":2: translator.prefix:"), err.toString());
    }

    @Test
    void checkConfigAcceptsAGoodFile(@TempDir final Path dir) throws Exception
    {
        final Path f = dir.resolve("x.toml");
        Files.writeString(f, "[translator]\nprefix = \"64:ff9b::/96\"\n");
        assertEquals(0, run("check-config", f.toString()));
        assertTrue(out.toString().contains("OK"), out.toString());
    }

    @Test
    void checkConfigReportsErrorsWithExitCode2(@TempDir final Path dir) throws Exception
    {
        final Path f = dir.resolve("x.toml");
        Files.writeString(f, "[translator]\nprefix = \"64:ff9b::/97\"\n");
        assertEquals(2, run("check-config", f.toString()));
        assertTrue(err.toString().contains(f + ":2: translator.prefix:"), err.toString());
    }

    @Test
    void runRejectsABadFlagBeforeTouchingTheSystem()
    {
        assertEquals(2, run("run", "--prefix", "2001:db8::/33"));
        assertTrue(err.toString().contains("--prefix: RFC 6052 section 2.2"), err.toString());
    }

    @Test
    void reloadAndDrainNameAMissingPidfileAndExit1(@TempDir final Path dir)
    {
        final Path pidfile = dir.resolve("xlat64.pid");
        assertEquals(1, run("reload", "--pidfile", pidfile.toString()));
        assertEquals(1, run("drain", "--pidfile", pidfile.toString()));
        final String expected =
            "xlat64: " + pidfile + ": no pidfile (is xlat64 running with --pidfile " + pidfile + "?)";
        assertEquals(2, err.toString().split(Pattern.quote(expected), -1).length - 1, err.toString());
    }

    @Test
    void drainRefusesAProcessGroupAsPid()
    {
        // kill(-1, sig) would signal every process we may signal; kill(0, sig) our own group.
        assertEquals(1, run("drain", "--pid", "-1"));
        assertEquals(1, run("drain", "--pid", "0"));
        assertTrue(err.toString().contains("xlat64: --pid -1: not a process id"), err.toString());
        assertTrue(err.toString().contains("xlat64: --pid 0: not a process id"), err.toString());
    }
}
