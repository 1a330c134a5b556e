package dev.xlat64.packet;

import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * IPv6 fixed header flyweight (RFC 8200 section 3). Checks structure only, never policy.
 *
 * <pre>
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |Version| Traffic Class |           Flow Label                  |
 *   |         Payload Length        |  Next Header  |   Hop Limit   |
 *   |                    Source Address (128 bits)                  |
 *   |                 Destination Address (128 bits)                |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class Ipv6Header
{
    public static final int LENGTH = 40;
    /** RFC 8200 s.5: every IPv6 link carries packets of this size; no IPv6 MTU is smaller. */
    public static final int MINIMUM_MTU = 1280;
    public static final int VERSION_CLASS_FLOW = 0;
    public static final int PAYLOAD_LENGTH = 4;
    public static final int NEXT_HEADER = 6;
    public static final int HOP_LIMIT = 7;
    public static final int SOURCE = 8;
    public static final int DESTINATION = 24;

    public static final int NEXT_HEADER_HOP_BY_HOP = 0;
    public static final int NEXT_HEADER_TCP = 6;
    public static final int NEXT_HEADER_UDP = 17;
    public static final int NEXT_HEADER_ROUTING = 43;
    public static final int NEXT_HEADER_FRAGMENT = 44;
    public static final int NEXT_HEADER_ICMPV6 = 58;
    public static final int NEXT_HEADER_NONE = 59;
    public static final int NEXT_HEADER_DESTINATION_OPTIONS = 60;

    private MutableDirectBuffer buffer;
    private int offset;

    public Ipv6Header wrap(final MutableDirectBuffer buffer, final int offset)
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
        return (buffer.getByte(offset) & 0xF0) >>> 4;
    }

    public int trafficClass()
    {
        return (buffer.getShort(offset, ByteOrder.BIG_ENDIAN) >>> 4) & 0xFF;
    }

    public int flowLabel()
    {
        return buffer.getInt(offset, ByteOrder.BIG_ENDIAN) & 0xFFFFF;
    }

    /** Writes version 6, the traffic class and the flow label in one store. */
    public Ipv6Header versionClassFlow(final int trafficClass, final int flowLabel)
    {
        buffer.putInt(offset, (6 << 28) | ((trafficClass & 0xFF) << 20) | (flowLabel & 0xFFFFF), ByteOrder.BIG_ENDIAN);
        return this;
    }

    /**
     * Writes the first 8 bytes (version 6, traffic class, flow label, payload length, next header, hop limit) in one
     * store.
     */
    public Ipv6Header writeFirstWord(
        final int trafficClass, final int flowLabel, final int payloadLength, final int nextHeader, final int hopLimit)
    {
        buffer.putLong(offset, encodeFirstWord(trafficClass, flowLabel, payloadLength, nextHeader, hopLimit),
            ByteOrder.BIG_ENDIAN);
        return this;
    }

    /** The first 8 bytes as one big-endian long. */
    private static long encodeFirstWord(
        final int trafficClass, final int flowLabel, final int payloadLength, final int nextHeader, final int hopLimit)
    {
        return (6L << 60) | ((trafficClass & 0xFFL) << 52) | ((flowLabel & 0xFFFFFL) << 32) |
            ((payloadLength & 0xFFFFL) << 16) | ((nextHeader & 0xFFL) << 8) | (hopLimit & 0xFFL);
    }

    /**
     * Writes a whole header at {@code offset} (version 6, flow label 0) in five stores, from values the caller holds:
     * the header being replaced in place may be read up to here, never after.
     */
    public static void write(
        final MutableDirectBuffer buffer, final int offset, final int trafficClass, final int payloadLength,
        final int nextHeader, final int hopLimit, final long sourceHigh, final long sourceLow,
        final long destinationHigh, final long destinationLow)
    {
        final long at = HeaderWords.at(buffer, offset, LENGTH);
        HeaderWords.putLong(buffer, at, encodeFirstWord(trafficClass, 0, payloadLength, nextHeader, hopLimit));
        HeaderWords.putLong(buffer, at + SOURCE, sourceHigh);
        HeaderWords.putLong(buffer, at + SOURCE + 8, sourceLow);
        HeaderWords.putLong(buffer, at + DESTINATION, destinationHigh);
        HeaderWords.putLong(buffer, at + DESTINATION + 8, destinationLow);
    }

    /**
     * The first 8 bytes (version, traffic class, flow label, payload length, next header, hop limit) as one big-endian
     * long: a translation reads them once, with one bounds check, and decodes the fields with the {@code ...Of}
     * methods.
     */
    public long firstWord()
    {
        return buffer.getLong(offset, ByteOrder.BIG_ENDIAN);
    }

    /** Traffic class, from {@link #firstWord()}. */
    public static int trafficClassOf(final long firstWord)
    {
        return (int)(firstWord >>> 52) & 0xFF;
    }

    /** Payload length, from {@link #firstWord()}. */
    public static int payloadLengthOf(final long firstWord)
    {
        return (int)(firstWord >>> 16) & 0xFFFF;
    }

    /** Next header, from {@link #firstWord()}. */
    public static int nextHeaderOf(final long firstWord)
    {
        return (int)(firstWord >>> 8) & 0xFF;
    }

    /** Hop limit, from {@link #firstWord()}. */
    public static int hopLimitOf(final long firstWord)
    {
        return (int)firstWord & 0xFF;
    }

    public int payloadLength()
    {
        return buffer.getShort(offset + PAYLOAD_LENGTH, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }

    public Ipv6Header payloadLength(final int length)
    {
        buffer.putShort(offset + PAYLOAD_LENGTH, (short)length, ByteOrder.BIG_ENDIAN);
        return this;
    }

    public int nextHeader()
    {
        return buffer.getByte(offset + NEXT_HEADER) & 0xFF;
    }

    public Ipv6Header nextHeader(final int nextHeader)
    {
        buffer.putByte(offset + NEXT_HEADER, (byte)nextHeader);
        return this;
    }

    public int hopLimit()
    {
        return buffer.getByte(offset + HOP_LIMIT) & 0xFF;
    }

    public Ipv6Header hopLimit(final int hopLimit)
    {
        buffer.putByte(offset + HOP_LIMIT, (byte)hopLimit);
        return this;
    }

    /** Writes source and destination, each given as two big-endian halves. */
    public Ipv6Header addresses(
        final long sourceHigh, final long sourceLow, final long destinationHigh, final long destinationLow)
    {
        buffer.putLong(offset + SOURCE, sourceHigh, ByteOrder.BIG_ENDIAN);
        buffer.putLong(offset + SOURCE + 8, sourceLow, ByteOrder.BIG_ENDIAN);
        buffer.putLong(offset + DESTINATION, destinationHigh, ByteOrder.BIG_ENDIAN);
        buffer.putLong(offset + DESTINATION + 8, destinationLow, ByteOrder.BIG_ENDIAN);
        return this;
    }

    public int sourceOffset()
    {
        return offset + SOURCE;
    }

    public int destinationOffset()
    {
        return offset + DESTINATION;
    }
}
