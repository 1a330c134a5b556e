package dev.xlat64.addr;

/**
 * An immutable longest-prefix-match table over 128-bit keys (IPv6 addresses; IPv4 addresses sit in the top 32 bits,
 * see {@link #lookup4}), mapping each address to the caller's index of its longest matching prefix, or -1.
 *
 * <p>The prefixes cut the address space into at most 2n+1 ranges, each with one answer (the range-partition form of
 * Lampson, Srinivasan and Varghese, "IP lookups using multiway and multicolumn search", 1998). A lookup reads one slot
 * of a direct index over the bits that follow the boundaries' common prefix (about one range per slot), then
 * binary-searches the few ranges of that slot. Everything lives in four flat arrays: no object per entry, no lock, no
 * allocation per lookup; memory is at most 20 bytes per range whatever the prefixes look like. Built once off the data
 * path (sort + one scan, O(n log n)), shared by every agent. docs/tables.md explains the choice.
 */
public final class PrefixTable
{
    /** The table without prefixes: every lookup answers -1. */
    public static final PrefixTable EMPTY = new PrefixTable(new long[] {Long.MIN_VALUE}, new long[] {Long.MIN_VALUE},
        new int[] {-1}, 1, 0, PrefixSweep.Small.NONE);

    /** Told about prefixes that the table cannot hold as given (see {@link #build}). */
    public interface Conflicts
    {
        /** {@code later} has the same prefix as {@code earlier} (caller's indices); the table keeps {@code earlier}. */
        void duplicate(int earlier, int later);

        /** {@code inner} lies inside {@code outer}; reported only when nesting is not allowed. */
        default void nested(final int outer, final int inner)
        {
        }
    }

    private static final int MAX_INDEX_BITS = 20;

    // Range i covers [start(i), start(i + 1)); starts are stored with the sign bit flipped so signed compares order
    // them as unsigned 128-bit numbers.
    private final long[] startsHigh;
    private final long[] startsLow;
    private final int[] values;
    private final int count;
    /** Bits every boundary but the first (address 0) shares; the index reads the next {@code indexBits}. */
    private final int common;
    private final int indexBits;
    /** Per index slot: the last range starting at or before the slot's first address. One more slot at the end. */
    private final int[] index;
    private final int prefixes;
    /**
     * The start of range 1 (or of the last range) and of the last range, and the answers below, inside and at/after
     * them: copies of array slots in fields, so the common lookups (outside every prefix, or in a table of one) read no
     * array and compile small enough to be inlined on the packet path.
     */
    private final long secondHigh;
    private final long secondLow;
    private final long lastHigh;
    private final long lastLow;
    private final int firstValue;
    private final int middleValue;
    private final int lastValue;
    /**
     * A table of at most two prefixes (the common deployment: a handful of EAM entries or fewer) is matched directly,
     * longer prefix first: two masked compares instead of range compares. Slot 1 of a one-prefix table, and slot 0 of
     * an empty one, match everything and answer -1. {@code small4*} are the same over {@link #lookup4}'s keys.
     */
    private final boolean small;
    private final long small0High;
    private final long small0Low;
    private final long small0MaskHigh;
    private final long small0MaskLow;
    private final int small0Value;
    private final long small1High;
    private final long small1Low;
    private final long small1MaskHigh;
    private final long small1MaskLow;
    private final int small1Value;
    private final long small40High;
    private final long small40Mask;
    private final long small41High;
    private final long small41Mask;

    PrefixTable(final long[] startsHigh, final long[] startsLow, final int[] values, final int count,
        final int prefixes, final PrefixSweep.Small s)
    {
        small = s != null;
        final PrefixSweep.Small z = s == null ? PrefixSweep.Small.NONE : s;
        small0High = z.high[0];
        small0Low = z.low[0];
        small0MaskHigh = z.maskHigh[0];
        small0MaskLow = z.maskLow[0];
        small0Value = z.value[0];
        small1High = z.high[1];
        small1Low = z.low[1];
        small1MaskHigh = z.maskHigh[1];
        small1MaskLow = z.maskLow[1];
        small1Value = z.value[1];
        // lookup4's key has a zero low half: a prefix with low bits set cannot match it (a set bit beyond the key's).
        small40High = z.low[0] == 0 ? z.high[0] : 1;
        small40Mask = z.low[0] == 0 ? z.maskHigh[0] : -1;
        small41High = z.low[1] == 0 ? z.high[1] : 1;
        small41Mask = z.low[1] == 0 ? z.maskHigh[1] : -1;
        this.startsHigh = startsHigh;
        this.startsLow = startsLow;
        this.values = values;
        this.count = count;
        this.prefixes = prefixes;
        final int last = count - 1;
        secondHigh = startsHigh[Math.min(1, last)];
        secondLow = startsLow[Math.min(1, last)];
        lastHigh = startsHigh[last];
        lastLow = startsLow[last];
        firstValue = values[0];
        middleValue = values[Math.min(1, last)];
        lastValue = values[last];
        if (count <= 2)
        {
            common = 128;
            indexBits = 0;
            index = new int[] {0, count - 1};
            return;
        }
        final long h = startsHigh[1] ^ startsHigh[count - 1];
        final long l = startsLow[1] ^ startsLow[count - 1];
        common = h != 0 ? Long.numberOfLeadingZeros(h) : 64 + Long.numberOfLeadingZeros(l);
        final int wanted = 33 - Integer.numberOfLeadingZeros(count);
        indexBits = Math.max(1, Math.min(Math.min(MAX_INDEX_BITS, wanted), 128 - common));
        index = buildIndex();
    }

    private int[] buildIndex()
    {
        final int slots = 1 << indexBits;
        final int[] out = new int[slots + 1];
        int range = 0;
        for (int slot = 0; slot < slots; slot++)
        {
            final long sh = slotStartHigh(slot);
            final long sl = slotStartLow(slot);
            while (range + 1 < count && !greater(startsHigh[range + 1], startsLow[range + 1], sh, sl))
            {
                range++;
            }
            out[slot] = range;
        }
        out[slots] = count - 1;
        return out;
    }

    /** First address of an index slot (sign-flipped high half): the common bits, the slot number, zeros. */
    private long slotStartHigh(final int slot)
    {
        final long commonHigh = common == 0 ? 0 : (common >= 64 ? startsHigh[1] ^ Long.MIN_VALUE :
            (startsHigh[1] ^ Long.MIN_VALUE) & (-1L << (64 - common)));
        final int shift = 128 - common - indexBits;
        final long part = shift >= 64 ? (long)slot << (shift - 64) :
            (shift + indexBits > 64 ? (long)slot >>> (64 - shift) : 0);
        return (commonHigh | part) ^ Long.MIN_VALUE;
    }

    private long slotStartLow(final int slot)
    {
        final long commonLow = common <= 64 ? 0 : (common == 128 ? startsLow[1] ^ Long.MIN_VALUE :
            (startsLow[1] ^ Long.MIN_VALUE) & (-1L << (128 - common)));
        final int shift = 128 - common - indexBits;
        final long part = shift >= 64 ? 0 : (long)slot << shift;
        return (commonLow | part) ^ Long.MIN_VALUE;
    }

    private static boolean greater(final long h1, final long l1, final long h2, final long l2)
    {
        return h1 > h2 || (h1 == h2 && l1 > l2);
    }

    /** How many prefixes the table holds (duplicates dropped). */
    public int size()
    {
        return prefixes;
    }

    /** How many address ranges the prefixes cut the space into (memory: 20 bytes each, plus the index). */
    public int ranges()
    {
        return count;
    }

    /** Approximate bytes of the built table. */
    public long bytes()
    {
        return 20L * startsHigh.length + 4L * index.length;
    }

    /** The index of the longest prefix holding the IPv4 address {@code ipv4}, or -1 (built with {@link #ipv4Key}). */
    public int lookup4(final int ipv4)
    {
        final long key = (long)ipv4 << 32;
        if (small)
        {
            if (((key ^ small40High) & small40Mask) == 0)
            {
                return small0Value;
            }
            return ((key ^ small41High) & small41Mask) == 0 ? small1Value : -1;
        }
        return lookupRanges(key, 0);
    }

    /** The caller's index of the longest prefix holding the address {@code high:low}, or -1. */
    public int lookup(final long high, final long low)
    {
        if (small)
        {
            if ((((high ^ small0High) & small0MaskHigh) | ((low ^ small0Low) & small0MaskLow)) == 0)
            {
                return small0Value;
            }
            return (((high ^ small1High) & small1MaskHigh) | ((low ^ small1Low) & small1MaskLow)) == 0 ?
                small1Value : -1;
        }
        return lookupRanges(high, low);
    }

    /** {@link #lookup} through the ranges (the answer for any table; the only one above two prefixes). */
    int lookupRanges(final long high, final long low)
    {
        final long h = high ^ Long.MIN_VALUE;
        final long l = low ^ Long.MIN_VALUE;
        // Below the first boundary after 0, or at/after the last: no search (and the slot maths needs neither case).
        if (greater(secondHigh, secondLow, h, l))
        {
            return firstValue;
        }
        if (!greater(lastHigh, lastLow, h, l))
        {
            return lastValue;
        }
        // With three ranges (one prefix cuts no more) the key is in the middle one. The search is a method of its own
        // so that this part stays small enough for the JIT to inline into the packet path.
        return count <= 3 ? middleValue : search(high, low, h, l);
    }

    /** The binary search of {@link #lookup} for a key strictly inside the ranges (sign-flipped halves {@code h:l}). */
    private int search(final long high, final long low, final long h, final long l)
    {
        final long[] sh = startsHigh;
        final long[] sl = startsLow;
        final int slot = slot(high, low);
        int lo = index[slot];
        int hi = index[slot + 1];
        // Invariant: start(lo) <= key < start(hi + 1); find the last range starting at or before the key.
        while (lo < hi)
        {
            final int mid = (lo + hi + 1) >>> 1;
            if (greater(sh[mid], sl[mid], h, l))
            {
                hi = mid - 1;
            }
            else
            {
                lo = mid;
            }
        }
        return values[lo];
    }

    private int slot(final long high, final long low)
    {
        final int c = common;
        final int bits = indexBits;
        if (c + bits <= 64)
        {
            return (int)((high << c) >>> (64 - bits));
        }
        if (c >= 64)
        {
            return (int)((low << (c - 64)) >>> (64 - bits));
        }
        return (int)(((high << c) | (low >>> (64 - c))) >>> (64 - bits));
    }

    /** The 128-bit key high half for an IPv4 address or prefix: the address in the top 32 bits. */
    public static long ipv4Key(final int ipv4)
    {
        return (long)ipv4 << 32;
    }

    /**
     * Builds the table of {@code n} prefixes given as 128-bit addresses (host bits zero; {@code low} may be null for
     * all zero) and lengths 0..128 (unsigned bytes); IPv4 prefixes go in as {@link #ipv4Key} with their own length
     * (0..32). The value of a prefix is its position in the arrays. Identical prefixes are reported to {@code
     * conflicts} (the first one stays); nested prefixes are fine
     * (the longest wins) unless {@code allowNesting} is false, when they are reported too.
     */
    public static PrefixTable build(final long[] high, final long[] low, final byte[] length, final int n,
        final boolean allowNesting, final Conflicts conflicts)
    {
        if (n == 0)
        {
            return EMPTY;
        }
        // Address order, a containing prefix before the prefixes it contains (shorter first at the same address).
        final int[] order = PrefixOrder.sorted(high, low, length, n);
        // At most 2n + 1 ranges (each prefix opens one and closes one): sized once, not regrown (a million scattered
        // /32s filled n + 1 and copied 40 MB into 2n + 2); trimmed at the end when much smaller (adjacent prefixes).
        return new PrefixSweep(high, low, length, 2 * n + 1).run(order, allowNesting, conflicts);
    }
}
