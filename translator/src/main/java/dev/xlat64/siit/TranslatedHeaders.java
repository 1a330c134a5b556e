package dev.xlat64.siit;

import dev.xlat64.core.TranslatorConfig;
import dev.xlat64.packet.FragmentHeader;
import dev.xlat64.packet.Ipv4Header;
import dev.xlat64.packet.Ipv6Header;
import org.agrona.MutableDirectBuffer;

/**
 * The header-field rules of RFC 7915 s.4.1 and s.5.1, used for the outer header and, unchanged but for the TTL /
 * hop limit, for the header quoted in an ICMP error (s.4.3, s.5.3). Pure functions.
 */
final class TranslatedHeaders
{
    private TranslatedHeaders()
    {
    }

    /** RFC 7915 s.4.1 Next Header: ICMPv4 (1) becomes ICMPv6 (58); other protocols are copied. */
    static int ipv6NextHeader(final int protocol)
    {
        return protocol == Ipv4Header.PROTOCOL_ICMP ? Ipv6Header.NEXT_HEADER_ICMPV6 : protocol;
    }

    /** RFC 7915 s.5.1 Protocol: ICMPv6 (58) becomes ICMPv4 (1); other next headers are copied. */
    static int ipv4Protocol(final int nextHeader)
    {
        return nextHeader == Ipv6Header.NEXT_HEADER_ICMPV6 ? Ipv4Header.PROTOCOL_ICMP : nextHeader;
    }

    /** RFC 7915 s.4.1 Traffic Class / s.5.1 Type of Service: copied, or zero when the config says so. */
    static int trafficClass(final TranslatorConfig config, final int tos)
    {
        return config.copyTos ? tos : 0;
    }

    /** RFC 7915 s.4.1: version 6, TC from TOS (or zero), flow label 0, payload length, next header, hop limit. */
    static void writeIpv6Header(
        final Ipv6Header out, final TranslatorConfig config, final int tos, final int payloadLength,
        final int nextHeader, final int hopLimit)
    {
        out.writeFirstWord(trafficClass(config, tos), 0, payloadLength, nextHeader, hopLimit);
    }

    /** RFC 7915 s.4.1 (fragmented IPv4): offset and M copied, identification zero-extended from the IPv4 header. */
    static void writeFragmentHeader(
        final MutableDirectBuffer buffer, final int at, final int upperLayer, final int fragmentOffset,
        final boolean moreFragments, final int identification)
    {
        FragmentHeader.write(buffer, at, upperLayer, fragmentOffset, moreFragments, identification & 0xFFFF);
    }

    /**
     * RFC 7915 s.5.1: version 4, IHL 5, TOS from the traffic class, identification and flags as decided by the caller,
     * TTL as given (the hop limit, less one for a forwarded packet), protocol (58 becomes 1), header checksum.
     */
    static void writeIpv4Header(
        final Ipv4Header out, final TranslatorConfig config, final int trafficClass, final int totalLength,
        final int identification, final int flags, final int nextHeader, final int ttl, final int source,
        final int destination)
    {
        out.writeWithoutOptions(trafficClass(config, trafficClass), totalLength, identification, flags, ttl,
            ipv4Protocol(nextHeader), source, destination);
    }
}
