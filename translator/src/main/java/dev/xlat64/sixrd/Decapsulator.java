package dev.xlat64.sixrd;

import dev.xlat64.addr.SixRdDomain;
import dev.xlat64.addr.SixRdDomains;
import dev.xlat64.core.IcmpErrorOriginator;
import dev.xlat64.core.Outcome;
import dev.xlat64.core.PacketContext;
import dev.xlat64.encap.Ipv6InIpv4;
import dev.xlat64.packet.Icmp;
import dev.xlat64.packet.Ipv4Header;
import dev.xlat64.packet.Ipv6Header;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * IPv6 out of the 6rd tunnel (RFC 5969 section 8): the 6rd rules (who may send which inner source, hop limit at a BR,
 * CE-to-CE relaying) around the 6in4 transform's checks. Forwards the inner IPv6 packet where it lies: to the TUN
 * device, or, when its destination is another CE, re-encapsulated toward it without leaving user space.
 * Not thread safe: one instance per engine.
 */
public final class Decapsulator
{
    private final Ipv4Header ip4 = new Ipv4Header();
    private final Ipv6Header ip6 = new Ipv6Header();
    private final Encapsulator encapsulator;
    private final IcmpErrorOriginator icmpErrors;

    public Decapsulator(final Encapsulator encapsulator, final IcmpErrorOriginator icmpErrors)
    {
        this.encapsulator = encapsulator;
        this.icmpErrors = icmpErrors;
    }

    /**
     * Decapsulates the protocol-41 packet of {@code ctx}, whose outer header {@link SixRdRelay} validated and whose
     * destination is a local address of {@code domain}.
     */
    public Outcome decapsulate(final PacketContext ctx, final SixRdDomain domain)
    {
        final MutableDirectBuffer buffer = ctx.buffer;
        final Ipv4Header outer = ip4.wrap(buffer, ctx.offset);
        final int outerSource = outer.source();
        final int outerTos = outer.tos();
        final int inner = ctx.offset + outer.headerLength();
        // RFC 4213 s.3.5 / RFC 8200 s.3: the payload must be a whole IPv6 packet (trailing padding is ignored).
        final int innerLength = Ipv6InIpv4.innerPacketLength(buffer, inner, outer.totalLength() - outer.headerLength());
        if (innerLength < 0)
        {
            return innerLength == Ipv6InIpv4.INNER_NOT_IPV6 ? Outcome.SIXRD_INNER_NOT_IPV6
                : Outcome.SIXRD_INNER_TRUNCATED;
        }
        final Ipv6Header in = ip6.wrap(buffer, inner);
        if (!innerSourceAllowed(ctx.config.sixRdDomains, domain, outerSource, buffer, inner))
        {
            return Outcome.SIXRD_SPOOFED_INNER_SOURCE;
        }
        if (!Ipv6InIpv4.decapsulateEcn(in, outerTos))
        {
            return Outcome.SIXRD_ECN_DROP;
        }
        if (!domain.ceMode())
        {
            // A BR forwards the inner packet as a router (RFC 8200 s.3); a CE is a tunnel interface and leaves that
            // to the kernel that reads the TUN device.
            if (in.hopLimit() <= 1)
            {
                icmpErrors.error(Icmp.V6_TIME_EXCEEDED, Icmp.V6_HOP_LIMIT_EXCEEDED, 0);
                return encapsulator.sendIcmpv6Error(ctx, domain, inner, innerLength, Outcome.SIXRD_HOP_LIMIT_EXPIRED);
            }
            in.hopLimit(in.hopLimit() - 1);
            final SixRdDomain target = SixRdRelay.domainOf(ctx.config.sixRdDomains,
                buffer.getLong(inner + Ipv6Header.DESTINATION, ByteOrder.BIG_ENDIAN),
                buffer.getLong(inner + Ipv6Header.DESTINATION + 8, ByteOrder.BIG_ENDIAN));
            if (target != null)
            {
                // RFC 5969 s.8: CE-to-CE traffic through the BR is re-encapsulated here, never sent back to the kernel.
                final Outcome outcome = encapsulator.encapsulate(ctx, target, inner, innerLength, false);
                return outcome == Outcome.SIXRD_ENCAPSULATED ? Outcome.SIXRD_RELAYED_CE_TO_CE : outcome;
            }
        }
        ctx.sink.emit(buffer, inner, innerLength);
        return Outcome.SIXRD_DECAPSULATED;
    }

    /**
     * RFC 5969 s.8 (and s.12, security): a BR accepts an inner source only inside the delegated prefix that the
     * outer IPv4 source gives, or, when the operator allows it, outside every 6rd prefix. A CE accepts anything from
     * its BR and, from another CE of the domain, only that CE's delegated prefix.
     */
    static boolean innerSourceAllowed(
        final SixRdDomains domains, final SixRdDomain domain, final int outerSource,
        final MutableDirectBuffer buffer, final int inner)
    {
        final long high = buffer.getLong(inner + Ipv6Header.SOURCE, ByteOrder.BIG_ENDIAN);
        final long low = buffer.getLong(inner + Ipv6Header.SOURCE + 8, ByteOrder.BIG_ENDIAN);
        if (domain.ceMode() && outerSource == domain.brIpv4())
        {
            return true;
        }
        if (domain.isCeIpv4(outerSource) && domain.inDelegatedPrefix(outerSource, high))
        {
            return true;
        }
        return !domain.ceMode() && domain.allowForeignInnerSource() && SixRdRelay.domainOf(domains, high, low) == null;
    }
}
