package dev.xlat64.map;

import dev.xlat64.addr.Addresses;
import dev.xlat64.addr.Ipv4Prefix;
import dev.xlat64.addr.Ipv6Prefix;
import dev.xlat64.addr.Rfc6052Prefix;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RFC 7597 s.5.2 (BMR), s.5.3 (FMR), s.6 (interface ID) and the worked examples of appendix A; RFC 7599 appendix A. */
class Rfc7597MappingRuleTest
{
    private static final MapRule EXAMPLE_RULE = MapRule.of("2001:db8::/40", "192.0.2.0/24", 16);

    private static long high(final String ipv6)
    {
        return Addresses.high(Addresses.parse6(ipv6));
    }

    private static long low(final String ipv6)
    {
        return Addresses.low(Addresses.parse6(ipv6));
    }

    @Test
    void appendixAExample1BmrGivesAddressPsidAndCeAddress()
    {
        // End-user prefix 2001:db8:0012:3400::/56 -> 192.0.2.18, PSID 0x34, k = 16 - (32 - 24) = 8
        final long h = high("2001:db8:12:3400::");
        final long l = low("2001:db8:12:3400::");
        assertEquals(8, EXAMPLE_RULE.psidLength());
        assertEquals(8, EXAMPLE_RULE.suffixBits());
        assertEquals(56, EXAMPLE_RULE.endUserPrefixLength());
        assertEquals(0xc0000212, EXAMPLE_RULE.ipv4Of(h, l));
        assertEquals(0x34, EXAMPLE_RULE.psidOf(h, l));
        assertEquals(high("2001:db8:12:3400:0:c000:212:34"), EXAMPLE_RULE.addressHigh(0xc0000212, 0x34));
        assertEquals(low("2001:db8:12:3400:0:c000:212:34"), EXAMPLE_RULE.addressLow(0xc0000212, 0x34, false));
    }

    @Test
    void appendixAExample2BrDerivesTheCeFromIpv4DestinationAndPort()
    {
        // 192.0.2.18 port 1232 -> PSID 0x34 -> 2001:db8:0012:3400:0000:c000:0212:0034
        final int ipv4 = Addresses.parse4("192.0.2.18");
        final int psid = EXAMPLE_RULE.psidOfPort(1232);
        assertEquals(0x34, psid);
        assertEquals("2001:db8:12:3400:0:c000:212:34",
            MapRule.format(EXAMPLE_RULE.addressHigh(ipv4, psid), EXAMPLE_RULE.addressLow(ipv4, psid, false)));
    }

    @Test
    void rfc7599AppendixAExample2SourceThroughTheDmr()
    {
        // 10.2.3.4 with DMR 2001:db8:ffff::/64 -> 2001:db8:ffff:0:000a:0203:0400::
        final Rfc6052Prefix dmr = Rfc6052Prefix.parse("2001:db8:ffff::/64");
        assertEquals("2001:db8:ffff:0:a:203:400:0",
            Addresses.format6(dmr.embed(Addresses.bytes4(Addresses.parse4("10.2.3.4")))));
    }

    @Test
    void appendixAExample4NoEaBitsNoSharing()
    {
        // {2001:db8:0012:3400::/56, 192.0.2.18/32, 0}: 192.0.2.18, no PSID, CE 2001:db8:12:3400:0:c000:212:0
        final MapRule r = MapRule.of("2001:db8:12:3400::/56", "192.0.2.18/32", 0);
        final long h = high("2001:db8:12:3400::");
        assertEquals(0, r.psidLength());
        assertEquals(0xc0000212, r.ipv4Of(h, 0));
        assertEquals("2001:db8:12:3400:0:c000:212:0", MapRule.format(r.addressHigh(0xc0000212, 0),
            r.addressLow(0xc0000212, 0, false)));
        assertTrue(r.portAllowed(0));
    }

    @Test
    void appendixAExample5PortParametersGiveTheExplicitPsid()
    {
        // {2001:db8:0012:3400::/56, 192.0.2.18/32, 0} + PSID length 8, offset 6, PSID 0x34 (from DHCP)
        final MapRule r = new MapRule(Ipv6Prefix.parse("2001:db8:12:3400::/56"), Ipv4Prefix.parse("192.0.2.18/32"), 0,
            6, 8, 0x34, true);
        assertEquals(0x34, r.psidOf(high("2001:db8:12:3400::"), 0));
        assertEquals("2001:db8:12:3400:0:c000:212:34", MapRule.format(r.addressHigh(0xc0000212, 0x34),
            r.addressLow(0xc0000212, 0x34, false)));
        assertTrue(r.portAllowed(1232));
        assertFalse(r.portAllowed(1236), "PSID 0x35's first port");
        assertEquals("1232-1235, 2256-2259", r.portSet(0x34).rangesText().substring(0, 20));
    }

    @Test
    void ipv4PrefixCaseWhenEaBitsAreShorterThanTheIpv4Suffix()
    {
        // s.5.2 figure 4: r = 16, o = 12 < 32 - r: the CE gets 198.51.x.y/28, k = 0, the interface ID is zero-padded
        final MapRule r = MapRule.of("2001:db8:4400::/40", "198.51.0.0/16", 12);
        final long h = high("2001:db8:44ab:c000::");
        assertEquals(28, r.ceIpv4PrefixLength());
        assertEquals(0, r.psidLength());
        assertEquals(Addresses.parse4("198.51.171.192"), r.ipv4Of(h, 0));
        final int host = Addresses.parse4("198.51.171.197");
        assertEquals("2001:db8:44ab:c000:0:c633:abc0:0",
            MapRule.format(r.addressHigh(host, 0), r.addressLow(host, 0, false)));
        // MAP-T: the full IPv4 address in the interface ID, so each address of the prefix has its own IPv6 address
        assertEquals("2001:db8:44ab:c000:0:c633:abc5:0",
            MapRule.format(r.addressHigh(host, 0), r.addressLow(host, 0, true)));
    }

    @Test
    void eaBitsCrossingBit64AndAnEndUserPrefixLongerThan64()
    {
        // n = 56, o = 24 (r = 16: 16 suffix bits, 8 PSID bits): End-user prefix /80 overwrites the ID's top 16 bits
        final MapRule r = MapRule.of("2001:db8:0:ff00::/56", "198.51.0.0/16", 24);
        final int ipv4 = Addresses.parse4("198.51.18.52");
        assertEquals(8, r.psidLength());
        assertEquals(80, r.endUserPrefixLength());
        final long h = r.addressHigh(ipv4, 0x56);
        final long l = r.addressLow(ipv4, 0x56, false);
        assertEquals("2001:db8:0:ff12:3456:c633:1234:56", MapRule.format(h, l));
        assertEquals(ipv4, r.ipv4Of(h, l));
        assertEquals(0x56, r.psidOf(h, l));
    }

    @Test
    void wholeAddressAndPortInTheEaBits()
    {
        // s.5.2: o = 48 with r = 0 embeds the whole address and a 16-bit PSID: a single port per CE
        final MapRule r = new MapRule(Ipv6Prefix.parse("2001:db8::/32"), Ipv4Prefix.parse("0.0.0.0/0"), 48, 0, -1,
            MapRule.NO_PSID, true);
        assertEquals(16, r.psidLength());
        assertEquals(1, r.portSet(4242).size());
        final long h = r.addressHigh(Addresses.parse4("192.0.2.1"), 4242);
        final long l = r.addressLow(Addresses.parse4("192.0.2.1"), 4242, false);
        // End-user prefix /80: 2001:db8 | c000:0201 | 1092 (PSID 4242), then the rest of the interface ID
        assertEquals("2001:db8:c000:201:1092:c000:201:1092", MapRule.format(h, l));
        assertEquals(Addresses.parse4("192.0.2.1"), r.ipv4Of(h, l));
        assertEquals(4242, r.psidOf(h, l));
    }

    @Test
    void validationSaysWhatIsWrong()
    {
        final Ipv6Prefix v6 = Ipv6Prefix.parse("2001:db8::/40");
        final Ipv4Prefix v4 = Ipv4Prefix.parse("192.0.2.0/24");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new MapRule(v6, v4, 49, 6, -1, -1, true))
            .getMessage().contains("0..48"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new MapRule(v6, v4, 16, 6, 7, -1, true))
            .getMessage().contains("k = o - (32 - r) = 16 - 8 = 8"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new MapRule(v6, v4, 32, 6, -1, -1, true))
            .getMessage().contains("24 PSID bits"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new MapRule(v6, v4, 20, 12, -1, -1, true))
            .getMessage().contains("exceed the 16 bits"));
        assertTrue(assertThrows(IllegalArgumentException.class,
            () -> new MapRule(Ipv6Prefix.parse("2001:db8::/96"), v4, 40, 6, -1, -1, true))
            .getMessage().contains("128"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new MapRule(v6, v4, 4, 6, 4, 1, true))
            .getMessage().contains("has no port set"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new MapRule(v6, v4, 8, 6, 4, -1, true))
            .getMessage().contains("needs an explicit PSID"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new MapRule(v6, v4, 16, 6, -1, 3, true))
            .getMessage().contains("comes from the EA bits"));
    }

    @Test
    void ruleTableSelectsByLongestMatchOnBothSides()
    {
        final MapRule wide = MapRule.of("2001:db8::/40", "192.0.2.0/24", 16);
        final MapRule narrow = MapRule.of("2001:db8:100::/48", "198.51.100.0/24", 8);
        final MapRule ce1 = new MapRule(Ipv6Prefix.parse("2001:db8:ff00:100::/56"), Ipv4Prefix.parse("203.0.113.7/32"),
            0, 6, 2, 1, true);
        final MapRule ce2 = new MapRule(Ipv6Prefix.parse("2001:db8:ff00:200::/56"), Ipv4Prefix.parse("203.0.113.7/32"),
            0, 6, 2, 2, true);
        final MapRuleTable t = MapRuleTable.of(wide, narrow, ce1, ce2);
        assertEquals(narrow, t.ruleForIpv6(high("2001:db8:100:1::"), 0));
        assertEquals(wide, t.ruleForIpv6(high("2001:db8:12:3400::"), 0));
        assertEquals(null, t.ruleForIpv6(high("2001:db9::"), 0));
        assertEquals(wide, t.ruleForIpv4(Addresses.parse4("192.0.2.18")));
        assertEquals(null, t.ruleForIpv4(Addresses.parse4("10.0.0.1")));
        // PSID 1 of k = 2, a = 6: the ports with bits 6-7 = 01, e.g. 0x0400 + 0x100 = 1280
        assertEquals(ce1, t.ruleForIpv4(Addresses.parse4("203.0.113.7"), 1280));
        assertEquals(ce2, t.ruleForIpv4(Addresses.parse4("203.0.113.7"), 1536));
        assertEquals(null, t.ruleForIpv4(Addresses.parse4("203.0.113.7"), 1024), "PSID 0: nobody's");
        assertEquals(null, t.ruleForIpv4(Addresses.parse4("203.0.113.7"), 80), "A = 0: excluded");
    }

    @Test
    void ruleTableRejectsAmbiguousRules()
    {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> MapRuleTable.of(
            MapRule.of("2001:db8::/40", "192.0.2.0/24", 16), MapRule.of("2001:db8:100::/40", "192.0.2.128/25", 15)))
            .getMessage().contains("overlapping Rule IPv4 prefixes"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> MapRuleTable.of(
            MapRule.of("2001:db8::/40", "192.0.2.0/24", 16), MapRule.of("2001:db8::/40", "198.51.100.0/24", 16)))
            .getMessage().contains("the same Rule IPv6 prefix"));
    }
}
