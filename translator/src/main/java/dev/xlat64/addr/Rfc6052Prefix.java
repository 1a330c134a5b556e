package dev.xlat64.addr;

import org.agrona.DirectBuffer;

import java.nio.ByteOrder;

/**
 * An RFC 6052 IPv4-embedded IPv6 prefix: one of the six lengths of section 2.2, the IPv4 address spread around the
 * reserved "u" octet (bits 64-71), suffix zero.
 *
 * <pre>
 *   +--+---+---+---+---+---+---+---+---+---+---+---+---+---+---+---+---+
 *   |PL| 0-------------32--40--48--56--64--72--80--88--96--104---------|
 *   +--+---+---+---+---+---+---+---+---+---+---+---+---+---+---+---+---+
 *   |32|     prefix    |v4(32)         | u | suffix                    |
 *   |40|     prefix        |v4(24)     | u |(8)| suffix                |
 *   |48|     prefix            |v4(16) | u | (16)  | suffix            |
 *   |56|     prefix                |(8)| u |  v4(24)   | suffix        |
 *   |64|     prefix                    | u |   v4(32)      | suffix    |
 *   |96|     prefix                                    |    v4(32)     |
 *   +--+---+---+---+---+---+---+---+---+---+---+---+---+---+---+---+---+
 * </pre>
 */
public final class Rfc6052Prefix implements EmbeddingFormat
{
    /** RFC 6052 section 2.1: the Well-Known Prefix. */
    public static final Ipv6Prefix WELL_KNOWN = Ipv6Prefix.parse("64:ff9b::/96");

    private final Ipv6Prefix prefix;
    private final int[] ipv4BytePositions;
    private final boolean wellKnown;
    // The packet path works on the address as two longs: the IPv4 address's top bits end the high half (prefixes
    // shorter than 64), the rest sits in the low half after the u octet (or, for a /96, at its end). The u octet is in
    // the contains() mask (s.2.2: it must be zero; a /96 covers it already, with the prefix's value).
    private final Ipv4Embedding embedding;

    public Rfc6052Prefix(final Ipv6Prefix prefix)
    {
        this.prefix = prefix;
        this.ipv4BytePositions = positions(prefix.length());
        this.wellKnown = prefix.equals(WELL_KNOWN);
        final int highBits = prefix.length() < 64 ? 64 - prefix.length() : 0;
        this.embedding = new Ipv4Embedding(prefix.high(), prefix.low(), prefix.maskHigh(),
            prefix.maskLow() | (prefix.length() == 96 ? 0 : 0xFF00_0000_0000_0000L), highBits,
            prefix.length() == 96 ? 0 : 56 - (32 - highBits));
    }

    /** Parses and validates a prefix such as {@code 64:ff9b::/96}; the message says what is wrong. */
    public static Rfc6052Prefix parse(final String text)
    {
        final Ipv6Prefix p = Ipv6Prefix.parse(text);
        positions(p.length());
        // RFC 6052 s.2.2: bits 64-71 MUST be zero, also inside a /96 prefix.
        if (byteAt(p, 8) != 0)
        {
            throw new IllegalArgumentException("RFC 6052 prefix " + text + ": bits 64-71 (the u octet) must be zero");
        }
        return new Rfc6052Prefix(p);
    }

    private static int byteAt(final Ipv6Prefix p, final int index)
    {
        return p.address()[index] & 0xff;
    }

    private static int[] positions(final int length)
    {
        switch (length)
        {
            case 32: return new int[] {4, 5, 6, 7};
            case 40: return new int[] {5, 6, 7, 9};
            case 48: return new int[] {6, 7, 9, 10};
            case 56: return new int[] {7, 9, 10, 11};
            case 64: return new int[] {9, 10, 11, 12};
            case 96: return new int[] {12, 13, 14, 15};
            default:
                throw new IllegalArgumentException(
                    "RFC 6052 section 2.2 allows prefix lengths 32, 40, 48, 56, 64 and 96, not " + length);
        }
    }

    public Ipv6Prefix prefix()
    {
        return prefix;
    }

    public int length()
    {
        return prefix.length();
    }

    /** RFC 6052 section 3.1 applies only to the Well-Known Prefix. */
    public boolean isWellKnown()
    {
        return wellKnown;
    }

    /**
     * True when the 16 bytes at {@code offset} are an IPv4-embedded address under this prefix
     * ({@link #contains(long, long)}).
     */
    public boolean contains(final DirectBuffer buffer, final int offset)
    {
        return contains(buffer.getLong(offset, ByteOrder.BIG_ENDIAN), buffer.getLong(offset + 8, ByteOrder.BIG_ENDIAN));
    }

    /** RFC 6052 section 2.3: the embedded IPv4 address of the IPv6 address at {@code offset} (suffix ignored). */
    public int extract(final DirectBuffer buffer, final int offset)
    {
        return extract(buffer.getLong(offset, ByteOrder.BIG_ENDIAN), buffer.getLong(offset + 8, ByteOrder.BIG_ENDIAN));
    }

    /**
     * RFC 6052 s.2.2: the IPv4 bits around the u octet. An address is under the prefix only with a zero u octet (for
     * prefixes shorter than /96): one whose u octet is set is not IPv4-embedded.
     */
    @Override
    public Ipv4Embedding embedding()
    {
        return embedding;
    }

    /** Byte-array form for the control plane (DNS64, CLI): 16 bytes from a 4-byte IPv4 address. */
    public byte[] embed(final byte[] ipv4)
    {
        final byte[] out = prefix.address();
        final int[] p = ipv4BytePositions;
        for (int i = 0; i < 4; i++)
        {
            out[p[i]] = ipv4[i];
        }
        return out;
    }

    /** Byte-array form: the 4-byte IPv4 address embedded in {@code ipv6}, or null when it is not under the prefix. */
    public byte[] extract(final byte[] ipv6)
    {
        // RFC 6052 s.2.2: a non-zero u octet (byte 8) means not IPv4-embedded.
        if (!prefix.contains(ipv6) || prefix.length() < 96 && ipv6[8] != 0)
        {
            return null;
        }
        final int[] p = ipv4BytePositions;
        return new byte[] {ipv6[p[0]], ipv6[p[1]], ipv6[p[2]], ipv6[p[3]]};
    }

    @Override
    public boolean equals(final Object o)
    {
        return o instanceof Rfc6052Prefix && ((Rfc6052Prefix)o).prefix.equals(prefix);
    }

    @Override
    public int hashCode()
    {
        return prefix.hashCode();
    }

    @Override
    public String toString()
    {
        return prefix.toString();
    }
}
