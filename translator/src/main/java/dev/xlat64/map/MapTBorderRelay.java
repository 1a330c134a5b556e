package dev.xlat64.map;

import dev.xlat64.core.IcmpErrorOriginator;
import dev.xlat64.core.Outcome;
import dev.xlat64.core.PacketContext;
import dev.xlat64.core.Verdict;
import dev.xlat64.packet.FragmentHeader;
import dev.xlat64.packet.Icmp;
import dev.xlat64.packet.Ipv4Header;
import dev.xlat64.packet.Ipv6ExtensionHeaders;
import dev.xlat64.packet.Ipv6Header;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * The MAP-T border relay (RFC 7599 s.7-10, RFC 7597 s.5-8): the MAP address mapping plus the security checks, in front
 * of the unchanged RFC 7915 transform. It claims the packets of its domains, checks them, and hands the mapped
 * addresses (of an ICMP error's quoted packet too) to the transform through {@link PacketContext#mapIpv4} /
 * {@link PacketContext#mapIpv6}; CE-to-CE packets are hairpinned ({@link MapTHairpin}); everything else is left to
 * SIIT. Allocation-free; not thread safe: one instance per engine.
 */
public final class MapTBorderRelay extends BorderRelay
{
    /** No port could be read (a non-first fragment, a protocol without ports, a truncated header). */
    static final int NO_PORT = -1;
    /** RFC 4443 s.3.1: Destination Unreachable code 5, source address failed ingress/egress policy. */
    static final int SOURCE_FAILED_POLICY = 5;

    private final MapTHairpin hairpin = new MapTHairpin();
    /** Sends the optional ICMP answers (null: none, whatever the domains say). */
    private final IcmpErrorOriginator icmpErrors;
    // The IPv6 packet from a CE being checked (fields, so nothing is allocated): its upper layer, -1 if unknown.
    private int upperLayer;
    private int upperLayerProtocol;
    private int packetEnd;
    private boolean laterFragment;

    /** A relay that never answers with ICMP (the domains' icmp-spoofed / icmp-unreachable are ignored). */
    public MapTBorderRelay()
    {
        this(null);
    }

    /** A relay whose optional ICMP answers go through the engine's one originator and rate limiter. */
    public MapTBorderRelay(final IcmpErrorOriginator icmpErrors)
    {
        this.icmpErrors = icmpErrors;
    }

    @Override
    boolean serves(final MapDomain d)
    {
        return d.mechanism == Mechanism.MAP_T;
    }

    /**
     * RFC 7599 s.7.2 and s.8.3 (RFC 7597 s.8.1): IPv6 from a CE. The source selects the rule; its interface ID
     * carries the IPv4 source, which must be the CE's (or in the CE's prefix); the source port must be in the CE's
     * port set; the destination is the DMR's RFC 6052 address (another CE's address: hairpinned, RFC 7599 s.12.2).
     */
    @Override
    Verdict fromCe(final PacketContext ctx)
    {
        final MutableDirectBuffer buffer = ctx.buffer;
        final int at = ctx.offset;
        final long sourceHigh = buffer.getLong(at + Ipv6Header.SOURCE, ByteOrder.BIG_ENDIAN);
        final long sourceLow = buffer.getLong(at + Ipv6Header.SOURCE + 8, ByteOrder.BIG_ENDIAN);
        final long destinationHigh = buffer.getLong(at + Ipv6Header.DESTINATION, ByteOrder.BIG_ENDIAN);
        final long destinationLow = buffer.getLong(at + Ipv6Header.DESTINATION + 8, ByteOrder.BIG_ENDIAN);
        for (int i = 0; i < domains.length; i++)
        {
            final MapDomain d = domains[i];
            if (!d.dmr.contains(destinationHigh, destinationLow))
            {
                continue;
            }
            final MapRule rule = d.rules.ruleForIpv6(sourceHigh, sourceLow);
            if (rule == null)
            {
                continue;
            }
            domainIndex = positions[i];
            // RFC 7599 s.6 (full IPv4 in the interface ID, docs/map.md): 0 (16) | IPv4 (32) | PSID (16).
            final int source = (int)(sourceLow >>> 16);
            final int mask = mask(rule.ceIpv4PrefixLength());
            // RFC 7597 s.8.1: the IPv4 source must be the one the EA bits give (a CE's prefix: an address in it).
            if (((source ^ rule.ipv4Of(sourceHigh, sourceLow)) & mask) != 0)
            {
                return spoofed(ctx, d, Outcome.MAPT_SPOOFED_SOURCE);
            }
            final int psid = rule.psidOf(sourceHigh, sourceLow);
            final Outcome checked = checkFromCe(ctx, rule, psid);
            if (checked != null)
            {
                return spoofed(ctx, d, checked);
            }
            final int destination = d.dmr.extract(destinationHigh, destinationLow);
            ctx.mapIpv4(source, destination);
            if (upperLayer >= 0 && !laterFragment && Ports.isIcmpError(buffer, upperLayer, upperLayerProtocol, true))
            {
                return mapQuotedFromCe(ctx, d, rule, psid, rule.ipv4Of(sourceHigh, sourceLow), mask);
            }
            final Outcome hairpinned = upperLayer < 0 ? null : hairpin.relay(ctx, d, source, destination, upperLayer,
                upperLayerProtocol, packetEnd, laterFragment);
            return hairpinned == null ? Verdict.CONTINUE : ctx.done(hairpinned);
        }
        return Verdict.CONTINUE;
    }

    private static int mask(final int length)
    {
        return length == 0 ? 0 : -1 << (32 - length);
    }

    /**
     * RFC 7597 s.8.1, RFC 7599 s.8.3: the source port of a CE with a port set must be in its set (null: it is, or
     * cannot be read). A non-first fragment has no port: it passed the address check and is forwarded (the residual
     * spoofing stays within the CE's own shared address, docs/map.md). Malformed packets are left to the transform,
     * which drops them with their reason. Leaves the upper layer's place in the fields.
     */
    private Outcome checkFromCe(final PacketContext ctx, final MapRule rule, final int psid)
    {
        final MutableDirectBuffer buffer = ctx.buffer;
        upperLayer = -1;
        final int payload = buffer.getShort(ctx.offset + Ipv6Header.PAYLOAD_LENGTH, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        packetEnd = ctx.offset + Math.min(ctx.length, Ipv6Header.LENGTH + payload);
        // Walked once per packet: the RFC 7915 transform reuses the chain of the context for the same end.
        final Ipv6ExtensionHeaders chain = ctx.ipv6Chain;
        if (!chain.walk(buffer, ctx.offset + Ipv6Header.LENGTH, buffer.getByte(ctx.offset + 6) & 0xFF, packetEnd))
        {
            return null;
        }
        ctx.ipv6ChainEnd = packetEnd;
        final int fragment = chain.fragmentHeaderOffset();
        laterFragment = fragment >= 0 && FragmentHeader.fragmentOffset(buffer, fragment) != 0;
        upperLayer = chain.upperLayerOffset();
        upperLayerProtocol = chain.upperLayerProtocol();
        if (laterFragment || rule.psidLength() == 0)
        {
            return null;
        }
        final int port = Ports.ofCeSide(buffer, upperLayer, packetEnd, upperLayerProtocol, true, true);
        if (port == Ports.TRUNCATED)
        {
            upperLayer = -1;
            return null;
        }
        return port == NO_PORT || !rule.portAllowed(port) || rule.psidOfPort(port) != psid ?
            Outcome.MAPT_PORT_OUTSIDE_SET : null;
    }

    /**
     * RFC 7599 s.10.1, RFC 7915 s.5.3: an ICMPv6 error from a CE is about a packet sent to it: the quoted destination
     * must be a MAP address of this CE (its IPv4, in the interface ID, in the CE's address or prefix; the PSID the
     * CE's), and the quoted source an address under the DMR. Both are mapped for the transform.
     */
    private Verdict mapQuotedFromCe(final PacketContext ctx, final MapDomain d, final MapRule rule, final int psid,
        final int ceIpv4, final int mask)
    {
        final MutableDirectBuffer buffer = ctx.buffer;
        final int quoted = upperLayer + Icmp.HEADER_LENGTH;
        if (quoted + Ipv6Header.LENGTH > packetEnd)
        {
            return Verdict.CONTINUE;  // the transform drops the unreadable quote with its reason
        }
        final long sourceHigh = buffer.getLong(quoted + Ipv6Header.SOURCE, ByteOrder.BIG_ENDIAN);
        final long sourceLow = buffer.getLong(quoted + Ipv6Header.SOURCE + 8, ByteOrder.BIG_ENDIAN);
        final long destinationHigh = buffer.getLong(quoted + Ipv6Header.DESTINATION, ByteOrder.BIG_ENDIAN);
        final long destinationLow = buffer.getLong(quoted + Ipv6Header.DESTINATION + 8, ByteOrder.BIG_ENDIAN);
        final int quotedCe = (int)(destinationLow >>> 16);
        if (((quotedCe ^ ceIpv4) & mask) != 0 || !d.dmr.contains(sourceHigh, sourceLow) ||
            rule.addressHigh(quotedCe, psid) != destinationHigh ||
            rule.addressLow(quotedCe, psid, true) != destinationLow)
        {
            return ctx.done(Outcome.MAPT_ICMP_ERROR_NOT_TRANSLATED);
        }
        ctx.mapQuotedIpv4(d.dmr.extract(sourceHigh, sourceLow), quotedCe);
        return Verdict.CONTINUE;
    }

    /**
     * RFC 7599 s.8.3 (SHOULD), RFC 7597 s.8.1: a spoofed packet is dropped; with {@code icmp-spoofed} it is also
     * answered with ICMPv6 1/5, rate-limited (when no error may be sent, the drop is counted as {@code reason}).
     */
    private Verdict spoofed(final PacketContext ctx, final MapDomain d, final Outcome reason)
    {
        if (icmpErrors == null || !d.icmpSpoofed)
        {
            return ctx.done(reason);
        }
        final int length = Math.min(ctx.length, Ipv6Header.LENGTH +
            (ctx.buffer.getShort(ctx.offset + Ipv6Header.PAYLOAD_LENGTH, ByteOrder.BIG_ENDIAN) & 0xFFFF));
        final Outcome sent = icmpErrors.error(Icmp.V6_DESTINATION_UNREACHABLE, SOURCE_FAILED_POLICY, 0)
            .sendIcmpv6(ctx, length, reason);
        return ctx.done(sent == Outcome.ICMPV6_ERROR_SENT ? Outcome.MAPT_SPOOFED_ANSWERED : reason);
    }

    /** RFC 7597 s.8.2: IPv4 to an address/port in no port set; with {@code icmp-unreachable} answered with 3/1. */
    private Verdict unowned(final PacketContext ctx, final MapDomain d, final int totalLength)
    {
        if (icmpErrors == null || !d.icmpUnreachable)
        {
            return ctx.done(Outcome.MAPT_NO_PORT_SET);
        }
        final Outcome sent = icmpErrors.error(Icmp.V4_DESTINATION_UNREACHABLE, Icmp.V4_HOST_UNREACHABLE, 0)
            .sendIcmpv4(ctx, totalLength, Outcome.MAPT_NO_PORT_SET);
        return ctx.done(sent == Outcome.ICMPV4_ERROR_SENT ? Outcome.MAPT_NO_PORT_SET_ANSWERED :
            Outcome.MAPT_NO_PORT_SET);
    }

    /**
     * RFC 7599 s.7.1, RFC 7597 s.8.2: IPv4 toward a CE. The destination address and port select the rule and the
     * PSID, so the CE's MAP address (full IPv4 in the interface ID); the source goes under the DMR.
     */
    @Override
    Verdict towardCe(final PacketContext ctx)
    {
        final MutableDirectBuffer buffer = ctx.buffer;
        final int at = ctx.offset;
        final int destination = buffer.getInt(at + Ipv4Header.DESTINATION, ByteOrder.BIG_ENDIAN);
        for (int i = 0; i < domains.length; i++)
        {
            final MapDomain d = domains[i];
            final int first = d.rules.indexForIpv4(destination);
            if (first < 0)
            {
                continue;
            }
            final MapRule any = d.rules.rule(first);
            domainIndex = positions[i];
            final int headerLength = (buffer.getByte(at) & 0x0F) * 4;
            final int totalLength = buffer.getShort(at + Ipv4Header.TOTAL_LENGTH, ByteOrder.BIG_ENDIAN) & 0xFFFF;
            if (headerLength < Ipv4Header.MIN_LENGTH || totalLength < headerLength || totalLength > ctx.length)
            {
                return Verdict.CONTINUE;  // not mapped: the transform's header checks drop it with their reason
            }
            final int protocol = buffer.getByte(at + Ipv4Header.PROTOCOL) & 0xFF;
            final boolean nonFirstFragment =
                (buffer.getShort(at + Ipv4Header.FLAGS_FRAGMENT_OFFSET, ByteOrder.BIG_ENDIAN) & 0x1FFF) != 0;
            final MapRule rule;
            int port = NO_PORT;
            if (nonFirstFragment)
            {
                // RFC 7599 s.10.2: no port; only a rule without a port set can place the fragment (docs/map.md).
                if (any.psidLength() > 0)
                {
                    return ctx.done(Outcome.MAPT_FRAGMENT_WITHOUT_PORT);
                }
                rule = any;
            }
            else
            {
                port = Ports.ofCeSide(buffer, at + headerLength, at + totalLength, protocol, false, false);
                if (port == Ports.TRUNCATED)
                {
                    return Verdict.CONTINUE;
                }
                rule = port == NO_PORT ? (any.psidLength() == 0 ? any : null) : d.rules.ruleForPort(first, port);
                if (rule == null)
                {
                    return unowned(ctx, d, totalLength);
                }
            }
            final int psid = rule.psidLength() == 0 ? 0 : rule.psidOfPort(port);
            final int source = buffer.getInt(at + Ipv4Header.SOURCE, ByteOrder.BIG_ENDIAN);
            ctx.mapIpv6(d.dmr.high(source), d.dmr.low(source),
                rule.addressHigh(destination, psid), rule.addressLow(destination, psid, true));
            if (!nonFirstFragment && Ports.isIcmpError(buffer, at + headerLength, protocol, false))
            {
                return mapQuotedTowardCe(ctx, d, rule, psid, at + headerLength + Icmp.HEADER_LENGTH, at + totalLength);
            }
            return Verdict.CONTINUE;
        }
        return Verdict.CONTINUE;
    }

    /**
     * RFC 7599 s.10.1, RFC 7915 s.4.3, RFC 5508 REQ-3: an ICMPv4 error toward a CE is about a packet the CE sent: the
     * quoted source must be the outer destination (the CE, chosen by the quoted source port, RFC 7596 s.8.1 step 3)
     * and becomes the CE's MAP address; the quoted destination goes under the DMR.
     */
    private Verdict mapQuotedTowardCe(final PacketContext ctx, final MapDomain d, final MapRule rule, final int psid,
        final int quoted, final int end)
    {
        final MutableDirectBuffer buffer = ctx.buffer;
        if (quoted + Ipv4Header.MIN_LENGTH > end)
        {
            return Verdict.CONTINUE;  // the transform drops the unreadable quote with its reason
        }
        final int ce = buffer.getInt(ctx.offset + Ipv4Header.DESTINATION, ByteOrder.BIG_ENDIAN);
        if (buffer.getInt(quoted + Ipv4Header.SOURCE, ByteOrder.BIG_ENDIAN) != ce)
        {
            return ctx.done(Outcome.MAPT_ICMP_ERROR_NOT_TRANSLATED);
        }
        final int destination = buffer.getInt(quoted + Ipv4Header.DESTINATION, ByteOrder.BIG_ENDIAN);
        ctx.mapQuotedIpv6(rule.addressHigh(ce, psid), rule.addressLow(ce, psid, true), d.dmr.high(destination),
            d.dmr.low(destination));
        return Verdict.CONTINUE;
    }
}
