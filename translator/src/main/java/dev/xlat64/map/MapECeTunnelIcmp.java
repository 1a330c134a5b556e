package dev.xlat64.map;

import dev.xlat64.addr.SpecialIpv4;
import dev.xlat64.core.IcmpErrorOriginator;
import dev.xlat64.core.Outcome;
import dev.xlat64.core.PacketContext;
import dev.xlat64.packet.Icmp;
import dev.xlat64.packet.Ipv4Header;
import dev.xlat64.packet.Ipv6ExtensionHeaders;
import dev.xlat64.packet.Ipv6Header;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * RFC 2473 s.8 at a MAP-E CE (RFC 7597 s.8.2): the CE is the entry point of the tunnels it sends, so an ICMPv6 error
 * to its MAP address about a 4in6 packet it sent (Packet Too Big from a router between CE and BR, Time Exceeded,
 * Destination Unreachable) is relayed as ICMPv4 to the original IPv4 source by the BR's {@link TunnelIcmpRelay} (same
 * quote checks, type mapping and rate limiter), quoting the inner packet, so that the kernel's NAPT44 hands it to the
 * LAN host. The inner packet must be one the CE could have sent: from its IPv4 address and a source port of its set.
 * Its source address is {@link SpecialIpv4#DUMMY} (docs/map.md, CE mode). Allocation-free; not thread safe:
 * one instance per {@link MapCustomerEdge}.
 */
final class MapECeTunnelIcmp
{
    /** {@link #quotedInner}: the packet is not ICMPv6 (after its extension headers). */
    static final int NOT_ICMPV6 = -1;
    /** {@link #quotedInner}: ICMPv6, but no error about a tunnel packet this CE could have sent. */
    static final int NOT_RELAYED = -2;

    private final Ipv6ExtensionHeaders chain = new Ipv6ExtensionHeaders();
    private final TunnelIcmpRelay relay;
    private MapRule bmr;
    private int ceIpv4;
    private int ceMask;
    private int psid;
    private long mapHigh;
    private long mapLow;
    private int icmp;

    MapECeTunnelIcmp(final IcmpErrorOriginator icmpErrors)
    {
        this.relay = new TunnelIcmpRelay(icmpErrors);
    }

    /** The CE this serves: its BMR, IPv4 address (prefix: with its mask) and PSID; called between packets. */
    void serve(final MapRule basicRule, final int ipv4, final int mask, final int ownPsid)
    {
        bmr = basicRule;
        ceIpv4 = ipv4;
        ceMask = mask;
        psid = ownPsid;
        // RFC 7597 s.6: the MAP-E address, the outer source of every tunnel packet this CE sends.
        mapHigh = basicRule.addressHigh(ipv4, ownPsid);
        mapLow = basicRule.addressLow(ipv4, ownPsid, false);
    }

    /**
     * RFC 2473 s.8, RFC 7597 s.8.1: for an IPv6 packet to the MAP address that is not plain 4in6, the offset of the
     * inner IPv4 packet quoted by its ICMPv6 error when the error quotes a tunnel packet from the MAP address whose
     * inner packet is from the CE's address and a source port of its set (the far end, {@link #exitHigh}, is for the
     * caller to check); {@link #NOT_ICMPV6} or {@link #NOT_RELAYED} otherwise.
     */
    int quotedInner(final PacketContext ctx)
    {
        final MutableDirectBuffer buffer = ctx.buffer;
        final int at = ctx.offset;
        final int end = at + Math.min(ctx.length,
            Ipv6Header.LENGTH + (buffer.getShort(at + Ipv6Header.PAYLOAD_LENGTH, ByteOrder.BIG_ENDIAN) & 0xFFFF));
        if (!chain.walk(buffer, at + Ipv6Header.LENGTH, buffer.getByte(at + Ipv6Header.NEXT_HEADER) & 0xFF, end) ||
            chain.upperLayerProtocol() != Ipv6Header.NEXT_HEADER_ICMPV6)
        {
            return NOT_ICMPV6;
        }
        icmp = chain.upperLayerOffset();
        if (chain.fragmentHeaderOffset() >= 0)
        {
            return NOT_RELAYED;  // a fragmented ICMPv6 error is not reassembled
        }
        final int inner = relay.quotedInner(ctx, icmp, end, mapHigh, mapLow);
        if (inner < 0 ||
            ((buffer.getInt(inner + Ipv4Header.SOURCE, ByteOrder.BIG_ENDIAN) ^ ceIpv4) & ceMask) != 0 ||
            (buffer.getShort(inner + Ipv4Header.FLAGS_FRAGMENT_OFFSET, ByteOrder.BIG_ENDIAN) &
                Ipv4Header.FRAGMENT_OFFSET_MASK) != 0)
        {
            return NOT_RELAYED;
        }
        if (bmr.psidLength() > 0)
        {
            // RFC 7597 s.8.1 (the CE's own check on what it sends): the quoted packet's source port is of the set.
            final int port = Ports.ofCeSide(buffer, inner + (buffer.getByte(inner) & 0x0F) * 4,
                inner + relay.innerAvailable(), buffer.getByte(inner + Ipv4Header.PROTOCOL) & 0xFF, false, true);
            if (port < 0 || !bmr.portAllowed(port) || bmr.psidOfPort(port) != psid)
            {
                return NOT_RELAYED;
            }
        }
        return inner;
    }

    /** Bytes of the inner packet found by {@link #quotedInner} that the error quotes. */
    int innerAvailable()
    {
        return relay.innerAvailable();
    }

    /** The far end of the quoted tunnel packet (the BR or an FMR peer), high half. */
    long exitHigh()
    {
        return relay.ceHigh();
    }

    /** The far end of the quoted tunnel packet, low half. */
    long exitLow()
    {
        return relay.ceLow();
    }

    /**
     * RFC 2473 s.8.3 as {@link TunnelIcmpRelay#relay(PacketContext, int, int, int)}: the error found by
     * {@link #quotedInner} to the inner packet's source, from 192.0.0.8: the CE's own IPv4 address is the error's
     * destination (and a local source would be a martian to the kernel that must de-NAT it).
     */
    Outcome relay(final PacketContext ctx, final int inner)
    {
        return relay.relay(ctx, icmp, inner, SpecialIpv4.DUMMY);
    }
}
