package dev.xlat64.ops;

import dev.xlat64.cli.Xlat64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code xlat64 import-tayga}: Debian's sample tayga.conf and one with map lines become configs check-config accepts.
 */
class ImportTaygaTest
{
    /** /etc/tayga.conf as the Debian package tayga 0.9.2 ships it. */
    private static final Path DEBIAN_SAMPLE = Path.of("src/test/resources/tayga/debian-tayga.conf");

    private record Run(int code, String out, String err)
    {
    }

    private static Run xlat64(final String... args)
    {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final CommandLine cl = Xlat64.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        final int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void debianSampleConvertsToAValidConfig(@TempDir final Path dir)
    {
        final Path toml = dir.resolve("xlat64.toml");
        final Run r = xlat64("import-tayga", DEBIAN_SAMPLE.toString(), "--output", toml.toString());
        assertEquals(0, r.code(), r.toString());
        final Run check = xlat64("check-config", toml.toString());
        assertEquals(0, check.code(), check.toString());
        assertTrue(check.out().contains("tun nat64, 1 queue(s), prefix 2001:db8:1:ffff::/96, 0 EAM entries"),
            check.out());
    }

    @Test
    void debianSampleWarnsThatTheDynamicPoolAndDataDirDoNotCarryOver()
    {
        final Run r = xlat64("import-tayga", DEBIAN_SAMPLE.toString());
        assertTrue(r.err().contains("debian-tayga.conf:77: dynamic-pool 192.168.255.0/24 is not supported: xlat64 is " +
            "stateless only"), r.err());
        assertTrue(r.err().contains("debian-tayga.conf:87: data-dir ignored"), r.err());
    }

    @Test
    void ipv6AddrDefaultsAsInTaygaToIpv4AddrInThePrefix()
    {
        final Run r = xlat64("import-tayga", DEBIAN_SAMPLE.toString());
        assertTrue(r.out().contains("\nipv6-addr = \"2001:db8:1:ffff::c0a8:ff01\"\n"), r.out());
        assertTrue(r.out().contains("\nname = \"nat64\"\n"), r.out());
    }

    @Test
    void mapLinesBecomeEamEntries(@TempDir final Path dir) throws IOException
    {
        final Path conf = dir.resolve("tayga.conf");
        Files.writeString(conf, String.join("\n",
            "tun-device nat64",
            "ipv4-addr 192.0.2.1",
            "ipv6-addr 2001:db8:ffff::1",
            "prefix 2001:db8:64::/96",
            "map 192.0.2.10 2001:db8:1::10",
            "map 192.0.2.32/28 2001:db8:2::/124",
            "strict-frag-hdr on",
            "wkpf-strict off",
            ""));
        final Path toml = dir.resolve("xlat64.toml");
        final Run r = xlat64("import-tayga", conf.toString(), "-o", toml.toString());
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.err().contains("tayga.conf:7: strict-frag-hdr not carried over"), r.err());
        final String text = Files.readString(toml);
        assertTrue(text.contains("\"192.0.2.10/32=2001:db8:1::10/128\""), text);
        assertTrue(text.contains("\"192.0.2.32/28=2001:db8:2::/124\""), text);
        assertTrue(text.contains("\nwkp-strict = false\n"), text);
        final Run check = xlat64("check-config", toml.toString());
        assertEquals(0, check.code(), check.toString());
        assertTrue(check.out().contains("2 EAM entries"), check.out());
    }

    @Test
    void anInvalidResultIsReportedWithExitCode2(@TempDir final Path dir) throws IOException
    {
        final Path conf = dir.resolve("tayga.conf");
        Files.writeString(conf, "tun-device nat64\nipv4-addr 192.0.2.1\nprefix 2001:db8:64::/77\n");
        final Run r = xlat64("import-tayga", conf.toString());
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("error: "), r.err());
    }
}
