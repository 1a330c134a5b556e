package dev.xlat64.dns64.e2e;

import dev.xlat64.config.ConfigFile;
import dev.xlat64.dns64.Dns64Config;
import dev.xlat64.dns64.Server;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * RFC 6147 section 5.1.5 against a real upstream that does not chase: unbound answering two zones authoritatively
 * returns {@code cname.test.example. CNAME a-only.two.example.} alone. dig asks xlat64's DNS64 and gets the chain with
 * the synthesized AAAA of the target.
 */
class CnameChaseEndToEndTest
{
    private static final String ONE = Unbound.TEST_ZONE_HEAD + "cname IN CNAME a-only.two.example.\n";
    private static final String TWO = String.join("\n",
        "$ORIGIN two.example.",
        "$TTL 300",
        "@ 3600 IN SOA ns admin 1 3600 600 86400 120",
        "@ IN NS ns",
        "ns IN A 127.0.0.1",
        "a-only IN A 192.0.2.33",
        "");

    @TempDir
    static Path dir;

    @Test
    void digGetsTheChainAndTheSynthesizedAaaaOfItsTarget() throws Exception
    {
        try (Unbound unbound = new Unbound(dir, true, "", "test.example.", ONE, "two.example.", TWO))
        {
            final String port = String.valueOf(unbound.port);
            // The upstream itself stops at the CNAME.
            final String direct = Tools.run("dig", "@127.0.0.1", "-p", port, "+time=2", "+tries=1",
                "cname.test.example.", "AAAA", "+noall", "+answer");
            assertEquals(1, Unbound.lines(direct.strip()).size(), direct);
            final ConfigFile file = ConfigFile.parse("e2e.toml", "[translator]\nprefix = \"2001:db8:64::/96\"\n" +
                "[dns64]\nlisten = [\"127.0.0.1:0\"]\nupstream = [\"" + unbound.address() + "\"]\n");
            try (Server dns64 = Server.start(Dns64Config.load(file, new Dns64Config.Overrides()),
                new SimpleMeterRegistry()))
            {
                final String at = String.valueOf(dns64.udpAddresses().get(0).getPort());
                final String out = Tools.run("dig", "@127.0.0.1", "-p", at, "+time=2", "+tries=2",
                    "cname.test.example.", "AAAA", "+noall", "+answer");
                assertTrue(out.contains("IN\tCNAME\ta-only.two.example."), out);
                assertTrue(out.contains("a-only.two.example.") && out.contains("AAAA\t2001:db8:64::c000:221"), out);
                // RFC 6147 section 5.1.7: min(A TTL 300, the negative TTL of the AAAA NODATA: min(3600, 120)).
                assertTrue(out.contains("a-only.two.example.\t120\tIN\tAAAA"), out);
                final String tcp = Tools.run("kdig", "@127.0.0.1", "-p", at, "+tcp", "+short",
                    "cname.test.example.", "AAAA");
                assertEquals("a-only.two.example.\n2001:db8:64::c000:221\n", tcp);
            }
        }
    }
}
