package dev.xlat64.siit;

import dev.xlat64.packet.Icmp;
import org.agrona.DirectBuffer;

/**
 * RFC 4884 multi-part ICMP messages, as RFC 7915 s.4.3 and s.5.3 carry them across: where the original datagram ends
 * and the extension structure starts, and how much of the datagram fits before a carried extension. ICMPv4 counts
 * the length attribute in 32-bit words (s.4.1), ICMPv6 in 64-bit words (s.4.2): the unit is a parameter.
 */
final class Rfc4884
{
    /** RFC 4884 s.4.1 / s.4.2: with extensions, the original datagram field holds at least 128 bytes. */
    static final int MINIMUM_ORIGINAL_DATAGRAM = 128;
    /** ICMPv4's length attribute: 32-bit words, in the second byte of the type-specific word (RFC 4884 s.4.1). */
    static final int ICMPV4_WORD = 4;
    static final int ICMPV4_LENGTH_ATTRIBUTE = Icmp.REST + 1;
    /** ICMPv6's length attribute: 64-bit words, in the first byte of the type-specific word (RFC 4884 s.4.2). */
    static final int ICMPV6_WORD = 8;
    static final int ICMPV6_LENGTH_ATTRIBUTE = Icmp.REST;
    /** Returned by {@link #originalDatagramLength} when the attribute points past the message. */
    static final int BAD_LENGTH = -1;

    private Rfc4884()
    {
    }

    /**
     * The length of the original datagram field of the ICMP message at {@code icmp}, {@code available} bytes after its
     * 8-byte header: the non-zero length attribute in {@code word}-byte units, or everything when it is zero (no
     * extension); {@link #BAD_LENGTH} when it points beyond the message.
     */
    static int originalDatagramLength(
        final DirectBuffer buffer, final int icmp, final int attributeField, final int word, final int available)
    {
        final int lengthAttribute = buffer.getByte(icmp + attributeField) & 0xFF;
        if (lengthAttribute == 0)
        {
            return available;
        }
        final int length = lengthAttribute * word;
        return length > available ? BAD_LENGTH : length;
    }

    /**
     * Room left for the translated original datagram when an extension of {@code extensionLength} bytes is carried
     * after it, rounded down to {@code word}; -1 when fewer than 128 bytes would remain (the extension is then left
     * out).
     */
    static int roomBeforeExtension(final int room, final int extensionLength, final int word)
    {
        final int datagramRoom = (room - extensionLength) & ~(word - 1);
        return datagramRoom < MINIMUM_ORIGINAL_DATAGRAM ? -1 : datagramRoom;
    }

    /** The original datagram field's length with its padding: a multiple of {@code word}, at least 128 bytes. */
    static int paddedLength(final int datagramLength, final int word)
    {
        return Math.max(MINIMUM_ORIGINAL_DATAGRAM, (datagramLength + word - 1) & ~(word - 1));
    }
}
