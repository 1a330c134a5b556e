package dev.xlat64.sixrd;

import dev.xlat64.addr.SixRdDomain;
import dev.xlat64.core.IcmpErrorOriginator;
import dev.xlat64.core.Outcome;
import dev.xlat64.core.PacketContext;
import dev.xlat64.encap.Ipv6InIpv4;
import dev.xlat64.packet.Icmp;
import dev.xlat64.packet.Ipv6Header;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * IPv6 into the 6rd tunnel (RFC 5969 sections 7 and 8): the 6rd rules (link scope stays off the tunnel, hop limit,
 * tunnel MTU, the CE address the destination embeds) around the 6in4 transform. Also sends the ICMPv6 errors of the
 * 6rd relay through the engine's one {@link IcmpErrorOriginator}, built in place in front of the offending packet, and
 * routes them: into the tunnel when their destination is a CE, to the TUN device otherwise.
 * Not thread safe: one instance per engine.
 */
public final class Encapsulator
{
    private final Ipv6InIpv4 sixInFour = new Ipv6InIpv4();
    private final Ipv6Header ip6 = new Ipv6Header();
    private final IcmpErrorOriginator icmpErrors;

    public Encapsulator(final IcmpErrorOriginator icmpErrors)
    {
        this.icmpErrors = icmpErrors;
    }

    /**
     * Encapsulates the IPv6 packet at {@code offset} of {@code ctx.buffer} (exactly {@code length} bytes, header
     * already validated) for {@code domain}; needs 68 bytes of headroom (a Packet Too Big plus its own outer header).
     *
     * @param decrementHopLimit true when this node forwards the packet as a router (BR mode, from the TUN device)
     */
    public Outcome encapsulate(
        final PacketContext ctx, final SixRdDomain domain, final int offset, final int length,
        final boolean decrementHopLimit)
    {
        final MutableDirectBuffer buffer = ctx.buffer;
        final Ipv6Header in = ip6.wrap(buffer, offset);
        if (isLinkScope(buffer, offset))
        {
            return Outcome.SIXRD_LINK_SCOPE_NOT_TUNNELLED;
        }
        if (decrementHopLimit && in.hopLimit() <= 1)
        {
            // RFC 8200 s.3 / RFC 4443 s.3.3: a router does not forward a packet whose hop limit would reach zero.
            icmpErrors.error(Icmp.V6_TIME_EXCEEDED, Icmp.V6_HOP_LIMIT_EXCEEDED, 0);
            return sendIcmpv6Error(ctx, domain, offset, length, Outcome.SIXRD_HOP_LIMIT_EXPIRED);
        }
        if (length > domain.mtu())
        {
            // RFC 4213 s.3.2 / RFC 4443 s.3.2: too big for the tunnel: tell the sender the largest packet that fits.
            icmpErrors.error(Icmp.V6_PACKET_TOO_BIG, 0, domain.mtu());
            return sendIcmpv6Error(ctx, domain, offset, length, Outcome.SIXRD_TOO_BIG);
        }
        final int destination = tunnelDestination(domain, buffer, offset);
        if (destination == 0)
        {
            return Outcome.SIXRD_INVALID_CE_ADDRESS;
        }
        if (decrementHopLimit)
        {
            in.hopLimit(in.hopLimit() - 1);
        }
        // RFC 5969 s.8 / RFC 4213 s.3.5: the outer source is this node's address in the domain, the TTL configured.
        final int out = sixInFour.encapsulate(buffer, offset, length, domain.ttl(), domain.localIpv4(), destination);
        ctx.sink.emit(buffer, out, Ipv6InIpv4.OUTER_HEADER_LENGTH + length);
        return Outcome.SIXRD_ENCAPSULATED;
    }

    /** RFC 4291 s.2.5.6 / s.2.7: link-local and multicast traffic (ND, MLD) has no business in a 6rd tunnel. */
    static boolean isLinkScope(final MutableDirectBuffer buffer, final int offset)
    {
        final int destinationTop = buffer.getShort(offset + Ipv6Header.DESTINATION, ByteOrder.BIG_ENDIAN) & 0xFFC0;
        final int sourceTop = buffer.getShort(offset + Ipv6Header.SOURCE, ByteOrder.BIG_ENDIAN) & 0xFFC0;
        return (destinationTop & 0xFF00) == 0xFF00 || destinationTop == 0xFE80 || sourceTop == 0xFE80;
    }

    /**
     * RFC 5969 s.7.1.1 / s.8: inside the 6rd prefix the IPv4 destination is the CE whose bits the address embeds,
     * completed by the common IPv4 prefix; outside it (CE mode only) it is the BR. 0 when no CE can have it.
     */
    static int tunnelDestination(final SixRdDomain domain, final MutableDirectBuffer buffer, final int offset)
    {
        final long high = buffer.getLong(offset + Ipv6Header.DESTINATION, ByteOrder.BIG_ENDIAN);
        final long low = buffer.getLong(offset + Ipv6Header.DESTINATION + 8, ByteOrder.BIG_ENDIAN);
        if (!domain.contains(high, low))
        {
            return domain.ceMode() ? domain.brIpv4() : 0;
        }
        if (high == domain.brIpv6High() && low == domain.brIpv6Low())
        {
            return 0; // our own (anycast) address: no CE has it, and xlat64 has no IPv6 stack to deliver it to
        }
        final int ce = domain.ceIpv4Of(high);
        return isUsableCeAddress(domain, ce) ? ce : 0;
    }

    /** RFC 1812 s.5.3.7: never send to 0/8, 127/8, multicast, reserved or broadcast; nor to ourselves (a loop). */
    static boolean isUsableCeAddress(final SixRdDomain domain, final int ipv4)
    {
        final int firstOctet = ipv4 >>> 24;
        return firstOctet != 0 && firstOctet != 127 && firstOctet < 224 && ipv4 != domain.localIpv4() &&
            ipv4 != domain.brIpv4();
    }

    /**
     * Originates the ICMPv6 error set on the originator ({@link IcmpErrorOriginator#error}) about the IPv6 packet at
     * {@code quoted} (of which {@code quotedLength} bytes are there), sourced from the domain's BR IPv6 address and
     * built in place in front of it, and routes it. Returns {@code sent} when it left; RFC 4443 s.2.4(e) and (f) may
     * suppress it.
     */
    Outcome sendIcmpv6Error(
        final PacketContext ctx, final SixRdDomain domain, final int quoted, final int quotedLength, final Outcome sent)
    {
        final IcmpErrorOriginator.Permit permit = icmpErrors.permitIcmpv6(ctx.config, ctx.buffer, quoted, quotedLength);
        if (permit == IcmpErrorOriginator.Permit.FORBIDDEN)
        {
            return Outcome.SIXRD_ICMP_ERROR_SUPPRESSED;
        }
        if (permit != IcmpErrorOriginator.Permit.SEND)
        {
            return Outcome.SIXRD_ICMP_RATE_LIMITED;
        }
        final int out = quoted - IcmpErrorOriginator.ICMPV6_ERROR_HEADERS;
        final int length = icmpErrors.writeIcmpv6(domain.brIpv6High(), domain.brIpv6Low(), ctx.buffer, quoted,
            quotedLength, ctx.buffer, out);
        return route(ctx, domain, out, length, sent);
    }

    /**
     * Sends an IPv6 packet this relay made: a BR encapsulates it when the destination is a CE of one of its domains
     * (no hop limit decrement: it originates here), otherwise writes it to the TUN device for the kernel to route.
     * Returns {@code sent} when the packet left, or why it did not.
     */
    private Outcome route(
        final PacketContext ctx, final SixRdDomain domain, final int offset, final int length, final Outcome sent)
    {
        if (!domain.ceMode())
        {
            final SixRdDomain target = SixRdRelay.domainOf(ctx.config.sixRdDomains,
                ctx.buffer.getLong(offset + Ipv6Header.DESTINATION, ByteOrder.BIG_ENDIAN),
                ctx.buffer.getLong(offset + Ipv6Header.DESTINATION + 8, ByteOrder.BIG_ENDIAN));
            if (target != null)
            {
                final Outcome encapsulated = encapsulate(ctx, target, offset, length, false);
                return encapsulated == Outcome.SIXRD_ENCAPSULATED ? sent : encapsulated;
            }
        }
        ctx.sink.emit(ctx.buffer, offset, length);
        return sent;
    }
}
