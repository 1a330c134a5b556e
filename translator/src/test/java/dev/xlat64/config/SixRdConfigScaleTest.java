package dev.xlat64.config;

import dev.xlat64.config.Settings.Key;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * RFC 5969 domains at scale: thousands of [[sixrd.domain]] tables are checked against each other and the EAM table by
 * prefix tables, not pairwise, and an overlap is still found in every direction (docs/tables.md).
 */
class SixRdConfigScaleTest
{
    private static String domains(final int n, final String extra)
    {
        final StringBuilder toml = new StringBuilder("[translator]\nprefix = \"64:ff9b::/96\"\n");
        for (int i = 0; i < n; i++)
        {
            toml.append("[[sixrd.domain]]\nprefix = \"2001:db8:").append(Integer.toHexString(0x4000 + i))
                .append("::/48\"\nipv4-prefix = \"10.").append(i >>> 8).append('.').append(i & 255)
                .append(".0/24\"\nbr = \"203.0.113.6\"\n");
        }
        return toml.append(extra).toString();
    }

    @Test
    void manyDisjointDomainsLoad()
    {
        final GatewayConfig.Result r = GatewayConfig.from(new Settings().fromFile(ConfigFile.parse("x.toml",
            domains(3_000, ""))));
        assertTrue(r.ok(), () -> r.errors.subList(0, Math.min(5, r.errors.size())).toString());
        assertEquals(3_000, r.config.siit.sixRdDomains.size());
    }

    @Test
    void overlapsAmongManyDomainsAreFound()
    {
        // domain 1001 repeats domain 3's 6rd prefix's /56 and domain 7's BR and CE prefix
        final String extra = "[[sixrd.domain]]\nprefix = \"2001:db8:4003:100::/56\"\n" +
            "ipv4-prefix = \"10.0.7.128/25\"\nbr = \"203.0.113.6\"\n";
        final GatewayConfig.Result r = GatewayConfig.from(new Settings().fromFile(ConfigFile.parse("x.toml",
            domains(1_000, extra))));
        final String all = String.join("\n", r.errors);
        assertEquals(2, r.errors.size(), all);
        assertTrue(all.contains("sixrd.domain[1001]: 6rd prefix 2001:db8:4003:100::/56 overlaps 2001:db8:4003::/48 " +
            "of x.toml:16: sixrd.domain[4]"), all);
        assertTrue(all.contains("sixrd.domain[1001]: shares BR 203.0.113.6 with x.toml:32: sixrd.domain[8] and " +
            "their IPv4 prefixes overlap (10.0.7.128/25, 10.0.7.0/24)"), all);
    }

    @Test
    void anEamEntryInsideOrAroundADomainIsAnOverlap()
    {
        final Settings s = new Settings().fromFile(ConfigFile.parse("x.toml", domains(100, "")))
            .flag(Key.EAM, List.of("192.0.2.1=2001:db8:4005:1::1", "192.0.2.0/28=2001:db8:4000::/47"));
        final List<String> errors = GatewayConfig.from(s).errors;
        final String all = String.join("\n", errors);
        assertTrue(all.contains("sixrd.domain[6]: 6rd prefix 2001:db8:4005::/48 overlaps the EAM entry " +
            "192.0.2.1/32=2001:db8:4005:1::1/128"), all);
        assertTrue(all.contains("sixrd.domain[1]: 6rd prefix 2001:db8:4000::/48 overlaps the EAM entry " +
            "192.0.2.0/28=2001:db8:4000::/47"), all);
    }

    @Test
    void aDomainFileAddsTenThousandDomainsWithoutToml(@TempDir final Path dir) throws IOException
    {
        final StringBuilder lines = new StringBuilder("# PREFIX IPV4-PREFIX BR [options]\n\n");
        for (int i = 0; i < 10_000; i++)
        {
            lines.append("2001:db8:").append(Integer.toHexString(0x4000 + i)).append("::/48 10.").append(i >>> 8)
                .append('.').append(i & 255).append(".0/24 203.0.113.6").append(i == 0 ? " mtu=1400 ttl=9" : "")
                .append('\n');
        }
        Files.writeString(dir.resolve("domains.txt"), lines);
        final String toml = "[translator]\nprefix = \"64:ff9b::/96\"\n[sixrd]\ndomain-file = \"domains.txt\"\n" +
            "[[sixrd.domain]]\nprefix = \"2001:db8:fe00::/48\"\nipv4-prefix = \"198.51.100.0/24\"\n" +
            "br = \"203.0.113.6\"\n";
        final Path config = dir.resolve("gw.toml");
        final GatewayConfig.Result r = GatewayConfig.from(new Settings().fromFile(ConfigFile.parse(config.toString(),
            toml)));
        assertTrue(r.ok(), () -> r.errors.subList(0, Math.min(5, r.errors.size())).toString());
        assertEquals(10_001, r.config.siit.sixRdDomains.size());
        assertEquals("2001:db8:fe00::/48", r.config.siit.sixRdDomains.get(0).prefix().toString(), "tables first");
        assertEquals(1400, r.config.siit.sixRdDomains.get(1).mtu());
        assertEquals(9, r.config.siit.sixRdDomains.get(1).ttl());

        Files.writeString(dir.resolve("domains.txt"), "2001:db8:4000::/48 10.0.0.0/24\n" +
            "2001:db8:4001::/48 10.0.1.0/24 203.0.113.6 colour=blue\n2001:db8:fe00:100::/56 10.0.2.0/24 203.0.113.6\n");
        final String all = String.join("\n", GatewayConfig.from(new Settings().fromFile(ConfigFile.parse(
            config.toString(), toml))).errors);
        final String file = dir.resolve("domains.txt").toString();
        assertTrue(all.contains(file + ":1: expected PREFIX IPV4-PREFIX BR"), all);
        assertTrue(all.contains(file + ":2: unknown option 'colour=blue'"), all);
        assertTrue(all.contains(file + ":3: 6rd prefix 2001:db8:fe00:100::/56 overlaps 2001:db8:fe00::/48 of "), all);
    }
}
