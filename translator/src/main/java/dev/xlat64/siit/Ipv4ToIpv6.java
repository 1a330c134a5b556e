package dev.xlat64.siit;

import dev.xlat64.addr.AddressMapper;
import dev.xlat64.core.IcmpErrorOriginator;
import dev.xlat64.core.Outcome;
import dev.xlat64.core.PacketContext;
import dev.xlat64.core.PacketSink;
import dev.xlat64.core.RouterChecks;
import dev.xlat64.core.TranslatorConfig;
import dev.xlat64.core.Verdict;
import dev.xlat64.packet.Checksum;
import dev.xlat64.packet.FragmentHeader;
import dev.xlat64.packet.Icmp;
import dev.xlat64.packet.Ipv4Header;
import dev.xlat64.packet.Ipv4Options;
import dev.xlat64.packet.Ipv6Header;
import dev.xlat64.packet.Tcp;
import dev.xlat64.packet.Udp;
import org.agrona.MutableDirectBuffer;

/**
 * IPv4 to IPv6 (RFC 7915 section 4). The common case runs in place: the IPv6 header is written over the end of the
 * headroom and the IPv4 header, so the payload never moves. ICMP errors (s.4.3) are translated by
 * {@link Icmpv4ToIcmpv6}, fragmentation (s.4.1) by the {@link Fragmenter}, both in the engine's scratch buffer. One
 * method per RFC step; a step returns {@link Verdict#CONTINUE} or records the outcome in the context.
 * Not thread safe: one instance per engine.
 */
public final class Ipv4ToIpv6
{
    private final Ipv4Header ip4 = new Ipv4Header();
    private final Ipv6Header ip6 = new Ipv6Header();
    private final FragmentFields fields = new FragmentFields();
    private final IcmpErrorOriginator icmpErrors;
    private final Icmpv4ToIcmpv6 icmp;
    private final Fragmenter fragmenter;

    public Ipv4ToIpv6(final MutableDirectBuffer scratch, final IcmpErrorOriginator icmpErrors)
    {
        this.icmpErrors = icmpErrors;
        this.icmp = new Icmpv4ToIcmpv6(scratch);
        this.fragmenter = new Fragmenter(scratch);
    }

    /** Translates the IPv4 packet of {@code ctx}; needs {@code Translator.HEADROOM} bytes before it. */
    public Outcome translate(final PacketContext ctx)
    {
        return translate(ctx, false);
    }

    /**
     * Translates an IPv4 packet that xlat64 itself just produced from IPv6 and that is addressed to an EAM IPv4 address
     * (RFC 7757 s.4): the source is translated with the RFC 6052 prefix (or IVI format), never the EAMT.
     */
    Outcome translateHairpinned(final PacketContext ctx)
    {
        return translate(ctx, true);
    }

    private Outcome translate(final PacketContext ctx, final boolean hairpinned)
    {
        final Ipv4Header in = ip4.wrap(ctx.buffer, ctx.offset);
        if (RouterChecks.validateIpv4(in, ctx.length, ctx) == Verdict.DONE)
        {
            return ctx.outcome;
        }
        // The header is read once, as two words (one bounds check each); every step decodes its fields from them.
        final long first = in.firstWord();
        final long second = in.secondWord();
        if (refuse(ctx, first, second) == Verdict.DONE)
        {
            return ctx.outcome;
        }
        final int flags = Ipv4Header.flagsAndFragmentOffsetOf(first);
        final int headerLength = Ipv4Header.headerLengthOf(first);
        final int totalLength = Ipv4Header.totalLengthOf(first);
        final int protocol = Ipv4Header.protocolOf(second);
        if ((flags & Ipv4Header.FRAGMENT_OFFSET_MASK) == 0)
        {
            if (checkTransportHeader(ctx, totalLength, headerLength, protocol, Ipv4Header.isFragment(flags)) ==
                Verdict.DONE)
            {
                return ctx.outcome;
            }
            if (protocol == Ipv4Header.PROTOCOL_ICMP &&
                Icmp.isV4Error(ctx.buffer.getByte(ctx.offset + headerLength + Icmp.TYPE) & 0xFF))
            {
                return icmp.translateError(ctx, headerLength, totalLength, hairpinned);
            }
        }
        else if (protocol == Ipv4Header.PROTOCOL_ICMP)
        {
            return Outcome.IPV4_FRAGMENT_UNSUPPORTED;
        }
        return forward(ctx, first, second, in.destination(), hairpinned);
    }

    /**
     * RFC 7915 s.4.1: what is refused before any translation: ICMPv6 inside IPv4, source routes, an expiring TTL.
     * {@code first} and {@code second} are the header's {@link Ipv4Header#firstWord()} and secondWord().
     */
    private Verdict refuse(final PacketContext ctx, final long first, final long second)
    {
        final int totalLength = Ipv4Header.totalLengthOf(first);
        final int headerLength = Ipv4Header.headerLengthOf(first);
        // RFC 7915 s.4.1 turns ICMPv4 into next header 58 and copies other protocols; an ICMPv6 message inside IPv4
        // would so become ICMPv6 that no s.4.2 rule translated: dropped (README deviation 13), every fragment alike.
        if (Ipv4Header.protocolOf(second) == Ipv6Header.NEXT_HEADER_ICMPV6)
        {
            return ctx.done(Outcome.IPV4_CARRIES_ICMPV6);
        }
        // RFC 791: a datagram is at most 65535 bytes, so a fragment ending beyond that is no datagram's (and cut again
        // its offset would wrap past 13 bits): discarded, Parameter Problem pointing at the offset (RFC 8200 s.4.5).
        if (((Ipv4Header.flagsAndFragmentOffsetOf(first) & Ipv4Header.FRAGMENT_OFFSET_MASK) << 3) + totalLength >
            Fragmenter.MAX_END)
        {
            return ctx.done(icmpErrors.error(Icmp.V4_PARAMETER_PROBLEM, 0, Ipv4Header.FLAGS_FRAGMENT_OFFSET << 24)
                .sendIcmpv4(ctx, totalLength, Outcome.FRAGMENT_BEYOND_65535));
        }
        // RFC 7915 s.4.1: an unexpired source route is refused with ICMPv4 "source route failed"; other options
        // ignored (a header without options has none: the walk is not even called).
        if (headerLength > Ipv4Header.MIN_LENGTH &&
            Ipv4Options.hasUnexpiredSourceRoute(ctx.buffer, ctx.offset, headerLength))
        {
            return ctx.done(icmpErrors.error(Icmp.V4_DESTINATION_UNREACHABLE, Icmp.V4_SOURCE_ROUTE_FAILED, 0)
                .sendIcmpv4(ctx, totalLength, Outcome.IPV4_SOURCE_ROUTE));
        }
        // RFC 7915 s.4.1 / RFC 1812 s.5.3.1: TTL is decremented; a packet that would leave with 0 gets Time Exceeded.
        if (Ipv4Header.ttlOf(second) <= 1)
        {
            return ctx.done(icmpErrors.error(Icmp.V4_TIME_EXCEEDED, Icmp.V4_TTL_EXCEEDED_IN_TRANSIT, 0)
                .sendIcmpv4(ctx, totalLength, Outcome.IPV4_TTL_EXPIRED));
        }
        return Verdict.CONTINUE;
    }

    /** The L4 fields this translation rewrites must be inside the packet (never trust a length unchecked). */
    private Verdict checkTransportHeader(
        final PacketContext ctx, final int totalLength, final int headerLength, final int protocol,
        final boolean fragment)
    {
        final int payloadLength = totalLength - headerLength;
        final int l4 = ctx.offset + headerLength;
        switch (protocol)
        {
            case Ipv4Header.PROTOCOL_TCP:
                return payloadLength < Tcp.MIN_HEADER_LENGTH ? ctx.done(Outcome.IPV4_L4_TRUNCATED) : Verdict.CONTINUE;
            case Ipv4Header.PROTOCOL_UDP:
                if (payloadLength < Udp.HEADER_LENGTH)
                {
                    return ctx.done(Outcome.IPV4_L4_TRUNCATED);
                }
                // RFC 7915 s.4.5: a zero UDP checksum is computed, unless the datagram is fragmented (the whole
                // datagram is not here) or policy says drop; a dropped one MAY be answered with ICMPv4 3/13.
                if (ctx.buffer.getShort(l4 + Udp.CHECKSUM) == 0 &&
                    (fragment || ctx.config.udpZeroChecksum == TranslatorConfig.UdpZeroChecksum.DROP))
                {
                    return ctx.done(
                        icmpErrors.error(Icmp.V4_DESTINATION_UNREACHABLE, Icmp.V4_COMMUNICATION_PROHIBITED, 0)
                            .sendIcmpv4(ctx, totalLength, Outcome.IPV4_UDP_ZERO_CHECKSUM));
                }
                return Verdict.CONTINUE;
            case Ipv4Header.PROTOCOL_ICMP:
                if (payloadLength < Icmp.HEADER_LENGTH)
                {
                    return ctx.done(Outcome.IPV4_L4_TRUNCATED);
                }
                final int type = ctx.buffer.getByte(l4 + Icmp.TYPE) & 0xFF;
                // RFC 7915 s.4.2: of the queries only echo request/reply translate.
                if (!Icmp.isV4Error(type) && type != Icmp.V4_ECHO_REQUEST && type != Icmp.V4_ECHO_REPLY)
                {
                    return ctx.done(Outcome.ICMPV4_UNTRANSLATABLE);
                }
                return fragment ? ctx.done(Outcome.IPV4_FRAGMENT_UNSUPPORTED) : Verdict.CONTINUE;
            default:
                return Verdict.CONTINUE;
        }
    }

    /**
     * RFC 7915 s.4.1: the packet-too-big rule, the addresses, the header, the transport checksum, fragmentation. Every
     * field (of the header, the context, the config) is read into a local before the first write: a buffer write is
     * an Unsafe store that the JIT cannot tell from a field's, so each field read after one is a load again. The
     * header's fields come decoded from its two words ({@code first}, {@code second}) that the front read, with the
     * destination address.
     */
    private Outcome forward(
        final PacketContext ctx, final long first, final long second, final int destination, final boolean hairpinned)
    {
        final TranslatorConfig config = ctx.config;
        final MutableDirectBuffer buffer = ctx.buffer;
        final PacketSink sink = ctx.sink;
        final int flags = Ipv4Header.flagsAndFragmentOffsetOf(first);
        final int headerLength = Ipv4Header.headerLengthOf(first);
        final int totalLength = Ipv4Header.totalLengthOf(first);
        final int payloadLength = totalLength - headerLength;
        final boolean dontFragment = (flags & Ipv4Header.FLAG_DF) != 0;
        final int fragmentOffset = flags & Ipv4Header.FRAGMENT_OFFSET_MASK;
        final boolean fragment = Ipv4Header.isFragment(flags);
        final int translatedLength = Ipv6Header.LENGTH + (fragment ? FragmentHeader.LENGTH : 0) + payloadLength;
        final int nextHopMtu = PathMtu.ipv6NextHop(config);
        // RFC 7915 s.4.1 / RFC 1191: DF=1 packets are not fragmented; the sender learns the MTU (less 20 bytes).
        if (dontFragment && translatedLength > nextHopMtu)
        {
            return fragmentationNeeded(ctx, totalLength, translatedLength, nextHopMtu);
        }
        final int fragmentMtu = PathMtu.ipv6FragmentMtu(config);
        final int trafficClass = TranslatedHeaders.trafficClass(config, Ipv4Header.tosOf(first));
        final int ttl = Ipv4Header.ttlOf(second);
        final int identification = Ipv4Header.identificationOf(first);
        final int upperLayer = TranslatedHeaders.ipv6NextHeader(Ipv4Header.protocolOf(second));
        final int source = Ipv4Header.sourceOf(second);
        final int l4 = ctx.offset + headerLength;
        final long sourceHigh;
        final long sourceLow;
        final long destinationHigh;
        final long destinationLow;
        // RFC 7599 s.7.1: a MAP-T BR mapped the addresses already (the port was needed); otherwise RFC 7757/6052.
        if (ctx.addressesMapped)
        {
            sourceHigh = ctx.mappedSourceHigh;
            sourceLow = ctx.mappedSourceLow;
            destinationHigh = ctx.mappedDestinationHigh;
            destinationLow = ctx.mappedDestinationLow;
        }
        else
        {
            final AddressMapper mapper = config.mapper;
            final int sourceRoute = hairpinned ? mapper.ipv6RouteWithoutEamt(source) : mapper.ipv6Route(source);
            final int destinationRoute = mapper.ipv6Route(destination);
            final Outcome unmapped = unmappedAddress(sourceRoute, destinationRoute);
            if (unmapped != Outcome.TRANSLATED_4TO6)
            {
                // RFC 7915 s.4.4: a discarded packet SHOULD be answered with ICMPv4 3/13 (administratively prohibited).
                return icmpErrors.error(Icmp.V4_DESTINATION_UNREACHABLE, Icmp.V4_COMMUNICATION_PROHIBITED, 0)
                    .sendIcmpv4(ctx, totalLength, unmapped);
            }
            sourceHigh = mapper.ipv6High(sourceRoute, source);
            sourceLow = mapper.ipv6Low(sourceRoute, source);
            destinationHigh = mapper.ipv6High(destinationRoute, destination);
            destinationLow = mapper.ipv6Low(destinationRoute, destination);
        }
        final int out = l4 - (translatedLength - payloadLength);
        Ipv6Header.write(buffer, out, trafficClass, translatedLength - Ipv6Header.LENGTH,
            fragment ? Ipv6Header.NEXT_HEADER_FRAGMENT : upperLayer, ttl - 1,
            sourceHigh, sourceLow, destinationHigh, destinationLow);
        if (fragment)
        {
            TranslatedHeaders.writeFragmentHeader(buffer, out + Ipv6Header.LENGTH, upperLayer, fragmentOffset,
                (flags & Ipv4Header.FLAG_MF) != 0, identification);
        }
        if (fragmentOffset == 0)
        {
            final int newAddressSum = Checksum.fold(Checksum.addIpv6Address(sourceHigh, sourceLow,
                Checksum.addIpv6Address(destinationHigh, destinationLow, 0)));
            translateTransport(buffer, l4, payloadLength, upperLayer, source, destination, newAddressSum);
        }
        // RFC 7915 s.4.1: DF=0 packets larger than the lowest IPv6 MTU are fragmented so every fragment fits it.
        if (!dontFragment && translatedLength > fragmentMtu)
        {
            return fragmenter.fragmentIpv6(buffer, out, translatedLength, fragment,
                fields.set(flags, identification, upperLayer), fragmentMtu, sink) ?
                Outcome.TRANSLATED_4TO6 : Outcome.FRAGMENT_BEYOND_65535;
        }
        sink.emit(buffer, out, translatedLength);
        return Outcome.TRANSLATED_4TO6;
    }

    /** RFC 7915 s.4.1 / RFC 1191: Fragmentation Needed with the MTU less what translation adds to the packet. */
    private Outcome fragmentationNeeded(
        final PacketContext ctx, final int totalLength, final int translatedLength, final int nextHopMtu)
    {
        return icmpErrors.error(Icmp.V4_DESTINATION_UNREACHABLE, Icmp.V4_FRAGMENTATION_NEEDED,
            PathMtu.fragmentationNeededForIpv4Sender(nextHopMtu, translatedLength - totalLength))
            .sendIcmpv4(ctx, totalLength, Outcome.IPV4_PACKET_TOO_BIG);
    }

    /**
     * RFC 7915 s.4.1 Source/Destination Address, via RFC 7757 (EAM first) and RFC 6052, hairpinning per RFC 7757 s.4:
     * the outcome for mapping routes that do not translate, TRANSLATED_4TO6 when both do. Nothing is written before.
     */
    private static Outcome unmappedAddress(final int sourceRoute, final int destinationRoute)
    {
        if (sourceRoute < AddressMapper.ROUTE_PREFIX)
        {
            return sourceRoute == AddressMapper.ROUTE_DENYLISTED ? Outcome.IPV4_DENYLISTED :
                sourceRoute == AddressMapper.ROUTE_FORBIDDEN_UNDER_WKP ?
                Outcome.IPV4_NON_GLOBAL_UNDER_WKP : Outcome.IPV4_SOURCE_UNTRANSLATABLE;
        }
        if (destinationRoute < AddressMapper.ROUTE_PREFIX)
        {
            return destinationRoute == AddressMapper.ROUTE_DENYLISTED ? Outcome.IPV4_DENYLISTED :
                destinationRoute == AddressMapper.ROUTE_FORBIDDEN_UNDER_WKP ?
                Outcome.IPV4_NON_GLOBAL_UNDER_WKP : Outcome.IPV4_DESTINATION_UNTRANSLATABLE;
        }
        return Outcome.TRANSLATED_4TO6;
    }

    /**
     * RFC 7915 s.4.5 (TCP/UDP) and s.4.2 (echo): the upper-layer checksum step. {@code newAddressSum} is the folded sum
     * of the IPv6 source and destination just written, so nothing is read back.
     */
    private static void translateTransport(
        final MutableDirectBuffer buffer, final int l4, final int payloadLength, final int upperLayer, final int source,
        final int destination, final int newAddressSum)
    {
        switch (upperLayer)
        {
            case Ipv6Header.NEXT_HEADER_TCP:
                TransportChecksum.update(buffer, l4 + Tcp.CHECKSUM,
                    TransportChecksum.ipv4AddressSum(source, destination), newAddressSum, false);
                break;
            case Ipv6Header.NEXT_HEADER_UDP:
                // RFC 7915 s.4.5: IPv6 requires a UDP checksum; a zero one is computed in full (policy checked above).
                if (buffer.getShort(l4 + Udp.CHECKSUM) != 0)
                {
                    TransportChecksum.update(buffer, l4 + Udp.CHECKSUM,
                        TransportChecksum.ipv4AddressSum(source, destination), newAddressSum, true);
                }
                else
                {
                    TransportChecksum.computeUdpOverIpv6(buffer, l4, payloadLength, newAddressSum);
                }
                break;
            case Ipv6Header.NEXT_HEADER_ICMPV6:
                Icmpv4ToIcmpv6.translateInformational(buffer, l4, payloadLength, newAddressSum);
                break;
            default:
                // RFC 7915 s.4.1: other protocols are copied unchanged (their checksums, if any, do not cover IP).
                break;
        }
    }
}
