package dev.xlat64.sixrd;

import dev.xlat64.addr.SixRdDomain;
import dev.xlat64.config.ConfigFile;
import dev.xlat64.config.GatewayConfig;
import dev.xlat64.config.Settings.Key;
import dev.xlat64.config.Settings;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** 6rd domains from flags and [[sixrd.domain]] tables: validation with origins, 6rd alone or beside SIIT. */
class Rfc5969ConfigTest
{
    private static Settings flags(final String prefix, final String ipv4Prefix, final String br)
    {
        return new Settings().flag(Key.SIXRD_PREFIX, prefix).flag(Key.SIXRD_IPV4_PREFIX,
            ipv4Prefix).flag(Key.SIXRD_BR, br);
    }

    @Test
    void sixRdAloneNeedsNoSiitPrefix()
    {
        final GatewayConfig.Result r = GatewayConfig.from(flags("2001:db8::/32", "0.0.0.0/0", "203.0.113.1"));
        assertTrue(r.ok(), r.errors::toString);
        assertEquals(1, r.config.siit.sixRdDomains.size());
        final SixRdDomain d = r.config.siit.sixRdDomains.get(0);
        assertEquals(1480, d.mtu());
        assertEquals(64, d.ttl());
        assertEquals("2001:db8::/128", d.brIpv6().toString());
    }

    @Test
    void sixRdBesideSiit()
    {
        final GatewayConfig.Result r = GatewayConfig.from(flags("2001:db8::/32", "0.0.0.0/0", "203.0.113.1")
            .flag(Key.PREFIX, "64:ff9b::/96").flag(Key.SIXRD_MTU, "1400").flag(Key.SIXRD_TTL, "30"));
        assertTrue(r.ok(), r.errors::toString);
        assertEquals(1400, r.config.siit.sixRdDomains.get(0).mtu());
        assertEquals(30, r.config.siit.sixRdDomains.get(0).ttl());
        assertEquals("64:ff9b::/96", r.config.siit.mapper.prefix().prefix().toString());
    }

    @Test
    void delegatedPrefixLongerThan64IsAnErrorWithItsOrigin()
    {
        final GatewayConfig.Result r = GatewayConfig.from(flags("2001:db8::/40", "0.0.0.0/0", "203.0.113.1"));
        assertEquals(1, r.errors.size(), r.errors::toString);
        assertTrue(r.errors.get(0).startsWith("--6rd-prefix"), r.errors.get(0));
        assertTrue(r.errors.get(0).contains("/72"), r.errors.get(0));
    }

    @Test
    void missingBrIsAnError()
    {
        final GatewayConfig.Result r = GatewayConfig.from(new Settings().flag(Key.SIXRD_PREFIX, "2001:db8::/32")
            .flag(Key.SIXRD_IPV4_PREFIX, "0.0.0.0/0"));
        assertTrue(r.errors.get(0).startsWith("--6rd-br: missing"), r.errors::toString);
    }

    @Test
    void sixRdPrefixOverlappingTheSiitPrefixIsAnError()
    {
        final GatewayConfig.Result r = GatewayConfig.from(flags("2001:db8::/32", "0.0.0.0/0", "203.0.113.1")
            .flag(Key.PREFIX, "2001:db8:64::/96"));
        assertTrue(r.errors.toString().contains("overlaps the RFC 6052 prefix"), r.errors::toString);
    }

    @Test
    void tunnelMtuMustFitTheTunDevice()
    {
        final GatewayConfig.Result r = GatewayConfig.from(flags("2001:db8::/32", "0.0.0.0/0", "203.0.113.1")
            .flag(Key.SIXRD_MTU, "1481"));
        assertTrue(r.errors.toString().contains("exceeds the TUN MTU 1500"), r.errors::toString);
    }

    @Test
    void fileDomainsAreCheckedAgainstEachOtherWithLines()
    {
        final String toml = String.join("\n",
            "[[sixrd.domain]]",
            "prefix = \"2001:db8::/32\"",
            "ipv4-prefix = \"0.0.0.0/0\"",
            "br = \"203.0.113.1\"",
            "[[sixrd.domain]]",
            "prefix = \"2001:db8:100::/40\"",
            "ipv4-prefix = \"192.0.2.0/24\"",
            "br = \"203.0.113.1\"",
            "ttl = 300",
            "[[sixrd.domain]]",
            "prefix = \"2001:db8:200::/40\"",
            "ipv4-prefix = \"198.51.100.0/24\"",
            "br = \"203.0.113.9\"",
            "allow-foreign-inner-source = true",
            "typo = 1",
            "");
        final GatewayConfig.Result r = GatewayConfig.from(new Settings().fromFile(ConfigFile.parse("x.toml", toml)));
        final String all = String.join("\n", r.errors);
        assertTrue(all.contains("x.toml:9: sixrd.domain[2].ttl: must be between 1 and 255, not 300"), all);
        assertTrue(all.contains("x.toml:15: sixrd.domain[3].typo: unknown key"), all);
        assertTrue(all.contains("x.toml:6: sixrd.domain[2]: 6rd prefix 2001:db8:100::/40 overlaps 2001:db8::/32 of "
            + "x.toml:2: sixrd.domain[1]"), all);
        assertTrue(all.contains("shares BR 203.0.113.1"), all);
    }

    @Test
    void fileDomainsLoad()
    {
        final String toml = String.join("\n",
            "[[sixrd.domain]]",
            "prefix = \"2001:db8:100::/40\"",
            "ipv4-prefix = \"192.0.2.0/24\"",
            "br = \"203.0.113.1\"",
            "mtu = 1400",
            "br-ipv6 = \"2001:db8:ffff::1\"",
            "[[sixrd.domain]]",
            "prefix = \"2001:db8:200::/40\"",
            "ipv4-prefix = \"198.51.100.0/24\"",
            "br = \"203.0.113.1\"",
            "allow-foreign-inner-source = true",
            "");
        final GatewayConfig.Result r = GatewayConfig.from(new Settings().fromFile(ConfigFile.parse("x.toml", toml)));
        assertTrue(r.ok(), r.errors::toString);
        assertEquals(2, r.config.siit.sixRdDomains.size());
        assertEquals("2001:db8:ffff::1/128", r.config.siit.sixRdDomains.get(0).brIpv6().toString());
        assertTrue(r.config.siit.sixRdDomains.get(1).allowForeignInnerSource());
        // The snapshot survives the data plane's toBuilder() (reload, TUN MTU).
        assertEquals(2, r.config.siit.toBuilder().build().sixRdDomains.size());
    }

    @Test
    void ceModeNeedsTheWanAddressInTheDomain()
    {
        final GatewayConfig.Result ok = GatewayConfig.from(flags("2001:db8:100::/40", "192.0.2.0/24", "203.0.113.1")
            .flag(Key.SIXRD_WAN_IPV4, "192.0.2.130"));
        assertTrue(ok.ok(), ok.errors::toString);
        assertTrue(ok.config.siit.sixRdDomains.get(0).ceMode());
        assertEquals("2001:db8:182::/128", ok.config.siit.sixRdDomains.get(0).brIpv6().toString());
        final GatewayConfig.Result bad = GatewayConfig.from(flags("2001:db8:100::/40", "192.0.2.0/24", "203.0.113.1")
            .flag(Key.SIXRD_WAN_IPV4, "198.51.100.1"));
        assertTrue(bad.errors.get(0).startsWith("--wan-ipv4: 198.51.100.1 is outside"), bad.errors::toString);
    }
}
