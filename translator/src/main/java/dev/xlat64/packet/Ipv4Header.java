package dev.xlat64.packet;

import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * IPv4 header flyweight (RFC 791 section 3.1). Checks structure only, never policy.
 *
 * <pre>
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |Version|  IHL  |Type of Service|          Total Length         |
 *   |         Identification        |Flags|      Fragment Offset    |
 *   |  Time to Live |    Protocol   |         Header Checksum       |
 *   |                       Source Address                          |
 *   |                    Destination Address                        |
 *   |                    Options                    |    Padding    |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class Ipv4Header
{
    public static final int MIN_LENGTH = 20;
    /** RFC 791 s.3.1: every IPv4 module forwards datagrams of 68 octets without further fragmentation. */
    public static final int MINIMUM_MTU = 68;
    public static final int VERSION_IHL = 0;
    public static final int TOS = 1;
    public static final int TOTAL_LENGTH = 2;
    public static final int IDENTIFICATION = 4;
    public static final int FLAGS_FRAGMENT_OFFSET = 6;
    public static final int TTL = 8;
    public static final int PROTOCOL = 9;
    public static final int HEADER_CHECKSUM = 10;
    public static final int SOURCE = 12;
    public static final int DESTINATION = 16;

    public static final int FLAG_DF = 0x4000;
    public static final int FLAG_MF = 0x2000;
    public static final int FRAGMENT_OFFSET_MASK = 0x1FFF;

    public static final int PROTOCOL_ICMP = 1;
    public static final int PROTOCOL_TCP = 6;
    public static final int PROTOCOL_UDP = 17;
    public static final int PROTOCOL_IPV6 = 41;

    private MutableDirectBuffer buffer;
    private int offset;

    public Ipv4Header wrap(final MutableDirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.offset = offset;
        return this;
    }

    public int offset()
    {
        return offset;
    }

    public int version()
    {
        return (buffer.getByte(offset + VERSION_IHL) & 0xF0) >>> 4;
    }

    /** Header length in bytes (IHL * 4). */
    public int headerLength()
    {
        return (buffer.getByte(offset + VERSION_IHL) & 0x0F) << 2;
    }

    public Ipv4Header versionAndHeaderLength(final int headerLength)
    {
        buffer.putByte(offset + VERSION_IHL, (byte)(0x40 | (headerLength >>> 2)));
        return this;
    }

    public int tos()
    {
        return buffer.getByte(offset + TOS) & 0xFF;
    }

    public Ipv4Header tos(final int tos)
    {
        buffer.putByte(offset + TOS, (byte)tos);
        return this;
    }

    public int totalLength()
    {
        return buffer.getShort(offset + TOTAL_LENGTH, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    public Ipv4Header totalLength(final int length)
    {
        buffer.putShort(offset + TOTAL_LENGTH, (short)length, ByteOrder.BIG_ENDIAN);
        return this;
    }

    public int identification()
    {
        return buffer.getShort(offset + IDENTIFICATION, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    public Ipv4Header identification(final int id)
    {
        buffer.putShort(offset + IDENTIFICATION, (short)id, ByteOrder.BIG_ENDIAN);
        return this;
    }

    /** Flags and fragment offset as one 16-bit field ({@link #FLAG_DF}, {@link #FLAG_MF}, offset in 8-byte units). */
    public int flagsAndFragmentOffset()
    {
        return buffer.getShort(offset + FLAGS_FRAGMENT_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    /** RFC 791: a packet with MF set or a non-zero offset (in its flags-and-offset word) is a fragment. */
    public static boolean isFragment(final int flagsAndFragmentOffset)
    {
        return (flagsAndFragmentOffset & (FLAG_MF | FRAGMENT_OFFSET_MASK)) != 0;
    }

    public Ipv4Header flagsAndFragmentOffset(final int value)
    {
        buffer.putShort(offset + FLAGS_FRAGMENT_OFFSET, (short)value, ByteOrder.BIG_ENDIAN);
        return this;
    }

    public int ttl()
    {
        return buffer.getByte(offset + TTL) & 0xFF;
    }

    public Ipv4Header ttl(final int ttl)
    {
        buffer.putByte(offset + TTL, (byte)ttl);
        return this;
    }

    public int protocol()
    {
        return buffer.getByte(offset + PROTOCOL) & 0xFF;
    }

    public Ipv4Header protocol(final int protocol)
    {
        buffer.putByte(offset + PROTOCOL, (byte)protocol);
        return this;
    }

    public int headerChecksum()
    {
        return buffer.getShort(offset + HEADER_CHECKSUM, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    public int source()
    {
        return buffer.getInt(offset + SOURCE, ByteOrder.BIG_ENDIAN);
    }

    public Ipv4Header source(final int address)
    {
        buffer.putInt(offset + SOURCE, address, ByteOrder.BIG_ENDIAN);
        return this;
    }

    public int destination()
    {
        return buffer.getInt(offset + DESTINATION, ByteOrder.BIG_ENDIAN);
    }

    public Ipv4Header destination(final int address)
    {
        buffer.putInt(offset + DESTINATION, address, ByteOrder.BIG_ENDIAN);
        return this;
    }

    /**
     * The first 8 bytes (version and IHL, TOS, total length, identification, flags and fragment offset) as one
     * big-endian long: a translation reads the header as two words, one bounds check each, and decodes its fields from
     * them with the {@code ...Of} methods below instead of reading the buffer again per field.
     */
    public long firstWord()
    {
        return buffer.getLong(offset, ByteOrder.BIG_ENDIAN);
    }

    /** Bytes 8 to 15 (TTL, protocol, header checksum, source address) as one big-endian long. */
    public long secondWord()
    {
        return buffer.getLong(offset + TTL, ByteOrder.BIG_ENDIAN);
    }

    /** Header length in bytes (IHL * 4), from {@link #firstWord()}. */
    public static int headerLengthOf(final long firstWord)
    {
        return (int)(firstWord >>> 54) & 0x3C;
    }

    /** Type of service, from {@link #firstWord()}. */
    public static int tosOf(final long firstWord)
    {
        return (int)(firstWord >>> 48) & 0xFF;
    }

    /** Total length, from {@link #firstWord()}. */
    public static int totalLengthOf(final long firstWord)
    {
        return (int)(firstWord >>> 32) & 0xFFFF;
    }

    /** Identification, from {@link #firstWord()}. */
    public static int identificationOf(final long firstWord)
    {
        return (int)(firstWord >>> 16) & 0xFFFF;
    }

    /** Flags and fragment offset as one 16-bit field, from {@link #firstWord()}. */
    public static int flagsAndFragmentOffsetOf(final long firstWord)
    {
        return (int)firstWord & 0xFFFF;
    }

    /** Time to live, from {@link #secondWord()}. */
    public static int ttlOf(final long secondWord)
    {
        return (int)(secondWord >>> 56) & 0xFF;
    }

    /** Protocol, from {@link #secondWord()}. */
    public static int protocolOf(final long secondWord)
    {
        return (int)(secondWord >>> 48) & 0xFF;
    }

    /** Source address, from {@link #secondWord()}. */
    public static int sourceOf(final long secondWord)
    {
        return (int)secondWord;
    }

    /** True when the header checksum over {@code headerLength()} bytes verifies (RFC 1812 section 5.2.2). */
    public boolean headerChecksumValid()
    {
        return headerChecksumValid(firstWord());
    }

    /** {@link #headerChecksumValid()} given the {@link #firstWord()} the caller read already (one read less). */
    public boolean headerChecksumValid(final long first)
    {
        final int headerLength = headerLengthOf(first);
        if (headerLength == MIN_LENGTH)
        {
            // The common option-less header: two more loads in one checked range, no loop.
            final long at = HeaderWords.at(buffer, offset, MIN_LENGTH);
            final long second = HeaderWords.getLong(buffer, at + TTL);
            return Checksum.fold((first >>> 32) + (first & 0xFFFF_FFFFL) + (second >>> 32) + (second & 0xFFFF_FFFFL) +
                (HeaderWords.getInt(buffer, at + DESTINATION) & 0xFFFF_FFFFL)) == 0xFFFF;
        }
        return Checksum.fold(Checksum.add(buffer, offset, headerLength, 0)) == 0xFFFF;
    }

    /**
     * Writes a whole header without options (IHL 5) in three stores. The checksum (RFC 1071) is summed from the values
     * being written instead of being read back from memory.
     */
    public Ipv4Header writeWithoutOptions(
        final int tos, final int totalLength, final int identification, final int flagsAndFragmentOffset, final int ttl,
        final int protocol, final int source, final int destination)
    {
        final long first = (0x45L << 56) | ((tos & 0xFFL) << 48) | ((totalLength & 0xFFFFL) << 32) |
            ((identification & 0xFFFFL) << 16) | (flagsAndFragmentOffset & 0xFFFFL);
        final long ttlProtocol = ((ttl & 0xFFL) << 8) | (protocol & 0xFFL);
        final long sum = (first >>> 32) + (first & 0xFFFF_FFFFL) + ttlProtocol + (source & 0xFFFF_FFFFL) +
            (destination & 0xFFFF_FFFFL);
        final long second = (ttlProtocol << 48) | ((long)Checksum.finish(sum) << 32) | (source & 0xFFFF_FFFFL);
        final long at = HeaderWords.at(buffer, offset, MIN_LENGTH);
        HeaderWords.putLong(buffer, at, first);
        HeaderWords.putLong(buffer, at + TTL, second);
        HeaderWords.putInt(buffer, at + DESTINATION, destination);
        return this;
    }

    /** Computes and stores the header checksum over {@code headerLength()} bytes. */
    public Ipv4Header computeHeaderChecksum()
    {
        buffer.putShort(offset + HEADER_CHECKSUM, (short)0);
        final int sum = Checksum.finish(Checksum.add(buffer, offset, headerLength(), 0));
        buffer.putShort(offset + HEADER_CHECKSUM, (short)sum, ByteOrder.BIG_ENDIAN);
        return this;
    }
}
