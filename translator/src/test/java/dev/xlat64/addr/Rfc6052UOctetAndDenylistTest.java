package dev.xlat64.addr;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * RFC 6052 s.2.2 ("Bits 64 to 71 of the address are reserved ... MUST be set to zero"): a prefix with a non-zero u
 * octet is refused, and under a prefix shorter than /96 an address with a non-zero u octet is not IPv4-embedded.
 * RFC 1812 s.5.3.7: the IPv4 denylist (martians by default) is applied with every prefix and EAM, both directions.
 */
class Rfc6052UOctetAndDenylistTest
{
    private static final Eamt EAMT = new Eamt(List.of(Eamt.Entry.parse("127.0.0.0/8=2001:db8:7f::/104"),
        Eamt.Entry.parse("198.51.100.0/24=2001:db8:6::/120")));

    private static long toIpv4(final AddressMapper mapper, final String ipv6)
    {
        final UnsafeBuffer b = new UnsafeBuffer(Addresses.parse6(ipv6));
        return mapper.toIpv4(b, 0);
    }

    @Test
    void prefixWithANonZeroUOctetIsRefused()
    {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> Rfc6052Prefix.parse("2001:db8:0:0:ff00::/96"));
        assertTrue(e.getMessage().contains("u octet"), e.getMessage());
    }

    @Test
    void addressWithANonZeroUOctetIsNotIpv4EmbeddedUnderShorterPrefixes()
    {
        final AddressMapper slash64 = new AddressMapper(Rfc6052Prefix.parse("2001:db8::/64"), Eamt.EMPTY, true);
        // 1.2.3.4 under a /64: bytes 9-12 after a zero u octet (byte 8).
        assertEquals(0x01020304L, toIpv4(slash64, "2001:db8:0:0:1:203:400:0"));
        assertEquals(AddressMapper.NO_MAPPING, toIpv4(slash64, "2001:db8:0:0:ff01:203:400:0"));
        final AddressMapper slash40 = new AddressMapper(Rfc6052Prefix.parse("2001:db8:100::/40"), Eamt.EMPTY, true);
        // 192.0.2.33 under a /40: c0.00.02 in bytes 5-7, u octet, 0x21 in byte 9.
        assertEquals(0xc0000221L, toIpv4(slash40, "2001:db8:1c0:2:21::"));
        assertEquals(AddressMapper.NO_MAPPING, toIpv4(slash40, "2001:db8:1c0:2:121::"));
        assertEquals(null,
            Rfc6052Prefix.parse("2001:db8::/64").extract(Addresses.parse6("2001:db8:0:0:ff01:203:400:0")));
        // A /96 has no u octet outside the prefix: its byte 8 is part of the prefix itself.
        final AddressMapper slash96 = new AddressMapper(Rfc6052Prefix.parse("2001:db8:64::/96"), Eamt.EMPTY, true);
        assertEquals(0xc0000221L, toIpv4(slash96, "2001:db8:64::c000:221"));
    }

    @Test
    void denylistedIpv4IsUntranslatableThroughThePrefixAndTheEamt()
    {
        final AddressMapper mapper = new AddressMapper(Rfc6052Prefix.parse("2001:db8:64::/96"), EAMT, true);
        for (final String a : new String[] {"2001:db8:64::ffff:ffff", "2001:db8:64::7f00:1", "2001:db8:64::e000:1",
            "2001:db8:64::1", "2001:db8:64::a9fe:1", "2001:db8:64::f000:1", "2001:db8:7f::1"})
        {
            assertEquals(AddressMapper.DENYLISTED, toIpv4(mapper, a), a);
        }
        assertEquals(0xc0000221L, toIpv4(mapper, "2001:db8:64::c000:221"));
        // 4->6: sources and destinations alike, the EAMT (127/8 has an entry) no exception.
        for (final String a :
            new String[] {"0.0.0.1", "127.0.0.1", "169.254.1.1", "224.0.0.1", "240.0.0.1", "255.255.255.255"})
        {
            assertEquals(AddressMapper.ROUTE_DENYLISTED, mapper.ipv6Route(Addresses.parse4(a)), a);
            assertEquals(AddressMapper.DENYLISTED_IPV4,
                mapper.toIpv6(Addresses.parse4(a), new UnsafeBuffer(new byte[16]), 0));
        }
        assertEquals(AddressMapper.ROUTE_PREFIX, mapper.ipv6Route(Addresses.parse4("192.0.2.33")));
    }

    @Test
    void denylistIsConfigurable()
    {
        final AddressMapper none =
            new AddressMapper(Rfc6052Prefix.parse("2001:db8:64::/96"), EAMT, true, Ipv4Denylist.NONE);
        assertEquals(0x7f000001L, toIpv4(none, "2001:db8:64::7f00:1"));
        assertEquals(0x7f000001L, toIpv4(none, "2001:db8:7f::1"));
        final AddressMapper own = new AddressMapper(Rfc6052Prefix.parse("2001:db8:64::/96"), EAMT, true,
            Ipv4Denylist.parse(List.of("192.0.2.0/25", "203.0.113.9")));
        assertEquals(AddressMapper.DENYLISTED, toIpv4(own, "2001:db8:64::c000:221"));
        assertEquals(AddressMapper.DENYLISTED, toIpv4(own, "2001:db8:64::cb00:7109"));
        assertEquals(0x7f000001L, toIpv4(own, "2001:db8:64::7f00:1"));
        assertThrows(IllegalArgumentException.class, () -> Ipv4Denylist.parse(List.of("192.0.2.1/24")));
    }

    @Test
    void defaultDenylistHoldsExactlyItsPrefixesAtEveryEdge()
    {
        // RFC 1812 s.5.3.7 / RFC 6890: the first and last address of each default prefix, and the neighbours outside.
        for (final String a : new String[] {"0.0.0.0", "0.255.255.255", "127.0.0.0", "127.255.255.255", "169.254.0.0",
            "169.254.255.255", "224.0.0.0", "239.255.255.255", "240.0.0.0", "255.255.255.254", "255.255.255.255"})
        {
            assertTrue(Ipv4Denylist.DEFAULT.contains(Addresses.parse4(a)), a);
        }
        for (final String a : new String[] {"1.0.0.0", "3.255.255.255", "126.255.255.255", "128.0.0.0", "124.0.0.1",
            "169.253.255.255", "169.255.0.0", "168.0.0.1", "171.255.255.255", "223.255.255.255", "192.0.2.2",
            "198.51.100.2"})
        {
            assertEquals(false, Ipv4Denylist.DEFAULT.contains(Addresses.parse4(a)), a);
        }
        // A list of one /32 in a block with other addresses: only that address.
        final Ipv4Denylist one = Ipv4Denylist.parse(List.of("203.0.113.9"));
        assertTrue(one.contains(Addresses.parse4("203.0.113.9")));
        assertEquals(false, one.contains(Addresses.parse4("203.0.113.8")));
        assertEquals(false, one.contains(Addresses.parse4("200.0.113.9")));
        assertEquals(false, Ipv4Denylist.NONE.contains(Addresses.parse4("127.0.0.1")));
    }
}
