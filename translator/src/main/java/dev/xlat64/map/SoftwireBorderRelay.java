package dev.xlat64.map;

import dev.xlat64.core.IcmpErrorOriginator;
import dev.xlat64.core.Outcome;
import dev.xlat64.core.PacketContext;
import dev.xlat64.core.Verdict;
import dev.xlat64.encap.Ipv4InIpv6;
import dev.xlat64.packet.Icmp;
import dev.xlat64.packet.Ipv4Header;
import dev.xlat64.packet.Ipv6ExtensionHeaders;
import dev.xlat64.packet.Ipv6Header;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The MAP-E BR (RFC 7597 s.8) and the lw4o6 lwAFTR (RFC 7596 s.6): the CE/B4 address from the mapping rule or the
 * binding table, plus the RFC 2473 IPv4-in-IPv6 transform. Toward a CE: the IPv4 destination address and port pick
 * the CE, the packet is encapsulated (and the tunnel packet fragmented, or ICMPv4 Fragmentation Needed sent for DF).
 * From a CE: the outer source must be the CE that the inner source address and port map to; then the inner packet is
 * decapsulated, or hairpinned straight to another CE. ICMPv6 errors about tunnel packets are relayed
 * ({@link TunnelIcmpRelay}); spoofed and unowned packets may be answered (icmp-spoofed, icmp-unreachable).
 * Allocation-free; not thread safe: one instance per engine.
 */
public final class SoftwireBorderRelay extends BorderRelay
{
    /** From {@link #resolve}: the CE is in {@link #ceHigh}/{@link #ceLow}. */
    private static final int FOUND = 0;
    /** From {@link #resolve}: the address is in no rule or binding of the domain. */
    private static final int NOT_OURS = 1;
    /** From {@link #resolve}: the address is the domain's, the port in no CE's set (or the packet has no port). */
    private static final int NO_PORT_SET = 2;
    /** From {@link #resolve}: a non-first fragment to/from a shared address: it has no port to decide by. */
    private static final int NO_PORT_IN_FRAGMENT = 3;

    private final SoftwireTunnel tunnel;
    private final IcmpErrorOriginator icmpErrors;
    private final TunnelIcmpRelay tunnelIcmp;
    private final Ipv6ExtensionHeaders chain = new Ipv6ExtensionHeaders();
    private final MutableDirectBuffer scratch;
    private long[] brHigh = new long[0];
    private long[] brLow = new long[0];
    /** The CE found by {@link #resolve}: its IPv6 address. */
    private long ceHigh;
    private long ceLow;

    public SoftwireBorderRelay(final MutableDirectBuffer scratch, final IcmpErrorOriginator icmpErrors)
    {
        this.tunnel = new SoftwireTunnel(scratch, icmpErrors);
        this.icmpErrors = icmpErrors;
        this.tunnelIcmp = new TunnelIcmpRelay(icmpErrors);
        this.scratch = scratch;
    }

    /** The MAP-E and lw4o6 domains (MAP-T ones are left to {@link MapTBorderRelay}). */
    @Override
    boolean serves(final MapDomain d)
    {
        return d.mechanism != Mechanism.MAP_T;
    }

    /** Each domain's BR address as two longs, for the per-packet compare. */
    @Override
    void domainsChanged()
    {
        final long[] high = new long[domains.length];
        final long[] low = new long[domains.length];
        for (int i = 0; i < domains.length; i++)
        {
            final ByteBuffer br = ByteBuffer.wrap(domains[i].br);
            high[i] = br.getLong();
            low[i] = br.getLong();
        }
        brHigh = high;
        brLow = low;
    }

    /**
     * The CE of {@code ipv4} in domain {@code d} into {@link #ceHigh}/{@link #ceLow}: FOUND, NOT_OURS, NO_PORT_SET or
     * NO_PORT_IN_FRAGMENT. The port (the CE's side of the IPv4 packet at {@code packet}, {@code length} bytes) is
     * read only when the address is shared.
     */
    private int resolve(final MapDomain d, final int ipv4, final MutableDirectBuffer buffer, final int packet,
        final int length, final boolean ceIsSource)
    {
        if (d.mechanism == Mechanism.MAP_E)
        {
            final MapRuleTable rules = d.rules;
            final int first = rules.indexForIpv4(ipv4);
            if (first < 0)
            {
                return NOT_OURS;
            }
            MapRule rule = rules.rule(first);
            int psid = 0;
            if (rule.psidLength() != 0)
            {
                if (nonFirstFragment(buffer, packet))
                {
                    return NO_PORT_IN_FRAGMENT;
                }
                final int port = ceSidePort(buffer, packet, length, ceIsSource);
                rule = port == MapTBorderRelay.NO_PORT ? null : rules.ruleForPort(first, port);
                if (rule == null)
                {
                    return NO_PORT_SET;
                }
                psid = rule.psidOfPort(port);
            }
            // RFC 7597 s.5.2, s.6: the CE's MAP address (a CE's IPv4 prefix zero-padded in the interface ID).
            ceHigh = rule.addressHigh(ipv4, psid);
            ceLow = rule.addressLow(ipv4, psid, false);
            return FOUND;
        }
        final Lw4o6BindingTable bindings = d.bindings;
        final int address = bindings.addressSlot(ipv4);
        if (address < 0)
        {
            return NOT_OURS;
        }
        int slot = address;
        if (bindings.slotPsidLength(address) != 0)
        {
            if (nonFirstFragment(buffer, packet))
            {
                return NO_PORT_IN_FRAGMENT;
            }
            final int port = ceSidePort(buffer, packet, length, ceIsSource);
            slot = port == MapTBorderRelay.NO_PORT ? -1 : bindings.bindingSlot(address, ipv4, port);
            if (slot < 0)
            {
                return NO_PORT_SET;
            }
        }
        // RFC 7596 s.6.1: the binding's B4 address.
        ceHigh = bindings.slotB4High(slot);
        ceLow = bindings.slotB4Low(slot);
        return FOUND;
    }

    /** The drop outcome of a {@link #resolve} result other than FOUND and NOT_OURS. */
    private static Outcome dropped(final int resolved)
    {
        return resolved == NO_PORT_IN_FRAGMENT ? Outcome.SOFTWIRE_FRAGMENT_WITHOUT_PORT : Outcome.SOFTWIRE_NO_PORT_SET;
    }

    /** RFC 7597 s.8.2, RFC 7596 s.6.2: IPv4 toward a CE/B4: find it by destination address and port, encapsulate. */
    @Override
    Verdict towardCe(final PacketContext ctx)
    {
        final MutableDirectBuffer buffer = ctx.buffer;
        final int at = ctx.offset;
        final int destination = buffer.getInt(at + Ipv4Header.DESTINATION, ByteOrder.BIG_ENDIAN);
        final int totalLength = innerLength(buffer, at, ctx.length);
        if (totalLength < 0)
        {
            return Verdict.CONTINUE;  // the transform's header checks drop it with their reason
        }
        for (int i = 0; i < domains.length; i++)
        {
            final int found = resolve(domains[i], destination, buffer, at, totalLength, false);
            if (found == NOT_OURS)
            {
                continue;
            }
            domainIndex = positions[i];
            if (found == NO_PORT_SET && domains[i].icmpUnreachable)
            {
                // RFC 7597 s.8.2, RFC 7596 s.6.2: optionally answered with host unreachable, rate-limited.
                final Outcome sent = icmpErrors.error(Icmp.V4_DESTINATION_UNREACHABLE, Icmp.V4_HOST_UNREACHABLE, 0)
                    .sendIcmpv4(ctx, totalLength, Outcome.SOFTWIRE_NO_PORT_SET);
                return ctx.done(sent == Outcome.ICMPV4_ERROR_SENT ? Outcome.SOFTWIRE_NO_PORT_SET_ANSWERED :
                    Outcome.SOFTWIRE_NO_PORT_SET);
            }
            if (found != FOUND)
            {
                return ctx.done(dropped(found));
            }
            return ctx.done(encapsulate(ctx, at, totalLength, brHigh[i], brLow[i]));
        }
        return Verdict.CONTINUE;
    }

    /**
     * RFC 2473 s.6-7: the inner TTL is decremented as by a router (Time Exceeded at 1), then the packet goes through
     * the tunnel ({@link SoftwireTunnel}: fragmented above the MTU, or Fragmentation Needed for DF).
     */
    private Outcome encapsulate(final PacketContext ctx, final int at, final int totalLength, final long sourceHigh,
        final long sourceLow)
    {
        final MutableDirectBuffer buffer = ctx.buffer;
        final int ttl = buffer.getByte(at + Ipv4Header.TTL) & 0xFF;
        if (ttl <= 1)
        {
            return icmpErrors.error(Icmp.V4_TIME_EXCEEDED, Icmp.V4_TTL_EXCEEDED_IN_TRANSIT, 0)
                .sendIcmpv4(ctx, totalLength, Outcome.IPV4_TTL_EXPIRED);
        }
        return tunnel.send(ctx, at, totalLength, true, sourceHigh, sourceLow, ceHigh, ceLow);
    }

    /**
     * RFC 7597 s.8.1, RFC 7596 s.6.2: IPv4-in-IPv6 to a BR address. The outer source must be the CE that the inner
     * source address and port map to; the inner packet is then decapsulated, or hairpinned to another CE.
     */
    @Override
    Verdict fromCe(final PacketContext ctx)
    {
        final MutableDirectBuffer buffer = ctx.buffer;
        final int at = ctx.offset;
        final long destinationHigh = buffer.getLong(at + Ipv6Header.DESTINATION, ByteOrder.BIG_ENDIAN);
        final long destinationLow = buffer.getLong(at + Ipv6Header.DESTINATION + 8, ByteOrder.BIG_ENDIAN);
        for (int i = 0; i < domains.length; i++)
        {
            if (brHigh[i] == destinationHigh && brLow[i] == destinationLow)
            {
                domainIndex = positions[i];
                return ctx.done(toBr(ctx, domains[i], brHigh[i], brLow[i]));
            }
        }
        return Verdict.CONTINUE;
    }

    /**
     * RFC 2473 s.3.3, s.4.1.1, s.8: a packet to the BR address: IPv4 after the extension headers (e.g. a Destination
     * Options header with the Tunnel Encapsulation Limit) is decapsulated; an ICMPv6 error about a tunnel packet is
     * relayed; fragments of tunnel packets are not reassembled.
     */
    private Outcome toBr(final PacketContext ctx, final MapDomain d, final long ownHigh, final long ownLow)
    {
        final MutableDirectBuffer buffer = ctx.buffer;
        final int at = ctx.offset;
        final int packetLength = Ipv6Header.LENGTH +
            (buffer.getShort(at + Ipv6Header.PAYLOAD_LENGTH, ByteOrder.BIG_ENDIAN) & 0xFFFF);
        if (packetLength > ctx.length)
        {
            return Outcome.SOFTWIRE_INNER_MALFORMED;
        }
        final int nextHeader = buffer.getByte(at + Ipv6Header.NEXT_HEADER) & 0xFF;
        if (nextHeader == Ipv4InIpv6.NEXT_HEADER_IPV4)
        {
            // The common case, IPv4 right after the outer header: no chain to walk.
            return decapsulate(ctx, d, at + Ipv6Header.LENGTH, packetLength - Ipv6Header.LENGTH, ownHigh, ownLow);
        }
        if (!chain.walk(buffer, at + Ipv6Header.LENGTH, nextHeader, at + packetLength) ||
            chain.fragmentHeaderOffset() >= 0)
        {
            return Outcome.SOFTWIRE_NOT_4IN6;
        }
        final int upper = chain.upperLayerOffset();
        if (chain.upperLayerProtocol() == Ipv6Header.NEXT_HEADER_ICMPV6)
        {
            final int inner = tunnelIcmp.quotedInner(ctx, upper, at + packetLength, ownHigh, ownLow);
            final int available = tunnelIcmp.innerAvailable();
            // RFC 2473 s.8: only about a packet this BR sent: to the CE that its destination address and port map to.
            return inner < 0 || resolve(d, buffer.getInt(inner + Ipv4Header.DESTINATION, ByteOrder.BIG_ENDIAN),
                buffer, inner, available, false) != FOUND ||
                ceHigh != tunnelIcmp.ceHigh() || ceLow != tunnelIcmp.ceLow() ? Outcome.SOFTWIRE_ICMP_NOT_RELAYED :
                tunnelIcmp.relay(ctx, upper, inner);
        }
        return chain.upperLayerProtocol() == Ipv4InIpv6.NEXT_HEADER_IPV4 ?
            decapsulate(ctx, d, upper, at + packetLength - upper, ownHigh, ownLow) : Outcome.SOFTWIRE_NOT_4IN6;
    }

    private Outcome decapsulate(final PacketContext ctx, final MapDomain d, final int inner, final int available,
        final long ownHigh, final long ownLow)
    {
        final MutableDirectBuffer buffer = ctx.buffer;
        final int at = ctx.offset;
        final int innerLength = innerLength(buffer, inner, available);
        if (innerLength < 0)
        {
            return Outcome.SOFTWIRE_INNER_MALFORMED;
        }
        final int source = buffer.getInt(inner + Ipv4Header.SOURCE, ByteOrder.BIG_ENDIAN);
        final int found = resolve(d, source, buffer, inner, innerLength, true);
        // RFC 7597 s.8.1, RFC 7596 s.6.2: the outer source must be the CE/B4 of the inner source address and port.
        if (found != FOUND || ceHigh != buffer.getLong(at + Ipv6Header.SOURCE, ByteOrder.BIG_ENDIAN) ||
            ceLow != buffer.getLong(at + Ipv6Header.SOURCE + 8, ByteOrder.BIG_ENDIAN))
        {
            return found == NO_PORT_IN_FRAGMENT ? Outcome.SOFTWIRE_FRAGMENT_WITHOUT_PORT :
                spoofed(ctx, d, inner - at + innerLength, ownHigh, ownLow);
        }
        if (!Ipv4InIpv6.decapsulateEcn(buffer, inner, (buffer.getShort(at, ByteOrder.BIG_ENDIAN) >>> 4) & 0xFF))
        {
            return Outcome.SOFTWIRE_ECN_DROP;
        }
        // RFC 7596 s.6.2 (configurable), RFC 7597 s.8.2: to another CE of the domain: straight back into the tunnel.
        final int destination = buffer.getInt(inner + Ipv4Header.DESTINATION, ByteOrder.BIG_ENDIAN);
        if (d.mechanism == Mechanism.MAP_E || d.hairpinning)
        {
            final int target = resolve(d, destination, buffer, inner, innerLength, false);
            if (target == FOUND)
            {
                final Outcome sent = encapsulate(ctx.repoint(buffer, inner, innerLength), inner, innerLength, ownHigh,
                    ownLow);
                return sent == Outcome.SOFTWIRE_ENCAPSULATED ? Outcome.SOFTWIRE_HAIRPINNED : sent;
            }
            if (target != NOT_OURS)
            {
                return dropped(target);
            }
        }
        ctx.sink.emit(buffer, inner, innerLength);
        return Outcome.SOFTWIRE_DECAPSULATED;
    }

    /**
     * RFC 7597 s.8.1, RFC 7596 s.6.2 (MAY): a spoofed tunnel packet is dropped; with {@code icmp-spoofed} it is also
     * answered with ICMPv6 1/5 from the BR address, rate-limited (when none may be sent, counted as the drop).
     */
    private Outcome spoofed(final PacketContext ctx, final MapDomain d, final int length, final long ownHigh,
        final long ownLow)
    {
        if (!d.icmpSpoofed ||
            icmpErrors.permitIcmpv6(ctx.config, ctx.buffer, ctx.offset, length) != IcmpErrorOriginator.Permit.SEND)
        {
            return Outcome.SOFTWIRE_SPOOFED_SOURCE;
        }
        final int total = icmpErrors.error(Icmp.V6_DESTINATION_UNREACHABLE, MapTBorderRelay.SOURCE_FAILED_POLICY, 0)
            .writeIcmpv6(ownHigh, ownLow, ctx.buffer, ctx.offset, length, scratch, 0);
        ctx.sink.emit(scratch, 0, total);
        return Outcome.SOFTWIRE_SPOOFED_ANSWERED;
    }

    /** The IPv4 packet's length within {@code available} bytes, or negative when malformed or cut short. */
    private static int innerLength(final MutableDirectBuffer buffer, final int at, final int available)
    {
        return Ipv4InIpv6.innerPacketLength(buffer, at, available);
    }

    private static boolean nonFirstFragment(final MutableDirectBuffer buffer, final int at)
    {
        return (buffer.getShort(at + Ipv4Header.FLAGS_FRAGMENT_OFFSET, ByteOrder.BIG_ENDIAN) &
            Ipv4Header.FRAGMENT_OFFSET_MASK) != 0;
    }

    /** The CE's port of the IPv4 packet at {@code at} (RFC 7596 s.8.1); NO_PORT when there is none to read. */
    private static int ceSidePort(final MutableDirectBuffer buffer, final int at, final int length,
        final boolean ceIsSource)
    {
        final int port = Ports.ofCeSide(buffer, at + (buffer.getByte(at) & 0x0F) * 4, at + length,
            buffer.getByte(at + Ipv4Header.PROTOCOL) & 0xFF, false, ceIsSource);
        return port < 0 ? MapTBorderRelay.NO_PORT : port;
    }
}
