package dev.xlat64.sixrd;

import dev.xlat64.addr.SixRdDomain;
import dev.xlat64.core.Outcome;
import dev.xlat64.core.PacketSink;
import dev.xlat64.core.TranslatorConfig;
import dev.xlat64.packet.Checksum;
import dev.xlat64.packet.Icmp;
import dev.xlat64.packet.Ipv4Header;
import dev.xlat64.packet.Ipv6Header;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * IPv6 into IPv4 (RFC 5969 sections 7 and 8, RFC 4213 section 3): the outer header is written into the headroom in
 * front of the IPv6 packet, which never moves. Also originates the ICMPv6 errors of the 6rd relay (Packet Too Big,
 * Time Exceeded, relayed ICMPv4 errors), rate-limited, and routes them: into the tunnel when their destination is a
 * CE, to the TUN device otherwise. One method per step; each returns null to continue or the outcome.
 * Not thread safe: one instance per agent.
 */
public final class Encapsulator
{
    /** An ICMPv6 error message never exceeds the minimum IPv6 MTU (RFC 4443 section 2.4(c)). */
    static final int ICMPV6_ERROR_MAX = 1280;
    static final int ICMPV6_ERROR_HEADERS = Ipv6Header.LENGTH + Icmp.HEADER_LENGTH;
    static final int ICMPV6_ERROR_HOP_LIMIT = 64;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final Ipv4Header ip4 = new Ipv4Header();
    private final Ipv6Header ip6 = new Ipv6Header();
    private long nanoTime;
    private long windowStart = Long.MIN_VALUE;
    private int errorsInWindow;

    /** The batch's clock, for the ICMP error rate limit. */
    void clock(final long nanoTime)
    {
        this.nanoTime = nanoTime;
    }

    /**
     * Encapsulates the IPv6 packet at {@code offset} (exactly {@code length} bytes, header already validated) for
     * {@code domain}; needs 68 bytes of headroom (a Packet Too Big plus its own outer header).
     *
     * @param decrementHopLimit true when this node forwards the packet as a router (BR mode, from the TUN device)
     */
    public Outcome encapsulate(
        final TranslatorConfig config, final SixRdDomain domain, final MutableDirectBuffer buffer, final int offset,
        final int length, final PacketSink sink, final boolean decrementHopLimit)
    {
        final Ipv6Header in = ip6.wrap(buffer, offset);
        if (isLinkScope(buffer, offset))
        {
            return Outcome.SIXRD_LINK_SCOPE_NOT_TUNNELLED;
        }
        if (decrementHopLimit && in.hopLimit() <= 1)
        {
            // RFC 8200 s.3 / RFC 4443 s.3.3: a router does not forward a packet whose hop limit would reach zero.
            return sendIcmpv6Error(config, domain, buffer, offset, length, Icmp.V6_TIME_EXCEEDED,
                Icmp.V6_HOP_LIMIT_EXCEEDED, 0, sink, Outcome.SIXRD_HOP_LIMIT_EXPIRED);
        }
        if (length > domain.mtu())
        {
            // RFC 4213 s.3.2 / RFC 4443 s.3.2: too big for the tunnel: tell the sender the largest packet that fits.
            return sendIcmpv6Error(config, domain, buffer, offset, length, Icmp.V6_PACKET_TOO_BIG, 0, domain.mtu(),
                sink, Outcome.SIXRD_TOO_BIG);
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
        final int out = offset - Ipv4Header.MIN_LENGTH;
        writeOuterHeader(ip4.wrap(buffer, out), domain, in.trafficClass(), length, destination);
        sink.emit(buffer, out, Ipv4Header.MIN_LENGTH + length);
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
     * RFC 5969 s.8 / RFC 4213 s.3.5: version 4, no options, DS field and ECN copied from the traffic class (RFC 6040
     * s.4.1 normal mode, uniform DSCP), DF set (RFC 4213 s.3.2: the tunnel MTU is fixed, so the path must carry it
     * whole; the identification of an atomic datagram may be zero, RFC 6864 s.4.1), TTL configured, protocol 41.
     */
    private static void writeOuterHeader(
        final Ipv4Header out, final SixRdDomain domain, final int trafficClass, final int innerLength,
        final int destination)
    {
        out.versionAndHeaderLength(Ipv4Header.MIN_LENGTH)
            .tos(trafficClass)
            .totalLength(Ipv4Header.MIN_LENGTH + innerLength)
            .identification(0)
            .flagsAndFragmentOffset(Ipv4Header.FLAG_DF)
            .ttl(domain.ttl())
            .protocol(Ipv4Header.PROTOCOL_IPV6)
            .source(domain.localIpv4())
            .destination(destination)
            .computeHeaderChecksum();
    }

    /**
     * Originates an ICMPv6 error about the IPv6 packet at {@code quoted} (of which {@code quotedLength} bytes are
     * there), sourced from the domain's BR IPv6 address, and routes it. Returns {@code sent} when it left.
     */
    Outcome sendIcmpv6Error(
        final TranslatorConfig config, final SixRdDomain domain, final MutableDirectBuffer buffer, final int quoted,
        final int quotedLength, final int type, final int code, final int rest, final PacketSink sink,
        final Outcome sent)
    {
        if (!mayAnswer(buffer, quoted, quotedLength))
        {
            return Outcome.SIXRD_ICMP_ERROR_SUPPRESSED;
        }
        if (!withinRateLimit(config.icmpErrorsPerSecond))
        {
            return Outcome.SIXRD_ICMP_RATE_LIMITED;
        }
        final int length = ICMPV6_ERROR_HEADERS + Math.min(quotedLength, ICMPV6_ERROR_MAX - ICMPV6_ERROR_HEADERS);
        final int out = quoted - ICMPV6_ERROR_HEADERS;
        writeIcmpv6Error(domain, buffer, out, length, type, code, rest);
        final Outcome dropped = route(config, domain, buffer, out, length, sink);
        return dropped == null ? sent : dropped;
    }

    /** RFC 4443 s.2.4(e): no error about an ICMPv6 error, nor to a multicast or unspecified source. */
    private static boolean mayAnswer(final MutableDirectBuffer buffer, final int quoted, final int quotedLength)
    {
        final long sourceHigh = buffer.getLong(quoted + Ipv6Header.SOURCE, ByteOrder.BIG_ENDIAN);
        final long sourceLow = buffer.getLong(quoted + Ipv6Header.SOURCE + 8, ByteOrder.BIG_ENDIAN);
        if ((sourceHigh >>> 56) == 0xFF || (sourceHigh == 0 && sourceLow == 0))
        {
            return false;
        }
        if (quotedLength > Ipv6Header.LENGTH &&
            (buffer.getByte(quoted + Ipv6Header.NEXT_HEADER) & 0xFF) == Ipv6Header.NEXT_HEADER_ICMPV6)
        {
            return (buffer.getByte(quoted + Ipv6Header.LENGTH + Icmp.TYPE) & 0xFF) >= Icmp.V6_ECHO_REQUEST;
        }
        return true;
    }

    /** design.md invariant 4: at most {@code perSecond} errors per agent in each one-second window; 0 disables. */
    private boolean withinRateLimit(final int perSecond)
    {
        if (nanoTime - windowStart >= NANOS_PER_SECOND || windowStart == Long.MIN_VALUE)
        {
            windowStart = nanoTime;
            errorsInWindow = 0;
        }
        if (errorsInWindow >= perSecond)
        {
            return false;
        }
        errorsInWindow++;
        return true;
    }

    /**
     * RFC 4443 s.2.2 / s.2.4: IPv6 header (source the BR, destination the offending packet's source), the ICMPv6
     * header, and as much of the offending packet as fits in 1280 bytes (already in place after it); checksum over
     * the pseudo-header (RFC 8200 s.8.1).
     */
    private void writeIcmpv6Error(
        final SixRdDomain domain, final MutableDirectBuffer buffer, final int out, final int length, final int type,
        final int code, final int rest)
    {
        final int quoted = out + ICMPV6_ERROR_HEADERS;
        final long destinationHigh = buffer.getLong(quoted + Ipv6Header.SOURCE, ByteOrder.BIG_ENDIAN);
        final long destinationLow = buffer.getLong(quoted + Ipv6Header.SOURCE + 8, ByteOrder.BIG_ENDIAN);
        final int messageLength = length - Ipv6Header.LENGTH;
        ip6.wrap(buffer, out).versionClassFlow(0, 0).payloadLength(messageLength)
            .nextHeader(Ipv6Header.NEXT_HEADER_ICMPV6).hopLimit(ICMPV6_ERROR_HOP_LIMIT);
        buffer.putLong(out + Ipv6Header.SOURCE, domain.brIpv6High(), ByteOrder.BIG_ENDIAN);
        buffer.putLong(out + Ipv6Header.SOURCE + 8, domain.brIpv6Low(), ByteOrder.BIG_ENDIAN);
        buffer.putLong(out + Ipv6Header.DESTINATION, destinationHigh, ByteOrder.BIG_ENDIAN);
        buffer.putLong(out + Ipv6Header.DESTINATION + 8, destinationLow, ByteOrder.BIG_ENDIAN);
        final int icmp = out + Ipv6Header.LENGTH;
        buffer.putByte(icmp + Icmp.TYPE, (byte)type);
        buffer.putByte(icmp + Icmp.CODE, (byte)code);
        buffer.putShort(icmp + Icmp.CHECKSUM, (short)0);
        buffer.putInt(icmp + Icmp.REST, rest, ByteOrder.BIG_ENDIAN);
        long sum = Checksum.ipv6PseudoHeader(buffer, out + Ipv6Header.SOURCE, messageLength, Ipv6Header.NEXT_HEADER_ICMPV6);
        sum = Checksum.add(buffer, icmp, messageLength, sum);
        buffer.putShort(icmp + Icmp.CHECKSUM, (short)Checksum.finish(sum), ByteOrder.BIG_ENDIAN);
    }

    /**
     * Sends an IPv6 packet this relay made: a BR encapsulates it when the destination is a CE of one of its domains
     * (no hop limit decrement: it originates here), otherwise writes it to the TUN device for the kernel to route.
     * Returns null when the packet left, or why it did not.
     */
    Outcome route(
        final TranslatorConfig config, final SixRdDomain domain, final MutableDirectBuffer buffer, final int offset,
        final int length, final PacketSink sink)
    {
        if (!domain.ceMode())
        {
            final SixRdDomain target = SixRdRelay.domainOf(config.sixRdDomains,
                buffer.getLong(offset + Ipv6Header.DESTINATION, ByteOrder.BIG_ENDIAN),
                buffer.getLong(offset + Ipv6Header.DESTINATION + 8, ByteOrder.BIG_ENDIAN));
            if (target != null)
            {
                final Outcome encapsulated = encapsulate(config, target, buffer, offset, length, sink, false);
                return encapsulated == Outcome.SIXRD_ENCAPSULATED ? null : encapsulated;
            }
        }
        sink.emit(buffer, offset, length);
        return null;
    }
}
