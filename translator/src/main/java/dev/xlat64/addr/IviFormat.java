package dev.xlat64.addr;

import org.agrona.DirectBuffer;

import java.nio.ByteOrder;

/**
 * The IVI address format of RFC 6219 section 5.1 (stateless 1:1 IVI): the ISP's /32, the octet 0xFF, the IPv4
 * address in bits 40-71 (so, unlike RFC 6052, it runs through bits 64-71), and a zero suffix. Example (RFC 6219,
 * CERNET): 2001:da8::/32 and 202.38.108.2 give 2001:da8:ffca:266c:200::.
 *
 * <pre>
 *   | 0 ----------- 31 | 32 -- 39 | 40 ------------ 71 | 72 ------------ 127 |
 *   |     prefix       |   0xFF   |   IPv4 address     |  suffix (zero)      |
 * </pre>
 * The 1:N suffix (ratio and offset for port multiplexing) is not supported: xlat64 is stateless 1:1.
 */
public final class IviFormat implements EmbeddingFormat
{
    /** RFC 6219 s.5.1: the octet after the ISP prefix that marks IVI addresses. */
    public static final int IVI_OCTET = 0xFF;
    private static final int IPV4_BYTE = 5;

    private final Ipv6Prefix ispPrefix;
    private final Ipv6Prefix prefix;
    /** RFC 6219 s.5.1: bytes 5-8, i.e. the last 3 bytes of the high half and the first of the low half. */
    private final Ipv4Embedding embedding;

    /** @param ispPrefix the ISP's /32 (e.g. 2001:da8::/32), or the /40 that already ends in 0xFF */
    public IviFormat(final Ipv6Prefix ispPrefix)
    {
        final byte[] a = ispPrefix.address();
        if (ispPrefix.length() == 40 && (a[4] & 0xFF) == IVI_OCTET)
        {
            a[4] = 0;
            this.ispPrefix = new Ipv6Prefix(a, 32);
        }
        else if (ispPrefix.length() == 32)
        {
            this.ispPrefix = ispPrefix;
        }
        else
        {
            throw new IllegalArgumentException("IVI prefix " + ispPrefix +
                ": RFC 6219 section 5.1 expects the ISP's /32 " + "(or that /32 followed by 0xFF as a /40)");
        }
        final byte[] p = this.ispPrefix.address();
        p[4] = (byte)IVI_OCTET;
        this.prefix = new Ipv6Prefix(p, 40);
        this.embedding = new Ipv4Embedding(prefix.high(), prefix.low(), prefix.maskHigh(), prefix.maskLow(), 24, 56);
    }

    /** Parses {@code 2001:da8::/32} or {@code 2001:da8:ff00::/40}. */
    public static IviFormat parse(final String text)
    {
        return new IviFormat(Ipv6Prefix.parse(text));
    }

    /** The ISP's /32 the format was built from. */
    public Ipv6Prefix ispPrefix()
    {
        return ispPrefix;
    }

    @Override
    public Ipv6Prefix prefix()
    {
        return prefix;
    }

    @Override
    public boolean isWellKnown()
    {
        return false;
    }

    @Override
    public boolean contains(final DirectBuffer buffer, final int offset)
    {
        return prefix.contains(buffer.getLong(offset, ByteOrder.BIG_ENDIAN),
            buffer.getLong(offset + 8, ByteOrder.BIG_ENDIAN));
    }

    @Override
    public int extract(final DirectBuffer buffer, final int offset)
    {
        return buffer.getInt(offset + IPV4_BYTE, ByteOrder.BIG_ENDIAN);
    }

    @Override
    public Ipv4Embedding embedding()
    {
        return embedding;
    }

    @Override
    public byte[] embed(final byte[] ipv4)
    {
        final byte[] out = prefix.address();
        System.arraycopy(ipv4, 0, out, IPV4_BYTE, 4);
        return out;
    }

    @Override
    public byte[] extract(final byte[] ipv6)
    {
        if (!prefix.contains(ipv6))
        {
            return null;
        }
        return new byte[] {ipv6[IPV4_BYTE], ipv6[IPV4_BYTE + 1], ipv6[IPV4_BYTE + 2], ipv6[IPV4_BYTE + 3]};
    }

    @Override
    public boolean equals(final Object o)
    {
        return o instanceof IviFormat && ((IviFormat)o).prefix.equals(prefix);
    }

    @Override
    public int hashCode()
    {
        return prefix.hashCode();
    }

    @Override
    public String toString()
    {
        return "ivi:" + ispPrefix;
    }
}
