package dev.xlat64.map;

import dev.xlat64.core.IcmpErrorOriginator;
import dev.xlat64.core.Outcome;
import dev.xlat64.core.PacketContext;
import dev.xlat64.encap.Ipv4InIpv6;
import dev.xlat64.packet.Checksum;
import dev.xlat64.packet.FragmentHeader;
import dev.xlat64.packet.Icmp;
import dev.xlat64.packet.Ipv4Header;
import dev.xlat64.packet.Ipv6ExtensionHeaders;
import dev.xlat64.packet.Ipv6Header;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * RFC 2473 s.8 at a tunnel entry point, the MAP-E BR / lwAFTR (RFC 7597 s.8.2, RFC 7596 s.6.2) or a MAP-E CE
 * ({@link MapECeTunnelIcmp}): an ICMPv6 error sent to it about a tunnel packet it sent is relayed to the source of the
 * original IPv4 packet as ICMPv4, through the engine's originator and rate limiter. Finding the quoted inner packet and
 * relaying are split so that the caller can check in between that it did send that packet to that far end.
 * Allocation-free; one per BR and one per CE of an engine.
 */
final class TunnelIcmpRelay
{
    private final Ipv6ExtensionHeaders quotedChain = new Ipv6ExtensionHeaders();
    private final IcmpErrorOriginator icmpErrors;
    private int innerAvailable;
    private long ceHigh;
    private long ceLow;

    TunnelIcmpRelay(final IcmpErrorOriginator icmpErrors)
    {
        this.icmpErrors = icmpErrors;
    }

    /**
     * RFC 2473 s.8, RFC 4443 s.2.3: the IPv4 packet quoted by the ICMPv6 error at {@code l4} (the message ends at
     * {@code end}), when the message verifies and quotes a tunnel packet (a first fragment at most) from the entry
     * point's address {@code brHigh}/{@code brLow} (the BR's, or a CE's MAP address): its offset, with
     * {@link #innerAvailable} bytes of it quoted and the tunnel's far end in {@link #ceHigh}/{@link #ceLow}; -1
     * otherwise.
     */
    int quotedInner(final PacketContext ctx, final int l4, final int end, final long brHigh, final long brLow)
    {
        final MutableDirectBuffer buffer = ctx.buffer;
        final int quoted = l4 + Icmp.HEADER_LENGTH;
        if (quoted + Ipv6Header.LENGTH > end || !Icmp.isV6Error(buffer.getByte(l4 + Icmp.TYPE) & 0xFF) ||
            Checksum.fold(Checksum.add(buffer, l4, end - l4, Checksum.ipv6PseudoHeader(buffer,
                ctx.offset + Ipv6Header.SOURCE, end - l4, Ipv6Header.NEXT_HEADER_ICMPV6))) != 0xFFFF)
        {
            return -1;
        }
        if ((buffer.getByte(quoted) & 0xF0) != 0x60 ||
            buffer.getLong(quoted + Ipv6Header.SOURCE, ByteOrder.BIG_ENDIAN) != brHigh ||
            buffer.getLong(quoted + Ipv6Header.SOURCE + 8, ByteOrder.BIG_ENDIAN) != brLow ||
            !quotedChain.walk(buffer, quoted + Ipv6Header.LENGTH,
                buffer.getByte(quoted + Ipv6Header.NEXT_HEADER) & 0xFF, end) ||
            quotedChain.upperLayerProtocol() != Ipv4InIpv6.NEXT_HEADER_IPV4)
        {
            return -1;
        }
        final int fragment = quotedChain.fragmentHeaderOffset();
        final int inner = quotedChain.upperLayerOffset();
        innerAvailable = end - inner;
        if (fragment >= 0 && FragmentHeader.fragmentOffset(buffer, fragment) != 0 ||
            innerAvailable < Ipv4Header.MIN_LENGTH || (buffer.getByte(inner) & 0xF0) != 0x40 ||
            (buffer.getByte(inner) & 0x0F) * 4 > innerAvailable)
        {
            return -1;
        }
        ceHigh = buffer.getLong(quoted + Ipv6Header.DESTINATION, ByteOrder.BIG_ENDIAN);
        ceLow = buffer.getLong(quoted + Ipv6Header.DESTINATION + 8, ByteOrder.BIG_ENDIAN);
        return inner;
    }

    /** Bytes of the inner packet found by {@link #quotedInner} that the error quotes. */
    int innerAvailable()
    {
        return innerAvailable;
    }

    /** The far end (exit point) of the quoted tunnel packet: the CE at a BR; the BR or an FMR peer at a CE. */
    long ceHigh()
    {
        return ceHigh;
    }

    long ceLow()
    {
        return ceLow;
    }

    /** The BR's {@link #relay(PacketContext, int, int, int)}: from the config's IPv4 address (translator.ipv4-addr). */
    Outcome relay(final PacketContext ctx, final int l4, final int inner)
    {
        return relay(ctx, l4, inner, ctx.config.ipv4Address);
    }

    /**
     * RFC 2473 s.8.1, s.8.3: relays the error at {@code l4} about the inner packet at {@code inner}, from
     * {@code ipv4Source} (0: the entry point has no IPv4 address, nothing is relayed). Destination Unreachable (any
     * code) and Time Exceeded in transit become ICMPv4 3/1 (host unreachable); Packet Too Big becomes 3/4 with the MTU
     * less the 40-byte tunnel header (RFC 2473 s.7.2: only for a packet with DF set; the IPv6 MTU is at least 1280,
     * RFC 8200 s.5). Parameter Problem is not relayed: s.8.1 relays it only about a Tunnel Encapsulation Limit option,
     * which xlat64 never sends (s.6.6). Reassembly time-outs are the entry point's own affair.
     */
    Outcome relay(final PacketContext ctx, final int l4, final int inner, final int ipv4Source)
    {
        final MutableDirectBuffer buffer = ctx.buffer;
        final int type = buffer.getByte(l4 + Icmp.TYPE) & 0xFF;
        final int code = buffer.getByte(l4 + Icmp.CODE) & 0xFF;
        if (type == Icmp.V6_PACKET_TOO_BIG)
        {
            if ((buffer.getShort(inner + Ipv4Header.FLAGS_FRAGMENT_OFFSET, ByteOrder.BIG_ENDIAN) &
                Ipv4Header.FLAG_DF) == 0)
            {
                return Outcome.SOFTWIRE_ICMP_NOT_RELAYED;  // RFC 2473 s.7.1: the entry point fragments it
            }
            final long mtu = buffer.getInt(l4 + Icmp.REST, ByteOrder.BIG_ENDIAN) & 0xFFFF_FFFFL;
            final int tunnelMtu = (int)Math.min(0xFFFF, Math.max(mtu, Ipv6Header.MINIMUM_MTU) -
                Ipv4InIpv6.OUTER_HEADER_LENGTH);
            icmpErrors.error(Icmp.V4_DESTINATION_UNREACHABLE, Icmp.V4_FRAGMENTATION_NEEDED, tunnelMtu);
        }
        else if (type == Icmp.V6_DESTINATION_UNREACHABLE ||
            type == Icmp.V6_TIME_EXCEEDED && code == Icmp.V6_HOP_LIMIT_EXCEEDED)
        {
            icmpErrors.error(Icmp.V4_DESTINATION_UNREACHABLE, Icmp.V4_HOST_UNREACHABLE, 0);
        }
        else
        {
            return Outcome.SOFTWIRE_ICMP_NOT_RELAYED;
        }
        final Outcome sent = icmpErrors.sendIcmpv4(ctx.repoint(buffer, inner, innerAvailable), ipv4Source,
            innerAvailable, Outcome.SOFTWIRE_ICMP_NOT_RELAYED);
        return sent == Outcome.ICMPV4_ERROR_SENT ? Outcome.SOFTWIRE_ICMP_RELAYED : Outcome.SOFTWIRE_ICMP_NOT_RELAYED;
    }
}
