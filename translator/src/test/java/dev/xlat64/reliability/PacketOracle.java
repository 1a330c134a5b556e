package dev.xlat64.reliability;

/**
 * Independent judge of packets (no production code): is a byte array a well-formed IPv4 or IPv6 packet with
 * consistent lengths and a correct header checksum, and does its transport checksum verify? Written from RFC 791,
 * RFC 8200, RFC 768/793/792/4443 and RFC 1071, the slow obvious way.
 */
final class PacketOracle
{
    static final int ICMP = 1;
    static final int TCP = 6;
    static final int UDP = 17;
    static final int ICMPV6 = 58;

    private PacketOracle()
    {
    }

    /** Null when {@code p} is a well-formed IPv{@code version} packet, else what is wrong with it. */
    static String malformation(final byte[] p, final int version)
    {
        if (p.length == 0)
        {
            return "empty packet";
        }
        final int v = (p[0] & 0xF0) >>> 4;
        if (v != version)
        {
            return "version " + v + ", expected " + version;
        }
        if (version == 4)
        {
            if (p.length < 20)
            {
                return "IPv4 packet of " + p.length + " bytes";
            }
            final int ihl = (p[0] & 0x0F) * 4;
            if (ihl < 20 || ihl > p.length)
            {
                return "IPv4 IHL " + ihl + " for " + p.length + " bytes";
            }
            final int total = u16(p, 2);
            if (total != p.length)
            {
                return "IPv4 total length " + total + " but " + p.length + " bytes emitted";
            }
            if (sum(p, 0, ihl, 0) != 0xFFFF)
            {
                return "IPv4 header checksum does not verify";
            }
            if ((p[8] & 0xFF) == 0)
            {
                return "IPv4 TTL 0 emitted";
            }
            return null;
        }
        if (p.length < 40)
        {
            return "IPv6 packet of " + p.length + " bytes";
        }
        final int payload = u16(p, 4);
        if (40 + payload != p.length)
        {
            return "IPv6 payload length " + payload + " but " + p.length + " bytes emitted";
        }
        if ((p[7] & 0xFF) == 0)
        {
            return "IPv6 hop limit 0 emitted";
        }
        return null;
    }

    /**
     * Whether the transport checksum of a well-formed, unfragmented packet verifies: TRUE/FALSE, or null when it
     * cannot be judged (fragment, extension headers, other protocol, header too short, IPv4 UDP without checksum).
     */
    static Boolean transportChecksumValid(final byte[] p)
    {
        final int version = (p[0] & 0xF0) >>> 4;
        final int l4;
        final int protocol;
        final int l4Length;
        long pseudo = 0;
        if (version == 4)
        {
            final int ihl = (p[0] & 0x0F) * 4;
            if ((u16(p, 6) & 0x3FFF) != 0)
            {
                return null;
            }
            l4 = ihl;
            protocol = p[9] & 0xFF;
            l4Length = u16(p, 2) - ihl;
            if (protocol != ICMP)
            {
                pseudo = sumRaw(p, 12, 8, 0) + protocol + l4Length;
            }
        }
        else
        {
            l4 = 40;
            protocol = p[6] & 0xFF;
            l4Length = u16(p, 4);
            pseudo = sumRaw(p, 8, 32, 0) + protocol + l4Length;
        }
        if (l4 + l4Length > p.length)
        {
            return null;
        }
        final int checksumField;
        switch (protocol)
        {
            case TCP:
                checksumField = 16;
                if (l4Length < 20)
                {
                    return null;
                }
                break;
            case UDP:
                checksumField = 6;
                if (l4Length < 8)
                {
                    return null;
                }
                if (u16(p, l4 + checksumField) == 0)
                {
                    return version == 4 ? null : Boolean.FALSE; // RFC 8200 s.8.1: IPv6 UDP must carry a checksum
                }
                break;
            case ICMP:
                if (version != 4 || l4Length < 8)
                {
                    return null;
                }
                checksumField = 2;
                break;
            case ICMPV6:
                if (version != 6 || l4Length < 8)
                {
                    return null;
                }
                checksumField = 2;
                break;
            default:
                return null;
        }
        return sum(p, l4, l4Length, pseudo) == 0xFFFF;
    }

    static int u16(final byte[] p, final int at)
    {
        return ((p[at] & 0xFF) << 8) | (p[at + 1] & 0xFF);
    }

    /** The folded ones'-complement sum (not complemented) of {@code length} bytes plus {@code initial}. */
    static int sum(final byte[] p, final int from, final int length, final long initial)
    {
        long s = sumRaw(p, from, length, initial);
        while ((s >>> 16) != 0)
        {
            s = (s & 0xFFFF) + (s >>> 16);
        }
        return (int)s;
    }

    private static long sumRaw(final byte[] p, final int from, final int length, final long initial)
    {
        long s = initial;
        for (int i = 0; i < length; i += 2)
        {
            final int hi = p[from + i] & 0xFF;
            final int lo = i + 1 < length ? p[from + i + 1] & 0xFF : 0;
            s += (hi << 8) | lo;
        }
        return s;
    }
}
