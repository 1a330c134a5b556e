package dev.xlat64.sixrd;

import dev.xlat64.addr.Addresses;
import dev.xlat64.addr.Ipv4Prefix;
import dev.xlat64.addr.Ipv6Prefix;
import dev.xlat64.addr.SixRdDomain;
import dev.xlat64.addr.SixRdDomains;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** 6rd domain selection through the tables (RFC 5969 s.7) agrees with a scan of the domains, for 10,000 domains. */
class SixRdDomainsTest
{
    /** 10,000 BR domains: 2001:db8:NNNN::/48 (for i) with CE prefix 10.i.i.0/24-ish, all behind one anycast BR. */
    private static List<SixRdDomain> domains(final int n)
    {
        final List<SixRdDomain> out = new ArrayList<>();
        for (int i = 0; i < n; i++)
        {
            final byte[] p = Addresses.bytes6(0x20010db800000000L | (long)i << 16, 0);
            out.add(SixRdDomain.builder(new Ipv6Prefix(p, 48), new Ipv4Prefix(0x0A000000 | i << 8, 24),
                Addresses.parse4("203.0.113.1")).build());
        }
        return out;
    }

    private static SixRdDomain scan(final List<SixRdDomain> domains, final long high, final long low)
    {
        for (final SixRdDomain d : domains)
        {
            if (d.contains(high, low))
            {
                return d;
            }
        }
        return null;
    }

    @Test
    void byIpv6AgreesWithAScanOfTenThousandDomains()
    {
        final List<SixRdDomain> list = domains(10_000);
        final SixRdDomains table = SixRdDomains.of(list);
        final SplittableRandom random = new SplittableRandom(3);
        for (int k = 0; k < 5_000; k++)
        {
            // Inside the domains, just past them, and anywhere.
            final long high = k % 3 == 2 ? random.nextLong() :
                0x20010db800000000L | (long)random.nextInt(10_100) << 16 | random.nextInt(1 << 16);
            final long low = random.nextLong();
            assertSame(scan(list, high, low), table.byIpv6(high, low));
            assertSame(scan(list, high, low), SixRdRelay.domainOf(table, high, low));
        }
    }

    @Test
    void theBrSideFindsTheDomainOfTheCeSourceAndKeepsTheListOrder()
    {
        final List<SixRdDomain> list = domains(10_000);
        final SixRdDomains table = SixRdDomains.of(list);
        assertTrue(table.hasCeIpv4Table());
        final int br = Addresses.parse4("203.0.113.1");
        assertSame(list.get(4242), SixRdRelay.domainOfLocal(table, br, 0x0A000000 | 4242 << 8 | 7));
        // A source in no CE prefix: the first domain of that BR address, as the scan answers.
        assertSame(list.get(0), SixRdRelay.domainOfLocal(table, br, Addresses.parse4("198.51.100.9")));
        assertNull(SixRdRelay.domainOfLocal(table, Addresses.parse4("203.0.113.2"), 0x0A000000 | 5 << 8));
        assertEquals(4242, table.indexOf(list.get(4242)));
        assertEquals(10_000, table.size());
    }

    @Test
    void nestedCePrefixesFallBackToTheListOrder()
    {
        final int br = Addresses.parse4("203.0.113.1");
        final SixRdDomain wide = SixRdDomain.builder("2001:db8:1::/48", "10.0.0.0/16", "203.0.113.1").build();
        final SixRdDomain narrow = SixRdDomain.builder("2001:db8:2::/48", "10.0.1.0/24", "203.0.113.1").build();
        final SixRdDomains table = SixRdDomains.of(List.of(wide, narrow));
        assertFalse(table.hasCeIpv4Table());
        assertSame(wide, SixRdRelay.domainOfLocal(table, br, Addresses.parse4("10.0.1.5")));
    }
}
