package dev.xlat64.addr;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** PrefixTable against a naive longest-prefix match (scan every prefix) on random prefix sets, and edge cases. */
class PrefixTableTest
{
    /** The reference: the longest prefix holding the address, the earliest of equal ones; -1 when none. */
    private static int naive(
        final long[] high, final long[] low, final int[] length, final int n, final long h, final long l)
    {
        int best = -1;
        for (int i = 0; i < n; i++)
        {
            if (contains(high[i], low[i], length[i], h, l) && (best < 0 || length[i] > length[best]))
            {
                best = i;
            }
        }
        return best;
    }

    private static boolean contains(final long ph, final long pl, final int len, final long h, final long l)
    {
        final long mh = len == 0 ? 0 : (len >= 64 ? -1L : -1L << (64 - len));
        final long ml = len <= 64 ? 0 : (len == 128 ? -1L : -1L << (128 - len));
        return ((h ^ ph) & mh) == 0 && ((l ^ pl) & ml) == 0;
    }

    private static long maskHigh(final int len)
    {
        return len == 0 ? 0 : (len >= 64 ? -1L : -1L << (64 - len));
    }

    private static long maskLow(final int len)
    {
        return len <= 64 ? 0 : (len == 128 ? -1L : -1L << (128 - len));
    }

    private static byte[] bytes(final int... lengths)
    {
        final byte[] out = new byte[lengths.length];
        for (int i = 0; i < lengths.length; i++)
        {
            out[i] = (byte)lengths[i];
        }
        return out;
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 42, 20261206})
    void ipv6MatchesTheNaiveScanOnRandomNestedPrefixes(final long seed)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final int n = 1 + random.nextInt(400);
        final long[] high = new long[n];
        final long[] low = new long[n];
        final int[] length = new int[n];
        // A few bases, so prefixes nest, share addresses and repeat; lengths anywhere 0..128.
        final long[][] bases = new long[8][2];
        for (final long[] b : bases)
        {
            b[0] = random.nextInt(4) == 0 ? random.nextLong() : 0x20010db800000000L | random.nextInt(4);
            b[1] = random.nextLong();
        }
        for (int i = 0; i < n; i++)
        {
            final long[] b = bases[random.nextInt(bases.length)];
            final int len = random.nextInt(8) == 0 ? random.nextInt(129) : 96 + random.nextInt(33);
            final long h = b[0] ^ (random.nextInt(3) == 0 ? random.nextLong() & 0xFF : 0);
            final long l = b[1] ^ (random.nextLong() & 0xFFFF);
            high[i] = h & maskHigh(len);
            low[i] = l & maskLow(len);
            length[i] = len;
        }
        final List<int[]> duplicates = new ArrayList<>();
        final PrefixTable table = PrefixTable.build(high, low, bytes(length), n, true,
            (a, b) -> duplicates.add(new int[] {a, b}));
        for (final int[] d : duplicates)
        {
            assertTrue(d[0] < d[1]);
            assertEquals(high[d[0]], high[d[1]]);
            assertEquals(low[d[0]], low[d[1]]);
            assertEquals(length[d[0]], length[d[1]]);
        }
        for (int k = 0; k < 20_000; k++)
        {
            final long h;
            final long l;
            final int p = random.nextInt(n);
            switch (random.nextInt(5))
            {
                case 0: // a prefix's first address
                    h = high[p];
                    l = low[p];
                    break;
                case 1: // its last address
                    h = high[p] | ~maskHigh(length[p]);
                    l = low[p] | ~maskLow(length[p]);
                    break;
                case 2: // just past its end
                {
                    final long el = low[p] | ~maskLow(length[p]);
                    final long eh = high[p] | ~maskHigh(length[p]);
                    l = el + 1;
                    h = l == 0 ? eh + 1 : eh;
                    break;
                }
                case 3: // just before its start
                    l = low[p] - 1;
                    h = low[p] == 0 ? high[p] - 1 : high[p];
                    break;
                default: // anywhere near a base
                    h = bases[random.nextInt(bases.length)][0] ^ (random.nextBoolean() ? 0 : random.nextLong() & 0xFF);
                    l = random.nextLong();
            }
            final int expected = naive(high, low, length, n, h, l);
            final int got = table.lookup(h, l);
            final long fh = h;
            final long fl = l;
            assertEquals(expected, got,
                () -> "seed " + seed + " key " + Long.toHexString(fh) + ":" + Long.toHexString(fl));
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {7, 8, 9, 1234})
    void ipv4MatchesTheNaiveScanOnRandomNestedPrefixes(final long seed)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final int n = 1 + random.nextInt(2000);
        final long[] high = new long[n];
        final int[] length = new int[n];
        final int[] address = new int[n];
        final int base = random.nextInt();
        for (int i = 0; i < n; i++)
        {
            final int len = random.nextInt(6) == 0 ? random.nextInt(33) : 20 + random.nextInt(13);
            final int a = random.nextInt(5) == 0 ? random.nextInt() : base ^ (random.nextInt() & 0xFFFF);
            address[i] = len == 0 ? 0 : a & (-1 << (32 - len));
            length[i] = len;
            high[i] = PrefixTable.ipv4Key(address[i]);
        }
        final PrefixTable table = PrefixTable.build(high, null, bytes(length), n, true, (a, b) -> { });
        for (int k = 0; k < 50_000; k++)
        {
            final int key = random.nextBoolean() ? base ^ (random.nextInt() & 0xFFFF) :
                address[random.nextInt(n)] + random.nextInt(3) - 1;
            int expected = -1;
            for (int i = 0; i < n; i++)
            {
                final int mask = length[i] == 0 ? 0 : -1 << (32 - length[i]);
                if ((key & mask) == address[i] && (expected < 0 || length[i] > length[expected]))
                {
                    expected = i;
                }
            }
            assertEquals(expected, table.lookup4(key), "seed " + seed + " key " + Addresses.format4(key));
        }
    }

    /**
     * Tables of one or two prefixes (three given, one maybe a duplicate) answer by direct compares: the same as the
     * range search and the naive scan, for nested, equal, adjacent and disjoint pairs, over IPv6 and IPv4 keys.
     */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {11, 12, 13, 99})
    void smallTablesMatchTheRangeSearchAndTheNaiveScan(final long seed)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        for (int t = 0; t < 2_000; t++)
        {
            final int n = 1 + random.nextInt(3);
            final long[] high = new long[n];
            final long[] low = new long[n];
            final int[] length = new int[n];
            final boolean ipv4 = random.nextBoolean();
            final long baseHigh = ipv4 ? (long)random.nextInt() << 32 : random.nextLong();
            final long baseLow = ipv4 ? 0 : random.nextLong();
            for (int i = 0; i < n; i++)
            {
                final int len = ipv4 ? random.nextInt(33) : random.nextInt(129);
                final long h = random.nextInt(4) == 0 ? (ipv4 ? (long)random.nextInt() << 32 : random.nextLong()) :
                    baseHigh ^ (ipv4 ? (random.nextLong() & 0xFF) << 32 : random.nextLong() & 0xFF);
                final long l = ipv4 ? 0 : baseLow ^ (random.nextLong() & 0xFFFF);
                high[i] = h & maskHigh(len);
                low[i] = l & maskLow(len);
                length[i] = len;
            }
            final PrefixTable table = PrefixTable.build(high, ipv4 ? null : low, bytes(length), n, true, (a, b) -> { });
            for (int k = 0; k < 200; k++)
            {
                final int p = random.nextInt(n);
                final long h;
                final long l;
                switch (random.nextInt(4))
                {
                    case 0:
                        h = high[p];
                        l = low[p];
                        break;
                    case 1:
                        h = high[p] | ~maskHigh(length[p]);
                        l = low[p] | ~maskLow(length[p]);
                        break;
                    case 2:
                        h = high[p] ^ (1L << random.nextInt(64));
                        l = low[p] ^ (random.nextBoolean() ? 0 : 1L << random.nextInt(64));
                        break;
                    default:
                        h = random.nextLong();
                        l = random.nextLong();
                }
                final long fh = h;
                final long fl = l;
                final int expected = naive(high, low, length, n, h, l);
                assertEquals(expected, table.lookup(h, l), () -> "seed " + seed + " key " + Long.toHexString(fh) +
                    ":" + Long.toHexString(fl));
                assertEquals(expected, table.lookupRanges(h, l));
                final int key = (int)(h >>> 32);
                assertEquals(naive(high, low, length, n, (long)key << 32, 0), table.lookup4(key),
                    () -> "seed " + seed + " ipv4 key " + Addresses.format4(key));
            }
        }
    }

    @Test
    void emptyTableAnswersNothing()
    {
        assertEquals(-1, PrefixTable.EMPTY.lookup(0, 0));
        assertEquals(-1, PrefixTable.EMPTY.lookup(-1, -1));
        assertEquals(-1, PrefixTable.build(new long[0], new long[0], new byte[0], 0, true, (a, b) -> { }).lookup4(1));
    }

    @Test
    void slashZeroHoldsEverythingAndLongerPrefixesWinInsideIt()
    {
        final PrefixTable t = PrefixTable.build(new long[] {0, PrefixTable.ipv4Key(0xC0000200)}, new long[2],
            bytes(0, 24), 2, true, (a, b) -> { });
        assertEquals(0, t.lookup4(0));
        assertEquals(0, t.lookup4(-1));
        assertEquals(1, t.lookup4(0xC0000201));
        assertEquals(0, t.lookup4(0xC0000300));
        assertEquals(0, t.lookup4(0xC00001FF));
    }

    @Test
    void slash128AndSlash32AtTheEndsOfTheSpace()
    {
        final PrefixTable t6 = PrefixTable.build(new long[] {-1, 0}, new long[] {-1, 0}, bytes(128, 128), 2, true,
            (a, b) -> { });
        assertEquals(0, t6.lookup(-1, -1));
        assertEquals(-1, t6.lookup(-1, -2));
        assertEquals(1, t6.lookup(0, 0));
        assertEquals(-1, t6.lookup(0, 1));
        final PrefixTable t4 = PrefixTable.build(new long[] {PrefixTable.ipv4Key(-1), PrefixTable.ipv4Key(0)},
            new long[2], bytes(32, 32), 2, true, (a, b) -> { });
        assertEquals(0, t4.lookup4(-1));
        assertEquals(1, t4.lookup4(0));
        assertEquals(-1, t4.lookup4(1));
        assertEquals(-1, t4.lookup4(-2));
    }

    @Test
    void duplicatesAreReportedOnceEachAndTheFirstStays()
    {
        final long k = PrefixTable.ipv4Key(0xC0000200);
        final List<String> seen = new ArrayList<>();
        final PrefixTable t = PrefixTable.build(new long[] {k, k, k}, new long[3], bytes(24, 24, 25), 3, true,
            (a, b) -> seen.add(a + "," + b));
        assertEquals(List.of("0,1"), seen);
        assertEquals(2, t.size());
        assertEquals(2, t.lookup4(0xC0000201));
        assertEquals(0, t.lookup4(0xC0000281));
    }

    @Test
    void nestingIsReportedWhenNotAllowed()
    {
        final List<String> nested = new ArrayList<>();
        PrefixTable.build(new long[] {0x20010db800000000L, 0x20010db800010000L, 0x20010db900000000L}, new long[3],
            bytes(32, 48, 32), 3, false, new PrefixTable.Conflicts()
            {
                @Override
                public void duplicate(final int earlier, final int later)
                {
                    nested.add("dup");
                }

                @Override
                public void nested(final int outer, final int inner)
                {
                    nested.add(outer + "<" + inner);
                }
            });
        assertEquals(List.of("0<1"), nested);
    }

    @Test
    void aMillionSlash32sInOneSlash12LookUpExactly()
    {
        final int n = 1 << 20;
        final long[] high = new long[n];
        final int[] length = new int[n];
        for (int i = 0; i < n; i++)
        {
            high[i] = PrefixTable.ipv4Key(0x0A000000 + i);
            length[i] = 32;
        }
        final PrefixTable t = PrefixTable.build(high, new long[n], bytes(length), n, true, (a, b) -> { });
        final SplittableRandom random = new SplittableRandom(5);
        for (int k = 0; k < 100_000; k++)
        {
            final int i = random.nextInt(n);
            assertEquals(i, t.lookup4(0x0A000000 + i));
        }
        assertEquals(-1, t.lookup4(0x0A000000 + n));
        assertEquals(-1, t.lookup4(0x09FFFFFF));
    }
}
