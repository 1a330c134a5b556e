package dev.xlat64.addr;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The denylist's quick "no" (top six bits, then first octet) against a scan of its prefixes, on random lists. */
class Ipv4DenylistTest
{
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 1812})
    void containsMatchesAScanOfThePrefixes(final long seed)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        for (int t = 0; t < 200; t++)
        {
            final List<Ipv4Prefix> prefixes = new ArrayList<>();
            final int n = random.nextInt(6);
            for (int i = 0; i < n; i++)
            {
                final int length = random.nextInt(33);
                final int mask = length == 0 ? 0 : -1 << (32 - length);
                prefixes.add(new Ipv4Prefix(random.nextInt() & mask, length));
            }
            final Ipv4Denylist denylist = new Ipv4Denylist(prefixes);
            for (int k = 0; k < 2_000; k++)
            {
                final int ipv4;
                if (n > 0 && random.nextBoolean())
                {
                    final Ipv4Prefix p = prefixes.get(random.nextInt(n));
                    // At an edge of a prefix, or just outside it.
                    ipv4 = (random.nextBoolean() ? p.address() : p.address() | ~p.mask()) + random.nextInt(3) - 1;
                }
                else
                {
                    ipv4 = random.nextInt();
                }
                boolean expected = false;
                for (final Ipv4Prefix p : prefixes)
                {
                    expected |= p.contains(ipv4);
                }
                assertEquals(expected, denylist.contains(ipv4), prefixes + " " + Addresses.format4(ipv4));
            }
        }
    }
}
