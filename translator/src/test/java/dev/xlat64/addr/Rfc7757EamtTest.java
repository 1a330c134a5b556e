package dev.xlat64.addr;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** RFC 7757 section 3: explicit address mappings, longest prefix match both ways, suffix placement. */
class Rfc7757EamtTest
{
    private final Eamt eamt = new Eamt(List.of(
        Eamt.Entry.parse("192.0.2.1=2001:db8:aaaa::"),
        Eamt.Entry.parse("198.51.100.0/24=2001:db8:bbbb::/120"),
        Eamt.Entry.parse("203.0.113.0/24=2001:db8:cccc::/112"),     // IPv6 suffix (16) longer than IPv4 suffix (8)
        Eamt.Entry.parse("203.0.113.128/25=2001:db8:dddd::/121"),   // overlaps the /24: longest match wins
        Eamt.Entry.parse("192.0.2.128/25=2001:db8:eeee:ff00::/60")));  // IPv4 suffix straddles the 64-bit boundary

    @ParameterizedTest(name = "{0} <-> {1}")
    @CsvSource({
        "192.0.2.1,      2001:db8:aaaa::",
        "198.51.100.7,   2001:db8:bbbb::7",
        "198.51.100.255, 2001:db8:bbbb::ff",
        "203.0.113.5,    2001:db8:cccc::500",
        "203.0.113.200,  2001:db8:dddd::48",
        "192.0.2.129,    2001:db8:eeee:ff00:2000::",
        "192.0.2.255,    2001:db8:eeee:ff0f:e000::",
    })
    void mapsBothWays(final String ipv4, final String ipv6)
    {
        final AddressMapper mapper = new AddressMapper(null, eamt, true);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[16]);
        assertEquals(AddressMapper.MAPPED, mapper.toIpv6(Addresses.parse4(ipv4), buffer, 0));
        final byte[] out = new byte[16];
        buffer.getBytes(0, out);
        assertArrayEquals(Addresses.parse6(ipv6), out, () -> "got " + Addresses.format6(out));
        assertEquals(Addresses.parse4(ipv4) & 0xFFFFFFFFL, mapper.toIpv4(buffer, 0));
    }

    @Test
    void eamTakesPrecedenceOverThePrefix()
    {
        final AddressMapper mapper = new AddressMapper(Rfc6052Prefix.parse("2001:db8:64::/96"), eamt, true);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[16]);
        mapper.toIpv6(Addresses.parse4("192.0.2.1"), buffer, 0);
        final byte[] out = new byte[16];
        buffer.getBytes(0, out);
        assertArrayEquals(Addresses.parse6("2001:db8:aaaa::"), out);
        mapper.toIpv6(Addresses.parse4("192.0.2.2"), buffer, 0);
        buffer.getBytes(0, out);
        assertArrayEquals(Addresses.parse6("2001:db8:64::c000:202"), out);
    }

    @Test
    void eamOnlyOperationLeavesOtherAddressesUnmapped()
    {
        final AddressMapper mapper = new AddressMapper(null, eamt, true);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[16]);
        assertEquals(AddressMapper.UNMAPPED, mapper.toIpv6(Addresses.parse4("192.0.2.2"), buffer, 0));
        buffer.putBytes(0, Addresses.parse6("2001:db8:64::c000:202"));
        assertEquals(AddressMapper.NO_MAPPING, mapper.toIpv4(buffer, 0));
    }

    @Test
    void ipv6SuffixShorterThanIpv4SuffixIsRejected()
    {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> Eamt.Entry.parse("192.0.2.0/24=2001:db8::/124"));
        assertEquals(true, e.getMessage().contains("RFC 7757 section 3.2"), e.getMessage());
    }

    @Test
    void duplicateIpv4PrefixIsRejected()
    {
        assertThrows(IllegalArgumentException.class, () -> new Eamt(List.of(
            Eamt.Entry.parse("192.0.2.0/24=2001:db8:1::/120"), Eamt.Entry.parse("192.0.2.0/24=2001:db8:2::/120"))));
    }
}
