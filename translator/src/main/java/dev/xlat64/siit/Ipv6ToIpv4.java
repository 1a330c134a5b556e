package dev.xlat64.siit;

import dev.xlat64.addr.AddressMapper;
import dev.xlat64.engine.Outcome;
import dev.xlat64.engine.PacketSink;
import dev.xlat64.packet.Checksum;
import dev.xlat64.packet.Icmp;
import dev.xlat64.packet.Ipv4Header;
import dev.xlat64.packet.Ipv6Header;
import dev.xlat64.packet.Tcp;
import dev.xlat64.packet.Udp;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * IPv6 to IPv4 (RFC 7915 section 5), in place: the IPv4 header is written just before the upper-layer header, so the
 * packet simply starts later. One method per RFC step. Not thread safe: one instance per agent.
 */
public final class Ipv6ToIpv4
{
    /** RFC 7915 s.5.1: DF is set only when the translated packet is larger than this. */
    static final int DF_THRESHOLD = 1260;

    private final Ipv6Header ip6 = new Ipv6Header();
    private final Ipv4Header ip4 = new Ipv4Header();
    private int identificationState = (int)System.nanoTime() | 1;

    /** Translates the IPv6 packet at {@code offset}. */
    public Outcome translate(
        final SiitConfig config, final MutableDirectBuffer buffer, final int offset, final int length, final PacketSink sink)
    {
        if (length < Ipv6Header.LENGTH)
        {
            return Outcome.IPV6_TRUNCATED;
        }
        final Ipv6Header in = ip6.wrap(buffer, offset);
        final int payloadLength = in.payloadLength();
        // RFC 8200 s.3: the payload length must fit what was received; zero means a jumbogram, which we do not carry.
        if (payloadLength == 0 || Ipv6Header.LENGTH + payloadLength > length)
        {
            return Outcome.IPV6_BAD_PAYLOAD_LENGTH;
        }
        final int end = offset + Ipv6Header.LENGTH + payloadLength;
        final int hopLimit = in.hopLimit();
        // RFC 7915 s.5.1: the translator is a router and decrements the hop limit; 0 is not forwarded.
        if (hopLimit <= 1)
        {
            return Outcome.IPV6_HOP_LIMIT_EXPIRED;
        }

        // RFC 7915 s.5.1: hop-by-hop, destination options and routing headers (segments left 0) are not translated.
        int nextHeader = in.nextHeader();
        int l4 = offset + Ipv6Header.LENGTH;
        while (nextHeader == Ipv6Header.NEXT_HEADER_HOP_BY_HOP || nextHeader == Ipv6Header.NEXT_HEADER_DESTINATION_OPTIONS ||
            nextHeader == Ipv6Header.NEXT_HEADER_ROUTING)
        {
            if (l4 + 8 > end)
            {
                return Outcome.IPV6_EXTENSION_HEADER_TRUNCATED;
            }
            final int extensionLength = ((buffer.getByte(l4 + 1) & 0xFF) + 1) << 3;
            if (l4 + extensionLength > end)
            {
                return Outcome.IPV6_EXTENSION_HEADER_TRUNCATED;
            }
            if (nextHeader == Ipv6Header.NEXT_HEADER_ROUTING && buffer.getByte(l4 + 3) != 0)
            {
                return Outcome.IPV6_EXTENSION_HEADER_UNSUPPORTED;
            }
            nextHeader = buffer.getByte(l4) & 0xFF;
            l4 += extensionLength;
        }
        if (nextHeader == Ipv6Header.NEXT_HEADER_FRAGMENT)
        {
            return Outcome.IPV6_EXTENSION_HEADER_UNSUPPORTED;
        }
        final int l4Length = end - l4;
        // RFC 791: IPv4 total length is 16 bits; a larger translation cannot be expressed (found by the reliability corpus).
        if (Ipv4Header.MIN_LENGTH + l4Length > 0xFFFF)
        {
            return Outcome.IPV6_BAD_PAYLOAD_LENGTH;
        }
        final Outcome l4Invalid = checkTransportHeader(buffer, l4, l4Length, nextHeader);
        if (l4Invalid != null)
        {
            return l4Invalid;
        }

        // RFC 7915 s.5.1 Source/Destination Address: both must map (EAM first, then the RFC 6052 prefix).
        final long mappedSource = config.mapper.toIpv4(buffer, in.sourceOffset());
        if (mappedSource < 0)
        {
            return mappedSource == AddressMapper.NON_GLOBAL_UNDER_WKP ?
                Outcome.IPV4_NON_GLOBAL_UNDER_WKP : Outcome.IPV6_SOURCE_UNTRANSLATABLE;
        }
        final long mappedDestination = config.mapper.toIpv4(buffer, in.destinationOffset());
        if (mappedDestination < 0)
        {
            return mappedDestination == AddressMapper.NON_GLOBAL_UNDER_WKP ?
                Outcome.IPV4_NON_GLOBAL_UNDER_WKP : Outcome.IPV6_DESTINATION_UNTRANSLATABLE;
        }
        final int source = (int)mappedSource;
        final int destination = (int)mappedDestination;
        final int trafficClass = in.trafficClass();
        // Sums over the IPv6 addresses are taken now: the IPv4 header is about to overwrite them.
        final int oldAddressSum = Checksum.fold(Checksum.addIpv6Address(buffer, in.sourceOffset(),
            Checksum.addIpv6Address(buffer, in.destinationOffset(), 0)));
        final long pseudoHeader6 = oldAddressSum + (long)l4Length + Ipv6Header.NEXT_HEADER_ICMPV6;

        final int out = l4 - Ipv4Header.MIN_LENGTH;
        final int totalLength = Ipv4Header.MIN_LENGTH + l4Length;
        writeIpv4Header(ip4.wrap(buffer, out), config, trafficClass, totalLength, nextHeader, hopLimit, source, destination);

        final int newAddressSum = Checksum.fold(Checksum.addInt(source, Checksum.addInt(destination, 0)));
        switch (nextHeader)
        {
            case Ipv6Header.NEXT_HEADER_TCP:
                updateChecksum(buffer, l4 + Tcp.CHECKSUM, oldAddressSum, newAddressSum, false);
                break;
            case Ipv6Header.NEXT_HEADER_UDP:
                // A zero UDP checksum stays zero: in IPv4 it means "none" (RFC 768), which is what the sender chose.
                if (buffer.getShort(l4 + Udp.CHECKSUM) != 0)
                {
                    updateChecksum(buffer, l4 + Udp.CHECKSUM, oldAddressSum, newAddressSum, true);
                }
                break;
            case Ipv6Header.NEXT_HEADER_ICMPV6:
                translateIcmpInformational(buffer, l4, pseudoHeader6);
                break;
            default:
                break;
        }
        sink.emit(buffer, out, totalLength);
        return Outcome.TRANSLATED_6TO4;
    }

    private static Outcome checkTransportHeader(
        final MutableDirectBuffer buffer, final int l4, final int l4Length, final int nextHeader)
    {
        switch (nextHeader)
        {
            case Ipv6Header.NEXT_HEADER_TCP:
                return l4Length < Tcp.MIN_HEADER_LENGTH ? Outcome.IPV6_L4_TRUNCATED : null;
            case Ipv6Header.NEXT_HEADER_UDP:
                return l4Length < Udp.HEADER_LENGTH ? Outcome.IPV6_L4_TRUNCATED : null;
            case Ipv6Header.NEXT_HEADER_ICMPV6:
                if (l4Length < Icmp.HEADER_LENGTH)
                {
                    return Outcome.IPV6_L4_TRUNCATED;
                }
                final int type = buffer.getByte(l4 + Icmp.TYPE) & 0xFF;
                // RFC 7915 s.5.2: echo request/reply translate; ND, MLD and the rest are dropped.
                return type == Icmp.V6_ECHO_REQUEST || type == Icmp.V6_ECHO_REPLY ? null : Outcome.ICMPV6_UNTRANSLATABLE;
            default:
                return null;
        }
    }

    /**
     * RFC 7915 s.5.1: version 4, IHL 5, TOS from the traffic class, a fresh identification, DF only above 1260 bytes,
     * TTL = hop limit - 1, protocol (58 becomes 1), header checksum.
     */
    private void writeIpv4Header(
        final Ipv4Header out, final SiitConfig config, final int trafficClass, final int totalLength, final int nextHeader,
        final int hopLimit, final int source, final int destination)
    {
        out.versionAndHeaderLength(Ipv4Header.MIN_LENGTH)
            .tos(config.copyTos ? trafficClass : 0)
            .totalLength(totalLength)
            .identification(nextIdentification())
            .flagsAndFragmentOffset(totalLength > DF_THRESHOLD ? Ipv4Header.FLAG_DF : 0)
            .ttl(hopLimit - 1)
            .protocol(nextHeader == Ipv6Header.NEXT_HEADER_ICMPV6 ? Ipv4Header.PROTOCOL_ICMP : nextHeader)
            .source(source)
            .destination(destination)
            .computeHeaderChecksum();
    }

    /** Identification values from a xorshift sequence: unpredictable enough, no allocation, no shared state. */
    private int nextIdentification()
    {
        int x = identificationState;
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        identificationState = x;
        return x & 0xFFFF;
    }

    /** RFC 7915 s.5.5: the pseudo-header changes from IPv6 to IPv4 addresses (length and protocol are equal). */
    private static void updateChecksum(
        final MutableDirectBuffer buffer, final int checksumOffset, final int oldSum, final int newSum, final boolean udp)
    {
        final int checksum = buffer.getShort(checksumOffset, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        int updated = Checksum.update(checksum, oldSum, newSum);
        if (udp && updated == 0)
        {
            updated = 0xFFFF;
        }
        buffer.putShort(checksumOffset, (short)updated, ByteOrder.BIG_ENDIAN);
    }

    /** RFC 7915 s.5.2: ICMPv6 Echo Request/Reply (128/129) become 8/0; the pseudo-header leaves the checksum. */
    private static void translateIcmpInformational(final MutableDirectBuffer buffer, final int l4, final long pseudoHeader6)
    {
        final int type = buffer.getByte(l4 + Icmp.TYPE) & 0xFF;
        final int oldTypeCode = buffer.getShort(l4 + Icmp.TYPE, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        final int newTypeCode = (type == Icmp.V6_ECHO_REQUEST ? Icmp.V4_ECHO_REQUEST : Icmp.V4_ECHO_REPLY) << 8;
        final int checksum = buffer.getShort(l4 + Icmp.CHECKSUM, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        buffer.putShort(l4 + Icmp.TYPE, (short)newTypeCode, ByteOrder.BIG_ENDIAN);
        final int updated = Checksum.update(checksum, Checksum.fold(pseudoHeader6 + oldTypeCode), newTypeCode);
        // An all-zero ICMPv4 message verifies only with 0xFFFF; RFC 1624 eqn 3 yields 0x0000 there (found by fuzzing).
        buffer.putShort(l4 + Icmp.CHECKSUM, (short)(updated == 0 ? 0xFFFF : updated), ByteOrder.BIG_ENDIAN);
    }
}
