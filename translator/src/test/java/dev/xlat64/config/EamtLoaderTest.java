package dev.xlat64.config;

import dev.xlat64.addr.Addresses;
import dev.xlat64.addr.Eamt;
import dev.xlat64.config.Settings.Key;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** translator.eam-file / --eam-file: entries, comments, errors as file:line: message, and eam + eam-file combined. */
class EamtLoaderTest
{
    @TempDir
    Path dir;

    private Path file(final String... lines) throws IOException
    {
        final Path p = dir.resolve("eam.txt");
        Files.write(p, List.of(lines));
        return p;
    }

    private static Settings flags(final Path eamFile, final String... eam)
    {
        final Settings s = new Settings().flag(Key.EAM_FILE, eamFile.toString());
        return eam.length == 0 ? s : s.flag(Key.EAM, List.of(eam));
    }

    @Test
    void readsEntriesSkippingCommentsAndBlankLinesAndCombinesWithEam() throws IOException
    {
        final Path p = file("# SIIT-DC servers", "", "192.0.2.1=2001:db8:aaaa::1   # web",
            "  198.51.100.0/24 = 2001:db8:bbbb::/120  ", "\t203.0.113.128/25=2001:DB8:CCCC::/121\r",
            "192.0.2.2=::ffff:192.0.2.2");
        final List<String> errors = new ArrayList<>();
        final Eamt t = EamtLoader.load(flags(p, "192.0.2.3=2001:db8:dddd::3"), errors);
        assertEquals(List.of(), errors);
        assertEquals(5, t.size());
        assertEquals("192.0.2.3/32=2001:db8:dddd::3/128", t.entry(0).toString());
        assertEquals("192.0.2.1/32=2001:db8:aaaa::1/128", t.entry(1).toString());
        assertEquals("198.51.100.0/24=2001:db8:bbbb::/120", t.entry(2).toString());
        assertEquals("203.0.113.128/25=2001:db8:cccc::/121", t.entry(3).toString());
        assertEquals("192.0.2.2/32=::ffff:192.0.2.2/128",
            t.entry(4).toString().replace("::ffff:c000:202", "::ffff:192.0.2.2"));
        assertEquals(2, t.indexByIpv4(Addresses.parse4("198.51.100.9")));
    }

    @Test
    void errorsNameTheFileAndLineAndTheTableIsNotBuilt() throws IOException
    {
        final Path p = file("192.0.2.1=2001:db8:aaaa::1", "# fine", "192.0.2.300=2001:db8::1", "nonsense",
            "192.0.2.0/24=2001:db8::/124", "198.51.100.1/24=2001:db8:1::/120");
        final List<String> errors = new ArrayList<>();
        final Eamt t = EamtLoader.load(flags(p), errors);
        assertTrue(t.isEmpty());
        assertEquals(4, errors.size(), errors.toString());
        assertEquals(p + ":3: '192.0.2.300' is not an IPv4 address: 300 > 255", errors.get(0));
        assertEquals(p + ":4: 'nonsense' is not an EAM entry: expected IPV4PREFIX=IPV6PREFIX", errors.get(1));
        assertTrue(errors.get(2).startsWith(p + ":5: EAM 192.0.2.0/24 = 2001:db8::/124: the IPv6 suffix"),
            errors.get(2));
        assertEquals(p + ":6: IPv4 prefix 198.51.100.1/24 has bits set beyond its length", errors.get(3));
    }

    @Test
    void duplicatesNameTheLaterLineOrTheEamKey() throws IOException
    {
        final Path p = file("192.0.2.1=2001:db8:aaaa::1", "192.0.2.2=2001:db8:aaaa::2", "192.0.2.1=2001:db8:aaaa::3",
            "192.0.2.9=2001:db8:ffff::9");
        final List<String> errors = new ArrayList<>();
        final Eamt t = EamtLoader.load(flags(p, "192.0.2.9/32=2001:db8:eeee::9"), errors);
        assertTrue(t.isEmpty());
        assertEquals(List.of(
            p + ":3: EAM entries 192.0.2.1/32=2001:db8:aaaa::1/128 and 192.0.2.1/32=2001:db8:aaaa::3/128 have the "
                + "same IPv4 prefix",
            p + ":4: EAM entries 192.0.2.9/32=2001:db8:eeee::9/128 and 192.0.2.9/32=2001:db8:ffff::9/128 have the "
                + "same IPv4 prefix"),
            errors);
    }

    @Test
    void aMissingFileIsAnErrorOfItsKey()
    {
        final List<String> errors = new ArrayList<>();
        EamtLoader.load(flags(dir.resolve("nope.txt")), errors);
        assertEquals(1, errors.size());
        assertTrue(errors.get(0).startsWith("--eam-file: cannot read the EAM file " + dir.resolve("nope.txt")),
            errors.get(0));
    }

    @Test
    void aRelativePathInTheConfigFileIsRelativeToItsDirectory() throws IOException
    {
        Files.write(dir.resolve("servers.eam"), List.of("192.0.2.1=2001:db8:aaaa::1"));
        final Path toml = dir.resolve("gw.toml");
        Files.writeString(toml, "[translator]\neam-file = \"servers.eam\"\n");
        final GatewayConfig.Result r = GatewayConfig.from(new Settings().fromFile(ConfigFile.read(toml)));
        assertTrue(r.ok(), r.errors.toString());
        assertEquals(1, r.config.siit.mapper.eamt().size());
    }

    @Test
    void tooManyBadLinesAreCountedNotListed() throws IOException
    {
        final String[] lines = new String[100];
        java.util.Arrays.fill(lines, "bad");
        final List<String> errors = new ArrayList<>();
        EamtLoader.load(flags(file(lines)), errors);
        assertEquals(EamtLoader.MAX_ERRORS + 1, errors.size());
        assertEquals(dir.resolve("eam.txt") + ": 80 more lines with errors", errors.get(EamtLoader.MAX_ERRORS));
    }
}
