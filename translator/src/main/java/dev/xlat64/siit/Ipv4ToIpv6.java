package dev.xlat64.siit;

import dev.xlat64.addr.AddressMapper;
import dev.xlat64.addr.Rfc6791Pool;
import dev.xlat64.core.Outcome;
import dev.xlat64.core.PacketSink;
import dev.xlat64.core.TranslatorConfig;
import dev.xlat64.packet.Checksum;
import dev.xlat64.packet.FragmentHeader;
import dev.xlat64.packet.Icmp;
import dev.xlat64.packet.Ipv4Header;
import dev.xlat64.packet.Ipv6Header;
import dev.xlat64.packet.Tcp;
import dev.xlat64.packet.Udp;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * IPv4 to IPv6 (RFC 7915 section 4). The common case runs in place: the IPv6 header is written over the end of the
 * headroom and the IPv4 header, so the payload never moves. ICMP errors (s.4.3) and fragmentation (s.4.1) are built
 * in the agent's scratch buffer. One method per RFC step; each returns null to continue or the outcome.
 * Not thread safe: one instance per agent.
 */
public final class Ipv4ToIpv6
{
    /** RFC 8200 s.5: the minimum IPv6 link MTU; also the size limit of a translated ICMPv6 error (RFC 4443 s.2.4(c)). */
    static final int IPV6_MINIMUM_MTU = 1280;
    /** RFC 1191 s.7: the MTU plateaus, largest first. */
    private static final int[] PLATEAUS = {65535, 32000, 17914, 8166, 4352, 2002, 1492, 1006, 508, 296, 68};
    private static final int IPV4_OPTION_END = 0;
    private static final int IPV4_OPTION_NOP = 1;
    private static final int IPV4_OPTION_LOOSE_SOURCE_ROUTE = 131;
    private static final int IPV4_OPTION_STRICT_SOURCE_ROUTE = 137;
    /** RFC 4884 s.4.1: with extensions, the original datagram field holds at least 128 bytes. */
    static final int RFC4884_MINIMUM_ORIGINAL_DATAGRAM = 128;
    private static final int NOT_TRANSLATABLE = -1;

    private final Ipv4Header ip4 = new Ipv4Header();
    private final Ipv6Header ip6 = new Ipv6Header();
    private final MutableDirectBuffer scratch;
    private final IcmpErrorOriginator icmpErrors;

    public Ipv4ToIpv6(final MutableDirectBuffer scratch, final IcmpErrorOriginator icmpErrors)
    {
        this.scratch = scratch;
        this.icmpErrors = icmpErrors;
    }

    /** Translates the IPv4 packet at {@code offset}; needs {@link dev.xlat64.engine.Translator#HEADROOM} bytes before it. */
    public Outcome translate(
        final TranslatorConfig config, final MutableDirectBuffer buffer, final int offset, final int length, final PacketSink sink)
    {
        return translate(config, buffer, offset, length, sink, false);
    }

    /**
     * Translates an IPv4 packet that xlat64 itself just produced from IPv6 and that is addressed to an EAM IPv4 address
     * (RFC 7757 s.4): the source is translated with the RFC 6052 prefix (or IVI format), never the EAMT.
     */
    Outcome translateHairpinned(
        final TranslatorConfig config, final MutableDirectBuffer buffer, final int offset, final int length, final PacketSink sink)
    {
        return translate(config, buffer, offset, length, sink, true);
    }

    private Outcome translate(
        final TranslatorConfig config, final MutableDirectBuffer buffer, final int offset, final int length, final PacketSink sink,
        final boolean hairpinned)
    {
        final Ipv4Header in = ip4.wrap(buffer, offset);
        final Outcome invalid = validate(in, length);
        if (invalid != null)
        {
            return invalid;
        }
        final int headerLength = in.headerLength();
        final int totalLength = in.totalLength();
        final int payloadLength = totalLength - headerLength;
        // RFC 7915 s.4.1 turns ICMPv4 into next header 58 and copies other protocols; an ICMPv6 message inside IPv4
        // would so become ICMPv6 that no s.4.2 rule translated: dropped (README deviation 13), every fragment alike.
        if (in.protocol() == Ipv6Header.NEXT_HEADER_ICMPV6)
        {
            return Outcome.IPV4_CARRIES_ICMPV6;
        }
        // RFC 7915 s.4.1: an unexpired source route is refused with ICMPv4 "source route failed"; other options ignored.
        if (hasUnexpiredSourceRoute(buffer, offset, headerLength))
        {
            return icmpErrors.sendIcmpv4(config, buffer, offset, totalLength, Icmp.V4_DESTINATION_UNREACHABLE,
                Icmp.V4_SOURCE_ROUTE_FAILED, 0, sink, Outcome.IPV4_SOURCE_ROUTE);
        }
        final int ttl = in.ttl();
        // RFC 7915 s.4.1 / RFC 1812 s.5.3.1: TTL is decremented; a packet that would leave with 0 gets Time Exceeded.
        if (ttl <= 1)
        {
            return icmpErrors.sendIcmpv4(config, buffer, offset, totalLength, Icmp.V4_TIME_EXCEEDED,
                Icmp.V4_TTL_EXCEEDED_IN_TRANSIT, 0, sink, Outcome.IPV4_TTL_EXPIRED);
        }
        final int flags = in.flagsAndFragmentOffset();
        final boolean dontFragment = (flags & Ipv4Header.FLAG_DF) != 0;
        final boolean moreFragments = (flags & Ipv4Header.FLAG_MF) != 0;
        final int fragmentOffset = flags & Ipv4Header.FRAGMENT_OFFSET_MASK;
        final boolean fragment = moreFragments || fragmentOffset != 0;
        final int protocol = in.protocol();
        final int l4 = offset + headerLength;
        if (fragmentOffset == 0)
        {
            final Outcome l4Invalid = checkTransportHeader(config, buffer, offset, totalLength, l4, payloadLength, protocol,
                fragment, sink);
            if (l4Invalid != null)
            {
                return l4Invalid;
            }
            if (protocol == Ipv4Header.PROTOCOL_ICMP && IcmpErrorOriginator.isIcmpv4Error(buffer.getByte(l4) & 0xFF))
            {
                return translateIcmpError(config, buffer, offset, headerLength, totalLength, sink, hairpinned);
            }
        }
        else if (protocol == Ipv4Header.PROTOCOL_ICMP)
        {
            return Outcome.IPV4_FRAGMENT_UNSUPPORTED;
        }

        final int translatedLength = Ipv6Header.LENGTH + (fragment ? FragmentHeader.LENGTH : 0) + payloadLength;
        final int nextHopMtu = ipv6NextHopMtu(config);
        // RFC 7915 s.4.1 / RFC 1191: DF=1 packets are not fragmented; the sender learns the MTU (less the 20 extra bytes).
        if (dontFragment && translatedLength > nextHopMtu)
        {
            final int mtu = Math.max(0, nextHopMtu - (translatedLength - totalLength));
            return icmpErrors.sendIcmpv4(config, buffer, offset, totalLength, Icmp.V4_DESTINATION_UNREACHABLE,
                Icmp.V4_FRAGMENTATION_NEEDED, mtu & 0xFFFF, sink, Outcome.IPV4_PACKET_TOO_BIG);
        }
        // RFC 7915 s.4.1: DF=0 packets larger than the lowest IPv6 MTU are fragmented so every fragment fits it.
        final int fragmentMtu = Math.min(config.lowestIpv6Mtu, nextHopMtu);
        final boolean mustFragment = !dontFragment && translatedLength > fragmentMtu;

        final int tos = in.tos();
        final int source = in.source();
        final int destination = in.destination();
        final int identification = in.identification();
        final AddressMapper mapper = config.mapper;
        final int sourceRoute = hairpinned ? mapper.ipv6RouteWithoutEamt(source) : mapper.ipv6Route(source);
        final int destinationRoute = mapper.ipv6Route(destination);
        final Outcome addresses = translateAddresses(sourceRoute, destinationRoute);
        if (addresses != null)
        {
            // RFC 7915 s.4.4: a discarded packet SHOULD be answered with ICMPv4 3/13 (administratively prohibited).
            return icmpErrors.sendIcmpv4(config, buffer, offset, totalLength, Icmp.V4_DESTINATION_UNREACHABLE,
                Icmp.V4_COMMUNICATION_PROHIBITED, 0, sink, addresses);
        }
        final long sourceHigh = mapper.ipv6High(sourceRoute, source);
        final long sourceLow = mapper.ipv6Low(sourceRoute, source);
        final long destinationHigh = mapper.ipv6High(destinationRoute, destination);
        final long destinationLow = mapper.ipv6Low(destinationRoute, destination);
        final int out = l4 - (translatedLength - payloadLength);
        final int upperLayer = protocol == Ipv4Header.PROTOCOL_ICMP ? Ipv6Header.NEXT_HEADER_ICMPV6 : protocol;
        writeIpv6Header(ip6.wrap(buffer, out), config, tos, translatedLength - Ipv6Header.LENGTH,
            fragment ? Ipv6Header.NEXT_HEADER_FRAGMENT : upperLayer, ttl - 1);
        ip6.addresses(sourceHigh, sourceLow, destinationHigh, destinationLow);
        if (fragment)
        {
            writeFragmentHeader(buffer, out + Ipv6Header.LENGTH, upperLayer, fragmentOffset, moreFragments, identification);
        }
        if (fragmentOffset == 0)
        {
            final int newAddressSum = Checksum.fold(Checksum.addIpv6Address(sourceHigh, sourceLow,
                Checksum.addIpv6Address(destinationHigh, destinationLow, 0)));
            translateTransport(buffer, l4, payloadLength, protocol, source, destination, newAddressSum);
        }
        if (mustFragment)
        {
            fragmentIpv6(buffer, out, translatedLength, fragment, upperLayer, fragmentOffset, moreFragments, identification,
                fragmentMtu, sink);
            return Outcome.TRANSLATED_4TO6;
        }
        sink.emit(buffer, out, translatedLength);
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

    /** RFC 7915 s.4.1: true when a loose (131) or strict (137) source route option still has hops to visit. */
    static boolean hasUnexpiredSourceRoute(final MutableDirectBuffer buffer, final int offset, final int headerLength)
    {
        int i = offset + Ipv4Header.MIN_LENGTH;
        final int end = offset + headerLength;
        while (i < end)
        {
            final int type = buffer.getByte(i) & 0xFF;
            if (type == IPV4_OPTION_END)
            {
                return false;
            }
            if (type == IPV4_OPTION_NOP)
            {
                i++;
                continue;
            }
            if (i + 1 >= end)
            {
                return false;
            }
            final int optionLength = buffer.getByte(i + 1) & 0xFF;
            if (optionLength < 2 || i + optionLength > end)
            {
                return false;
            }
            // RFC 791 s.3.1: the pointer (1-based, within the option) passes the length once the route is used up.
            if ((type == IPV4_OPTION_LOOSE_SOURCE_ROUTE || type == IPV4_OPTION_STRICT_SOURCE_ROUTE) && optionLength >= 3 &&
                (buffer.getByte(i + 2) & 0xFF) <= optionLength)
            {
                return true;
            }
            i += optionLength;
        }
        return false;
    }

    /** The L4 fields this translation rewrites must be inside the packet (style: never trust a length unchecked). */
    private Outcome checkTransportHeader(
        final TranslatorConfig config, final MutableDirectBuffer buffer, final int offset, final int totalLength, final int l4,
        final int payloadLength, final int protocol, final boolean fragment, final PacketSink sink)
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
                // RFC 7915 s.4.5: a zero UDP checksum is computed, unless the datagram is fragmented (the whole datagram
                // is not here) or policy says drop; a dropped one MAY be answered with ICMPv4 3/13.
                if (buffer.getShort(l4 + Udp.CHECKSUM) == 0 &&
                    (fragment || config.udpZeroChecksum == TranslatorConfig.UdpZeroChecksum.DROP))
                {
                    return icmpErrors.sendIcmpv4(config, buffer, offset, totalLength, Icmp.V4_DESTINATION_UNREACHABLE,
                        Icmp.V4_COMMUNICATION_PROHIBITED, 0, sink, Outcome.IPV4_UDP_ZERO_CHECKSUM);
                }
                return null;
            case Ipv4Header.PROTOCOL_ICMP:
                if (payloadLength < Icmp.HEADER_LENGTH)
                {
                    return Outcome.IPV4_L4_TRUNCATED;
                }
                final int type = buffer.getByte(l4 + Icmp.TYPE) & 0xFF;
                if (IcmpErrorOriginator.isIcmpv4Error(type))
                {
                    return fragment ? Outcome.IPV4_FRAGMENT_UNSUPPORTED : null;
                }
                // RFC 7915 s.4.2: of the queries only echo request/reply translate.
                if (type != Icmp.V4_ECHO_REQUEST && type != Icmp.V4_ECHO_REPLY)
                {
                    return Outcome.ICMPV4_UNTRANSLATABLE;
                }
                return fragment ? Outcome.IPV4_FRAGMENT_UNSUPPORTED : null;
            default:
                return null;
        }
    }

    /**
     * RFC 7915 s.4.1 Source/Destination Address, via RFC 7757 (EAM first) and RFC 6052, hairpinning per RFC 7757 s.4:
     * the outcome for mapping routes that do not translate, or null. Nothing is written before both addresses map.
     */
    private static Outcome translateAddresses(final int sourceRoute, final int destinationRoute)
    {
        if (sourceRoute < AddressMapper.ROUTE_PREFIX)
        {
            return sourceRoute == AddressMapper.ROUTE_FORBIDDEN_UNDER_WKP ?
                Outcome.IPV4_NON_GLOBAL_UNDER_WKP : Outcome.IPV4_SOURCE_UNTRANSLATABLE;
        }
        if (destinationRoute < AddressMapper.ROUTE_PREFIX)
        {
            return destinationRoute == AddressMapper.ROUTE_FORBIDDEN_UNDER_WKP ?
                Outcome.IPV4_NON_GLOBAL_UNDER_WKP : Outcome.IPV4_DESTINATION_UNTRANSLATABLE;
        }
        return null;
    }

    /** RFC 7915 s.4.1: version 6, TC from TOS (or zero), flow label 0, payload length, next header, hop limit. */
    private static void writeIpv6Header(
        final Ipv6Header out, final TranslatorConfig config, final int tos, final int payloadLength, final int nextHeader,
        final int hopLimit)
    {
        out.writeFirstWord(config.copyTos ? tos : 0, 0, payloadLength, nextHeader, hopLimit);
    }

    /** RFC 7915 s.4.1 (fragmented IPv4): offset and M copied, identification zero-extended from the IPv4 header. */
    private static void writeFragmentHeader(
        final MutableDirectBuffer buffer, final int at, final int upperLayer, final int fragmentOffset,
        final boolean moreFragments, final int identification)
    {
        FragmentHeader.write(buffer, at, upperLayer, fragmentOffset, moreFragments, identification & 0xFFFF);
    }

    /**
     * RFC 7915 s.4.5 (TCP/UDP) and s.4.2 (echo): the upper-layer checksum step. {@code newAddressSum} is the folded sum
     * of the IPv6 source and destination just written, so nothing is read back.
     */
    private static void translateTransport(
        final MutableDirectBuffer buffer, final int l4, final int payloadLength, final int protocol, final int source,
        final int destination, final int newAddressSum)
    {
        switch (protocol)
        {
            case Ipv4Header.PROTOCOL_TCP:
                updateTransportChecksum(buffer, l4 + Tcp.CHECKSUM, source, destination, newAddressSum, false);
                break;
            case Ipv4Header.PROTOCOL_UDP:
                translateUdpChecksum(buffer, l4, payloadLength, source, destination, newAddressSum);
                break;
            case Ipv4Header.PROTOCOL_ICMP:
                translateIcmpInformational(buffer, l4, payloadLength, newAddressSum);
                break;
            default:
                // RFC 7915 s.4.1: other protocols are copied unchanged (their checksums, if any, do not cover IP).
                break;
        }
    }

    /** Folded sum of the two IPv6 addresses of the header at {@code ipv6Offset}. */
    private static int addressSum(final MutableDirectBuffer ipv6Buffer, final int ipv6Offset)
    {
        return Checksum.fold(Checksum.addIpv6Address(ipv6Buffer, ipv6Offset + Ipv6Header.SOURCE,
            Checksum.addIpv6Address(ipv6Buffer, ipv6Offset + Ipv6Header.DESTINATION, 0)));
    }

    /**
     * RFC 7915 s.4.5: TCP/UDP checksums cover the pseudo-header, so they change by the address difference (RFC 1624).
     * {@code newSum} is the folded sum of the IPv6 addresses.
     */
    private static void updateTransportChecksum(
        final MutableDirectBuffer buffer, final int checksumOffset, final int source, final int destination,
        final int newSum, final boolean udp)
    {
        final int oldSum = Checksum.fold(Checksum.addInt(source, Checksum.addInt(destination, 0)));
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
        final int newAddressSum)
    {
        if (buffer.getShort(l4 + Udp.CHECKSUM) != 0)
        {
            updateTransportChecksum(buffer, l4 + Udp.CHECKSUM, source, destination, newAddressSum, true);
            return;
        }
        long acc = newAddressSum + (long)payloadLength + Ipv6Header.NEXT_HEADER_UDP;
        acc = Checksum.add(buffer, l4, payloadLength, acc);
        final int checksum = Checksum.finish(acc);
        buffer.putShort(l4 + Udp.CHECKSUM, (short)(checksum == 0 ? 0xFFFF : checksum), ByteOrder.BIG_ENDIAN);
    }

    /**
     * RFC 7915 s.4.2: Echo Request/Reply (8/0) become ICMPv6 128/129 with code 0; the ICMPv6 checksum adds the
     * pseudo-header (over {@code messageLength}), applied incrementally so the payload is not read.
     */
    private static void translateIcmpInformational(
        final MutableDirectBuffer buffer, final int l4, final int messageLength, final int newAddressSum)
    {
        final int type = buffer.getByte(l4 + Icmp.TYPE) & 0xFF;
        if (type != Icmp.V4_ECHO_REQUEST && type != Icmp.V4_ECHO_REPLY)
        {
            return;
        }
        final int oldTypeCode = buffer.getShort(l4 + Icmp.TYPE, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        final int newType = type == Icmp.V4_ECHO_REQUEST ? Icmp.V6_ECHO_REQUEST : Icmp.V6_ECHO_REPLY;
        final int newTypeCode = newType << 8;
        // RFC 8200 s.8.1 pseudo-header: addresses, upper-layer length, next header 58.
        final long pseudo = newAddressSum + (messageLength & 0xFFFF_FFFFL) + Ipv6Header.NEXT_HEADER_ICMPV6;
        final int checksum = buffer.getShort(l4 + Icmp.CHECKSUM, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        buffer.putShort(l4 + Icmp.TYPE, (short)newTypeCode, ByteOrder.BIG_ENDIAN);
        buffer.putShort(l4 + Icmp.CHECKSUM,
            (short)Checksum.update(checksum, oldTypeCode, Checksum.fold(pseudo + newTypeCode)), ByteOrder.BIG_ENDIAN);
    }

    /**
     * RFC 7915 s.4.1: fragments the translated packet at {@code out} so each IPv6 fragment fits {@code mtu}; every
     * fragment carries the IPv4 identification, offsets continue from an already fragmented input.
     */
    private void fragmentIpv6(
        final MutableDirectBuffer buffer, final int out, final int translatedLength, final boolean hasFragmentHeader,
        final int upperLayer, final int baseOffset, final boolean moreFragments, final int identification, final int mtu,
        final PacketSink sink)
    {
        final int dataStart = out + Ipv6Header.LENGTH + (hasFragmentHeader ? FragmentHeader.LENGTH : 0);
        final int dataLength = out + translatedLength - dataStart;
        final int headers = Ipv6Header.LENGTH + FragmentHeader.LENGTH;
        final int chunkMax = Math.max(8, (mtu - headers) & ~7);
        for (int done = 0; done < dataLength; done += chunkMax)
        {
            final int chunk = Math.min(chunkMax, dataLength - done);
            final boolean last = done + chunk >= dataLength;
            scratch.putBytes(0, buffer, out, Ipv6Header.LENGTH);
            ip6.wrap(scratch, 0).payloadLength(FragmentHeader.LENGTH + chunk).nextHeader(Ipv6Header.NEXT_HEADER_FRAGMENT);
            writeFragmentHeader(scratch, Ipv6Header.LENGTH, upperLayer, baseOffset + (done >>> 3), !last || moreFragments,
                identification);
            scratch.putBytes(headers, buffer, dataStart + done, chunk);
            sink.emit(scratch, 0, headers + chunk);
        }
    }

    static int ipv6NextHopMtu(final TranslatorConfig config)
    {
        return config.ipv6Mtu != 0 ? config.ipv6Mtu : config.tunMtu;
    }

    static int ipv4NextHopMtu(final TranslatorConfig config)
    {
        return config.ipv4Mtu != 0 ? config.ipv4Mtu : config.tunMtu;
    }

    /**
     * RFC 7915 s.4.3: an ICMPv4 error becomes an ICMPv6 error whose quoted packet is translated too (addresses, inner
     * checksums, inner TTL not decremented), built in the scratch buffer and truncated to the IPv6 minimum MTU.
     */
    private Outcome translateIcmpError(
        final TranslatorConfig config, final MutableDirectBuffer buffer, final int offset, final int headerLength,
        final int totalLength, final PacketSink sink, final boolean hairpinned)
    {
        final int l4 = offset + headerLength;
        final int icmpLength = totalLength - headerLength;
        if (Checksum.fold(Checksum.add(buffer, l4, icmpLength, 0)) != 0xFFFF)
        {
            return Outcome.ICMPV4_BAD_CHECKSUM;
        }
        final int type = buffer.getByte(l4 + Icmp.TYPE) & 0xFF;
        final int code = buffer.getByte(l4 + Icmp.CODE) & 0xFF;
        final int typeCode6 = icmpErrorTypeAndCode(type, code);
        if (typeCode6 == NOT_TRANSLATABLE)
        {
            return Outcome.ICMPV4_UNTRANSLATABLE;
        }
        final int type6 = typeCode6 >>> 8;

        // RFC 4884 s.4.1: a non-zero length attribute (32-bit words) separates the original datagram from extensions.
        final int quoted = l4 + Icmp.HEADER_LENGTH;
        final int available = icmpLength - Icmp.HEADER_LENGTH;
        int originalLength = available;
        if (type == Icmp.V4_DESTINATION_UNREACHABLE || type == Icmp.V4_TIME_EXCEEDED || type == Icmp.V4_PARAMETER_PROBLEM)
        {
            final int lengthAttribute = buffer.getByte(l4 + Icmp.REST + 1) & 0xFF;
            if (lengthAttribute != 0)
            {
                originalLength = lengthAttribute << 2;
                if (originalLength > available)
                {
                    return Outcome.ICMPV4_BAD_EXTENSION_LENGTH;
                }
            }
        }
        final int extensionLength = available - originalLength;

        // RFC 7915 s.4.3: the quoted packet must be an IPv4 header we can read, and not itself an ICMP error.
        if (originalLength < Ipv4Header.MIN_LENGTH || (buffer.getByte(quoted) & 0xF0) != 0x40)
        {
            return Outcome.ICMPV4_INNER_UNTRANSLATABLE;
        }
        final int innerHeaderLength = (buffer.getByte(quoted) & 0x0F) << 2;
        final int innerTotalLength = buffer.getShort(quoted + Ipv4Header.TOTAL_LENGTH, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        if (innerHeaderLength < Ipv4Header.MIN_LENGTH || innerHeaderLength > originalLength ||
            innerTotalLength < innerHeaderLength)
        {
            return Outcome.ICMPV4_INNER_UNTRANSLATABLE;
        }
        final int innerProtocol = buffer.getByte(quoted + Ipv4Header.PROTOCOL) & 0xFF;
        final int innerFlags = buffer.getShort(quoted + Ipv4Header.FLAGS_FRAGMENT_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        final int innerFragmentOffset = innerFlags & Ipv4Header.FRAGMENT_OFFSET_MASK;
        final boolean innerMoreFragments = (innerFlags & Ipv4Header.FLAG_MF) != 0;
        final boolean innerFragment = innerMoreFragments || innerFragmentOffset != 0;
        final int innerL4 = quoted + innerHeaderLength;
        final int innerL4Available = originalLength - innerHeaderLength;
        if (innerProtocol == Ipv4Header.PROTOCOL_ICMP && innerFragmentOffset == 0 && innerL4Available > 0 &&
            IcmpErrorOriginator.isIcmpv4Error(buffer.getByte(innerL4) & 0xFF))
        {
            return Outcome.ICMPV4_INNER_UNTRANSLATABLE;
        }
        final int innerSource = buffer.getInt(quoted + Ipv4Header.SOURCE, ByteOrder.BIG_ENDIAN);
        final int innerDestination = buffer.getInt(quoted + Ipv4Header.DESTINATION, ByteOrder.BIG_ENDIAN);

        // Scratch layout: outer IPv6 | ICMPv6 header | inner IPv6 | inner fragment header? | inner upper layer.
        final int icmp6 = Ipv6Header.LENGTH;
        final int inner6 = icmp6 + Icmp.HEADER_LENGTH;
        final int innerData = inner6 + Ipv6Header.LENGTH + (innerFragment ? FragmentHeader.LENGTH : 0);
        final Outcome addresses = translateIcmpErrorAddresses(config, buffer, offset, innerSource, innerDestination,
            innerProtocol, inner6, hairpinned);
        if (addresses != null)
        {
            return addresses;
        }

        int rest6 = 0;
        if (type6 == Icmp.V6_PACKET_TOO_BIG)
        {
            rest6 = packetTooBigMtu(config, buffer.getShort(l4 + Icmp.REST + 2, ByteOrder.BIG_ENDIAN) & 0xFFFF,
                innerTotalLength, innerFragment);
        }
        else if (type6 == Icmp.V6_PARAMETER_PROBLEM)
        {
            rest6 = type == Icmp.V4_PARAMETER_PROBLEM ?
                parameterProblemPointer(buffer.getByte(l4 + Icmp.REST) & 0xFF) : Ipv6Header.NEXT_HEADER;
            if (rest6 == NOT_TRANSLATABLE)
            {
                return Outcome.ICMPV4_UNTRANSLATABLE;
            }
        }

        // RFC 4884 s.4.1 / RFC 7915 s.4.3: extensions survive only in the ICMPv6 types with a length attribute, after
        // an original datagram padded to 64-bit words, and only if at least 128 bytes of it still fit.
        final int room = IPV6_MINIMUM_MTU - inner6;
        boolean carryExtension = extensionLength > 0 &&
            (type6 == Icmp.V6_DESTINATION_UNREACHABLE || type6 == Icmp.V6_TIME_EXCEEDED);
        int innerRoom = room;
        if (carryExtension)
        {
            innerRoom = (room - extensionLength) & ~7;
            if (innerRoom < RFC4884_MINIMUM_ORIGINAL_DATAGRAM)
            {
                carryExtension = false;
                innerRoom = room;
            }
        }
        final int copied = Math.min(innerL4Available, innerRoom - (innerData - inner6));
        scratch.putBytes(innerData, buffer, innerL4, copied);
        final int innerPayloadLength = innerTotalLength - innerHeaderLength;
        final int innerUpperLayer = innerProtocol == Ipv4Header.PROTOCOL_ICMP ? Ipv6Header.NEXT_HEADER_ICMPV6 : innerProtocol;
        // RFC 7915 s.4.3: the inner header is translated like the outer one, but its TTL is not decremented.
        writeIpv6Header(ip6.wrap(scratch, inner6), config, buffer.getByte(quoted + Ipv4Header.TOS) & 0xFF,
            innerPayloadLength + (innerFragment ? FragmentHeader.LENGTH : 0),
            innerFragment ? Ipv6Header.NEXT_HEADER_FRAGMENT : innerUpperLayer,
            buffer.getByte(quoted + Ipv4Header.TTL) & 0xFF);
        if (innerFragment)
        {
            writeFragmentHeader(scratch, inner6 + Ipv6Header.LENGTH, innerUpperLayer, innerFragmentOffset,
                innerMoreFragments, buffer.getShort(quoted + Ipv4Header.IDENTIFICATION, ByteOrder.BIG_ENDIAN));
        }
        if (innerFragmentOffset == 0)
        {
            translateInnerTransport(innerProtocol, innerData, copied, innerPayloadLength, innerSource, innerDestination,
                inner6);
        }
        final int innerLength = innerData - inner6 + copied;
        int end = inner6 + innerLength;
        if (carryExtension)
        {
            final int padded = Math.max(RFC4884_MINIMUM_ORIGINAL_DATAGRAM, (innerLength + 7) & ~7);
            scratch.setMemory(end, inner6 + padded - end, (byte)0);
            scratch.putBytes(inner6 + padded, buffer, quoted + originalLength, extensionLength);
            end = inner6 + padded + extensionLength;
            rest6 = (padded >>> 3) << 24;
        }

        final int ttl = buffer.getByte(offset + Ipv4Header.TTL) & 0xFF;
        writeIpv6Header(ip6.wrap(scratch, 0), config, buffer.getByte(offset + Ipv4Header.TOS) & 0xFF,
            end - Ipv6Header.LENGTH, Ipv6Header.NEXT_HEADER_ICMPV6, ttl - 1);
        scratch.putShort(icmp6 + Icmp.TYPE, (short)typeCode6, ByteOrder.BIG_ENDIAN);
        scratch.putShort(icmp6 + Icmp.CHECKSUM, (short)0);
        scratch.putInt(icmp6 + Icmp.REST, rest6, ByteOrder.BIG_ENDIAN);
        final long pseudo = Checksum.ipv6PseudoHeader(scratch, Ipv6Header.SOURCE, end - icmp6, Ipv6Header.NEXT_HEADER_ICMPV6);
        scratch.putShort(icmp6 + Icmp.CHECKSUM, (short)Checksum.finish(Checksum.add(scratch, icmp6, end - icmp6, pseudo)),
            ByteOrder.BIG_ENDIAN);
        sink.emit(scratch, 0, end);
        return Outcome.TRANSLATED_4TO6;
    }

    /**
     * RFC 7915 s.4.3 and RFC 6791: the outer source is a router that may not map (then an address of icmpPool6, chosen
     * by a hash of the quoted flow); the outer destination and both inner addresses must map. A hairpinned error
     * (RFC 7757 s.4) takes its outer source and its inner destination, the hairpinned host, from the prefix.
     */
    private Outcome translateIcmpErrorAddresses(
        final TranslatorConfig config, final MutableDirectBuffer buffer, final int offset, final int innerSource,
        final int innerDestination, final int innerProtocol, final int inner6, final boolean hairpinned)
    {
        final AddressMapper mapper = config.mapper;
        final int source = buffer.getInt(offset + Ipv4Header.SOURCE, ByteOrder.BIG_ENDIAN);
        final int destination = buffer.getInt(offset + Ipv4Header.DESTINATION, ByteOrder.BIG_ENDIAN);
        final int s = hairpinned ?
            mapper.toIpv6WithoutEamt(source, scratch, Ipv6Header.SOURCE) : mapper.toIpv6(source, scratch, Ipv6Header.SOURCE);
        if (s != AddressMapper.MAPPED)
        {
            if (config.icmpPool6 == null)
            {
                return s == AddressMapper.FORBIDDEN_UNDER_WKP ?
                    Outcome.IPV4_NON_GLOBAL_UNDER_WKP : Outcome.IPV4_SOURCE_UNTRANSLATABLE;
            }
            Rfc6791Pool.ipv6(config.icmpPool6, flowHash(innerSource, innerDestination, innerProtocol), scratch,
                Ipv6Header.SOURCE);
        }
        final int d = mapper.toIpv6(destination, scratch, Ipv6Header.DESTINATION);
        if (d != AddressMapper.MAPPED)
        {
            return d == AddressMapper.FORBIDDEN_UNDER_WKP ?
                Outcome.IPV4_NON_GLOBAL_UNDER_WKP : Outcome.IPV4_DESTINATION_UNTRANSLATABLE;
        }
        if (mapper.toIpv6(innerSource, scratch, inner6 + Ipv6Header.SOURCE) != AddressMapper.MAPPED ||
            (hairpinned ? mapper.toIpv6WithoutEamt(innerDestination, scratch, inner6 + Ipv6Header.DESTINATION) :
                mapper.toIpv6(innerDestination, scratch, inner6 + Ipv6Header.DESTINATION)) != AddressMapper.MAPPED)
        {
            return Outcome.ICMPV4_INNER_UNTRANSLATABLE;
        }
        return null;
    }

    static int flowHash(final int source, final int destination, final int protocol)
    {
        return (source * 31 + destination) * 31 + protocol;
    }

    /** RFC 7915 s.4.3: the quoted upper-layer checksum follows its pseudo-header, where enough of it is quoted. */
    private void translateInnerTransport(
        final int protocol, final int data, final int copied, final int upperLayerLength, final int source,
        final int destination, final int inner6)
    {
        switch (protocol)
        {
            case Ipv4Header.PROTOCOL_TCP:
                if (copied >= Tcp.CHECKSUM + 2)
                {
                    updateTransportChecksum(scratch, data + Tcp.CHECKSUM, source, destination,
                        addressSum(scratch, inner6), false);
                }
                break;
            case Ipv4Header.PROTOCOL_UDP:
                if (copied >= Udp.HEADER_LENGTH && scratch.getShort(data + Udp.CHECKSUM) != 0)
                {
                    updateTransportChecksum(scratch, data + Udp.CHECKSUM, source, destination,
                        addressSum(scratch, inner6), true);
                }
                break;
            case Ipv4Header.PROTOCOL_ICMP:
                if (copied >= Icmp.CHECKSUM + 2)
                {
                    translateIcmpInformational(scratch, data, upperLayerLength, addressSum(scratch, inner6));
                }
                break;
            default:
                break;
        }
    }

    /** RFC 7915 s.4.2: ICMPv4 error type and code to ICMPv6 ({@code type << 8 | code}), or {@link #NOT_TRANSLATABLE}. */
    static int icmpErrorTypeAndCode(final int type, final int code)
    {
        switch (type)
        {
            case Icmp.V4_DESTINATION_UNREACHABLE:
                switch (code)
                {
                    case Icmp.V4_NET_UNREACHABLE:
                    case Icmp.V4_HOST_UNREACHABLE:
                    case Icmp.V4_SOURCE_ROUTE_FAILED:
                    case Icmp.V4_NET_UNKNOWN:
                    case Icmp.V4_HOST_UNKNOWN:
                    case Icmp.V4_SOURCE_HOST_ISOLATED:
                    case Icmp.V4_NET_TOS_UNREACHABLE:
                    case Icmp.V4_HOST_TOS_UNREACHABLE:
                        return Icmp.V6_DESTINATION_UNREACHABLE << 8 | Icmp.V6_NO_ROUTE;
                    case Icmp.V4_PROTOCOL_UNREACHABLE:
                        return Icmp.V6_PARAMETER_PROBLEM << 8 | Icmp.V6_UNRECOGNIZED_NEXT_HEADER;
                    case Icmp.V4_PORT_UNREACHABLE:
                        return Icmp.V6_DESTINATION_UNREACHABLE << 8 | Icmp.V6_PORT_UNREACHABLE;
                    case Icmp.V4_FRAGMENTATION_NEEDED:
                        return Icmp.V6_PACKET_TOO_BIG << 8;
                    case Icmp.V4_NET_PROHIBITED:
                    case Icmp.V4_HOST_PROHIBITED:
                    case Icmp.V4_COMMUNICATION_PROHIBITED:
                    case Icmp.V4_PRECEDENCE_CUTOFF:
                        return Icmp.V6_DESTINATION_UNREACHABLE << 8 | Icmp.V6_ADMINISTRATIVELY_PROHIBITED;
                    default:
                        // Code 14 (host precedence violation) is silently dropped, as are unknown codes.
                        return NOT_TRANSLATABLE;
                }
            case Icmp.V4_TIME_EXCEEDED:
                return code <= Icmp.V4_FRAGMENT_REASSEMBLY_TIME_EXCEEDED ? Icmp.V6_TIME_EXCEEDED << 8 | code : NOT_TRANSLATABLE;
            case Icmp.V4_PARAMETER_PROBLEM:
                return code == Icmp.V4_POINTER_INDICATES_ERROR || code == Icmp.V4_BAD_LENGTH ?
                    Icmp.V6_PARAMETER_PROBLEM << 8 | Icmp.V6_ERRONEOUS_HEADER_FIELD : NOT_TRANSLATABLE;
            default:
                // Source quench, redirect, alternate host address and unknown errors have no ICMPv6 counterpart.
                return NOT_TRANSLATABLE;
        }
    }

    /** RFC 7915 s.4.2 Figure 3: IPv4 header byte offsets to IPv6 ones, or {@link #NOT_TRANSLATABLE}. */
    static int parameterProblemPointer(final int pointer)
    {
        switch (pointer)
        {
            case 0: return 0;                                   // Version/IHL -> Version/Traffic Class
            case 1: return 1;                                   // Type Of Service -> Traffic Class
            case 2: case 3: return Ipv6Header.PAYLOAD_LENGTH;   // Total Length -> Payload Length
            case 8: return Ipv6Header.HOP_LIMIT;                // Time to Live -> Hop Limit
            case 9: return Ipv6Header.NEXT_HEADER;              // Protocol -> Next Header
            case 12: case 13: case 14: case 15: return Ipv6Header.SOURCE;
            case 16: case 17: case 18: case 19: return Ipv6Header.DESTINATION;
            default: return NOT_TRANSLATABLE;                   // identification, flags, checksum, options
        }
    }

    /**
     * RFC 7915 s.4.2: the Packet Too Big MTU is min(advertised + 20, IPv6 next-hop MTU, IPv4 next-hop MTU + 20), the
     * advertised MTU being the RFC 1191 plateau below the quoted total length when the router sent zero; plus 8 when the
     * IPv6 packet carried a fragment header; never below the IPv6 minimum MTU (RFC 8200 s.5).
     */
    static int packetTooBigMtu(
        final TranslatorConfig config, final int advertised, final int quotedTotalLength, final boolean quotedFragment)
    {
        final int growth = Ipv6Header.LENGTH - Ipv4Header.MIN_LENGTH + (quotedFragment ? FragmentHeader.LENGTH : 0);
        final int mtu4 = advertised != 0 ? advertised : plateau(quotedTotalLength);
        int mtu6 = Math.min(mtu4 + growth, ipv6NextHopMtu(config));
        mtu6 = Math.min(mtu6, ipv4NextHopMtu(config) + growth);
        return Math.max(mtu6, IPV6_MINIMUM_MTU);
    }

    /** RFC 1191 s.7: the greatest plateau less than the total length of the datagram that was too big. */
    static int plateau(final int totalLength)
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
}
