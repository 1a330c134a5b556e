package dev.xlat64.addr;

import java.util.Arrays;

/**
 * Builds a {@link PrefixTable} (off the data path): the scan that turns prefixes sorted by {@link PrefixOrder} into
 * address ranges with a stack of open (enclosing) prefixes, and the direct-match form of a table of at most two.
 */
final class PrefixSweep
{
    private final long[] high;
    private final long[] low;
    private final byte[] length;
    private long[] outHigh;
    private long[] outLow;
    private int[] outValues;
    private int out;
    private final Small small = new Small();

    PrefixSweep(final long[] high, final long[] low, final byte[] length, final int capacity)
    {
        this.high = high;
        this.low = low;
        this.length = length;
        outHigh = new long[capacity];
        outLow = new long[capacity];
        outValues = new int[capacity];
    }

    PrefixTable run(final int[] order, final boolean allowNesting, final PrefixTable.Conflicts conflicts)
    {
        final int n = order.length;
        final int[] stack = new int[129];
        int depth = 0;
        int kept = 0;
        emit(0, 0, -1);
        int previous = -1;
        for (int k = 0; k < n; k++)
        {
            final int p = order[k];
            if (previous >= 0 && high[p] == high[previous] && low(p) == low(previous) &&
                length[p] == length[previous])
            {
                conflicts.duplicate(previous, p);
                continue;
            }
            previous = p;
            if (kept < 2)
            {
                small.add(high[p], low(p), length[p] & 0xFF, p);
            }
            kept++;
            while (depth > 0 && !contains(stack[depth - 1], p))
            {
                depth = close(stack, depth);
            }
            if (depth > 0 && !allowNesting)
            {
                conflicts.nested(stack[depth - 1], p);
            }
            stack[depth++] = p;
            emit(high[p], low(p), p);
        }
        while (depth > 0)
        {
            depth = close(stack, depth);
        }
        // Trimmed only when much too large: a copy of a million-range array is garbage the GC pays for.
        final boolean trim = out < outHigh.length - outHigh.length / 8;
        final long[] h = trim ? Arrays.copyOf(outHigh, out) : outHigh;
        final long[] l = trim ? Arrays.copyOf(outLow, out) : outLow;
        final int[] v = trim ? Arrays.copyOf(outValues, out) : outValues;
        for (int i = 0; i < out; i++)
        {
            h[i] ^= Long.MIN_VALUE;
            l[i] ^= Long.MIN_VALUE;
        }
        return new PrefixTable(h, l, v, out, kept, kept <= 2 ? small : null);
    }

    /** Pops the innermost open prefix: after its last address the one around it (or nothing) answers again. */
    private int close(final int[] stack, final int depth)
    {
        final int p = stack[depth - 1];
        final int hostBits = 128 - (length[p] & 0xFF);
        long endHigh = high[p];
        long endLow = low(p);
        if (hostBits >= 64)
        {
            endLow = -1L;
            endHigh |= hostBits == 128 ? -1L : (1L << (hostBits - 64)) - 1;
        }
        else
        {
            endLow |= hostBits == 0 ? 0 : (1L << hostBits) - 1;
        }
        if (endHigh != -1L || endLow != -1L)
        {
            final long nextLow = endLow + 1;
            final long nextHigh = nextLow == 0 ? endHigh + 1 : endHigh;
            emit(nextHigh, nextLow, depth > 1 ? stack[depth - 2] : -1);
        }
        return depth - 1;
    }

    private boolean contains(final int outer, final int inner)
    {
        final int len = length[outer] & 0xFF;
        final long maskHigh = len == 0 ? 0 : (len >= 64 ? -1L : -1L << (64 - len));
        final long maskLow = len <= 64 ? 0 : (len == 128 ? -1L : -1L << (128 - len));
        return ((high[inner] ^ high[outer]) & maskHigh) == 0 && ((low(inner) ^ low(outer)) & maskLow) == 0;
    }

    private long low(final int p)
    {
        return low == null ? 0 : low[p];
    }

    /** A range starting at {@code h:l} answers {@code value}; merges with a neighbour when nothing changes. */
    private void emit(final long h, final long l, final int value)
    {
        if (out > 0 && outHigh[out - 1] == h && outLow[out - 1] == l)
        {
            out--;
        }
        if (out > 0 && outValues[out - 1] == value)
        {
            return;
        }
        if (out == outHigh.length)
        {
            outHigh = Arrays.copyOf(outHigh, out * 2);
            outLow = Arrays.copyOf(outLow, out * 2);
            outValues = Arrays.copyOf(outValues, out * 2);
        }
        outHigh[out] = h;
        outLow[out] = l;
        outValues[out] = value;
        out++;
    }

    /** Up to two prefixes for the direct match, longer first, padded with a match-all slot answering -1. */
    static final class Small
    {
        static final Small NONE = new Small();

        final long[] high = new long[2];
        final long[] low = new long[2];
        final long[] maskHigh = new long[2];
        final long[] maskLow = new long[2];
        final int[] value = {-1, -1};
        int size;

        void add(final long h, final long l, final int length, final int v)
        {
            // Longer first: of two nested prefixes the inner one must be tried first (longest match).
            final int slot = size == 1 && length > Long.bitCount(maskHigh[0]) + Long.bitCount(maskLow[0]) ? 0 : size;
            if (slot != size)
            {
                high[1] = high[0];
                low[1] = low[0];
                maskHigh[1] = maskHigh[0];
                maskLow[1] = maskLow[0];
                value[1] = value[0];
            }
            maskHigh[slot] = length == 0 ? 0 : (length >= 64 ? -1L : -1L << (64 - length));
            maskLow[slot] = length <= 64 ? 0 : (length == 128 ? -1L : -1L << (128 - length));
            high[slot] = h;
            low[slot] = l;
            value[slot] = v;
            size++;
        }
    }
}
