package dev.xlat64.packet;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * IPv6 Fragment Header (RFC 8200 section 4.5): static accessors at a given offset, no state.
 *
 * <pre>
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |  Next Header  |   Reserved    |      Fragment Offset    |Res|M|
 *   |                         Identification                        |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class FragmentHeader
{
    public static final int LENGTH = 8;
    public static final int NEXT_HEADER = 0;
    public static final int OFFSET_FLAGS = 2;
    public static final int IDENTIFICATION = 4;
    public static final int FLAG_M = 1;

    private FragmentHeader()
    {
    }

    /** Fragment offset in 8-byte units. */
    public static int fragmentOffset(final DirectBuffer buffer, final int offset)
    {
        return (buffer.getShort(offset + OFFSET_FLAGS, ByteOrder.BIG_ENDIAN) & 0xFFFF) >>> 3;
    }

    public static boolean moreFragments(final DirectBuffer buffer, final int offset)
    {
        return (buffer.getByte(offset + OFFSET_FLAGS + 1) & FLAG_M) != 0;
    }

    public static int identification(final DirectBuffer buffer, final int offset)
    {
        return buffer.getInt(offset + IDENTIFICATION, ByteOrder.BIG_ENDIAN);
    }

    /** Writes a whole fragment header; {@code fragmentOffset} in 8-byte units. */
    public static void write(
        final MutableDirectBuffer buffer, final int offset, final int nextHeader, final int fragmentOffset,
        final boolean moreFragments, final int identification)
    {
        buffer.putByte(offset + NEXT_HEADER, (byte)nextHeader);
        buffer.putByte(offset + 1, (byte)0);
        buffer.putShort(offset + OFFSET_FLAGS, (short)((fragmentOffset << 3) | (moreFragments ? FLAG_M : 0)),
            ByteOrder.BIG_ENDIAN);
        buffer.putInt(offset + IDENTIFICATION, identification, ByteOrder.BIG_ENDIAN);
    }
}
