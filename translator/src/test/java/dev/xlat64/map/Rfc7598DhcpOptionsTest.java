package dev.xlat64.map;

import dev.xlat64.addr.Addresses;
import dev.xlat64.addr.Ipv4Prefix;
import dev.xlat64.addr.Ipv6Prefix;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** RFC 7598 s.4-5 (DHCPv6 S46 options) and RFC 7618 s.9 (DHCPv4 option 159), byte for byte from the figures. */
class Rfc7598DhcpOptionsTest
{
    private static final MapRule RULE = MapRule.of("2001:db8::/40", "192.0.2.0/24", 16);

    @Test
    void s41RuleOptionOfTheAppendixARule()
    {
        // code 89, length 13: flags F=1, ea-len 16, prefix4-len 24, 192.0.2.0, prefix6-len 40, 5 octets of 2001:db8::
        assertEquals("0059" + "000d" + "01" + "10" + "18" + "c0000200" + "28" + "20010db800",
            DhcpOptions.hex(DhcpOptions.rule(RULE, PortSet.DEFAULT_MAP_OFFSET)));
    }

    @Test
    void s41BmrOnlyClearsTheFFlagAndAnOddPrefixIsPaddedToAnOctet()
    {
        final MapRule r = new MapRule(Ipv6Prefix.parse("2001:db8:8000::/33"), Ipv4Prefix.parse("198.51.100.0/24"), 8,
            6, -1, MapRule.NO_PSID, false);
        // 33 bits -> 5 octets, the last one 0x80; ea-len 8; no PSID so no port parameters
        assertEquals("0059" + "000d" + "00" + "08" + "18" + "c6336400" + "21" + "20010db880",
            DhcpOptions.hex(DhcpOptions.rule(r, PortSet.DEFAULT_MAP_OFFSET)));
    }

    @Test
    void s41RuleWithExplicitPsidCarriesPortParameters()
    {
        // appendix A example 5: {2001:db8:12:3400::/56, 192.0.2.18/32, 0}, offset 6, PSID length 8, PSID 0x34
        final MapRule r = new MapRule(Ipv6Prefix.parse("2001:db8:12:3400::/56"), Ipv4Prefix.parse("192.0.2.18/32"), 0,
            6, 8, 0x34, true);
        // length 15 + 8 (the port parameters option inside)
        assertEquals("0059" + "0017" + "01" + "00" + "20" + "c0000212" + "38" + "20010db8001234" +
            "005d" + "0004" + "06" + "08" + "3400", DhcpOptions.hex(DhcpOptions.rule(r, PortSet.DEFAULT_MAP_OFFSET)));
    }

    @Test
    void s41NonDefaultOffsetIsSentAsPortParametersWithoutAPsid()
    {
        final MapRule r = new MapRule(Ipv6Prefix.parse("2001:db8::/40"), Ipv4Prefix.parse("192.0.2.0/24"), 16, 4, -1,
            MapRule.NO_PSID, true);
        assertEquals("0059" + "0015" + "01" + "10" + "18" + "c0000200" + "28" + "20010db800" +
            "005d" + "0004" + "04" + "00" + "0000", DhcpOptions.hex(DhcpOptions.rule(r, PortSet.DEFAULT_MAP_OFFSET)));
    }

    @Test
    void s42BrOption()
    {
        assertEquals("005a" + "0010" + "20010db8ffff00000000000000000001",
            DhcpOptions.hex(DhcpOptions.br(Addresses.parse6("2001:db8:ffff::1"))));
    }

    @Test
    void s43DmrOption()
    {
        // code 91, length 1 + 8: dmr-prefix6-len 64, 2001:db8:ffff:0
        assertEquals("005b" + "0009" + "40" + "20010db8ffff0000",
            DhcpOptions.hex(DhcpOptions.dmr(Ipv6Prefix.parse("2001:db8:ffff::/64"))));
    }

    @Test
    void s44BindingOptionWithPortParameters()
    {
        // code 92, length 4 + 1 + 7 + 8: 192.0.2.1, /56, 2001:db8:12:34, then option 93 (offset 0, k 8, PSID 0x34)
        assertEquals("005c" + "0014" + "c0000201" + "38" + "20010db8001234" + "005d" + "0004" + "00" + "08" + "3400",
            DhcpOptions.hex(DhcpOptions.v4v6Bind(Addresses.parse4("192.0.2.1"),
                Ipv6Prefix.parse("2001:db8:12:3400::/56"), new PortSet(0, 8, 0x34))));
    }

    @Test
    void s45PortParametersAreLeftAligned()
    {
        // PSID-len 6, PSID 0x2d = 101101b -> 1011 0100 0000 0000 = 0xb400
        assertEquals("005d" + "0004" + "06" + "06" + "b400", DhcpOptions.hex(DhcpOptions.portParams(6, 6, 0x2d)));
        assertEquals("005d" + "0004" + "00" + "10" + "ffff", DhcpOptions.hex(DhcpOptions.portParams(0, 16, 0xffff)));
        assertThrows(IllegalArgumentException.class, () -> DhcpOptions.portParams(6, 4, 16));
    }

    @Test
    void s5ContainersWrapTheirOptions()
    {
        // 95 (MAP-T) around RULE (17 bytes) and DMR (13 bytes): length 30
        assertEquals("005f" + "001e" + "0059000d011018c00002002820010db800" + "005b00094020010db8ffff0000",
            DhcpOptions.hex(DhcpOptions.container(DhcpOptions.OPTION_S46_CONT_MAPT, DhcpOptions.rule(RULE, 6),
                DhcpOptions.dmr(Ipv6Prefix.parse("2001:db8:ffff::/64")))));
        // 94 (MAP-E) around RULE and BR (20 bytes): length 37
        assertEquals("005e" + "0025" + "0059000d011018c00002002820010db800"
            + "005a001020010db8ffff00000000000000000001",
            DhcpOptions.hex(DhcpOptions.container(DhcpOptions.OPTION_S46_CONT_MAPE, DhcpOptions.rule(RULE, 6),
                DhcpOptions.br(Addresses.parse6("2001:db8:ffff::1")))));
        assertEquals("0060" + "0000", DhcpOptions.hex(DhcpOptions.container(DhcpOptions.OPTION_S46_CONT_LW)));
    }

    @Test
    void rfc7618Option159()
    {
        // code 159, len 4, offset 6, PSID-len 8, PSID 0x34 left-aligned (rfc-vectors: same encoding as RFC 7598 s.4.5)
        assertEquals("9f" + "04" + "06" + "08" + "3400", DhcpOptions.hex(DhcpOptions.v4PortParams(6, 8, 0x34)));
        // lw4o6: offset 0; PSID length 0 ignores the PSID field
        assertEquals("9f" + "04" + "00" + "00" + "0000", DhcpOptions.hex(DhcpOptions.v4PortParams(0, 0, 0)));
    }
}
