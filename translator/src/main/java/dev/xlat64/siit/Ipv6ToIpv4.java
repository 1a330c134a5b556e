package dev.xlat64.siit;

import dev.xlat64.addr.AddressMapper;
import dev.xlat64.core.IcmpErrorOriginator;
import dev.xlat64.core.Outcome;
import dev.xlat64.core.PacketContext;
import dev.xlat64.core.TranslatorConfig;
import dev.xlat64.core.Verdict;
import dev.xlat64.packet.Checksum;
import dev.xlat64.packet.FragmentHeader;
import dev.xlat64.packet.HeaderWords;
import dev.xlat64.packet.Icmp;
import dev.xlat64.packet.Ipv4Header;
import dev.xlat64.packet.Ipv6ExtensionHeaders;
import dev.xlat64.packet.Ipv6Header;
import dev.xlat64.packet.Tcp;
import dev.xlat64.packet.Udp;
import org.agrona.MutableDirectBuffer;

/**
 * IPv6 to IPv4 (RFC 7915 section 5). The common case runs in place: the IPv4 header is written just before the
 * upper-layer header, so the packet simply starts later. ICMP errors (s.5.3) are translated by {@link Icmpv6ToIcmpv4}
 * and fragmentation by the {@link Fragmenter}, both in the engine's scratch buffer. One method per RFC step.
 * Not thread safe: one instance per engine.
 */
public final class Ipv6ToIpv4
{
    private final Ipv6Header ip6 = new Ipv6Header();
    private final Ipv4Header ip4 = new Ipv4Header();
    /** The context's chain ({@link PacketContext#ipv6Chain}), which a mechanism may have walked already. */
    private Ipv6ExtensionHeaders chain;
    private final IcmpErrorOriginator icmpErrors;
    private final Icmpv6ToIcmpv4 icmp;
    private final Fragmenter fragmenter;
    private final Ipv4ToIpv6 hairpin;

    public Ipv6ToIpv4(final MutableDirectBuffer scratch, final IcmpErrorOriginator icmpErrors, final Ipv4ToIpv6 hairpin)
    {
        this.icmpErrors = icmpErrors;
        this.hairpin = hairpin;
        this.icmp = new Icmpv6ToIcmpv4(scratch, icmpErrors, hairpin);
        this.fragmenter = new Fragmenter(scratch);
    }

    /** Translates the IPv6 packet of {@code ctx}. */
    public Outcome translate(final PacketContext ctx)
    {
        final MutableDirectBuffer buffer = ctx.buffer;
        final int offset = ctx.offset;
        if (ctx.length < Ipv6Header.LENGTH)
        {
            return Outcome.IPV6_TRUNCATED;
        }
        // The fixed header's first 8 bytes are read once, as one word (one bounds check); the steps decode it.
        final long first = ip6.wrap(buffer, offset).firstWord();
        final int payloadLength = Ipv6Header.payloadLengthOf(first);
        final int firstNextHeader = Ipv6Header.nextHeaderOf(first);
        // RFC 8200 s.3: the payload length must fit what was received; zero with a Hop-by-Hop header means a jumbogram
        // (RFC 2675 s.2), which we do not carry; zero otherwise is an empty payload (e.g. No Next Header, 59).
        if (payloadLength == 0 && firstNextHeader == Ipv6Header.NEXT_HEADER_HOP_BY_HOP ||
            Ipv6Header.LENGTH + payloadLength > ctx.length)
        {
            return Outcome.IPV6_BAD_PAYLOAD_LENGTH;
        }
        final int packetLength = Ipv6Header.LENGTH + payloadLength;
        final int end = offset + packetLength;
        chain = ctx.ipv6Chain;
        if (ctx.ipv6ChainEnd != end && !chain.walk(buffer, offset + Ipv6Header.LENGTH, firstNextHeader, end))
        {
            return Outcome.IPV6_EXTENSION_HEADER_TRUNCATED;
        }
        if (refuse(ctx, first, packetLength) == Verdict.DONE)
        {
            return ctx.outcome;
        }
        final int fragmentHeader = chain.fragmentHeaderOffset();
        final int fragmentOffset = fragmentHeader >= 0 ? FragmentHeader.fragmentOffset(buffer, fragmentHeader) : 0;
        final int nextHeader = chain.upperLayerProtocol();
        final int l4 = chain.upperLayerOffset();
        if (fragmentOffset == 0)
        {
            final boolean moreFragments = fragmentHeader >= 0 && FragmentHeader.moreFragments(buffer, fragmentHeader);
            if (checkTransportHeader(ctx, l4, end - l4, nextHeader, moreFragments) == Verdict.DONE)
            {
                return ctx.outcome;
            }
            // RFC 7915 s.5.3: errors are rebuilt within 576 bytes, so the next-hop MTU never concerns them.
            if (nextHeader == Ipv6Header.NEXT_HEADER_ICMPV6 && Icmp.isV6Error(buffer.getByte(l4 + Icmp.TYPE) & 0xFF))
            {
                return icmp.translateError(ctx, l4, end);
            }
        }
        else if (nextHeader == Ipv6Header.NEXT_HEADER_ICMPV6)
        {
            return Outcome.IPV6_FRAGMENTED_ICMP;
        }
        return forward(ctx, first, packetLength);
    }

    /**
     * RFC 7915 s.5.1: what is refused before any translation: ICMPv4 inside IPv6, an expiring hop limit, a routing
     * header with segments left. {@code first} is the header's {@link Ipv6Header#firstWord()}.
     */
    private Verdict refuse(final PacketContext ctx, final long first, final int packetLength)
    {
        // RFC 7915 s.5.1 turns ICMPv6 into protocol 1 and copies other next headers; an ICMPv4 message inside IPv6
        // would so become ICMPv4 that no s.5.2 rule translated: dropped (README deviation 13), every fragment alike.
        if (chain.upperLayerProtocol() == Ipv4Header.PROTOCOL_ICMP)
        {
            return ctx.done(Outcome.IPV6_CARRIES_ICMPV4);
        }
        // RFC 7915 s.5.1 / RFC 8200 s.3: the translator is a router; a hop limit reaching zero gets Time Exceeded.
        if (Ipv6Header.hopLimitOf(first) <= 1)
        {
            return ctx.done(icmpErrors.error(Icmp.V6_TIME_EXCEEDED, Icmp.V6_HOP_LIMIT_EXCEEDED, 0)
                .sendIcmpv6(ctx, packetLength, Outcome.IPV6_HOP_LIMIT_EXPIRED));
        }
        // RFC 7915 s.5.1 / RFC 8200 s.4.4: segments left > 0 is refused with a pointer to the Segments Left field.
        final int routingHeader = chain.routingHeaderOffset();
        if (routingHeader >= 0)
        {
            return ctx.done(icmpErrors.error(Icmp.V6_PARAMETER_PROBLEM, Icmp.V6_ERRONEOUS_HEADER_FIELD,
                Ipv6ExtensionHeaders.segmentsLeftField(routingHeader) - ctx.offset)
                .sendIcmpv6(ctx, packetLength, Outcome.IPV6_EXTENSION_HEADER_UNSUPPORTED));
        }
        // RFC 8200 s.4.5: a fragment whose reassembled payload would pass 65535 bytes gets Parameter Problem pointing
        // at its Fragment Offset (and, cut again, its offset would spill into the IPv4 flags).
        final int fragmentHeader = chain.fragmentHeaderOffset();
        if (fragmentHeader >= 0 && (FragmentHeader.fragmentOffset(ctx.buffer, fragmentHeader) << 3) + packetLength -
            Ipv6Header.LENGTH - FragmentHeader.LENGTH > Fragmenter.MAX_END)
        {
            return ctx.done(icmpErrors.error(Icmp.V6_PARAMETER_PROBLEM, Icmp.V6_ERRONEOUS_HEADER_FIELD,
                fragmentHeader + FragmentHeader.OFFSET_FLAGS - ctx.offset)
                .sendIcmpv6(ctx, packetLength, Outcome.FRAGMENT_BEYOND_65535));
        }
        // RFC 7915 s.5.1 copies the last Next Header into Protocol; an extension header after the Fragment Header (its
        // later fragments' upper layer unknowable) or an IPv6-only one would become a meaningless IPv4 protocol:
        // refused with 1/1 like a kernel SIIT (Jool) does.
        if (chain.extensionAfterFragment() || Ipv6ExtensionHeaders.isIpv6ExtensionHeader(chain.upperLayerProtocol()))
        {
            return ctx.done(icmpErrors.error(Icmp.V6_DESTINATION_UNREACHABLE, Icmp.V6_ADMINISTRATIVELY_PROHIBITED, 0)
                .sendIcmpv6(ctx, packetLength, Outcome.IPV6_EXTENSION_HEADER_AFTER_FRAGMENT));
        }
        return Verdict.CONTINUE;
    }

    /** The L4 fields this translation rewrites must be inside the packet (never trust a length unchecked). */
    private static Verdict checkTransportHeader(
        final PacketContext ctx, final int l4, final int l4Length, final int nextHeader, final boolean moreFragments)
    {
        switch (nextHeader)
        {
            case Ipv6Header.NEXT_HEADER_TCP:
                return l4Length < Tcp.MIN_HEADER_LENGTH ? ctx.done(Outcome.IPV6_L4_TRUNCATED) : Verdict.CONTINUE;
            case Ipv6Header.NEXT_HEADER_UDP:
                return l4Length < Udp.HEADER_LENGTH ? ctx.done(Outcome.IPV6_L4_TRUNCATED) : Verdict.CONTINUE;
            case Ipv6Header.NEXT_HEADER_ICMPV6:
                if (l4Length < Icmp.HEADER_LENGTH)
                {
                    return ctx.done(Outcome.IPV6_L4_TRUNCATED);
                }
                if (moreFragments)
                {
                    return ctx.done(Outcome.IPV6_FRAGMENTED_ICMP);
                }
                final int type = ctx.buffer.getByte(l4 + Icmp.TYPE) & 0xFF;
                // RFC 7915 s.5.2: errors and echo request/reply translate; ND, MLD and the rest are dropped.
                return Icmp.isV6Error(type) || type == Icmp.V6_ECHO_REQUEST || type == Icmp.V6_ECHO_REPLY ?
                    Verdict.CONTINUE : ctx.done(Outcome.ICMPV6_UNTRANSLATABLE);
            default:
                return Verdict.CONTINUE;
        }
    }

    /**
     * RFC 7915 s.5.1: the DF and packet-too-big rules, the addresses (s.5.1, RFC 7757; s.5.4 answers an unmapped one
     * with ICMPv6 1/1), the header, the transport checksum (s.5.5), hairpinning (RFC 7757 s.4), fragmentation.
     * {@code first} is the header's {@link Ipv6Header#firstWord()}.
     */
    private Outcome forward(final PacketContext ctx, final long first, final int packetLength)
    {
        final TranslatorConfig config = ctx.config;
        final MutableDirectBuffer buffer = ctx.buffer;
        final int offset = ctx.offset;
        final int l4 = chain.upperLayerOffset();
        final int l4Length = offset + packetLength - l4;
        final int fragmentHeader = chain.fragmentHeaderOffset();
        final boolean fragment = fragmentHeader >= 0;
        final int totalLength = Ipv4Header.MIN_LENGTH + l4Length;
        // RFC 7915 s.5.1: DF is set on unfragmented packets above 1260 bytes; those too big for the IPv4 next hop get
        // Packet Too Big with the IPv6 equivalent (RFC 4443 s.3.2); DF=0 ones are fragmented like any router would.
        final boolean dontFragment = !fragment && totalLength > PathMtu.DF_THRESHOLD;
        final int nextHopMtu = PathMtu.ipv4NextHop(config);
        if (dontFragment && totalLength > nextHopMtu)
        {
            return icmpErrors.error(Icmp.V6_PACKET_TOO_BIG, 0, PathMtu.packetTooBigForIpv6Sender(nextHopMtu,
                l4 - offset)).sendIcmpv6(ctx, packetLength, Outcome.IPV6_PACKET_TOO_BIG);
        }
        // The addresses are read once, as four longs: mapping, hairpinning and the checksum step all work on these.
        final long header = HeaderWords.at(buffer, offset, Ipv6Header.LENGTH);
        final long sourceHigh = HeaderWords.getLong(buffer, header + Ipv6Header.SOURCE);
        final long sourceLow = HeaderWords.getLong(buffer, header + Ipv6Header.SOURCE + 8);
        final long destinationHigh = HeaderWords.getLong(buffer, header + Ipv6Header.DESTINATION);
        final long destinationLow = HeaderWords.getLong(buffer, header + Ipv6Header.DESTINATION + 8);
        // RFC 7599 s.7.2: a MAP-T BR mapped the addresses already (the port was needed); otherwise RFC 7757/6052.
        final boolean mapped = ctx.addressesMapped;
        final long mappedSource = mapped ? ctx.mappedIpv4Source & 0xFFFF_FFFFL :
            config.mapper.toIpv4(sourceHigh, sourceLow);
        final long mappedDestination = mapped ? ctx.mappedIpv4Destination & 0xFFFF_FFFFL :
            mappedSource < 0 ? -1 : config.mapper.toIpv4(destinationHigh, destinationLow);
        if (mappedSource < 0 || mappedDestination < 0)
        {
            return icmpErrors.error(Icmp.V6_DESTINATION_UNREACHABLE, Icmp.V6_ADMINISTRATIVELY_PROHIBITED, 0)
                .sendIcmpv6(ctx, packetLength, unmappedAddress(mappedSource, mappedDestination));
        }
        final int source = (int)mappedSource;
        final int destination = (int)mappedDestination;
        // RFC 7757 s.4: an IPv6 host reached an EAM-mapped IPv6 host through its prefix-embedded IPv4 address.
        final boolean hairpinning = !mapped && config.eamHairpinning && config.mapper.isEamIpv4(destination) &&
            !config.mapper.isEamIpv6(destinationHigh, destinationLow);
        final int oldAddressSum = Checksum.fold(Checksum.addIpv6Address(sourceHigh, sourceLow,
            Checksum.addIpv6Address(destinationHigh, destinationLow, 0)));
        final int fragmentOffset = fragment ? FragmentHeader.fragmentOffset(buffer, fragmentHeader) : 0;
        final boolean moreFragments = fragment && FragmentHeader.moreFragments(buffer, fragmentHeader);
        final int identification = fragment ? FragmentHeader.identification(buffer, fragmentHeader) & 0xFFFF :
            icmpErrors.nextIdentification();
        // RFC 7915 s.5.1.1: a fragment keeps offset and M, DF is clear; otherwise s.5.1: DF only above 1260 bytes.
        final int flags = fragment ? (moreFragments ? Ipv4Header.FLAG_MF : 0) | fragmentOffset :
            (dontFragment ? Ipv4Header.FLAG_DF : 0);
        // RFC 791: the total length is 16 bits; a translation that would not be fragmented cannot exceed it (found by
        // the reliability corpus with a snapshot of unlimited MTU; larger ones are fragmented or refused above).
        if (totalLength > 0xFFFF && totalLength <= nextHopMtu)
        {
            return Outcome.IPV6_BAD_PAYLOAD_LENGTH;
        }
        final int newAddressSum = TransportChecksum.ipv4AddressSum(source, destination);
        final int out = l4 - Ipv4Header.MIN_LENGTH;
        final int nextHeader = chain.upperLayerProtocol();
        TranslatedHeaders.writeIpv4Header(ip4.wrap(buffer, out), config, Ipv6Header.trafficClassOf(first), totalLength,
            identification, flags, nextHeader, Ipv6Header.hopLimitOf(first) - 1, source, destination);
        if (fragmentOffset == 0)
        {
            translateTransport(buffer, l4, nextHeader, oldAddressSum + (long)l4Length + Ipv6Header.NEXT_HEADER_ICMPV6,
                oldAddressSum, newAddressSum);
        }
        // RFC 7757 s.4: the packet comes straight back to IPv6 (never through the kernel), its source via the prefix.
        if (hairpinning)
        {
            final Outcome second = hairpin.translateHairpinned(ctx.repoint(buffer, out, totalLength));
            return second == Outcome.TRANSLATED_4TO6 ? Outcome.EAM_HAIRPINNED : second;
        }
        if (totalLength > nextHopMtu)
        {
            return fragmenter.fragmentIpv4(buffer, out, totalLength, nextHopMtu, ctx.sink) ?
                Outcome.TRANSLATED_6TO4 : Outcome.FRAGMENT_BEYOND_65535;
        }
        ctx.sink.emit(buffer, out, totalLength);
        return Outcome.TRANSLATED_6TO4;
    }

    /**
     * RFC 7915 s.5.1 / RFC 7757 s.3: why an address did not map (the source is checked first); also for the addresses
     * of an ICMPv6 error (s.5.3).
     */
    static Outcome unmappedAddress(final long mappedSource, final long mappedDestination)
    {
        if (mappedSource < 0)
        {
            return mappedSource == AddressMapper.DENYLISTED ? Outcome.IPV4_DENYLISTED :
                mappedSource == AddressMapper.NON_GLOBAL_UNDER_WKP ?
                Outcome.IPV4_NON_GLOBAL_UNDER_WKP : Outcome.IPV6_SOURCE_UNTRANSLATABLE;
        }
        return mappedDestination == AddressMapper.DENYLISTED ? Outcome.IPV4_DENYLISTED :
            mappedDestination == AddressMapper.NON_GLOBAL_UNDER_WKP ?
            Outcome.IPV4_NON_GLOBAL_UNDER_WKP : Outcome.IPV6_DESTINATION_UNTRANSLATABLE;
    }

    /** RFC 7915 s.5.5 (TCP/UDP) and s.5.2 (echo): the upper-layer checksum step. */
    private static void translateTransport(
        final MutableDirectBuffer buffer, final int l4, final int nextHeader, final long pseudoHeader6,
        final int oldAddressSum, final int newAddressSum)
    {
        switch (nextHeader)
        {
            case Ipv6Header.NEXT_HEADER_TCP:
                TransportChecksum.update(buffer, l4 + Tcp.CHECKSUM, oldAddressSum, newAddressSum, false);
                break;
            case Ipv6Header.NEXT_HEADER_UDP:
                // A zero UDP checksum stays zero: in IPv4 it means "none" (RFC 768), which is what the sender chose.
                if (buffer.getShort(l4 + Udp.CHECKSUM) != 0)
                {
                    TransportChecksum.update(buffer, l4 + Udp.CHECKSUM, oldAddressSum, newAddressSum, true);
                }
                break;
            case Ipv6Header.NEXT_HEADER_ICMPV6:
                Icmpv6ToIcmpv4.translateInformational(buffer, l4, pseudoHeader6);
                break;
            default:
                break;
        }
    }
}
