package dev.xlat64.addr;

/**
 * Where an embedding format puts an IPv4 address inside an IPv6 address, as masks and shifts over the address's two
 * big-endian 64-bit halves: under the format's prefix, the IPv4 address's top bits end the high half and the rest
 * follows in the low half, after RFC 6052's u octet (bits 64-71) or, in RFC 6219's IVI format, right away. Both
 * formats are this one final class, so the packet path reaches it through {@link AddressMapper} without a type check.
 * Immutable; no allocation.
 */
public final class Ipv4Embedding
{
    private final long prefixHigh;
    private final long prefixLow;
    private final long maskHigh;
    private final long maskLow;
    /** 32 less the IPv4 bits that end the high half. */
    private final int highShift;
    private final long highMask;
    private final long lowMask;
    private final int lowShift;

    /**
     * @param prefixHigh the prefix's high half
     * @param prefixLow  the prefix's low half
     * @param maskHigh   the bits an embedded address shares with the prefix (high half)
     * @param maskLow    likewise, low half (RFC 6052 adds the u octet: it must be zero)
     * @param highBits   how many of the IPv4 address's bits end the high half (0..32)
     * @param lowShift   where the rest ends in the low half: its lowest bit's position
     */
    Ipv4Embedding(final long prefixHigh, final long prefixLow, final long maskHigh, final long maskLow,
        final int highBits, final int lowShift)
    {
        this.prefixHigh = prefixHigh;
        this.prefixLow = prefixLow;
        this.maskHigh = maskHigh;
        this.maskLow = maskLow;
        this.highShift = 32 - highBits;
        this.highMask = (1L << highBits) - 1;
        this.lowMask = (1L << (32 - highBits)) - 1;
        this.lowShift = lowShift;
    }

    /** True when the address (two big-endian halves) is under the prefix, with the format's fixed bits in place. */
    public boolean contains(final long high, final long low)
    {
        return (((high ^ prefixHigh) & maskHigh) | ((low ^ prefixLow) & maskLow)) == 0;
    }

    /** The embedded IPv4 address (suffix ignored). */
    public int extract(final long high, final long low)
    {
        return (int)(((high & highMask) << highShift) | ((low >>> lowShift) & lowMask));
    }

    /** The first 8 bytes (big-endian) of the IPv6 address embedding {@code ipv4}: the prefix and its leading bits. */
    public long high(final int ipv4)
    {
        return prefixHigh | ((ipv4 & 0xFFFF_FFFFL) >>> highShift);
    }

    /** The last 8 bytes (big-endian): the remaining IPv4 bits in their place, the suffix zero. */
    public long low(final int ipv4)
    {
        return prefixLow | ((ipv4 & lowMask) << lowShift);
    }
}
