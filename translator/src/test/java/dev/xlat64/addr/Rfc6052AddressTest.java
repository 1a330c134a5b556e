package dev.xlat64.addr;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RFC 6052 section 2: the address format, checked against the vectors of section 2.4 and CoreDNS's tests. */
class Rfc6052AddressTest
{
    @ParameterizedTest(name = "{0} + {1} = {2}")
    @CsvSource({
        // RFC 6052 section 2.4, Table 1
        "2001:db8::/32,          192.0.2.33,  2001:db8:c000:221::",
        "2001:db8:100::/40,      192.0.2.33,  2001:db8:1c0:2:21::",
        "2001:db8:122::/48,      192.0.2.33,  2001:db8:122:c000:2:2100::",
        "2001:db8:122:300::/56,  192.0.2.33,  2001:db8:122:3c0:0:221::",
        "2001:db8:122:344::/64,  192.0.2.33,  2001:db8:122:344:c0:2:2100:0",
        "2001:db8:122:344::/96,  192.0.2.33,  2001:db8:122:344::c000:221",
        "64:ff9b::/96,           192.0.2.33,  64:ff9b::c000:221",
        // CoreDNS dns64 tests
        "64:ff9b::/96,           64.64.64.64, 64:ff9b::4040:4040",
        "64:ff9b::/64,           64.64.64.64, 64:ff9b::40:4040:4000:0",
        "64:ff9b::/56,           64.64.64.64, 64:ff9b:0:40:40:4040::",
        "64::/32,                64.64.64.64, 64:0:4040:4040::",
    })
    void embedsAndExtracts(final String prefix, final String ipv4, final String expected)
    {
        final Rfc6052Prefix p = Rfc6052Prefix.parse(prefix);
        final byte[] expectedBytes = Addresses.parse6(expected);
        final int v4 = Addresses.parse4(ipv4);

        assertArrayEquals(expectedBytes, p.embed(Addresses.bytes4(v4)));
        assertArrayEquals(Addresses.bytes4(v4), p.extract(expectedBytes));

        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[32]);
        p.embed(v4, buffer, 8);
        final byte[] written = new byte[16];
        buffer.getBytes(8, written);
        assertArrayEquals(expectedBytes, written);
        assertTrue(p.contains(buffer, 8));
        assertEquals(v4, p.extract(buffer, 8));
    }

    @Test
    void suffixBitsAreIgnoredOnExtraction()
    {
        // RFC 6052 section 2.2: the suffix SHOULD be zero and is ignored.
        final Rfc6052Prefix p = Rfc6052Prefix.parse("2001:db8:122:344::/64");
        assertArrayEquals(Addresses.bytes4(Addresses.parse4("192.0.2.33")),
            p.extract(Addresses.parse6("2001:db8:122:344:c0:2:21ff:ffff")));
    }

    @Test
    void addressOutsideThePrefixIsNotExtracted()
    {
        assertNull(Rfc6052Prefix.parse("64:ff9b::/96").extract(Addresses.parse6("2001:db8::1")));
    }

    @Test
    void onlyTheSixLengthsAreAccepted()
    {
        final IllegalArgumentException e =
            assertThrows(IllegalArgumentException.class, () -> Rfc6052Prefix.parse("2001:db8::/80"));
        assertTrue(e.getMessage().contains("32, 40, 48, 56, 64 and 96"), e.getMessage());
    }

    @Test
    void prefixWithHostBitsIsRejected()
    {
        assertThrows(IllegalArgumentException.class, () -> Rfc6052Prefix.parse("2001:db8::1/96"));
    }

    @Test
    void wellKnownPrefixIsRecognised()
    {
        assertTrue(Rfc6052Prefix.parse("64:ff9b::/96").isWellKnown());
    }
}
