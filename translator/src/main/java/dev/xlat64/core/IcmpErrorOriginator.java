package dev.xlat64.core;

import dev.xlat64.packet.Checksum;
import dev.xlat64.packet.FragmentHeader;
import dev.xlat64.packet.Icmp;
import dev.xlat64.packet.Ipv4Header;
import dev.xlat64.packet.Ipv6ExtensionHeaders;
import dev.xlat64.packet.Ipv6Header;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * The one place where xlat64 originates ICMP errors, for every mechanism (SIIT: RFC 7915 s.4.4 and s.5.4; 6rd: RFC 4213
 * s.3.2 and s.3.4, RFC 8200 s.3): the RFC rules on what may be answered (RFC 1812 s.4.3.2.7, RFC 4443 s.2.4(e)), one
 * rate limiter (RFC 1812 s.4.3.2.8, RFC 4443 s.2.4(f)), the message layout and checksum. Errors are built in the
 * engine's scratch buffer, or in place in front of the quoted packet when the caller has room there.
 * Not thread safe: one per engine.
 */
public final class IcmpErrorOriginator
{
    /** Why an error may or may not be sent. */
    public enum Permit
    {
        /** Send it. */
        SEND,
        /** RFC 1812 s.4.3.2.7 / RFC 4443 s.2.4(e): this packet must not be answered. */
        FORBIDDEN,
        /** icmpErrorsPerSecond is 0. */
        DISABLED,
        /** The rate limit is reached. */
        RATE_LIMITED
    }

    /** The hop limit / TTL of the errors this node originates. */
    static final int ERROR_HOP_LIMIT = 64;
    /** RFC 1812 s.4.3.2.5: ICMPv4 errors other than source quench SHOULD carry precedence 6 (internetwork control). */
    static final int ERROR_TOS = 0xC0;
    /** IPv6 header and ICMPv6 header of an error, in front of the quoted packet. */
    public static final int ICMPV6_ERROR_HEADERS = Ipv6Header.LENGTH + Icmp.HEADER_LENGTH;
    private static final int ICMPV4_ERROR_HEADERS = Ipv4Header.MIN_LENGTH + Icmp.HEADER_LENGTH;

    private final MutableDirectBuffer scratch;
    private final Ipv4Header ip4 = new Ipv4Header();
    private final Ipv6Header ip6 = new Ipv6Header();
    private final Ipv6ExtensionHeaders quotedChain = new Ipv6ExtensionHeaders();
    private final IcmpRateLimiter rateLimiter = new IcmpRateLimiter();
    private Outcome lastReason = Outcome.EMPTY_PACKET;
    private int identificationState = System.identityHashCode(this) | 1;
    private int type;
    private int code;
    private int rest;

    public IcmpErrorOriginator(final MutableDirectBuffer scratch)
    {
        this.scratch = scratch;
    }

    /** Restarts the identification sequence from {@code seed}, for reproducible runs (fuzzing, tests). */
    public void seedIdentification(final int seed)
    {
        identificationState = seed | 1;
    }

    /** The data plane's monotonic clock, once per batch, for the rate limiter. */
    public void clock(final long nanoTime)
    {
        rateLimiter.clock(nanoTime);
    }

    /**
     * IPv4 identification for every packet this engine builds (translated 6->4 packets and ICMPv4 errors): one
     * xorshift sequence per engine, seeded per instance; unpredictable enough, no allocation, no shared state.
     */
    public int nextIdentification()
    {
        int x = identificationState;
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        identificationState = x;
        return x & 0xFFFF;
    }

    /** Why the last ICMP error of a SIIT send was sent (the outcome the packet would have had without it). */
    public Outcome lastReason()
    {
        return lastReason;
    }

    /** The next error's type, code and the type-specific word (MTU, pointer); then one of the send/write methods. */
    public IcmpErrorOriginator error(final int type, final int code, final int rest)
    {
        this.type = type;
        this.code = code;
        this.rest = rest;
        return this;
    }

    /**
     * RFC 7915 s.4.4 / RFC 1812 s.4.3.2: answers the (validated) IPv4 packet of {@code ctx} ({@code packetLength}
     * bytes) with the ICMPv4 error set by {@link #error} from the config's ipv4Address. Returns {@code reason} when
     * no error may be sent.
     */
    public Outcome sendIcmpv4(final PacketContext ctx, final int packetLength, final Outcome reason)
    {
        return sendIcmpv4(ctx, ctx.config.ipv4Address, packetLength, reason);
    }

    /**
     * {@link #sendIcmpv4(PacketContext, int, Outcome)} from {@code source} instead of the config's ipv4Address (a
     * node that has none of its own, e.g. a MAP-E CE relaying a tunnel error to its LAN from RFC 7600's 192.0.0.8).
     */
    public Outcome sendIcmpv4(final PacketContext ctx, final int source, final int packetLength, final Outcome reason)
    {
        final TranslatorConfig config = ctx.config;
        final MutableDirectBuffer buffer = ctx.buffer;
        final int packet = ctx.offset;
        if (source == 0 || config.icmpErrorsPerSecond <= 0 || !mayAnswerIpv4(buffer, packet, packetLength))
        {
            return reason;
        }
        if (!rateLimiter.acquire(config.icmpErrorsPerSecond))
        {
            return Outcome.ICMP_ERROR_RATE_LIMITED;
        }
        final int quoted = Math.min(packetLength, Icmp.V4_ERROR_MAX_LENGTH - ICMPV4_ERROR_HEADERS);
        final int total = ICMPV4_ERROR_HEADERS + quoted;
        final int destination = buffer.getInt(packet + Ipv4Header.SOURCE, ByteOrder.BIG_ENDIAN);
        ip4.wrap(scratch, 0).versionAndHeaderLength(Ipv4Header.MIN_LENGTH).tos(ERROR_TOS).totalLength(total)
            .identification(nextIdentification()).flagsAndFragmentOffset(0).ttl(ERROR_HOP_LIMIT)
            .protocol(Ipv4Header.PROTOCOL_ICMP).source(source).destination(destination)
            .computeHeaderChecksum();
        final int icmp = Ipv4Header.MIN_LENGTH;
        writeIcmpHeader(scratch, icmp);
        scratch.putBytes(icmp + Icmp.HEADER_LENGTH, buffer, packet, quoted);
        final int checksum = Checksum.finish(Checksum.add(scratch, icmp, total - icmp, 0));
        scratch.putShort(icmp + Icmp.CHECKSUM, (short)checksum, ByteOrder.BIG_ENDIAN);
        ctx.sink.emit(scratch, 0, total);
        lastReason = reason;
        return Outcome.ICMPV4_ERROR_SENT;
    }

    /**
     * RFC 7915 s.5.4 / RFC 4443 s.2.4: answers the IPv6 packet of {@code ctx} ({@code packetLength} bytes) with the
     * ICMPv6 error set by {@link #error} from the config's ipv6Address, built in the scratch buffer. Returns
     * {@code reason} when no error may be sent.
     */
    public Outcome sendIcmpv6(final PacketContext ctx, final int packetLength, final Outcome reason)
    {
        final TranslatorConfig config = ctx.config;
        if (config.ipv6Address == null)
        {
            return reason;
        }
        final Permit permit = permitIcmpv6(config, ctx.buffer, ctx.offset, packetLength);
        if (permit != Permit.SEND)
        {
            return permit == Permit.RATE_LIMITED ? Outcome.ICMP_ERROR_RATE_LIMITED : reason;
        }
        final int total = writeIcmpv6(config.ipv6Address.high(), config.ipv6Address.low(), ctx.buffer, ctx.offset,
            packetLength, scratch, 0);
        ctx.sink.emit(scratch, 0, total);
        lastReason = reason;
        return Outcome.ICMPV6_ERROR_SENT;
    }

    /**
     * RFC 4443 s.2.4(e) and (f): whether an ICMPv6 error about the IPv6 packet at {@code packet} ({@code packetLength}
     * bytes of it are there, maybe a truncated quote) may be sent now; takes a token when it may.
     */
    public Permit permitIcmpv6(
        final TranslatorConfig config, final DirectBuffer buffer, final int packet, final int packetLength)
    {
        if (!mayAnswerIpv6(buffer, packet, packetLength))
        {
            return Permit.FORBIDDEN;
        }
        if (config.icmpErrorsPerSecond <= 0)
        {
            return Permit.DISABLED;
        }
        return rateLimiter.acquire(config.icmpErrorsPerSecond) ? Permit.SEND : Permit.RATE_LIMITED;
    }

    /**
     * RFC 4443 s.2.2 / s.2.4(c): writes into {@code out} at {@code at} the ICMPv6 error set by {@link #error}, from
     * the given source to the offending packet's source, quoting as much of it as fits in 1280 bytes; the checksum
     * covers the pseudo-header (RFC 8200 s.8.1). When {@code out} is the packet's buffer and {@code at} lies exactly
     * {@link #ICMPV6_ERROR_HEADERS} before it, the quote is already in place. Returns the error's length.
     */
    public int writeIcmpv6(
        final long sourceHigh, final long sourceLow, final MutableDirectBuffer buffer, final int packet,
        final int packetLength, final MutableDirectBuffer out, final int at)
    {
        final int quoted = Math.min(packetLength, Icmp.V6_ERROR_MAX_LENGTH - ICMPV6_ERROR_HEADERS);
        final int total = ICMPV6_ERROR_HEADERS + quoted;
        final long destinationHigh = buffer.getLong(packet + Ipv6Header.SOURCE, ByteOrder.BIG_ENDIAN);
        final long destinationLow = buffer.getLong(packet + Ipv6Header.SOURCE + 8, ByteOrder.BIG_ENDIAN);
        final int icmp = at + Ipv6Header.LENGTH;
        if (out != buffer || icmp + Icmp.HEADER_LENGTH != packet)
        {
            out.putBytes(icmp + Icmp.HEADER_LENGTH, buffer, packet, quoted);
        }
        ip6.wrap(out, at).versionClassFlow(0, 0).payloadLength(total - Ipv6Header.LENGTH)
            .nextHeader(Ipv6Header.NEXT_HEADER_ICMPV6).hopLimit(ERROR_HOP_LIMIT)
            .addresses(sourceHigh, sourceLow, destinationHigh, destinationLow);
        writeIcmpHeader(out, icmp);
        final long sum = Checksum.ipv6PseudoHeader(out, at + Ipv6Header.SOURCE, total - Ipv6Header.LENGTH,
            Ipv6Header.NEXT_HEADER_ICMPV6);
        final int checksum = Checksum.finish(Checksum.add(out, icmp, total - Ipv6Header.LENGTH, sum));
        out.putShort(icmp + Icmp.CHECKSUM, (short)checksum, ByteOrder.BIG_ENDIAN);
        return total;
    }

    private void writeIcmpHeader(final MutableDirectBuffer out, final int icmp)
    {
        out.putByte(icmp + Icmp.TYPE, (byte)type);
        out.putByte(icmp + Icmp.CODE, (byte)code);
        out.putShort(icmp + Icmp.CHECKSUM, (short)0);
        out.putInt(icmp + Icmp.REST, rest, ByteOrder.BIG_ENDIAN);
    }

    /**
     * RFC 1812 s.4.3.2.7: no error about an ICMP error, a non-first fragment, or a packet from or to an address that
     * does not name one host (this network, loopback, multicast, broadcast, class E).
     */
    static boolean mayAnswerIpv4(final DirectBuffer buffer, final int packet, final int packetLength)
    {
        final int source = buffer.getInt(packet + Ipv4Header.SOURCE, ByteOrder.BIG_ENDIAN);
        final int destination = buffer.getInt(packet + Ipv4Header.DESTINATION, ByteOrder.BIG_ENDIAN);
        if (!isUnicast4(source) || (destination >>> 28) >= 0xE)
        {
            return false;
        }
        final int flags = buffer.getShort(packet + Ipv4Header.FLAGS_FRAGMENT_OFFSET, ByteOrder.BIG_ENDIAN);
        if ((flags & Ipv4Header.FRAGMENT_OFFSET_MASK) != 0)
        {
            return false;
        }
        final int headerLength = (buffer.getByte(packet) & 0x0F) << 2;
        if ((buffer.getByte(packet + Ipv4Header.PROTOCOL) & 0xFF) == Ipv4Header.PROTOCOL_ICMP)
        {
            return headerLength < packetLength && !Icmp.isV4Error(buffer.getByte(packet + headerLength) & 0xFF);
        }
        return true;
    }

    private static boolean isUnicast4(final int address)
    {
        final int first = address >>> 24;
        return first != 0 && first != 127 && first < 224;
    }

    /**
     * RFC 4443 s.2.4(e): no error about an ICMPv6 error (found behind any extension headers), nor to or from a
     * multicast or unspecified address. A quote too short to show a field (a relayed ICMPv4 error may carry only the
     * first 24 bytes) forbids the error only where it hides an ICMPv6 type.
     */
    boolean mayAnswerIpv6(final DirectBuffer buffer, final int packet, final int packetLength)
    {
        final long sourceHigh = buffer.getLong(packet + Ipv6Header.SOURCE, ByteOrder.BIG_ENDIAN);
        final long sourceLow = buffer.getLong(packet + Ipv6Header.SOURCE + 8, ByteOrder.BIG_ENDIAN);
        if ((sourceHigh >>> 56) == 0xFF || (sourceHigh == 0 && sourceLow == 0))
        {
            return false;
        }
        if (packetLength < Ipv6Header.LENGTH)
        {
            return true;
        }
        if ((buffer.getByte(packet + Ipv6Header.DESTINATION) & 0xFF) == 0xFF)
        {
            return false;
        }
        final int end = packet + packetLength;
        if (!quotedChain.walk(buffer, packet + Ipv6Header.LENGTH,
            buffer.getByte(packet + Ipv6Header.NEXT_HEADER) & 0xFF,
            end))
        {
            return true;
        }
        final int fragment = quotedChain.fragmentHeaderOffset();
        final int upperLayer = quotedChain.upperLayerOffset();
        if (quotedChain.upperLayerProtocol() != Ipv6Header.NEXT_HEADER_ICMPV6 ||
            (fragment >= 0 && FragmentHeader.fragmentOffset(buffer, fragment) != 0))
        {
            return true;
        }
        // An ICMPv6 message whose type is not there to see might be an error: not answered.
        return upperLayer < end && !Icmp.isV6Error(buffer.getByte(upperLayer + Icmp.TYPE) & 0xFF);
    }
}
