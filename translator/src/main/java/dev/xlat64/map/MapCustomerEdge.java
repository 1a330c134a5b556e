package dev.xlat64.map;

import dev.xlat64.core.IcmpErrorOriginator;
import dev.xlat64.core.Outcome;
import dev.xlat64.core.PacketContext;
import dev.xlat64.core.Verdict;
import dev.xlat64.encap.Ipv4InIpv6;
import dev.xlat64.packet.Icmp;
import dev.xlat64.packet.Ipv4Header;
import dev.xlat64.packet.Ipv6Header;
import dev.xlat64.siit.Ipv4ToIpv6;
import dev.xlat64.siit.Ipv6ToIpv4;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A MAP CE in CE mode (RFC 7599 s.6-7 MAP-T, RFC 7597 s.7-8 MAP-E): the node whose End-user prefix the config names.
 * IPv4 leaving it (already put into the CE's address and port set by the kernel's NAPT44) must carry the CE's address
 * and a source port of its set; it leaves as IPv6 from the CE's MAP address, to the BR (MAP-E: RFC 2473 4in6 to the BR
 * address; MAP-T: RFC 7915 to the DMR's address) or, when an FMR covers the destination, straight to the peer CE's
 * MAP address. IPv6 arriving for the MAP address from the BR (or an FMR peer) goes the reverse way, for a destination
 * port of the set (MAP-T: {@link MapTCeArrival}); MAP-T ICMP errors are translated with their quoted packets mapped,
 * ICMPv6 errors about MAP-E tunnel packets the CE sent are relayed to the LAN (RFC 2473 s.8, {@link MapECeTunnelIcmp}).
 * The rules, the port sets and the two transforms are the BR's ({@link MapRule}, RFC 7915 through
 * {@link PacketContext#mapIpv6} / {@link PacketContext#mapIpv4}, {@link Ipv4InIpv6}). Allocation-free; not thread
 * safe: one instance per engine.
 */
public final class MapCustomerEdge
{
    private final SoftwireTunnel tunnel;
    private final IcmpErrorOriginator icmpErrors;
    private final Ipv4ToIpv6 ipv4ToIpv6;
    private final MapTCeArrival mapTArrival;
    private final MapECeTunnelIcmp tunnelIcmp;
    /** This node's CE domain, or null: not a CE. */
    private MapDomain domain;
    private int position = -1;
    private int domainIndex = -1;
    /** The Basic Mapping Rule: the rule of the End-user prefix (RFC 7597 s.5). */
    private MapRule bmr;
    private int ceIpv4;
    private int ceMask;
    private int psid;
    private boolean fullIpv4;
    private long brHigh;
    private long brLow;
    /** The far end found by {@link #farEnd}. */
    private long farHigh;
    private long farLow;

    public MapCustomerEdge(final MutableDirectBuffer scratch, final IcmpErrorOriginator icmpErrors,
        final Ipv4ToIpv6 ipv4ToIpv6, final Ipv6ToIpv4 ipv6ToIpv4)
    {
        this.tunnel = new SoftwireTunnel(scratch, icmpErrors);
        this.icmpErrors = icmpErrors;
        this.ipv4ToIpv6 = ipv4ToIpv6;
        this.mapTArrival = new MapTCeArrival(ipv6ToIpv4);
        this.tunnelIcmp = new MapECeTunnelIcmp(icmpErrors);
    }

    /**
     * Takes this node's CE domain (the first with an End-user prefix) from {@code all} and returns the others, the BR
     * domains, in their order (CE domains come last, so the BR domains keep their positions); called between packets.
     */
    public MapDomain[] domains(final MapDomain[] all)
    {
        final MapDomain[] rest = Arrays.stream(all).filter(d -> !d.isCustomerEdge()).toArray(MapDomain[]::new);
        int at = 0;
        while (at < all.length && !all[at].isCustomerEdge())
        {
            at++;
        }
        final MapDomain ce = at < all.length ? all[at] : null;
        if (ce != null)
        {
            final long high = ce.endUserPrefix.high();
            final long low = ce.endUserPrefix.low();
            bmr = ce.rules.ruleForIpv6(high, low);
            ceIpv4 = bmr.ipv4Of(high, low);
            psid = bmr.psidOf(high, low);
            final int length = bmr.ceIpv4PrefixLength();
            ceMask = length == 0 ? 0 : -1 << (32 - length);
            fullIpv4 = ce.mechanism.fullIpv4InInterfaceId();
            if (ce.br != null)
            {
                final ByteBuffer br = ByteBuffer.wrap(ce.br);
                brHigh = br.getLong();
                brLow = br.getLong();
            }
            mapTArrival.serve(ce, bmr, ceIpv4, ceMask, psid);
            tunnelIcmp.serve(bmr, ceIpv4, ceMask, psid);
        }
        position = ce == null ? -1 : at;
        domain = ce;
        return rest;
    }

    /**
     * Claims this CE's packets: IPv4 from the LAN side and IPv6 to its MAP address. Translated, encapsulated,
     * decapsulated or dropped, always {@link Verdict#DONE} with the outcome in {@code ctx}; others continue.
     */
    public Verdict relay(final PacketContext ctx, final int version)
    {
        domainIndex = -1;
        if (domain == null)
        {
            return Verdict.CONTINUE;
        }
        if (version == 4 && ctx.length >= Ipv4Header.MIN_LENGTH)
        {
            domainIndex = position;
            return ctx.done(fromLan(ctx));
        }
        if (version == 6 && ctx.length >= Ipv6Header.LENGTH)
        {
            final Outcome outcome = domain.mechanism == Mechanism.MAP_E ? decapsulate(ctx) : mapTArrival.arrive(ctx);
            if (outcome == null)
            {
                return Verdict.CONTINUE;
            }
            domainIndex = position;
            return ctx.done(outcome);
        }
        return Verdict.CONTINUE;
    }

    /** The position of the CE domain if it claimed the last packet, -1 otherwise. */
    public int domainIndex()
    {
        return domainIndex;
    }

    /**
     * RFC 7597 s.8.1, RFC 7599 s.6: IPv4 leaving the CE must carry the CE's address and a source port of its set
     * (the NAPT44 put it there); then RFC 7915 or RFC 2473 from the MAP address to the BR or an FMR peer.
     */
    private Outcome fromLan(final PacketContext ctx)
    {
        final MutableDirectBuffer buffer = ctx.buffer;
        final int at = ctx.offset;
        final int source = buffer.getInt(at + Ipv4Header.SOURCE, ByteOrder.BIG_ENDIAN);
        if (((source ^ ceIpv4) & ceMask) != 0)
        {
            return Outcome.MAP_CE_ADDRESS_NOT_CE;
        }
        final boolean mapT = domain.mechanism == Mechanism.MAP_T;
        final int totalLength = Ipv4InIpv6.innerPacketLength(buffer, at, ctx.length);
        final int destination = buffer.getInt(at + Ipv4Header.DESTINATION, ByteOrder.BIG_ENDIAN);
        if (totalLength < 0)
        {
            // Malformed: MAP-T's transform drops it with its reason; MAP-E would tunnel it whole or not at all.
            return mapT ? translate4to6(ctx, source, destination) : Outcome.SOFTWIRE_INNER_MALFORMED;
        }
        final int l4 = at + (buffer.getByte(at) & 0x0F) * 4;
        final int protocol = buffer.getByte(at + Ipv4Header.PROTOCOL) & 0xFF;
        final boolean nonFirstFragment =
            (buffer.getShort(at + Ipv4Header.FLAGS_FRAGMENT_OFFSET, ByteOrder.BIG_ENDIAN) & 0x1FFF) != 0;
        if (bmr.psidLength() > 0 && !nonFirstFragment)
        {
            // RFC 7597 s.8.1 (the BR's check, kept at home): the source port must be in the CE's port set.
            final int port = Ports.ofCeSide(buffer, l4, at + totalLength, protocol, false, true);
            if (port == Ports.TRUNCATED)
            {
                return mapT ? translate4to6(ctx, source, destination) : Outcome.SOFTWIRE_INNER_MALFORMED;
            }
            if (port < 0 || !bmr.portAllowed(port) || bmr.psidOfPort(port) != psid)
            {
                return Outcome.MAP_CE_PORT_OUTSIDE_SET;
            }
        }
        final Outcome far = farEnd(buffer, at, totalLength, destination, nonFirstFragment);
        if (far != null)
        {
            return far;
        }
        if (!mapT)
        {
            return encapsulate(ctx, at, totalLength);
        }
        ctx.mapIpv6(bmr.addressHigh(source, psid), bmr.addressLow(source, psid, true), farHigh, farLow);
        if (!nonFirstFragment && l4 + Icmp.HEADER_LENGTH <= at + totalLength &&
            Ports.isIcmpError(buffer, l4, protocol, false))
        {
            final Outcome quoted = mapQuoted(ctx, l4 + Icmp.HEADER_LENGTH, at + totalLength, destination);
            if (quoted != null)
            {
                return quoted;
            }
        }
        return ipv4ToIpv6.translate(ctx);
    }

    /**
     * RFC 7599 s.10, RFC 7915 s.4.3, RFC 5508 REQ-3: an ICMPv4 error leaving a MAP-T CE (the NAPT44 put the CE's
     * address in it) is about a packet sent to the CE: the quoted destination is the CE's address and becomes its MAP
     * address; the quoted source is the error's destination, so it maps to the same far end. Null: both mapped (or the
     * quote is unreadable: the transform drops it with its reason).
     */
    private Outcome mapQuoted(final PacketContext ctx, final int quoted, final int end, final int destination)
    {
        final MutableDirectBuffer buffer = ctx.buffer;
        if (quoted + Ipv4Header.MIN_LENGTH > end)
        {
            return null;
        }
        final int quotedDestination = buffer.getInt(quoted + Ipv4Header.DESTINATION, ByteOrder.BIG_ENDIAN);
        if (buffer.getInt(quoted + Ipv4Header.SOURCE, ByteOrder.BIG_ENDIAN) != destination ||
            ((quotedDestination ^ ceIpv4) & ceMask) != 0)
        {
            return Outcome.MAPT_ICMP_ERROR_NOT_TRANSLATED;
        }
        ctx.mapQuotedIpv6(farHigh, farLow, bmr.addressHigh(quotedDestination, psid),
            bmr.addressLow(quotedDestination, psid, true));
        return null;
    }

    /**
     * RFC 7599 s.8.2 (MUST), RFC 7597 s.8.2: a packet arriving for the CE must be for a port of its set: the
     * destination port, the echo identifier, an ICMP error's quoted source port (the quoted packet left the CE). Null:
     * it is, the CE has no port set, or the header is truncated (left to the transform or the kernel); else the drop.
     */
    static Outcome checkDestinationPort(final MapRule rule, final int psid, final DirectBuffer buffer, final int l4,
        final int end, final int protocol, final boolean icmpv6)
    {
        if (rule.psidLength() == 0)
        {
            return null;
        }
        final int port = Ports.ofCeSide(buffer, l4, end, protocol, icmpv6, false);
        if (port == Ports.TRUNCATED)
        {
            return null;
        }
        return port < 0 || !rule.portAllowed(port) || rule.psidOfPort(port) != psid ?
            Outcome.MAP_CE_DESTINATION_PORT_OUTSIDE_SET : null;
    }

    /** MAP-T, a malformed packet: mapped to the BR so that the RFC 7915 transform can drop it with its reason. */
    private Outcome translate4to6(final PacketContext ctx, final int source, final int destination)
    {
        ctx.mapIpv6(bmr.addressHigh(source, psid), bmr.addressLow(source, psid, true), domain.dmr.high(destination),
            domain.dmr.low(destination));
        return ipv4ToIpv6.translate(ctx);
    }

    /**
     * RFC 7597 s.5, s.7 (RFC 7599 s.6): the IPv6 far end of an IPv4 destination into {@link #farHigh}/{@link #farLow}:
     * a peer CE's MAP address when an FMR (a rule with the F-flag) covers it, else the BR (MAP-E) or the destination's
     * address under the DMR (MAP-T). Null, or the drop outcome when a shared peer address has no port to decide by.
     */
    private Outcome farEnd(final MutableDirectBuffer buffer, final int at, final int totalLength, final int destination,
        final boolean nonFirstFragment)
    {
        final boolean mapT = domain.mechanism == Mechanism.MAP_T;
        final MapRule any = domain.rules.ruleForIpv4(destination);
        if (any == null || !any.forwarding())
        {
            farHigh = mapT ? domain.dmr.high(destination) : brHigh;
            farLow = mapT ? domain.dmr.low(destination) : brLow;
            return null;
        }
        int peerPsid = 0;
        MapRule rule = any;
        if (any.psidLength() > 0)
        {
            if (nonFirstFragment)
            {
                return mapT ? Outcome.MAPT_FRAGMENT_WITHOUT_PORT : Outcome.SOFTWIRE_FRAGMENT_WITHOUT_PORT;
            }
            final int port = Ports.ofCeSide(buffer, at + (buffer.getByte(at) & 0x0F) * 4, at + totalLength,
                buffer.getByte(at + Ipv4Header.PROTOCOL) & 0xFF, false, false);
            rule = port < 0 ? null : domain.rules.ruleForIpv4(destination, port);
            if (rule == null)
            {
                return mapT ? Outcome.MAPT_NO_PORT_SET : Outcome.SOFTWIRE_NO_PORT_SET;
            }
            peerPsid = rule.psidLength() == 0 ? 0 : rule.psidOfPort(port);
        }
        farHigh = rule.addressHigh(destination, peerPsid);
        farLow = rule.addressLow(destination, peerPsid, mapT);
        return null;
    }

    /**
     * RFC 2473 s.6-7 through the same {@link SoftwireTunnel} as the BR (the kernel already decremented the TTL).
     */
    private Outcome encapsulate(final PacketContext ctx, final int at, final int totalLength)
    {
        // RFC 7597 s.6: the MAP-E CE's address carries its IPv4 address (prefix) zero-padded in the interface ID.
        final int source = ctx.buffer.getInt(at + Ipv4Header.SOURCE, ByteOrder.BIG_ENDIAN);
        return tunnel.send(ctx, at, totalLength, false, bmr.addressHigh(source, psid),
            bmr.addressLow(source, psid, false), farHigh, farLow);
    }

    /**
     * RFC 7597 s.7-8: 4in6 to the MAP-E CE's MAP address, from the BR or from the FMR peer that the inner source
     * address and port map to; the inner packet is for the CE's address. Null: not addressed to this CE.
     */
    private Outcome decapsulate(final PacketContext ctx)
    {
        final MutableDirectBuffer buffer = ctx.buffer;
        final int at = ctx.offset;
        if (buffer.getLong(at + Ipv6Header.DESTINATION, ByteOrder.BIG_ENDIAN) != bmr.addressHigh(ceIpv4, psid) ||
            buffer.getLong(at + Ipv6Header.DESTINATION + 8, ByteOrder.BIG_ENDIAN) !=
                bmr.addressLow(ceIpv4, psid, false))
        {
            return null;
        }
        if ((buffer.getByte(at + Ipv6Header.NEXT_HEADER) & 0xFF) != Ipv4InIpv6.NEXT_HEADER_IPV4)
        {
            return tunnelError(ctx);
        }
        final int payloadLength = buffer.getShort(at + Ipv6Header.PAYLOAD_LENGTH, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        final int inner = at + Ipv6Header.LENGTH;
        final int innerLength = Ipv6Header.LENGTH + payloadLength > ctx.length ? Ipv4InIpv6.INNER_TRUNCATED :
            Ipv4InIpv6.innerPacketLength(buffer, inner, payloadLength);
        if (innerLength < 0)
        {
            return Outcome.SOFTWIRE_INNER_MALFORMED;
        }
        if (((buffer.getInt(inner + Ipv4Header.DESTINATION, ByteOrder.BIG_ENDIAN) ^ ceIpv4) & ceMask) != 0)
        {
            return Outcome.MAP_CE_ADDRESS_NOT_CE;
        }
        final long sourceHigh = buffer.getLong(at + Ipv6Header.SOURCE, ByteOrder.BIG_ENDIAN);
        final long sourceLow = buffer.getLong(at + Ipv6Header.SOURCE + 8, ByteOrder.BIG_ENDIAN);
        final boolean fragment = (buffer.getShort(inner + Ipv4Header.FLAGS_FRAGMENT_OFFSET, ByteOrder.BIG_ENDIAN) &
            Ipv4Header.FRAGMENT_OFFSET_MASK) != 0;
        if (sourceHigh != brHigh || sourceLow != brLow)
        {
            // RFC 7597 s.8.1 at the CE: an FMR peer's outer source is the MAP address of its inner source and port.
            final Outcome far = fragment ? Outcome.SOFTWIRE_FRAGMENT_WITHOUT_PORT : peerOf(buffer, inner, innerLength);
            if (far != null || farHigh != sourceHigh || farLow != sourceLow)
            {
                return far != null && far != Outcome.SOFTWIRE_NO_PORT_SET ? far : Outcome.MAP_CE_UNKNOWN_SOURCE;
            }
        }
        if (!fragment)
        {
            final Outcome port = checkDestinationPort(bmr, psid, buffer, inner + (buffer.getByte(inner) & 0x0F) * 4,
                inner + innerLength, buffer.getByte(inner + Ipv4Header.PROTOCOL) & 0xFF, false);
            if (port != null)
            {
                return port;
            }
        }
        if (!Ipv4InIpv6.decapsulateEcn(buffer, inner, (buffer.getShort(at, ByteOrder.BIG_ENDIAN) >>> 4) & 0xFF))
        {
            return Outcome.SOFTWIRE_ECN_DROP;
        }
        ctx.sink.emit(buffer, inner, innerLength);
        return Outcome.SOFTWIRE_DECAPSULATED;
    }

    /**
     * RFC 2473 s.8, RFC 7597 s.8.2: an ICMPv6 error about a 4in6 packet this CE sent, relayed to the inner source if
     * the quoted tunnel packet went where this CE sends its inner packet (the BR, or the FMR peer of its destination).
     */
    private Outcome tunnelError(final PacketContext ctx)
    {
        final int inner = tunnelIcmp.quotedInner(ctx);
        if (inner < 0)
        {
            return inner == MapECeTunnelIcmp.NOT_ICMPV6 ? Outcome.SOFTWIRE_NOT_4IN6 : Outcome.SOFTWIRE_ICMP_NOT_RELAYED;
        }
        final Outcome far = farEnd(ctx.buffer, inner, tunnelIcmp.innerAvailable(),
            ctx.buffer.getInt(inner + Ipv4Header.DESTINATION, ByteOrder.BIG_ENDIAN), false);
        return far != null || farHigh != tunnelIcmp.exitHigh() || farLow != tunnelIcmp.exitLow() ?
            Outcome.SOFTWIRE_ICMP_NOT_RELAYED : tunnelIcmp.relay(ctx, inner);
    }

    /** The MAP address of the FMR peer owning the inner source and source port, into farHigh/farLow; null if found. */
    private Outcome peerOf(final MutableDirectBuffer buffer, final int inner, final int innerLength)
    {
        final int source = buffer.getInt(inner + Ipv4Header.SOURCE, ByteOrder.BIG_ENDIAN);
        final MapRule any = domain.rules.ruleForIpv4(source);
        if (any == null || !any.forwarding())
        {
            return Outcome.MAP_CE_UNKNOWN_SOURCE;
        }
        final int port = any.psidLength() == 0 ? 0 : Ports.ofCeSide(buffer, inner + (buffer.getByte(inner) & 0x0F) * 4,
            inner + innerLength, buffer.getByte(inner + Ipv4Header.PROTOCOL) & 0xFF, false, true);
        final MapRule rule = any.psidLength() == 0 ? any : port < 0 ? null : domain.rules.ruleForIpv4(source, port);
        if (rule == null)
        {
            return Outcome.SOFTWIRE_NO_PORT_SET;
        }
        final int peerPsid = rule.psidLength() == 0 ? 0 : rule.psidOfPort(port);
        farHigh = rule.addressHigh(source, peerPsid);
        farLow = rule.addressLow(source, peerPsid, false);
        return null;
    }
}
