package dev.xlat64.addr;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** {@code ADDRESS[/LENGTH]} as Ipv4Prefix.parse and Ipv6Prefix.parse read it (one split for both, PrefixText). */
class PrefixTextTest
{
    @Test
    void aBareAddressIsAHostPrefix()
    {
        assertEquals(new Ipv4Prefix(0xc0000201, 32), Ipv4Prefix.parse("192.0.2.1"));
        assertEquals(128, Ipv6Prefix.parse("2001:db8::1").length());
        assertEquals("2001:db8::1/128", Ipv6Prefix.parse("2001:db8::1").toString());
    }

    @Test
    void theLengthFollowsTheSlash()
    {
        assertEquals(new Ipv4Prefix(0xc0000200, 24), Ipv4Prefix.parse("192.0.2.0/24"));
        assertEquals("2001:db8::/32", Ipv6Prefix.parse("2001:db8::/32").toString());
    }

    @Test
    void aLengthThatIsNotANumberIsNamedBeforeTheAddressIsRead()
    {
        assertEquals("'192.0.2.999/x' is not an IPv4 prefix: the length is not a number",
            assertThrows(IllegalArgumentException.class, () -> Ipv4Prefix.parse("192.0.2.999/x")).getMessage());
        assertEquals("'2001:db8::/' is not an IPv6 prefix: the length is not a number",
            assertThrows(IllegalArgumentException.class, () -> Ipv6Prefix.parse("2001:db8::/")).getMessage());
    }

    @Test
    void theRangeIsTheConstructorsToCheck()
    {
        assertEquals("IPv4 prefix length must be 0..32, not 33",
            assertThrows(IllegalArgumentException.class, () -> Ipv4Prefix.parse("192.0.2.0/33")).getMessage());
        assertEquals("IPv6 prefix length must be 0..128, not 129",
            assertThrows(IllegalArgumentException.class, () -> Ipv6Prefix.parse("2001:db8::/129")).getMessage());
    }
}
