package dev.xlat64.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** EAM files from the CLI: {@code map --eam-file}, and {@code import-tayga} writing many map lines into one. */
class EamFileCliTest extends CliHarness
{
    @TempDir
    Path dir;

    @Test
    void mapReadsAnEamFile() throws IOException
    {
        final Path eam = dir.resolve("servers.eam");
        final List<String> lines = new ArrayList<>();
        for (int i = 0; i < 5000; i++)
        {
            lines.add("10.0." + (i >> 8) + "." + (i & 0xFF) + "=2001:db8:100::" + Integer.toHexString(i));
        }
        lines.add("192.0.2.0/24=2001:db8:aaaa::/120");
        Files.write(eam, lines);
        assertEquals(0, run("map", "--eam-file", eam.toString(), "10.0.19.135", "2001:db8:aaaa::21"));
        assertTrue(out.toString().contains("10.0.19.135 -> 2001:db8:100::1387"), out.toString());
        assertTrue(out.toString().contains("2001:db8:aaaa::21 -> 192.0.2.33"), out.toString());
    }

    @Test
    void mapReportsABadEamFileByLine() throws IOException
    {
        final Path eam = dir.resolve("bad.eam");
        Files.write(eam, List.of("# one bad line", "192.0.2.1=2001:db8:zz::1"));
        assertEquals(2, run("map", "--eam-file", eam.toString(), "192.0.2.1"));
        assertTrue(err.toString().contains(eam + ":2: '2001:db8:zz::1' is not an IPv6 address"), err.toString());
    }

    @Test
    void importTaygaWritesManyMapLinesIntoAnEamFileNextToTheToml() throws IOException
    {
        final List<String> conf = new ArrayList<>(List.of("tun-device nat64", "ipv4-addr 192.0.2.1",
            "prefix 2001:db8:64::/96"));
        final int maps = ImportTaygaCommand.EAM_FILE_THRESHOLD + 1;
        for (int i = 0; i < maps; i++)
        {
            conf.add("map 198.51.100." + i + " 2001:db8:1::" + Integer.toHexString(i + 1));
        }
        final Path tayga = dir.resolve("tayga.conf");
        Files.write(tayga, conf);
        final Path toml = dir.resolve("xlat64.toml");
        assertEquals(0, run("import-tayga", tayga.toString(), "--output", toml.toString()), err.toString());
        final String text = Files.readString(toml);
        assertTrue(text.contains("eam-file = \"xlat64.eam\""), text);
        assertTrue(!text.contains("eam = ["), text);
        final List<String> eam = Files.readAllLines(dir.resolve("xlat64.eam"));
        assertEquals(maps + 1, eam.size());
        assertEquals("198.51.100.0/32=2001:db8:1::1/128", eam.get(1));
        assertEquals(0, run("check-config", toml.toString()), err.toString());
        assertTrue(out.toString().contains((maps) + " EAM entries"), out.toString());
    }

    @Test
    void importTaygaKeepsFewMapLinesInTheToml() throws IOException
    {
        final Path tayga = dir.resolve("tayga.conf");
        Files.write(tayga, List.of("tun-device nat64", "ipv4-addr 192.0.2.1", "prefix 2001:db8:64::/96",
            "map 198.51.100.1 2001:db8:1::1"));
        final Path toml = dir.resolve("xlat64.toml");
        assertEquals(0, run("import-tayga", tayga.toString(), "--output", toml.toString()), err.toString());
        assertTrue(Files.readString(toml).contains("eam = [\n  \"198.51.100.1/32=2001:db8:1::1/128\"\n]"));
        assertTrue(!Files.exists(dir.resolve("xlat64.eam")));
    }
}
