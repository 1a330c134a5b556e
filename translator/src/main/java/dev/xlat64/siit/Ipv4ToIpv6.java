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
 * IPv4 to IPv6 (RFC 7915 section 4), in place: the IPv6 header is written over the end of the headroom and the IPv4
 * header, so the payload never moves. One method per RFC step; each returns null to continue or the outcome.
 * Not thread safe: one instance per agent.
 */
public final class Ipv4ToIpv6
{
    private final Ipv4Header ip4 = new Ipv4Header();
    private final Ipv6Header ip6 = new Ipv6Header();

    /** Translates the IPv4 packet at {@code offset}; needs {@link dev.xlat64.engine.Translator#HEADROOM} bytes before it. */
    public Outcome translate(
        final SiitConfig config, final MutableDirectBuffer buffer, final int offset, final int length, final PacketSink sink)
    {
        final Ipv4Header in = ip4.wrap(buffer, offset);
        final Outcome invalid = validate(in, length);
        if (invalid != null)
        {
            return invalid;
        }
        final int headerLength = in.headerLength();
        final int payloadLength = in.totalLength() - headerLength;
        final int ttl = in.ttl();
        // RFC 7915 s.4.1 / RFC 1812 s.5.3.1: a router decrements TTL; a packet that would leave with 0 is not forwarded.
        if (ttl <= 1)
        {
            return Outcome.IPV4_TTL_EXPIRED;
        }
        if ((in.flagsAndFragmentOffset() & (Ipv4Header.FLAG_MF | Ipv4Header.FRAGMENT_OFFSET_MASK)) != 0)
        {
            return Outcome.IPV4_FRAGMENT_UNSUPPORTED;
        }
        final int protocol = in.protocol();
        final int tos = in.tos();
        final int source = in.source();
        final int destination = in.destination();
        final int l4 = offset + headerLength;
        final Outcome l4Invalid = checkTransportHeader(buffer, l4, payloadLength, protocol, config);
        if (l4Invalid != null)
        {
            return l4Invalid;
        }

        final int out = l4 - Ipv6Header.LENGTH;
        final Outcome addresses = translateAddresses(config.mapper, source, destination, buffer, out);
        if (addresses != null)
        {
            return addresses;
        }
        writeIpv6Header(ip6.wrap(buffer, out), config, tos, payloadLength, protocol, ttl);

        switch (protocol)
        {
            case Ipv4Header.PROTOCOL_TCP:
                updateTransportChecksum(buffer, l4 + Tcp.CHECKSUM, source, destination, out, false);
                break;
            case Ipv4Header.PROTOCOL_UDP:
                translateUdpChecksum(buffer, l4, payloadLength, source, destination, out);
                break;
            case Ipv4Header.PROTOCOL_ICMP:
                translateIcmpInformational(buffer, l4, payloadLength, out);
                break;
            default:
                // RFC 7915 s.4.1: other protocols are copied unchanged (their checksums, if any, do not cover IP).
                break;
        }
        sink.emit(buffer, out, Ipv6Header.LENGTH + payloadLength);
        return Outcome.TRANSLATED_4TO6;
    }

    /** RFC 1812 s.5.2.2: the checks a router makes before forwarding. */
    static Outcome validate(final Ipv4Header in, final int length)
    {
        if (length < Ipv4Header.MIN_LENGTH)
        {
            return Outcome.IPV4_TRUNCATED;
        }
        final int headerLength = in.headerLength();
        if (headerLength < Ipv4Header.MIN_LENGTH)
        {
            return Outcome.IPV4_BAD_IHL;
        }
        if (headerLength > length)
        {
            return Outcome.IPV4_TRUNCATED;
        }
        final int totalLength = in.totalLength();
        if (totalLength < headerLength || totalLength > length)
        {
            return Outcome.IPV4_BAD_TOTAL_LENGTH;
        }
        if (!in.headerChecksumValid())
        {
            return Outcome.IPV4_BAD_HEADER_CHECKSUM;
        }
        return null;
    }

    /** The L4 fields this translation rewrites must be inside the packet (style: never trust a length unchecked). */
    private static Outcome checkTransportHeader(
        final MutableDirectBuffer buffer, final int l4, final int payloadLength, final int protocol, final SiitConfig config)
    {
        switch (protocol)
        {
            case Ipv4Header.PROTOCOL_TCP:
                return payloadLength < Tcp.MIN_HEADER_LENGTH ? Outcome.IPV4_L4_TRUNCATED : null;
            case Ipv4Header.PROTOCOL_UDP:
                if (payloadLength < Udp.HEADER_LENGTH)
                {
                    return Outcome.IPV4_L4_TRUNCATED;
                }
                // RFC 7915 s.4.5: a zero UDP checksum is computed, or the datagram dropped, as configured.
                final boolean zero = buffer.getShort(l4 + Udp.CHECKSUM) == 0;
                return zero && config.udpZeroChecksum == SiitConfig.UdpZeroChecksum.DROP ?
                    Outcome.IPV4_UDP_ZERO_CHECKSUM : null;
            case Ipv4Header.PROTOCOL_ICMP:
                if (payloadLength < Icmp.HEADER_LENGTH)
                {
                    return Outcome.IPV4_L4_TRUNCATED;
                }
                final int type = buffer.getByte(l4 + Icmp.TYPE) & 0xFF;
                // RFC 7915 s.4.2: echo request/reply translate; everything else here is dropped.
                return type == Icmp.V4_ECHO_REQUEST || type == Icmp.V4_ECHO_REPLY ? null : Outcome.ICMPV4_UNTRANSLATABLE;
            default:
                return null;
        }
    }

    /** RFC 7915 s.4.1 Source/Destination Address, via RFC 7757 (EAM first) and RFC 6052. */
    private static Outcome translateAddresses(
        final AddressMapper mapper, final int source, final int destination, final MutableDirectBuffer buffer, final int out)
    {
        final int s = mapper.toIpv6(source, buffer, out + Ipv6Header.SOURCE);
        if (s != AddressMapper.MAPPED)
        {
            return s == AddressMapper.FORBIDDEN_UNDER_WKP ?
                Outcome.IPV4_NON_GLOBAL_UNDER_WKP : Outcome.IPV4_SOURCE_UNTRANSLATABLE;
        }
        final int d = mapper.toIpv6(destination, buffer, out + Ipv6Header.DESTINATION);
        if (d != AddressMapper.MAPPED)
        {
            return d == AddressMapper.FORBIDDEN_UNDER_WKP ?
                Outcome.IPV4_NON_GLOBAL_UNDER_WKP : Outcome.IPV4_DESTINATION_UNTRANSLATABLE;
        }
        return null;
    }

    /** RFC 7915 s.4.1: version 6, TC from TOS (or zero), flow label 0, payload length, next header, hop limit. */
    private static void writeIpv6Header(
        final Ipv6Header out, final SiitConfig config, final int tos, final int payloadLength, final int protocol,
        final int ttl)
    {
        out.versionClassFlow(config.copyTos ? tos : 0, 0)
            .payloadLength(payloadLength)
            .nextHeader(protocol == Ipv4Header.PROTOCOL_ICMP ? Ipv6Header.NEXT_HEADER_ICMPV6 : protocol)
            .hopLimit(ttl - 1);
    }

    /** RFC 7915 s.4.5: TCP/UDP checksums cover the pseudo-header, so they change by the address difference (RFC 1624). */
    private static void updateTransportChecksum(
        final MutableDirectBuffer buffer, final int checksumOffset, final int source, final int destination,
        final int ipv6Offset, final boolean udp)
    {
        final int oldSum = Checksum.fold(Checksum.addInt(source, Checksum.addInt(destination, 0)));
        final int newSum = Checksum.fold(Checksum.addIpv6Address(buffer, ipv6Offset + Ipv6Header.SOURCE,
            Checksum.addIpv6Address(buffer, ipv6Offset + Ipv6Header.DESTINATION, 0)));
        final int checksum = buffer.getShort(checksumOffset, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        int updated = Checksum.update(checksum, oldSum, newSum);
        if (udp && updated == 0)
        {
            updated = 0xFFFF; // RFC 768: a computed zero is sent as all ones
        }
        buffer.putShort(checksumOffset, (short)updated, ByteOrder.BIG_ENDIAN);
    }

    /** RFC 7915 s.4.5: IPv6 requires a UDP checksum; a zero one is computed in full (policy checked above). */
    private static void translateUdpChecksum(
        final MutableDirectBuffer buffer, final int l4, final int payloadLength, final int source, final int destination,
        final int ipv6Offset)
    {
        if (buffer.getShort(l4 + Udp.CHECKSUM) != 0)
        {
            updateTransportChecksum(buffer, l4 + Udp.CHECKSUM, source, destination, ipv6Offset, true);
            return;
        }
        long acc = Checksum.ipv6PseudoHeader(buffer, ipv6Offset + Ipv6Header.SOURCE, payloadLength, Ipv6Header.NEXT_HEADER_UDP);
        acc = Checksum.add(buffer, l4, payloadLength, acc);
        final int checksum = Checksum.finish(acc);
        buffer.putShort(l4 + Udp.CHECKSUM, (short)(checksum == 0 ? 0xFFFF : checksum), ByteOrder.BIG_ENDIAN);
    }

    /**
     * RFC 7915 s.4.2: Echo Request/Reply (8/0) become ICMPv6 128/129 with code 0; the ICMPv6 checksum adds the
     * pseudo-header, applied incrementally so the payload is not read.
     */
    private static void translateIcmpInformational(
        final MutableDirectBuffer buffer, final int l4, final int payloadLength, final int ipv6Offset)
    {
        final int type = buffer.getByte(l4 + Icmp.TYPE) & 0xFF;
        final int oldTypeCode = buffer.getShort(l4 + Icmp.TYPE, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        final int newType = type == Icmp.V4_ECHO_REQUEST ? Icmp.V6_ECHO_REQUEST : Icmp.V6_ECHO_REPLY;
        final int newTypeCode = newType << 8;
        final long pseudo = Checksum.ipv6PseudoHeader(
            buffer, ipv6Offset + Ipv6Header.SOURCE, payloadLength, Ipv6Header.NEXT_HEADER_ICMPV6);
        final int checksum = buffer.getShort(l4 + Icmp.CHECKSUM, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        buffer.putShort(l4 + Icmp.TYPE, (short)newTypeCode, ByteOrder.BIG_ENDIAN);
        buffer.putShort(l4 + Icmp.CHECKSUM,
            (short)Checksum.update(checksum, oldTypeCode, Checksum.fold(pseudo + newTypeCode)), ByteOrder.BIG_ENDIAN);
    }
}
