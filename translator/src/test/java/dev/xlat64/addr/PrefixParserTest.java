package dev.xlat64.addr;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The allocation-free prefix reader agrees with Ipv4Prefix/Ipv6Prefix.parse, or says no (they then give the error). */
class PrefixParserTest
{
    private final PrefixParser parser = new PrefixParser();

    private boolean parse6(final String text)
    {
        final byte[] b = text.getBytes(StandardCharsets.US_ASCII);
        return parser.parse6(b, 0, b.length);
    }

    private boolean parse4(final String text)
    {
        final byte[] b = text.getBytes(StandardCharsets.US_ASCII);
        return parser.parse4(b, 0, b.length);
    }

    @ParameterizedTest
    @ValueSource(strings = {"::", "::/0", "::1", "1::", "2001:db8::/32", "2001:db8:0:0:1:0:0:1", "2001:DB8::A:b:C/128",
        "::ffff:192.0.2.1", "64:ff9b::192.0.2.33", "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:1.2.3.4", "fe80::/10",
        "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64"})
    void agreesWithTheStringParser(final String text)
    {
        final Ipv6Prefix expected = Ipv6Prefix.parse(text);
        assertTrue(parse6(text), text);
        assertEquals(expected.high(), parser.high, text);
        assertEquals(expected.low(), parser.low, text);
        assertEquals(expected.length(), parser.length, text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ":", ":::", "1:::2", "1::2::3", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "12345::",
        "::1:", ":1::", "2001:db8::/129", "2001:db8::/", "2001:db8::/3a", "2001:db8::1/64", "g::", "1.2.3.4",
        "1:2:3:4:5:6:7:1.2.3.4", "::1.2.3", "::1.2.3.256", "2001:db8::%eth0"})
    void saysNoToWhatIsNotAPlainPrefix(final String text)
    {
        assertFalse(parse6(text), text);
    }

    @Test
    void ipv4AgreesAndRefuses()
    {
        assertTrue(parse4("192.0.2.0/24"));
        assertEquals(0xC0000200, parser.ipv4);
        assertEquals(24, parser.length);
        assertTrue(parse4("0.0.0.0/0"));
        assertEquals(0, parser.length);
        assertTrue(parse4("255.255.255.255"));
        assertEquals(-1, parser.ipv4);
        assertEquals(32, parser.length);
        for (final String bad : new String[] {"", "1.2.3", "1.2.3.4.5", "1.2.3.256", "1.2.3.4/33", "1.2.3.4/24",
            "1..2.3", "1.2.3.4/", "a.b.c.d", "1.2.3.0004"})
        {
            assertFalse(parse4(bad), bad);
        }
    }

    @Test
    void randomAddressesInTheirCanonicalFormRoundTrip()
    {
        final SplittableRandom random = new SplittableRandom(11);
        for (int i = 0; i < 20_000; i++)
        {
            // Runs of zero groups, so "::" lands everywhere.
            final byte[] address = new byte[16];
            for (int g = 0; g < 8; g++)
            {
                if (random.nextInt(3) != 0)
                {
                    address[2 * g] = (byte)random.nextInt(256);
                    address[2 * g + 1] = (byte)random.nextInt(256);
                }
            }
            final String text = Addresses.format6(address);
            assertTrue(parse6(text), text);
            assertEquals(Addresses.high(address), parser.high, text);
            assertEquals(Addresses.low(address), parser.low, text);
        }
    }
}
