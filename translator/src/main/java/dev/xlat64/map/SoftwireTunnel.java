package dev.xlat64.map;

import dev.xlat64.core.IcmpErrorOriginator;
import dev.xlat64.core.Outcome;
import dev.xlat64.core.PacketContext;
import dev.xlat64.encap.Ipv4InIpv6;
import dev.xlat64.packet.Icmp;
import dev.xlat64.packet.Ipv4Header;
import dev.xlat64.siit.PathMtu;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * The sending end of a MAP-E / lw4o6 softwire (RFC 2473 s.6-7), for the BR and the CE alike: an IPv4 packet leaves in
 * IPv6 from one end's address to the other's; a tunnel packet above the IPv6 next-hop MTU is fragmented (s.7.1),
 * unless the inner packet has DF: then ICMPv4 Fragmentation Needed with the MTU less the 40-byte tunnel header.
 * Allocation-free; not thread safe: one instance per engine.
 */
final class SoftwireTunnel
{
    /** RFC 2473 s.6.3: the tunnel hop limit (the inner TTL is decremented separately, as a router does). */
    static final int HOP_LIMIT = 64;

    private final Ipv4InIpv6 fourInSix;
    private final IcmpErrorOriginator icmpErrors;

    /**
     * Fragmentation Needed comes from {@code translator.ipv4-addr} (the config's IPv4 address): a BR's own, or not at
     * all without one; in CE mode RFC 7600's 192.0.0.8 unless set (the config's default, docs/map.md).
     */
    SoftwireTunnel(final MutableDirectBuffer scratch, final IcmpErrorOriginator icmpErrors)
    {
        this.fourInSix = new Ipv4InIpv6(scratch);
        this.icmpErrors = icmpErrors;
    }

    /**
     * Sends the IPv4 packet at {@code at} from {@code source} to {@code destination}. {@code decrementTtl}: the BR
     * forwards as a router and decrements the inner TTL, after the MTU check so that Fragmentation Needed quotes the
     * packet as it arrived (the caller has checked TTL > 1); a CE's kernel has already done it.
     */
    Outcome send(final PacketContext ctx, final int at, final int totalLength, final boolean decrementTtl,
        final long sourceHigh, final long sourceLow, final long destinationHigh, final long destinationLow)
    {
        final MutableDirectBuffer buffer = ctx.buffer;
        final int mtu = PathMtu.ipv6NextHop(ctx.config);
        final boolean dontFragment =
            (buffer.getShort(at + Ipv4Header.FLAGS_FRAGMENT_OFFSET, ByteOrder.BIG_ENDIAN) & Ipv4Header.FLAG_DF) != 0;
        final int outerLength = Ipv4InIpv6.OUTER_HEADER_LENGTH + totalLength;
        if (outerLength > mtu && dontFragment)
        {
            final int tunnelMtu = Math.max(0, mtu - Ipv4InIpv6.OUTER_HEADER_LENGTH);
            return icmpErrors.error(Icmp.V4_DESTINATION_UNREACHABLE, Icmp.V4_FRAGMENTATION_NEEDED, tunnelMtu)
                .sendIcmpv4(ctx, totalLength, Outcome.SOFTWIRE_TOO_BIG);
        }
        if (decrementTtl)
        {
            final int oldWord = buffer.getShort(at + Ipv4Header.TTL, ByteOrder.BIG_ENDIAN) & 0xFFFF;
            buffer.putByte(at + Ipv4Header.TTL, (byte)((oldWord >>> 8) - 1));
            Ipv4InIpv6.replaceInHeaderChecksum(buffer, at, oldWord, oldWord - 0x100);
        }
        final int out = fourInSix.encapsulate(buffer, at, totalLength, HOP_LIMIT, sourceHigh, sourceLow,
            destinationHigh, destinationLow);
        if (outerLength > mtu)
        {
            fourInSix.emitFragmented(buffer, out, outerLength, mtu, ctx.sink);
        }
        else
        {
            ctx.sink.emit(buffer, out, outerLength);
        }
        return Outcome.SOFTWIRE_ENCAPSULATED;
    }
}
