package dev.xlat64.sixrd;

import dev.xlat64.addr.SixRdDomain;
import dev.xlat64.core.Outcome;
import dev.xlat64.core.PacketSink;
import dev.xlat64.core.TranslatorConfig;
import dev.xlat64.packet.Icmp;
import dev.xlat64.packet.Ipv4Header;
import dev.xlat64.packet.Ipv6Header;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;
import java.util.List;

/**
 * IPv6 out of IPv4 (RFC 5969 section 8, RFC 4213 section 3.5-3.6): checks the 6in4 packet addressed to this BR (or
 * CE), then forwards the inner IPv6 packet where it lies: to the TUN device, or, when its destination is another CE,
 * re-encapsulated toward it without leaving user space. One method per step; each returns null to continue or the
 * outcome. Not thread safe: one instance per agent.
 */
public final class Decapsulator
{
    private static final int ECN_MASK = 0x03;
    private static final int NOT_ECT = 0x00;
    private static final int ECT_1 = 0x01;
    private static final int CE = 0x03;

    private final Ipv4Header ip4 = new Ipv4Header();
    private final Ipv6Header ip6 = new Ipv6Header();
    private final Encapsulator encapsulator;

    public Decapsulator(final Encapsulator encapsulator)
    {
        this.encapsulator = encapsulator;
    }

    /**
     * Decapsulates the protocol-41 packet at {@code offset}, whose outer header {@link SixRdRelay} validated and
     * whose destination is a local address of {@code domain}.
     */
    public Outcome decapsulate(
        final TranslatorConfig config, final SixRdDomain domain, final MutableDirectBuffer buffer, final int offset,
        final PacketSink sink)
    {
        final Ipv4Header outer = ip4.wrap(buffer, offset);
        final int outerSource = outer.source();
        final int outerTos = outer.tos();
        final int inner = offset + outer.headerLength();
        final int available = outer.totalLength() - outer.headerLength();

        final Outcome malformed = checkInnerHeader(buffer, inner, available);
        if (malformed != null)
        {
            return malformed;
        }
        final Ipv6Header in = ip6.wrap(buffer, inner);
        final int innerLength = Ipv6Header.LENGTH + in.payloadLength();
        final Outcome spoofed = checkInnerSource(config.sixRdDomains, domain, outerSource, buffer, inner);
        if (spoofed != null)
        {
            return spoofed;
        }
        final Outcome ecn = decapsulateEcn(in, outerTos);
        if (ecn != null)
        {
            return ecn;
        }
        if (!domain.ceMode())
        {
            // A BR forwards the inner packet as a router (RFC 8200 s.3); a CE is a tunnel interface and leaves that
            // to the kernel that reads the TUN device.
            if (in.hopLimit() <= 1)
            {
                return encapsulator.sendIcmpv6Error(config, domain, buffer, inner, innerLength,
                    Icmp.V6_TIME_EXCEEDED, Icmp.V6_HOP_LIMIT_EXCEEDED, 0, sink, Outcome.SIXRD_HOP_LIMIT_EXPIRED);
            }
            in.hopLimit(in.hopLimit() - 1);
            final SixRdDomain target = SixRdRelay.domainOf(config.sixRdDomains,
                buffer.getLong(inner + Ipv6Header.DESTINATION, ByteOrder.BIG_ENDIAN),
                buffer.getLong(inner + Ipv6Header.DESTINATION + 8, ByteOrder.BIG_ENDIAN));
            if (target != null)
            {
                return relayCeToCe(config, target, buffer, inner, innerLength, sink);
            }
        }
        sink.emit(buffer, inner, innerLength);
        return Outcome.SIXRD_DECAPSULATED;
    }

    /** RFC 4213 s.3.5 / RFC 8200 s.3: the payload must be a whole IPv6 packet (trailing padding is ignored). */
    static Outcome checkInnerHeader(final MutableDirectBuffer buffer, final int inner, final int available)
    {
        if (available < Ipv6Header.LENGTH)
        {
            return available > 0 && (buffer.getByte(inner) & 0xF0) != 0x60 ?
                Outcome.SIXRD_INNER_NOT_IPV6 : Outcome.SIXRD_INNER_TRUNCATED;
        }
        if ((buffer.getByte(inner) & 0xF0) != 0x60)
        {
            return Outcome.SIXRD_INNER_NOT_IPV6;
        }
        final int payloadLength = buffer.getShort(inner + Ipv6Header.PAYLOAD_LENGTH, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        if (payloadLength == 0)
        {
            return Outcome.SIXRD_INNER_NOT_IPV6; // a jumbogram (RFC 2675) cannot fit in an IPv4 packet
        }
        return Ipv6Header.LENGTH + payloadLength > available ? Outcome.SIXRD_INNER_TRUNCATED : null;
    }

    /**
     * RFC 5969 s.8 (and s.12, security): a BR accepts an inner source only inside the delegated prefix that the
     * outer IPv4 source gives, or, when the operator allows it, outside every 6rd prefix. A CE accepts anything from
     * its BR and, from another CE of the domain, only that CE's delegated prefix.
     */
    static Outcome checkInnerSource(
        final List<SixRdDomain> domains, final SixRdDomain domain, final int outerSource,
        final MutableDirectBuffer buffer, final int inner)
    {
        final long high = buffer.getLong(inner + Ipv6Header.SOURCE, ByteOrder.BIG_ENDIAN);
        final long low = buffer.getLong(inner + Ipv6Header.SOURCE + 8, ByteOrder.BIG_ENDIAN);
        if (domain.ceMode() && outerSource == domain.brIpv4())
        {
            return null;
        }
        if (domain.isCeIpv4(outerSource) && domain.inDelegatedPrefix(outerSource, high))
        {
            return null;
        }
        if (!domain.ceMode() && domain.allowForeignInnerSource() && SixRdRelay.domainOf(domains, high, low) == null)
        {
            return null;
        }
        return Outcome.SIXRD_SPOOFED_INNER_SOURCE;
    }

    /**
     * RFC 6040 s.4.2 (normal mode decapsulation, Figure 4): outer CE marks an ECN-capable inner packet CE and drops a
     * Not-ECT one; outer ECT(1) upgrades inner ECT(0); otherwise the inner ECN field stays.
     */
    static Outcome decapsulateEcn(final Ipv6Header in, final int outerTos)
    {
        final int outerEcn = outerTos & ECN_MASK;
        final int trafficClass = in.trafficClass();
        final int innerEcn = trafficClass & ECN_MASK;
        int resultEcn = innerEcn;
        if (innerEcn == NOT_ECT)
        {
            if (outerEcn == CE)
            {
                return Outcome.SIXRD_ECN_DROP;
            }
        }
        else if (outerEcn == CE || outerEcn == ECT_1)
        {
            resultEcn = innerEcn == CE ? CE : outerEcn;
        }
        if (resultEcn != innerEcn)
        {
            in.versionClassFlow((trafficClass & ~ECN_MASK) | resultEcn, in.flowLabel());
        }
        return null;
    }

    /** RFC 5969 s.8: CE-to-CE traffic through the BR is re-encapsulated here, never sent back through the kernel. */
    private Outcome relayCeToCe(
        final TranslatorConfig config, final SixRdDomain target, final MutableDirectBuffer buffer, final int inner,
        final int innerLength, final PacketSink sink)
    {
        final Outcome outcome = encapsulator.encapsulate(config, target, buffer, inner, innerLength, sink, false);
        return outcome == Outcome.SIXRD_ENCAPSULATED ? Outcome.SIXRD_RELAYED_CE_TO_CE : outcome;
    }
}
