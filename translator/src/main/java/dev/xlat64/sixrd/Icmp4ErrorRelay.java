package dev.xlat64.sixrd;

import dev.xlat64.addr.SixRdDomain;
import dev.xlat64.core.IcmpErrorOriginator;
import dev.xlat64.core.Outcome;
import dev.xlat64.core.PacketContext;
import dev.xlat64.core.TranslatorConfig;
import dev.xlat64.packet.Checksum;
import dev.xlat64.packet.Icmp;
import dev.xlat64.packet.Ipv4Header;
import dev.xlat64.packet.Ipv6Header;
import dev.xlat64.siit.PathMtu;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * RFC 4213 section 3.4: an ICMPv4 error from a router between the BR and a CE, quoting one of our 6in4 packets, is
 * relayed to the IPv6 source of the quoted inner packet: Fragmentation Needed becomes Packet Too Big (the next-hop
 * MTU less the 20-byte outer header; an RFC 1191 plateau when the router sent 0), every other unreachable, time
 * exceeded or parameter problem becomes Destination Unreachable code 3 (address unreachable). Relayed only when the
 * quote is of a 6in4 packet this node could have sent (its source, protocol 41, to a CE whose delegated prefix holds
 * the quoted inner destination) and holds the whole inner IPv6 header.
 */
public final class Icmp4ErrorRelay
{
    /** Enough of the inner IPv6 header to know whom to tell: through the source address. */
    static final int MIN_INNER_QUOTE = Ipv6Header.SOURCE + 16;

    private final Ipv4Header quotedIp4 = new Ipv4Header();
    private final Encapsulator encapsulator;
    private final IcmpErrorOriginator icmpErrors;

    public Icmp4ErrorRelay(final Encapsulator encapsulator, final IcmpErrorOriginator icmpErrors)
    {
        this.encapsulator = encapsulator;
        this.icmpErrors = icmpErrors;
    }

    /**
     * Relays the ICMPv4 packet at {@code offset} (outer header validated, addressed to {@code domain}'s local address).
     */
    public Outcome relay(final PacketContext ctx, final SixRdDomain domain, final int headerLength,
        final int totalLength)
    {
        final MutableDirectBuffer buffer = ctx.buffer;
        final int offset = ctx.offset;
        final int icmp = offset + headerLength;
        final int icmpLength = totalLength - headerLength;
        final int end = offset + totalLength;
        if (icmpLength < Icmp.HEADER_LENGTH + Ipv4Header.MIN_LENGTH + MIN_INNER_QUOTE ||
            Checksum.fold(Checksum.add(buffer, icmp, icmpLength, 0)) != 0xFFFF)
        {
            return Outcome.SIXRD_ICMP4_NOT_RELAYABLE;
        }
        final int type = buffer.getByte(icmp + Icmp.TYPE) & 0xFF;
        final int code = buffer.getByte(icmp + Icmp.CODE) & 0xFF;
        final int quoted = icmp + Icmp.HEADER_LENGTH;
        final int quotedInner = quotedSixInFour(domain, buffer, quoted, end);
        if (quotedInner < 0)
        {
            return Outcome.SIXRD_ICMP4_NOT_RELAYABLE;
        }
        final int quotedInnerLength = end - quotedInner;
        // Several domains may share an anycast BR address: the quoted CE picks the one whose BR IPv6 address answers.
        final SixRdDomain answering = domainOfQuotedCe(ctx.config, domain,
            buffer.getInt(quoted + Ipv4Header.DESTINATION,
            ByteOrder.BIG_ENDIAN));
        if (!couldHaveSent(answering, buffer, quoted, quotedInner, end))
        {
            return Outcome.SIXRD_ICMP4_NOT_RELAYABLE;
        }
        if (type == Icmp.V4_DESTINATION_UNREACHABLE && code == Icmp.V4_FRAGMENTATION_NEEDED)
        {
            final int advertised = buffer.getShort(icmp + Icmp.REST + 2, ByteOrder.BIG_ENDIAN) & 0xFFFF;
            // RFC 1191 s.5/s.7: a router that sends 0 is pre-RFC 1191: estimate with the plateau below the quoted
            // datagram's total length.
            final int nextHopMtu = advertised != 0 ? advertised :
                PathMtu.plateau(buffer.getShort(quoted + Ipv4Header.TOTAL_LENGTH, ByteOrder.BIG_ENDIAN) & 0xFFFF);
            if (nextHopMtu < Ipv4Header.MIN_LENGTH + Ipv6Header.LENGTH)
            {
                return Outcome.SIXRD_ICMP4_NOT_RELAYABLE;
            }
            // RFC 8200 s.5: IPv6 hosts need not go below 1280; a smaller IPv4 path is the operator's MTU to fix.
            icmpErrors.error(Icmp.V6_PACKET_TOO_BIG, 0, Math.max(SixRdDomain.MIN_MTU,
                nextHopMtu - Ipv4Header.MIN_LENGTH));
            return encapsulator.sendIcmpv6Error(ctx, answering, quotedInner, quotedInnerLength,
                Outcome.SIXRD_ICMP4_ERROR_RELAYED);
        }
        if (type == Icmp.V4_DESTINATION_UNREACHABLE || type == Icmp.V4_TIME_EXCEEDED ||
            type == Icmp.V4_PARAMETER_PROBLEM)
        {
            icmpErrors.error(Icmp.V6_DESTINATION_UNREACHABLE, Icmp.V6_ADDRESS_UNREACHABLE, 0);
            return encapsulator.sendIcmpv6Error(ctx, answering, quotedInner, quotedInnerLength,
                Outcome.SIXRD_ICMP4_ERROR_RELAYED);
        }
        return Outcome.SIXRD_ICMP4_NOT_RELAYABLE;
    }

    private static SixRdDomain domainOfQuotedCe(final TranslatorConfig config, final SixRdDomain domain, final int ce)
    {
        if (domain.ceMode() || domain.isCeIpv4(ce))
        {
            return domain;
        }
        for (int i = 0; i < config.sixRdDomains.size(); i++)
        {
            final SixRdDomain d = config.sixRdDomains.get(i);
            if (d.localIpv4() == domain.localIpv4() && d.isCeIpv4(ce))
            {
                return d;
            }
        }
        return domain;
    }

    /**
     * RFC 4213 s.3.4 / RFC 5969 s.8: a forged quote must not steer an ICMPv6 error anywhere, so the quoted 6in4 packet
     * must be one {@code domain} could have encapsulated: to a CE of the domain whose delegated prefix holds the inner
     * IPv6 destination (a BR sends a CE only its own prefix's traffic), or, at a CE, to its BR. (Source and protocol 41
     * are checked by {@link #quotedSixInFour}.) Needs the whole inner IPv6 header quoted.
     */
    private static boolean couldHaveSent(
        final SixRdDomain domain, final MutableDirectBuffer buffer, final int quoted, final int inner, final int end)
    {
        if (inner + Ipv6Header.LENGTH > end)
        {
            return false;
        }
        final int destination = buffer.getInt(quoted + Ipv4Header.DESTINATION, ByteOrder.BIG_ENDIAN);
        if (domain.ceMode() && destination == domain.brIpv4())
        {
            return true;
        }
        return domain.isCeIpv4(destination) &&
            domain.inDelegatedPrefix(destination, buffer.getLong(inner + Ipv6Header.DESTINATION, ByteOrder.BIG_ENDIAN));
    }

    /**
     * The offset of the quoted inner IPv6 packet when the quote is a 6in4 packet this node sent (protocol 41 from its
     * local address) with at least {@link #MIN_INNER_QUOTE} bytes of an IPv6 header; -1 otherwise.
     */
    private int quotedSixInFour(final SixRdDomain domain, final MutableDirectBuffer buffer, final int quoted,
        final int end)
    {
        final Ipv4Header q = quotedIp4.wrap(buffer, quoted);
        final int quotedHeaderLength = q.headerLength();
        if (q.version() != 4 || quotedHeaderLength < Ipv4Header.MIN_LENGTH ||
            quoted + quotedHeaderLength + MIN_INNER_QUOTE > end)
        {
            return -1;
        }
        if (q.protocol() != Ipv4Header.PROTOCOL_IPV6 || q.source() != domain.localIpv4())
        {
            return -1;
        }
        final int inner = quoted + quotedHeaderLength;
        return (buffer.getByte(inner) & 0xF0) == 0x60 ? inner : -1;
    }
}
