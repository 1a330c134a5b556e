package dev.xlat64.packet;

import org.agrona.DirectBuffer;

import java.nio.ByteOrder;

/**
 * The Internet checksum (RFC 1071) and its incremental update (RFC 1624), the one copy used everywhere.
 * Sums are carried as {@code long} accumulators and folded to 16 bits only when needed.
 */
public final class Checksum
{
    private Checksum()
    {
    }

    /**
     * Adds {@code length} bytes at {@code offset} to {@code accumulator} as big-endian 16-bit words (odd byte padded).
     */
    public static long add(final DirectBuffer buffer, final int offset, final int length, final long accumulator)
    {
        long acc = accumulator;
        int i = 0;
        for (; i + 8 <= length; i += 8)
        {
            final long word = buffer.getLong(offset + i, ByteOrder.BIG_ENDIAN);
            acc += (word >>> 32) + (word & 0xFFFF_FFFFL);
        }
        if (i + 4 <= length)
        {
            acc += buffer.getInt(offset + i, ByteOrder.BIG_ENDIAN) & 0xFFFF_FFFFL;
            i += 4;
        }
        if (i + 2 <= length)
        {
            acc += buffer.getShort(offset + i, ByteOrder.BIG_ENDIAN) & 0xFFFF;
            i += 2;
        }
        if (i < length)
        {
            acc += (buffer.getByte(offset + i) & 0xFF) << 8;
        }
        return acc;
    }

    /**
     * Folds an accumulator into a 16-bit ones'-complement sum (RFC 1071 s.2(B): end-around carries). Adding a value to
     * itself rotated by half its width leaves in the upper half the sum of the two halves plus the carry out of the
     * lower half, which is exactly the end-around carry: 64 bits fold to 32, then 32 to 16, in two rotate-adds.
     */
    public static int fold(final long accumulator)
    {
        final int sum32 = (int)((accumulator + Long.rotateLeft(accumulator, 32)) >>> 32);
        return (sum32 + Integer.rotateLeft(sum32, 16)) >>> 16;
    }

    /** The checksum field value for an accumulated sum: the complement of the folded sum. */
    public static int finish(final long accumulator)
    {
        return ~fold(accumulator) & 0xFFFF;
    }

    /**
     * RFC 1624 equation 3: {@code HC' = ~(~HC + ~m + m')}, where {@code m} and {@code m'} are the folded sums of the
     * old and new contents of the changed fields.
     */
    public static int update(final int checksum, final int oldSum, final int newSum)
    {
        return ~fold((~checksum & 0xFFFF) + (~oldSum & 0xFFFF) + (long)newSum) & 0xFFFF;
    }

    /** Sum of the 16 address bytes at {@code offset} (an IPv6 source or destination). */
    public static long addIpv6Address(final DirectBuffer buffer, final int offset, final long accumulator)
    {
        return addIpv6Address(buffer.getLong(offset, ByteOrder.BIG_ENDIAN),
            buffer.getLong(offset + 8, ByteOrder.BIG_ENDIAN), accumulator);
    }

    /** Sum of an IPv6 address held as two big-endian halves. */
    public static long addIpv6Address(final long high, final long low, final long accumulator)
    {
        return accumulator + (high >>> 32) + (high & 0xFFFF_FFFFL) + (low >>> 32) + (low & 0xFFFF_FFFFL);
    }

    /** Sum of a 32-bit value (an IPv4 address) as two 16-bit words. */
    public static long addInt(final int value, final long accumulator)
    {
        return accumulator + (value & 0xFFFF_FFFFL);
    }

    /** RFC 8200 section 8.1 pseudo-header sum: addresses at {@code sourceOffset} (32 bytes), length, next header. */
    public static long ipv6PseudoHeader(
        final DirectBuffer buffer, final int sourceOffset, final int upperLayerLength, final int nextHeader)
    {
        long acc = addIpv6Address(buffer, sourceOffset, 0);
        acc = addIpv6Address(buffer, sourceOffset + 16, acc);
        return acc + (upperLayerLength & 0xFFFF_FFFFL) + nextHeader;
    }

    /** RFC 793/768 IPv4 pseudo-header sum. */
    public static long ipv4PseudoHeader(final int source, final int destination, final int length, final int protocol)
    {
        return (source & 0xFFFF_FFFFL) + (destination & 0xFFFF_FFFFL) + length + protocol;
    }
}
