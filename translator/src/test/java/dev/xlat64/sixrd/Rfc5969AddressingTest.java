package dev.xlat64.sixrd;

import dev.xlat64.addr.Addresses;
import dev.xlat64.addr.SixRdDomain;
import org.junit.jupiter.api.Test;

import static dev.xlat64.testing.TestPackets.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RFC 5969 section 4 (address format) and 7.1.1 (OPTION_6RD), with the vectors of shared/rfc-vectors.md. */
class Rfc5969AddressingTest
{
    private static long high(final String ipv6)
    {
        return Addresses.high(Addresses.parse6(ipv6));
    }

    private static int v4(final String ipv4)
    {
        return Addresses.parse4(ipv4);
    }

    private static SixRdDomain domain(final String prefix, final String ipv4Prefix, final String br)
    {
        return SixRdDomain.builder(prefix, ipv4Prefix, br).build();
    }

    @Test
    void vppVectorDestinationEmbedsTheWholeCeAddress()
    {
        final SixRdDomain d = domain("2002::/16", "0.0.0.0/0", "172.16.1.1");
        assertEquals("172.16.2.2", Addresses.format4(d.ceIpv4Of(high("2002:ac10:202::1"))));
        assertEquals("2002:ac10:202::/48", d.delegatedPrefix(v4("172.16.2.2")).toString());
    }

    @Test
    void vppVectorInnerSourceOfAnotherCeIsNotInTheDelegatedPrefix()
    {
        final SixRdDomain d = domain("2002::/16", "0.0.0.0/0", "172.16.1.1");
        assertFalse(d.inDelegatedPrefix(v4("172.16.2.2"), high("2002:dead:202::1")));
        assertEquals("222.173.2.2", Addresses.format4(d.ceIpv4Of(high("2002:dead:202::1"))));
        assertTrue(d.inDelegatedPrefix(v4("172.16.2.2"), high("2002:ac10:202:ffff::1")));
    }

    @Test
    void ipv4MaskLen8KeepsOnlyTheLow24Bits()
    {
        final SixRdDomain d = domain("2002::/16", "172.0.0.0/8", "172.16.1.1");
        assertTrue(d.inDelegatedPrefix(v4("172.16.2.2"), high("2002:1002:200::1")));
        assertEquals("2002:1002:200::/40", d.delegatedPrefix(v4("172.16.2.2")).toString());
        assertEquals("172.16.2.2", Addresses.format4(d.ceIpv4Of(high("2002:1002:200::1"))));
    }

    @Test
    void tr181Example()
    {
        final SixRdDomain d = domain("2001:db8::/32", "10.0.0.0/8", "10.0.0.1");
        assertEquals("10.100.200.2", Addresses.format4(d.ceIpv4Of(high("2001:db8:64c8:200::"))));
        assertEquals("2001:db8:6464:100::/56", d.delegatedPrefix(v4("10.100.100.1")).toString());
        assertEquals(56, d.delegatedLength());
    }

    @Test
    void ipv6calcExampleGivesADelegatedSlash64Exactly()
    {
        final SixRdDomain d = domain("2001:db8::/32", "0.0.0.0/0", "192.0.2.1");
        assertEquals("2001:db8:c000:282::/64", d.delegatedPrefix(v4("192.0.2.130")).toString());
        assertEquals("192.0.2.130", Addresses.format4(d.ceIpv4Of(high("2001:db8:c000:282::1"))));
    }

    @Test
    void ipv6calcExampleWithASlash30SixRdPrefix()
    {
        final SixRdDomain d = domain("2a01:79c::/30", "0.0.0.0/0", "192.0.2.1");
        assertEquals("2a01:79d:469c:1358::/62", d.delegatedPrefix(v4("81.167.4.214")).toString());
        assertEquals("81.167.4.214", Addresses.format4(d.ceIpv4Of(high("2a01:79d:469c:135b:1::1"))));
        assertTrue(d.inDelegatedPrefix(v4("81.167.4.214"), high("2a01:79d:469c:135b::")));
        assertFalse(d.inDelegatedPrefix(v4("81.167.4.214"), high("2a01:79d:469c:135c::")));
    }

    @Test
    void ipv4MaskLen32DelegatesTheWhole6rdPrefixToTheOneCe()
    {
        final SixRdDomain d = domain("2001:db8:1200::/40", "192.0.2.1/32", "198.51.100.1");
        assertEquals(40, d.delegatedLength());
        assertEquals("192.0.2.1", Addresses.format4(d.ceIpv4Of(high("2001:db8:12ff:ffff::1"))));
        assertEquals("2001:db8:1200::/40", d.delegatedPrefix(v4("192.0.2.1")).toString());
        assertTrue(d.inDelegatedPrefix(v4("192.0.2.1"), high("2001:db8:12ab::")));
    }

    @Test
    void delegatedPrefixLongerThanSlash64IsRejected()
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> domain("2001:db8::/33", "0.0.0.0/0", "192.0.2.1"));
        assertTrue(ex.getMessage().contains("/65"), ex.getMessage());
        assertEquals(64, domain("2001:db8::/40", "192.0.0.0/8", "192.0.2.1").delegatedLength());
    }

    @Test
    void mtuBelow1280IsRejected()
    {
        assertThrows(IllegalArgumentException.class,
            () -> SixRdDomain.builder("2001:db8::/32", "0.0.0.0/0", "192.0.2.1").mtu(1279).build());
    }

    @Test
    void brIpv6DefaultsToTheSubnetRouterAnycastOfThe6rdPrefix()
    {
        assertEquals("2001:db8::/128", domain("2001:db8::/32", "0.0.0.0/0", "192.0.2.1").brIpv6().toString());
    }

    @Test
    void dhcpOption212CarriesMaskLenPrefixLenPrefixAndBrs()
    {
        final SixRdDomain d = domain("2001:db8::/32", "10.0.0.0/8", "10.0.0.1");
        // code 212, length 22, IPv4MaskLen 8, 6rdPrefixLen 32, 6rdPrefix, BR 10.0.0.1
        assertEquals(hex(bytes("d4 16 08 20 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 00 0a 00 00 01")),
            hex(d.dhcpOption()));
        // two BRs: 2 + 18 + 2 * 4 bytes, the length octet counting all but code and length
        assertEquals(28, d.dhcpOption(v4("10.0.0.1"), v4("10.0.0.2")).length);
        assertEquals(26, d.dhcpOption(v4("10.0.0.1"), v4("10.0.0.2"))[1]);
    }

    private static byte[] bytes(final String hex)
    {
        final String[] parts = hex.split(" ");
        final byte[] out = new byte[parts.length];
        for (int i = 0; i < parts.length; i++)
        {
            out[i] = (byte)Integer.parseInt(parts[i], 16);
        }
        return out;
    }
}
