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
 * IPv6 to IPv4 (RFC 7915 section 5). The common case runs in place: the IPv4 header is written just before the
 * upper-layer header, so the packet simply starts later. ICMP errors (s.5.3) are built in the agent's scratch buffer.
 * One method per RFC step. Not thread safe: one instance per agent.
 */
public final class Ipv6ToIpv4
{
    /** RFC 7915 s.5.1: DF is set only when the translated packet is larger than this. */
    public static final int DF_THRESHOLD = 1260;
    /** RFC 1812 s.4.3.2.3: a translated ICMPv4 error is at most 576 bytes. */
    static final int IPV4_ERROR_LIMIT = 576;
    private static final int NOT_TRANSLATABLE = -1;
    /** Where a hairpinned ICMPv4 error is built in the scratch buffer: past the 1280 bytes its IPv6 form needs. */
    private static final int HAIRPIN_SCRATCH_OFFSET = 2048;

    private final Ipv6Header ip6 = new Ipv6Header();
    private final Ipv4Header ip4 = new Ipv4Header();
    private final MutableDirectBuffer scratch;
    private final IcmpErrorOriginator icmpErrors;
    private final Ipv4ToIpv6 hairpin;

    // The extension-header walk's results (fields, not an object, so nothing is allocated per packet).
    private int walkNextHeader;
    private int walkUpperLayer;
    private int walkFragmentHeader;
    private int walkRoutingHeader;

    public Ipv6ToIpv4(final MutableDirectBuffer scratch, final IcmpErrorOriginator icmpErrors, final Ipv4ToIpv6 hairpin)
    {
        this.scratch = scratch;
        this.icmpErrors = icmpErrors;
        this.hairpin = hairpin;
    }

    /** Translates the IPv6 packet at {@code offset}. */
    public Outcome translate(
        final TranslatorConfig config, final MutableDirectBuffer buffer, final int offset, final int length, final PacketSink sink)
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
        final int packetLength = Ipv6Header.LENGTH + payloadLength;
        final int end = offset + packetLength;
        if (!walkExtensionHeaders(buffer, offset + Ipv6Header.LENGTH, in.nextHeader(), end))
        {
            return Outcome.IPV6_EXTENSION_HEADER_TRUNCATED;
        }
        final int nextHeader = walkNextHeader;
        final int l4 = walkUpperLayer;
        final int fragmentHeader = walkFragmentHeader;
        final boolean fragment = fragmentHeader >= 0;
        final int fragmentOffset = fragment ? FragmentHeader.fragmentOffset(buffer, fragmentHeader) : 0;
        final boolean moreFragments = fragment && FragmentHeader.moreFragments(buffer, fragmentHeader);
        final int upperLayerOffset = fragmentOffset == 0 ? l4 : -1;
        // RFC 7915 s.5.1 turns ICMPv6 into protocol 1 and copies other next headers; an ICMPv4 message inside IPv6
        // would so become ICMPv4 that no s.5.2 rule translated: dropped (README deviation 13), every fragment alike.
        if (nextHeader == Ipv4Header.PROTOCOL_ICMP)
        {
            return Outcome.IPV6_CARRIES_ICMPV4;
        }

        final int hopLimit = in.hopLimit();
        // RFC 7915 s.5.1 / RFC 8200 s.3: the translator is a router; a hop limit reaching zero gets Time Exceeded.
        if (hopLimit <= 1)
        {
            return icmpErrors.sendIcmpv6(config, buffer, offset, packetLength, nextHeader, upperLayerOffset,
                Icmp.V6_TIME_EXCEEDED, Icmp.V6_HOP_LIMIT_EXCEEDED, 0, sink, Outcome.IPV6_HOP_LIMIT_EXPIRED);
        }
        // RFC 7915 s.5.1 / RFC 8200 s.4.4: segments left > 0 is refused with a pointer to the Segments Left field.
        if (walkRoutingHeader >= 0)
        {
            return icmpErrors.sendIcmpv6(config, buffer, offset, packetLength, nextHeader, upperLayerOffset,
                Icmp.V6_PARAMETER_PROBLEM, Icmp.V6_ERRONEOUS_HEADER_FIELD, walkRoutingHeader + 3 - offset, sink,
                Outcome.IPV6_EXTENSION_HEADER_UNSUPPORTED);
        }
        final int l4Length = end - l4;
        if (fragmentOffset == 0)
        {
            final Outcome l4Invalid = checkTransportHeader(buffer, l4, l4Length, nextHeader, moreFragments);
            if (l4Invalid != null)
            {
                return l4Invalid;
            }
        }
        else if (nextHeader == Ipv6Header.NEXT_HEADER_ICMPV6)
        {
            return Outcome.IPV6_FRAGMENTED_ICMP;
        }

        // RFC 7915 s.5.3: errors are rebuilt within 576 bytes, so the next-hop MTU never concerns them.
        if (fragmentOffset == 0 && nextHeader == Ipv6Header.NEXT_HEADER_ICMPV6 &&
            (buffer.getByte(l4 + Icmp.TYPE) & 0xFF) < Icmp.V6_ECHO_REQUEST)
        {
            return translateIcmpError(config, buffer, offset, l4, end, sink);
        }

        final int totalLength = Ipv4Header.MIN_LENGTH + l4Length;
        // RFC 7915 s.5.1: DF is set on unfragmented packets above 1260 bytes; those too big for the IPv4 next hop get
        // Packet Too Big with the IPv6 equivalent (RFC 4443 s.3.2); DF=0 ones are fragmented like any router would.
        final boolean dontFragment = !fragment && totalLength > DF_THRESHOLD;
        final int nextHopMtu = Ipv4ToIpv6.ipv4NextHopMtu(config);
        if (dontFragment && totalLength > nextHopMtu)
        {
            final int mtu = Math.max(Ipv4ToIpv6.IPV6_MINIMUM_MTU, nextHopMtu + (l4 - offset) - Ipv4Header.MIN_LENGTH);
            return icmpErrors.sendIcmpv6(config, buffer, offset, packetLength, nextHeader, upperLayerOffset,
                Icmp.V6_PACKET_TOO_BIG, 0, mtu, sink, Outcome.IPV6_PACKET_TOO_BIG);
        }

        // RFC 7915 s.5.1 Source/Destination Address: both must map (EAM first, then the RFC 6052 prefix); s.5.4: a
        // discarded packet SHOULD be answered with ICMPv6 1/1 (communication administratively prohibited).
        // The addresses are read once, as four longs: mapping, hairpinning and the checksum step all work on these.
        final long sourceHigh = buffer.getLong(in.sourceOffset(), ByteOrder.BIG_ENDIAN);
        final long sourceLow = buffer.getLong(in.sourceOffset() + 8, ByteOrder.BIG_ENDIAN);
        final long destinationHigh = buffer.getLong(in.destinationOffset(), ByteOrder.BIG_ENDIAN);
        final long destinationLow = buffer.getLong(in.destinationOffset() + 8, ByteOrder.BIG_ENDIAN);
        final long mappedSource = config.mapper.toIpv4(sourceHigh, sourceLow);
        if (mappedSource < 0)
        {
            return icmpErrors.sendIcmpv6(config, buffer, offset, packetLength, nextHeader, upperLayerOffset,
                Icmp.V6_DESTINATION_UNREACHABLE, Icmp.V6_ADMINISTRATIVELY_PROHIBITED, 0, sink,
                mappedSource == AddressMapper.NON_GLOBAL_UNDER_WKP ?
                    Outcome.IPV4_NON_GLOBAL_UNDER_WKP : Outcome.IPV6_SOURCE_UNTRANSLATABLE);
        }
        final long mappedDestination = config.mapper.toIpv4(destinationHigh, destinationLow);
        if (mappedDestination < 0)
        {
            return icmpErrors.sendIcmpv6(config, buffer, offset, packetLength, nextHeader, upperLayerOffset,
                Icmp.V6_DESTINATION_UNREACHABLE, Icmp.V6_ADMINISTRATIVELY_PROHIBITED, 0, sink,
                mappedDestination == AddressMapper.NON_GLOBAL_UNDER_WKP ?
                    Outcome.IPV4_NON_GLOBAL_UNDER_WKP : Outcome.IPV6_DESTINATION_UNTRANSLATABLE);
        }
        final int source = (int)mappedSource;
        final int destination = (int)mappedDestination;
        // RFC 7757 s.4: an IPv6 host reached an EAM-mapped IPv6 host through its prefix-embedded IPv4 address.
        final boolean hairpinning = config.eamHairpinning && config.mapper.isEamIpv4(destination) &&
            !config.mapper.isEamIpv6(destinationHigh, destinationLow);
        final int trafficClass = in.trafficClass();
        final int oldAddressSum = Checksum.fold(Checksum.addIpv6Address(sourceHigh, sourceLow,
            Checksum.addIpv6Address(destinationHigh, destinationLow, 0)));
        final long pseudoHeader6 = oldAddressSum + (long)l4Length + Ipv6Header.NEXT_HEADER_ICMPV6;
        final int identification = fragment ? FragmentHeader.identification(buffer, fragmentHeader) & 0xFFFF :
            icmpErrors.nextIdentification();
        // RFC 7915 s.5.1.1: a fragment keeps offset and M, DF is clear; otherwise s.5.1: DF only above 1260 bytes.
        final int flags = fragment ? (moreFragments ? Ipv4Header.FLAG_MF : 0) | fragmentOffset :
            (dontFragment ? Ipv4Header.FLAG_DF : 0);

        // RFC 791: the total length is 16 bits; a translation that would not be fragmented cannot exceed it (found by the
        // reliability corpus with a snapshot of unlimited MTU; larger ones are fragmented or refused above).
        if (totalLength > 0xFFFF && totalLength <= nextHopMtu)
        {
            return Outcome.IPV6_BAD_PAYLOAD_LENGTH;
        }
        final int out = l4 - Ipv4Header.MIN_LENGTH;
        writeIpv4Header(ip4.wrap(buffer, out), config, trafficClass, totalLength, identification, flags, nextHeader,
            hopLimit - 1, source, destination);
        if (fragmentOffset == 0)
        {
            translateTransport(buffer, l4, nextHeader, pseudoHeader6, oldAddressSum, source, destination);
        }
        // RFC 7757 s.4: the packet comes straight back to IPv6 (never through the kernel), its source via the prefix.
        if (hairpinning)
        {
            final Outcome second = hairpin.translateHairpinned(config, buffer, out, totalLength, sink);
            return second == Outcome.TRANSLATED_4TO6 ? Outcome.EAM_HAIRPINNED : second;
        }
        if (totalLength > nextHopMtu)
        {
            fragmentIpv4(buffer, out, totalLength, nextHopMtu, sink);
            return Outcome.TRANSLATED_6TO4;
        }
        sink.emit(buffer, out, totalLength);
        return Outcome.TRANSLATED_6TO4;
    }

    /**
     * RFC 1812 s.5.2.6 / RFC 791: a DF=0 translated packet larger than the IPv4 next-hop MTU is fragmented, each
     * fragment keeping identification and continuing the offset (and MF) of an already fragmented input.
     */
    private void fragmentIpv4(
        final MutableDirectBuffer buffer, final int out, final int totalLength, final int mtu, final PacketSink sink)
    {
        final Ipv4Header in = ip4.wrap(buffer, out);
        final int flags = in.flagsAndFragmentOffset();
        final int baseOffset = flags & Ipv4Header.FRAGMENT_OFFSET_MASK;
        final boolean moreFragments = (flags & Ipv4Header.FLAG_MF) != 0;
        final int dataStart = out + Ipv4Header.MIN_LENGTH;
        final int dataLength = totalLength - Ipv4Header.MIN_LENGTH;
        final int chunkMax = Math.max(8, (mtu - Ipv4Header.MIN_LENGTH) & ~7);
        for (int done = 0; done < dataLength; done += chunkMax)
        {
            final int chunk = Math.min(chunkMax, dataLength - done);
            final boolean last = done + chunk >= dataLength;
            scratch.putBytes(0, buffer, out, Ipv4Header.MIN_LENGTH);
            ip4.wrap(scratch, 0).totalLength(Ipv4Header.MIN_LENGTH + chunk)
                .flagsAndFragmentOffset((!last || moreFragments ? Ipv4Header.FLAG_MF : 0) | (baseOffset + (done >>> 3)))
                .computeHeaderChecksum();
            scratch.putBytes(Ipv4Header.MIN_LENGTH, buffer, dataStart + done, chunk);
            sink.emit(scratch, 0, Ipv4Header.MIN_LENGTH + chunk);
        }
    }

    /**
     * RFC 7915 s.5.1: skips hop-by-hop, destination options and routing headers up to the upper layer or the fragment
     * header (after which nothing is parsed: the rest is the fragmentable part). Records the routing header only when
     * its segments left is non-zero. False when the chain runs past {@code end}.
     */
    private boolean walkExtensionHeaders(final MutableDirectBuffer buffer, final int start, final int first, final int end)
    {
        int nextHeader = first;
        int at = start;
        walkFragmentHeader = -1;
        walkRoutingHeader = -1;
        while (nextHeader == Ipv6Header.NEXT_HEADER_HOP_BY_HOP || nextHeader == Ipv6Header.NEXT_HEADER_DESTINATION_OPTIONS ||
            nextHeader == Ipv6Header.NEXT_HEADER_ROUTING || nextHeader == Ipv6Header.NEXT_HEADER_FRAGMENT)
        {
            if (at + 8 > end)
            {
                return false;
            }
            if (nextHeader == Ipv6Header.NEXT_HEADER_FRAGMENT)
            {
                walkFragmentHeader = at;
                nextHeader = buffer.getByte(at) & 0xFF;
                at += FragmentHeader.LENGTH;
                break;
            }
            final int extensionLength = ((buffer.getByte(at + 1) & 0xFF) + 1) << 3;
            if (at + extensionLength > end)
            {
                return false;
            }
            if (nextHeader == Ipv6Header.NEXT_HEADER_ROUTING && buffer.getByte(at + 3) != 0 && walkRoutingHeader < 0)
            {
                walkRoutingHeader = at;
            }
            nextHeader = buffer.getByte(at) & 0xFF;
            at += extensionLength;
        }
        walkNextHeader = nextHeader;
        walkUpperLayer = at;
        return true;
    }

    private static Outcome checkTransportHeader(
        final MutableDirectBuffer buffer, final int l4, final int l4Length, final int nextHeader, final boolean moreFragments)
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
                if (moreFragments)
                {
                    return Outcome.IPV6_FRAGMENTED_ICMP;
                }
                final int type = buffer.getByte(l4 + Icmp.TYPE) & 0xFF;
                // RFC 7915 s.5.2: errors and echo request/reply translate; ND, MLD and the rest are dropped.
                return type < Icmp.V6_ECHO_REQUEST || type == Icmp.V6_ECHO_REQUEST || type == Icmp.V6_ECHO_REPLY ?
                    null : Outcome.ICMPV6_UNTRANSLATABLE;
            default:
                return null;
        }
    }

    /**
     * RFC 7915 s.5.1: version 4, IHL 5, TOS from the traffic class, identification and flags as decided by the caller,
     * TTL = hop limit - 1, protocol (58 becomes 1), header checksum.
     */
    private static void writeIpv4Header(
        final Ipv4Header out, final TranslatorConfig config, final int trafficClass, final int totalLength,
        final int identification, final int flags, final int nextHeader, final int ttl, final int source,
        final int destination)
    {
        out.writeWithoutOptions(config.copyTos ? trafficClass : 0, totalLength, identification, flags, ttl,
            nextHeader == Ipv6Header.NEXT_HEADER_ICMPV6 ? Ipv4Header.PROTOCOL_ICMP : nextHeader, source, destination);
    }

    /** RFC 7915 s.5.5 (TCP/UDP) and s.5.2 (echo): the upper-layer checksum step. */
    private static void translateTransport(
        final MutableDirectBuffer buffer, final int l4, final int nextHeader, final long pseudoHeader6,
        final int oldAddressSum, final int source, final int destination)
    {
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
        if (type != Icmp.V6_ECHO_REQUEST && type != Icmp.V6_ECHO_REPLY)
        {
            return;
        }
        final int oldTypeCode = buffer.getShort(l4 + Icmp.TYPE, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        final int newTypeCode = (type == Icmp.V6_ECHO_REQUEST ? Icmp.V4_ECHO_REQUEST : Icmp.V4_ECHO_REPLY) << 8;
        final int checksum = buffer.getShort(l4 + Icmp.CHECKSUM, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        buffer.putShort(l4 + Icmp.TYPE, (short)newTypeCode, ByteOrder.BIG_ENDIAN);
        final int updated = Checksum.update(checksum, Checksum.fold(pseudoHeader6 + oldTypeCode), newTypeCode);
        // An all-zero ICMPv4 message verifies only with 0xFFFF; RFC 1624 eqn 3 yields 0x0000 there (found by fuzzing).
        buffer.putShort(l4 + Icmp.CHECKSUM, (short)(updated == 0 ? 0xFFFF : updated), ByteOrder.BIG_ENDIAN);
    }

    /**
     * RFC 7915 s.5.3: an ICMPv6 error becomes an ICMPv4 error whose quoted packet is translated too (addresses, inner
     * checksums, inner hop limit not decremented), built in the scratch buffer and truncated to 576 bytes.
     */
    private Outcome translateIcmpError(
        final TranslatorConfig config, final MutableDirectBuffer buffer, final int offset, final int l4, final int end,
        final PacketSink sink)
    {
        final int icmpLength = end - l4;
        final long pseudo = Checksum.ipv6PseudoHeader(buffer, offset + Ipv6Header.SOURCE, icmpLength,
            Ipv6Header.NEXT_HEADER_ICMPV6);
        if (Checksum.fold(Checksum.add(buffer, l4, icmpLength, pseudo)) != 0xFFFF)
        {
            return Outcome.ICMPV6_BAD_CHECKSUM;
        }
        final int type = buffer.getByte(l4 + Icmp.TYPE) & 0xFF;
        final int code = buffer.getByte(l4 + Icmp.CODE) & 0xFF;
        final int typeCode4 = icmpErrorTypeAndCode(type, code);
        if (typeCode4 == NOT_TRANSLATABLE)
        {
            return Outcome.ICMPV6_UNTRANSLATABLE;
        }
        final int type4 = typeCode4 >>> 8;
        final int code4 = typeCode4 & 0xFF;

        // RFC 4884 s.4.2: a non-zero length attribute (64-bit words) separates the original datagram from extensions.
        final int quoted = l4 + Icmp.HEADER_LENGTH;
        final int available = icmpLength - Icmp.HEADER_LENGTH;
        int originalLength = available;
        if (type == Icmp.V6_DESTINATION_UNREACHABLE || type == Icmp.V6_TIME_EXCEEDED)
        {
            final int lengthAttribute = buffer.getByte(l4 + Icmp.REST) & 0xFF;
            if (lengthAttribute != 0)
            {
                originalLength = lengthAttribute << 3;
                if (originalLength > available)
                {
                    return Outcome.ICMPV6_BAD_EXTENSION_LENGTH;
                }
            }
        }
        final int extensionLength = available - originalLength;

        // RFC 7915 s.5.3: the quoted packet must be an IPv6 header (and extension chain) we can read, not an ICMPv6 error.
        final int quotedEnd = quoted + originalLength;
        if (originalLength < Ipv6Header.LENGTH || (buffer.getByte(quoted) & 0xF0) != 0x60 ||
            !walkExtensionHeaders(buffer, quoted + Ipv6Header.LENGTH, buffer.getByte(quoted + Ipv6Header.NEXT_HEADER) & 0xFF,
                quotedEnd))
        {
            return Outcome.ICMPV6_INNER_UNTRANSLATABLE;
        }
        final int innerNextHeader = walkNextHeader;
        final int innerL4 = walkUpperLayer;
        final int innerFragmentHeader = walkFragmentHeader;
        final boolean innerFragment = innerFragmentHeader >= 0;
        final int innerFragmentOffset = innerFragment ? FragmentHeader.fragmentOffset(buffer, innerFragmentHeader) : 0;
        final int innerUpperLayerLength = (buffer.getShort(quoted + Ipv6Header.PAYLOAD_LENGTH, ByteOrder.BIG_ENDIAN) & 0xFFFF) -
            (innerL4 - quoted - Ipv6Header.LENGTH);
        final int innerL4Available = quotedEnd - innerL4;
        if (innerUpperLayerLength < 0)
        {
            return Outcome.ICMPV6_INNER_UNTRANSLATABLE;
        }
        if (innerNextHeader == Ipv6Header.NEXT_HEADER_ICMPV6 && innerFragmentOffset == 0 && innerL4Available > 0 &&
            (buffer.getByte(innerL4 + Icmp.TYPE) & 0xFF) < Icmp.V6_ECHO_REQUEST)
        {
            return Outcome.ICMPV6_INNER_UNTRANSLATABLE;
        }

        final AddressMapper mapper = config.mapper;
        final long innerSource = mapper.toIpv4(buffer, quoted + Ipv6Header.SOURCE);
        final long innerDestination = mapper.toIpv4(buffer, quoted + Ipv6Header.DESTINATION);
        if (innerSource < 0 || innerDestination < 0)
        {
            return Outcome.ICMPV6_INNER_UNTRANSLATABLE;
        }
        // RFC 7915 s.5.3 and RFC 6791: a router's source that does not map takes an icmpPool4 address (flow hash).
        long source = mapper.toIpv4(buffer, offset + Ipv6Header.SOURCE);
        if (source < 0)
        {
            if (config.icmpPool4 == null)
            {
                return source == AddressMapper.NON_GLOBAL_UNDER_WKP ?
                    Outcome.IPV4_NON_GLOBAL_UNDER_WKP : Outcome.IPV6_SOURCE_UNTRANSLATABLE;
            }
            source = Rfc6791Pool.ipv4(config.icmpPool4,
                Ipv4ToIpv6.flowHash((int)innerSource, (int)innerDestination, innerNextHeader)) & 0xFFFF_FFFFL;
        }
        final long destination = mapper.toIpv4(buffer, offset + Ipv6Header.DESTINATION);
        if (destination < 0)
        {
            return destination == AddressMapper.NON_GLOBAL_UNDER_WKP ?
                Outcome.IPV4_NON_GLOBAL_UNDER_WKP : Outcome.IPV6_DESTINATION_UNTRANSLATABLE;
        }

        int rest4 = 0;
        if (type == Icmp.V6_PACKET_TOO_BIG)
        {
            rest4 = fragmentationNeededMtu(config, buffer.getInt(l4 + Icmp.REST, ByteOrder.BIG_ENDIAN), innerFragment);
        }
        else if (type4 == Icmp.V4_PARAMETER_PROBLEM)
        {
            final int pointer = parameterProblemPointer(buffer.getInt(l4 + Icmp.REST, ByteOrder.BIG_ENDIAN));
            if (pointer == NOT_TRANSLATABLE)
            {
                return Outcome.ICMPV6_UNTRANSLATABLE;
            }
            rest4 = pointer << 24;
        }

        // RFC 7757 s.4: an error to an EAM host reached through the prefix is hairpinned like any other packet.
        final boolean hairpinning = config.eamHairpinning && mapper.isEamIpv4((int)destination) &&
            !mapper.isEamIpv6(buffer, offset + Ipv6Header.DESTINATION);
        // Scratch layout from base: outer IPv4 | ICMPv4 header | inner IPv4 | inner upper layer. A hairpinned error is
        // built further in, so the IPv4-to-IPv6 pass can build its result at the start of the scratch buffer.
        final int base = hairpinning ? HAIRPIN_SCRATCH_OFFSET : 0;
        final int icmp4 = base + Ipv4Header.MIN_LENGTH;
        final int inner4 = icmp4 + Icmp.HEADER_LENGTH;
        final int innerData = inner4 + Ipv4Header.MIN_LENGTH;
        // RFC 4884 s.4.2 / RFC 7915 s.5.3: extensions survive in ICMPv4 types with a length attribute, after an original
        // datagram padded to 32-bit words, and only if at least 128 bytes of it still fit.
        final int room = IPV4_ERROR_LIMIT - (inner4 - base);
        boolean carryExtension = extensionLength > 0 &&
            (type4 == Icmp.V4_DESTINATION_UNREACHABLE || type4 == Icmp.V4_TIME_EXCEEDED);
        int innerRoom = room;
        if (carryExtension)
        {
            innerRoom = (room - extensionLength) & ~3;
            if (innerRoom < Ipv4ToIpv6.RFC4884_MINIMUM_ORIGINAL_DATAGRAM)
            {
                carryExtension = false;
                innerRoom = room;
            }
        }
        final int copied = Math.min(innerL4Available, innerRoom - Ipv4Header.MIN_LENGTH);
        scratch.putBytes(innerData, buffer, innerL4, copied);
        final int innerTotalLength = Ipv4Header.MIN_LENGTH + innerUpperLayerLength;
        final int innerFlags = innerFragment ?
            (FragmentHeader.moreFragments(buffer, innerFragmentHeader) ? Ipv4Header.FLAG_MF : 0) | innerFragmentOffset :
            (innerTotalLength > DF_THRESHOLD ? Ipv4Header.FLAG_DF : 0);
        final int innerIdentification = innerFragment ? FragmentHeader.identification(buffer, innerFragmentHeader) : 0;
        // RFC 7915 s.5.3: the inner header is translated like the outer one, but its hop limit is not decremented.
        writeIpv4Header(ip4.wrap(scratch, inner4), config, trafficClass(buffer, quoted), innerTotalLength & 0xFFFF,
            innerIdentification & 0xFFFF, innerFlags, innerNextHeader,
            buffer.getByte(quoted + Ipv6Header.HOP_LIMIT) & 0xFF, (int)innerSource, (int)innerDestination);
        if (innerFragmentOffset == 0)
        {
            translateInnerTransport(buffer, quoted, innerNextHeader, innerData, copied, innerUpperLayerLength,
                (int)innerSource, (int)innerDestination);
        }
        final int innerLength = Ipv4Header.MIN_LENGTH + copied;
        int errorEnd = inner4 + innerLength;
        if (carryExtension)
        {
            final int padded = Math.max(Ipv4ToIpv6.RFC4884_MINIMUM_ORIGINAL_DATAGRAM, (innerLength + 3) & ~3);
            scratch.setMemory(errorEnd, inner4 + padded - errorEnd, (byte)0);
            scratch.putBytes(inner4 + padded, buffer, quotedEnd, extensionLength);
            errorEnd = inner4 + padded + extensionLength;
            rest4 |= (padded >>> 2) << 16;
        }

        final int total = errorEnd - base;
        writeIpv4Header(ip4.wrap(scratch, base), config, trafficClass(buffer, offset), total,
            icmpErrors.nextIdentification(), 0, Ipv6Header.NEXT_HEADER_ICMPV6,
            (buffer.getByte(offset + Ipv6Header.HOP_LIMIT) & 0xFF) - 1, (int)source, (int)destination);
        scratch.putByte(icmp4 + Icmp.TYPE, (byte)type4);
        scratch.putByte(icmp4 + Icmp.CODE, (byte)code4);
        scratch.putShort(icmp4 + Icmp.CHECKSUM, (short)0);
        scratch.putInt(icmp4 + Icmp.REST, rest4, ByteOrder.BIG_ENDIAN);
        scratch.putShort(icmp4 + Icmp.CHECKSUM, (short)Checksum.finish(Checksum.add(scratch, icmp4, errorEnd - icmp4, 0)),
            ByteOrder.BIG_ENDIAN);
        if (hairpinning)
        {
            final Outcome second = hairpin.translateHairpinned(config, scratch, base, total, sink);
            return second == Outcome.TRANSLATED_4TO6 ? Outcome.EAM_HAIRPINNED : second;
        }
        sink.emit(scratch, 0, total);
        return Outcome.TRANSLATED_6TO4;
    }

    private static int trafficClass(final MutableDirectBuffer buffer, final int ipv6)
    {
        return (buffer.getShort(ipv6, ByteOrder.BIG_ENDIAN) >>> 4) & 0xFF;
    }

    /** RFC 7915 s.5.3: the quoted upper-layer checksum follows its pseudo-header, where enough of it is quoted. */
    private void translateInnerTransport(
        final MutableDirectBuffer buffer, final int quoted, final int nextHeader, final int data, final int copied,
        final int upperLayerLength, final int source, final int destination)
    {
        final int oldAddressSum = Checksum.fold(Checksum.addIpv6Address(buffer, quoted + Ipv6Header.SOURCE,
            Checksum.addIpv6Address(buffer, quoted + Ipv6Header.DESTINATION, 0)));
        final int newAddressSum = Checksum.fold(Checksum.addInt(source, Checksum.addInt(destination, 0)));
        switch (nextHeader)
        {
            case Ipv6Header.NEXT_HEADER_TCP:
                if (copied >= Tcp.CHECKSUM + 2)
                {
                    updateChecksum(scratch, data + Tcp.CHECKSUM, oldAddressSum, newAddressSum, false);
                }
                break;
            case Ipv6Header.NEXT_HEADER_UDP:
                if (copied >= Udp.HEADER_LENGTH && scratch.getShort(data + Udp.CHECKSUM) != 0)
                {
                    updateChecksum(scratch, data + Udp.CHECKSUM, oldAddressSum, newAddressSum, true);
                }
                break;
            case Ipv6Header.NEXT_HEADER_ICMPV6:
                if (copied >= Icmp.CHECKSUM + 2)
                {
                    translateIcmpInformational(scratch, data,
                        oldAddressSum + (long)upperLayerLength + Ipv6Header.NEXT_HEADER_ICMPV6);
                }
                break;
            default:
                break;
        }
    }

    /** RFC 7915 s.5.2: ICMPv6 error type and code to ICMPv4 ({@code type << 8 | code}), or {@link #NOT_TRANSLATABLE}. */
    static int icmpErrorTypeAndCode(final int type, final int code)
    {
        switch (type)
        {
            case Icmp.V6_DESTINATION_UNREACHABLE:
                switch (code)
                {
                    case Icmp.V6_NO_ROUTE:
                    case Icmp.V6_BEYOND_SCOPE:
                    case Icmp.V6_ADDRESS_UNREACHABLE:
                        return Icmp.V4_DESTINATION_UNREACHABLE << 8 | Icmp.V4_HOST_UNREACHABLE;
                    case Icmp.V6_ADMINISTRATIVELY_PROHIBITED:
                        return Icmp.V4_DESTINATION_UNREACHABLE << 8 | Icmp.V4_HOST_PROHIBITED;
                    case Icmp.V6_PORT_UNREACHABLE:
                        return Icmp.V4_DESTINATION_UNREACHABLE << 8 | Icmp.V4_PORT_UNREACHABLE;
                    default:
                        return NOT_TRANSLATABLE;
                }
            case Icmp.V6_PACKET_TOO_BIG:
                return Icmp.V4_DESTINATION_UNREACHABLE << 8 | Icmp.V4_FRAGMENTATION_NEEDED;
            case Icmp.V6_TIME_EXCEEDED:
                return code <= Icmp.V6_FRAGMENT_REASSEMBLY_TIME_EXCEEDED ? Icmp.V4_TIME_EXCEEDED << 8 | code : NOT_TRANSLATABLE;
            case Icmp.V6_PARAMETER_PROBLEM:
                switch (code)
                {
                    case Icmp.V6_ERRONEOUS_HEADER_FIELD:
                        return Icmp.V4_PARAMETER_PROBLEM << 8 | Icmp.V4_POINTER_INDICATES_ERROR;
                    case Icmp.V6_UNRECOGNIZED_NEXT_HEADER:
                        return Icmp.V4_DESTINATION_UNREACHABLE << 8 | Icmp.V4_PROTOCOL_UNREACHABLE;
                    default:
                        // Code 2 (unrecognized IPv6 option) and unknown codes have no ICMPv4 counterpart.
                        return NOT_TRANSLATABLE;
                }
            default:
                return NOT_TRANSLATABLE;
        }
    }

    /** RFC 7915 s.5.2 Figure 6: IPv6 header byte offsets to IPv4 ones, or {@link #NOT_TRANSLATABLE}. */
    static int parameterProblemPointer(final int pointer)
    {
        if (pointer < 0 || pointer >= Ipv6Header.LENGTH)
        {
            return NOT_TRANSLATABLE;                            // beyond the fixed header (extension headers)
        }
        if (pointer >= Ipv6Header.DESTINATION)
        {
            return Ipv4Header.DESTINATION;
        }
        if (pointer >= Ipv6Header.SOURCE)
        {
            return Ipv4Header.SOURCE;
        }
        switch (pointer)
        {
            case 0: return 0;                                   // Version/Traffic Class -> Version/IHL
            case 1: return Ipv4Header.TOS;                      // Traffic Class/Flow Label -> Type Of Service
            case 4: case 5: return Ipv4Header.TOTAL_LENGTH;     // Payload Length -> Total Length
            case 6: return Ipv4Header.PROTOCOL;                 // Next Header -> Protocol
            case 7: return Ipv4Header.TTL;                      // Hop Limit -> Time to Live
            default: return NOT_TRANSLATABLE;                   // flow label
        }
    }

    /**
     * RFC 7915 s.5.2: the Fragmentation Needed MTU is min(advertised - 20, IPv4 next-hop MTU, IPv6 next-hop MTU - 20),
     * 8 less when the quoted IPv6 packet carried a fragment header (its IPv4 form was that much smaller).
     */
    static int fragmentationNeededMtu(final TranslatorConfig config, final int advertised, final boolean quotedFragment)
    {
        final int shrink = Ipv6Header.LENGTH - Ipv4Header.MIN_LENGTH + (quotedFragment ? FragmentHeader.LENGTH : 0);
        final long advertised4 = (advertised & 0xFFFF_FFFFL) - shrink;
        long mtu = Math.min(advertised4, Ipv4ToIpv6.ipv4NextHopMtu(config));
        mtu = Math.min(mtu, Ipv4ToIpv6.ipv6NextHopMtu(config) - shrink);
        return (int)Math.max(0, Math.min(mtu, 0xFFFF));
    }
}
