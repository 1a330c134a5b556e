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
    void eamTakesPrecedenceOverThePrefixFromIpv6TooWhenTheirRangesOverlap()
    {
        // s.3.1: the EAMT first. With ranges apart, an address under the prefix skips the EAMT scan (AddressMapper's
        // disjointness shortcut); an EAM prefix inside the prefix, or one around it, must still win for its addresses.
        final Rfc6052Prefix prefix = Rfc6052Prefix.parse("2001:db8:64::/96");
        final String inside = "2001:db8:64::c000:280";
        final AddressMapper apart = new AddressMapper(prefix, eamt, true);
        assertEquals(Addresses.parse4("192.0.2.128") & 0xFFFFFFFFL, apart.toIpv4(addressBuffer(inside), 0));
        assertEquals(Addresses.parse4("198.51.100.7") & 0xFFFFFFFFL,
            apart.toIpv4(addressBuffer("2001:db8:bbbb::7"), 0));

        final AddressMapper within = new AddressMapper(prefix,
            new Eamt(List.of(Eamt.Entry.parse("203.0.113.9=" + inside))), true);
        assertEquals(Addresses.parse4("203.0.113.9") & 0xFFFFFFFFL, within.toIpv4(addressBuffer(inside), 0));
        assertEquals(Addresses.parse4("192.0.2.129") & 0xFFFFFFFFL,
            within.toIpv4(addressBuffer("2001:db8:64::c000:281"), 0));

        final AddressMapper around = new AddressMapper(prefix,
            new Eamt(List.of(Eamt.Entry.parse("10.64.0.0/16=2001:db8::/32"))), true);
        // The IPv4 suffix follows the /32: bits 32-47 of the address, 0x0064.
        assertEquals(Addresses.parse4("10.64.0.100") & 0xFFFFFFFFL, around.toIpv4(addressBuffer(inside), 0));
    }

    private static UnsafeBuffer addressBuffer(final String ipv6)
    {
        return new UnsafeBuffer(Addresses.parse6(ipv6));
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
