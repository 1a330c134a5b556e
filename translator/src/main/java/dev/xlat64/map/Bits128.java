package dev.xlat64.map;

/** Bit fields of a 128-bit IPv6 address held as two longs (bit 0 = the most significant bit of {@code high}). */
final class Bits128
{
    private Bits128()
    {
    }

    /** The {@code length} (0..63) bits starting at bit {@code position}, right-aligned. */
    static long get(final long high, final long low, final int position, final int length)
    {
        if (length == 0)
        {
            return 0;
        }
        final int end = position + length;
        final long v;
        if (end <= 64)
        {
            v = high >>> (64 - end);
        }
        else if (position >= 64)
        {
            v = low >>> (128 - end);
        }
        else
        {
            v = high << (end - 64) | low >>> (128 - end);
        }
        return v & ((1L << length) - 1);
    }

    /** The part of {@code value} (length bits) that lands in the high half when placed at {@code position}. */
    static long placeHigh(final long value, final int position, final int length)
    {
        final int end = position + length;
        if (length == 0 || position >= 64)
        {
            return 0;
        }
        return end <= 64 ? value << (64 - end) : value >>> (end - 64);
    }

    /** The part of {@code value} that lands in the low half. */
    static long placeLow(final long value, final int position, final int length)
    {
        final int end = position + length;
        if (length == 0 || end <= 64)
        {
            return 0;
        }
        return value << (128 - end);
    }
}
