package dev.xlat64.siit;

import dev.xlat64.core.TranslatorConfig;
import dev.xlat64.packet.FragmentHeader;
import dev.xlat64.packet.Ipv4Header;
import dev.xlat64.packet.Ipv6Header;

/**
 * Path-MTU arithmetic of RFC 7915 in one place: the next-hop MTUs, the DF rule of s.5.1, the MTUs reported in
 * translated Packet Too Big (s.4.2) and Fragmentation Needed (s.5.2) messages, and in the errors xlat64 originates
 * itself (s.4.1, s.5.1). Pure functions.
 */
public final class PathMtu
{
    /** RFC 7915 s.5.1: DF is set on an unfragmented translated IPv4 packet only when it is larger than this. */
    public static final int DF_THRESHOLD = 1260;
    /** RFC 1191 s.7: the MTU plateaus, largest first. */
    private static final int[] PLATEAUS = {65535, 32000, 17914, 8166, 4352, 2002, 1492, 1006, 508, 296,
        Ipv4Header.MINIMUM_MTU};
    /** The IPv6 header is this much longer than an IPv4 header without options. */
    static final int HEADER_GROWTH = Ipv6Header.LENGTH - Ipv4Header.MIN_LENGTH;

    private PathMtu()
    {
    }

    /** The next-hop MTU toward the IPv6 side: configured, or the TUN device's. */
    public static int ipv6NextHop(final TranslatorConfig config)
    {
        return config.ipv6Mtu != 0 ? config.ipv6Mtu : config.tunMtu;
    }

    /** The next-hop MTU toward the IPv4 side: configured, or the TUN device's. */
    public static int ipv4NextHop(final TranslatorConfig config)
    {
        return config.ipv4Mtu != 0 ? config.ipv4Mtu : config.tunMtu;
    }

    /** RFC 7915 s.4.1: DF=0 packets are fragmented so that every IPv6 fragment fits the lowest IPv6 MTU. */
    static int ipv6FragmentMtu(final TranslatorConfig config)
    {
        return Math.min(config.lowestIpv6Mtu, ipv6NextHop(config));
    }

    /** RFC 7915 s.4.1 / RFC 1191: the MTU a DF=1 IPv4 sender is told, less what translation adds to its packet. */
    static int fragmentationNeededForIpv4Sender(final int nextHopMtu, final int growth)
    {
        return Math.max(0, nextHopMtu - growth) & 0xFFFF;
    }

    /** RFC 7915 s.5.1 / RFC 4443 s.3.2: the MTU an IPv6 sender is told: the IPv4 next hop plus the header growth. */
    static int packetTooBigForIpv6Sender(final int nextHopMtu, final int ipv6HeadersLength)
    {
        return Math.max(Ipv6Header.MINIMUM_MTU, nextHopMtu + ipv6HeadersLength - Ipv4Header.MIN_LENGTH);
    }

    /**
     * RFC 7915 s.4.2: the Packet Too Big MTU is min(advertised + 20, IPv6 next-hop MTU, IPv4 next-hop MTU + 20), the
     * advertised MTU being the RFC 1191 plateau below the quoted total length when the router sent zero; plus 8 when
     * the IPv6 packet carried a fragment header; never below the IPv6 minimum MTU (RFC 8200 s.5).
     */
    static int packetTooBigMtu(
        final TranslatorConfig config, final int advertised, final int quotedTotalLength, final boolean quotedFragment)
    {
        final int growth = HEADER_GROWTH + (quotedFragment ? FragmentHeader.LENGTH : 0);
        final int mtu4 = advertised != 0 ? advertised : plateau(quotedTotalLength);
        int mtu6 = Math.min(mtu4 + growth, ipv6NextHop(config));
        mtu6 = Math.min(mtu6, ipv4NextHop(config) + growth);
        return Math.max(mtu6, Ipv6Header.MINIMUM_MTU);
    }

    /** RFC 1191 s.7: the greatest plateau less than the total length of the datagram that was too big. */
    public static int plateau(final int totalLength)
    {
        for (final int p : PLATEAUS)
        {
            if (p < totalLength)
            {
                return p;
            }
        }
        return PLATEAUS[PLATEAUS.length - 1];
    }

    /**
     * RFC 7915 s.5.2: the Fragmentation Needed MTU is min(advertised - 20, IPv4 next-hop MTU, IPv6 next-hop MTU - 20),
     * 8 less when the quoted IPv6 packet carried a fragment header (its IPv4 form was that much smaller).
     */
    static int fragmentationNeededMtu(final TranslatorConfig config, final int advertised, final boolean quotedFragment)
    {
        final int shrink = HEADER_GROWTH + (quotedFragment ? FragmentHeader.LENGTH : 0);
        final long advertised4 = (advertised & 0xFFFF_FFFFL) - shrink;
        long mtu = Math.min(advertised4, ipv4NextHop(config));
        mtu = Math.min(mtu, ipv6NextHop(config) - shrink);
        return (int)Math.max(0, Math.min(mtu, 0xFFFF));
    }
}
