package dev.xlat64.clat;

import dev.xlat64.addr.Addresses;
import dev.xlat64.addr.Rfc6052Prefix;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * RFC 7050 section 3: the Pref64::/n from the AAAA answers for ipv4only.arpa. The answers are written out by hand from
 * RFC 6052 section 2.2's layout with the example prefixes of its section 2.4 (there with 192.0.2.33), here holding the
 * well-known 192.0.0.170 (c0.00.00.aa) and 192.0.0.171 (c0.00.00.ab).
 */
class Rfc7050PrefixDiscoveryTest
{
    private static Rfc6052Prefix from(final String... answers)
    {
        return Ipv4OnlyArpa.prefixFrom(java.util.Arrays.stream(answers).map(Addresses::parse6).toList());
    }

    @Test
    void section3EveryPrefixLengthIsFound()
    {
        assertEquals(Rfc6052Prefix.parse("2001:db8::/32"), from("2001:db8:c000:aa::", "2001:db8:c000:ab::"));
        assertEquals(Rfc6052Prefix.parse("2001:db8:100::/40"), from("2001:db8:1c0:0:aa::", "2001:db8:1c0:0:ab::"));
        assertEquals(Rfc6052Prefix.parse("2001:db8:122::/48"),
            from("2001:db8:122:c000:0:aa00::", "2001:db8:122:c000:0:ab00::"));
        assertEquals(Rfc6052Prefix.parse("2001:db8:122:300::/56"),
            from("2001:db8:122:3c0:0:aa::", "2001:db8:122:3c0:0:ab::"));
        assertEquals(Rfc6052Prefix.parse("2001:db8:122:344::/64"),
            from("2001:db8:122:344:c0:0:aa00:0", "2001:db8:122:344:c0:0:ab00:0"));
        assertEquals(Rfc6052Prefix.parse("2001:db8:122:344::/96"),
            from("2001:db8:122:344::c000:aa", "2001:db8:122:344::c000:ab"));
    }

    @Test
    void section3TheWellKnownPrefixFromOneAnswer()
    {
        assertEquals(Rfc6052Prefix.parse("64:ff9b::/96"), from("64:ff9b::c000:aa"));
    }

    @Test
    void section3AnswersWithoutAWellKnownAddressAreNotSynthesizedAndIgnored()
    {
        assertNull(from("2001:db8::1"));
        assertNull(from());
        assertEquals(Rfc6052Prefix.parse("64:ff9b::/96"), from("2001:db8::1", "64:ff9b::c000:ab"));
    }

    @Test
    void section3ThePrefixMostAnswersAgreeOnWins()
    {
        // 2001:db8:c000:aa::c000:ab holds .170 at the /32 position and .171 at the /96 one; the other answer only
        // fits /96 (and /32 does not hold a well-known address there): /96 has two answers behind it.
        assertEquals(Rfc6052Prefix.parse("2001:db8:c000:aa::/96"),
            from("2001:db8:c000:aa::c000:ab", "2001:db8:c000:aa::c000:aa"));
    }

    @Test
    void discoveryOrderConfiguredThenPref64ThenRfc7050()
    {
        final Rfc6052Prefix a = Rfc6052Prefix.parse("2001:db8:64::/96");
        final Rfc6052Prefix b = Rfc6052Prefix.parse("2001:db8:65::/96");
        final Rfc6052Prefix c = Rfc6052Prefix.parse("2001:db8:66::/96");
        final PrefixDiscovery d = new PrefixDiscovery(null);
        assertEquals(PrefixDiscovery.Source.NONE, d.current(0).source());
        d.rfc7050(c);
        assertEquals(new PrefixDiscovery.Choice(c, PrefixDiscovery.Source.RFC7050), d.current(0));
        d.pref64(new Pref64Option(b, 16), 1000);
        assertEquals(new PrefixDiscovery.Choice(b, PrefixDiscovery.Source.PREF64), d.current(16_999));
        // RFC 8781 section 4: the lifetime runs out: back to what RFC 7050 found.
        assertEquals(new PrefixDiscovery.Choice(c, PrefixDiscovery.Source.RFC7050), d.current(17_000));
        d.pref64(new Pref64Option(b, 600), 20_000);
        d.pref64(new Pref64Option(b, 0), 21_000);
        assertEquals(PrefixDiscovery.Source.RFC7050, d.current(21_000).source(), "lifetime 0 withdraws");
        final PrefixDiscovery configured = new PrefixDiscovery(a);
        configured.pref64(new Pref64Option(b, 600), 0);
        configured.rfc7050(c);
        assertEquals(new PrefixDiscovery.Choice(a, PrefixDiscovery.Source.CONFIGURED), configured.current(0));
    }
}
