package dev.xlat64.addr;

import java.util.Arrays;

/** The order in which {@link PrefixTable#build} sweeps its prefixes: a radix sort, off the data path. */
final class PrefixOrder
{
    private PrefixOrder()
    {
    }

    /**
     * Positions 0..n-1 in (address, length, position) order: an LSD radix sort, 16 bits a pass from the length up to
     * the top of the address, stable (so equal prefixes keep their order). A pass whose digit is the same for every
     * prefix is skipped: most are (IPv4 keys have 32 bits, a table's prefixes share their top bits), so a million
     * entries sort in two or three linear passes, fast even before the JIT has compiled anything (a comparator sort
     * took seconds of a cold start, docs/tables.md).
     */
    static int[] sorted(final long[] high, final long[] low, final byte[] length, final int n)
    {
        int[] order = new int[n];
        for (int i = 0; i < n; i++)
        {
            order[i] = i;
        }
        int[] next = new int[n];
        final int[] count = new int[65537];
        for (int pass = 0; pass < 9; pass += pass == 0 && low == null ? 5 : 1)
        {
            Arrays.fill(count, 0);
            for (int p = 0; p < n; p++)
            {
                count[digit(high, low, length, p, pass) + 1]++;
            }
            if (count[digit(high, low, length, 0, pass) + 1] == n)
            {
                continue;
            }
            for (int d = 0; d < 65536; d++)
            {
                count[d + 1] += count[d];
            }
            for (int i = 0; i < n; i++)
            {
                final int p = order[i];
                next[count[digit(high, low, length, p, pass)]++] = p;
            }
            final int[] t = order;
            order = next;
            next = t;
        }
        return order;
    }

    /** Pass 0: the length; passes 1-4: the low half's 16-bit digits, least significant first; 5-8: the high half's. */
    private static int digit(final long[] high, final long[] low, final byte[] length, final int p, final int pass)
    {
        if (pass == 0)
        {
            return length[p] & 0xFF;
        }
        final long key = pass <= 4 ? low[p] : high[p];
        return (int)(key >>> (((pass - 1) & 3) << 4)) & 0xFFFF;
    }
}
