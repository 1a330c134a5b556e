package dev.xlat64.siit;

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
 * The ICMP errors xlat64 originates itself (RFC 7915 s.4.4 and s.5.4: Time Exceeded, Fragmentation Needed, Packet Too
 * Big, Parameter Problem, Source Route Failed, Communication Prohibited), built in the agent's scratch buffer and
 * rate-limited by a token bucket fed with the data plane's clock (design.md invariant 4). Not thread safe.
 */
public final class IcmpErrorOriginator
{
    private Outcome lastReason = Outcome.EMPTY_PACKET;
    /** RFC 1812 s.4.3.2.3: an ICMPv4 error quotes as much as fits in 576 bytes. */
    static final int IPV4_ERROR_LIMIT = 576;
    /** RFC 4443 s.2.4(c): an ICMPv6 error quotes as much as fits in the minimum IPv6 MTU. */
    static final int IPV6_ERROR_LIMIT = 1280;
    static final int ERROR_TTL = 64;
    /** RFC 1812 s.4.3.2.5: ICMPv4 errors other than source quench SHOULD carry precedence 6 (internetwork control). */
    static final int ERROR_TOS = 0xC0;
    private static final long NANOS_PER_TOKEN = 1_000_000_000L;

    private final MutableDirectBuffer scratch;
    private final Ipv4Header ip4 = new Ipv4Header();
    private final Ipv6Header ip6 = new Ipv6Header();
    private long now;
    private long lastRefill;
    private long tokens = -1;
    private int identificationState = System.identityHashCode(this) | 1;

    public IcmpErrorOriginator(final MutableDirectBuffer scratch)
    {
        this.scratch = scratch;
    }

    /** Restarts the identification sequence from {@code seed}, for reproducible runs (fuzzing, tests). */
    public void seedIdentification(final int seed)
    {
        identificationState = seed | 1;
    }

    /** The data plane's monotonic clock, once per batch; the engine never reads a clock itself. */
    public void clock(final long nanoTime)
    {
        now = nanoTime;
    }

    /** Token bucket: {@code rate} tokens per second, burst {@code rate}; starts full. */
    private boolean acquire(final int rate)
    {
        final long capacity = rate * NANOS_PER_TOKEN;
        if (tokens < 0)
        {
            tokens = capacity;
            lastRefill = now;
        }
        final long elapsed = Math.min(Math.max(now - lastRefill, 0), NANOS_PER_TOKEN);
        lastRefill = now;
        tokens = Math.min(capacity, tokens + elapsed * rate);
        if (tokens >= NANOS_PER_TOKEN)
        {
            tokens -= NANOS_PER_TOKEN;
            return true;
        }
        return false;
    }

    /**
     * IPv4 identification for every packet this engine builds (translated 6->4 packets and ICMPv4 errors): one
     * xorshift sequence per engine, seeded per instance; unpredictable enough, no allocation, no shared state.
     */
    int nextIdentification()
    {
        int x = identificationState;
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        identificationState = x;
        return x & 0xFFFF;
    }

    /** Why the last ICMP error was sent (the outcome the packet would have had without it). */
    public Outcome lastReason()
    {
        return lastReason;
    }

    /**
     * RFC 7915 s.4.4 / RFC 1812 s.4.3.2: answers the (validated) IPv4 packet at {@code packet} with an ICMPv4 error
     * from {@code ipv4Address}. Returns {@code fallback} when no error may be sent.
     */
    Outcome sendIcmpv4(
        final TranslatorConfig config, final MutableDirectBuffer buffer, final int packet, final int packetLength,
        final int type, final int code, final int rest, final PacketSink sink, final Outcome fallback)
    {
        if (config.ipv4Address == 0 || config.icmpErrorsPerSecond <= 0 || !mayAnswerIpv4(buffer, packet, packetLength))
        {
            return fallback;
        }
        if (!acquire(config.icmpErrorsPerSecond))
        {
            return Outcome.ICMP_ERROR_RATE_LIMITED;
        }
        final int headers = Ipv4Header.MIN_LENGTH + Icmp.HEADER_LENGTH;
        final int quoted = Math.min(packetLength, IPV4_ERROR_LIMIT - headers);
        final int total = headers + quoted;
        final int destination = buffer.getInt(packet + Ipv4Header.SOURCE, ByteOrder.BIG_ENDIAN);
        ip4.wrap(scratch, 0).versionAndHeaderLength(Ipv4Header.MIN_LENGTH).tos(ERROR_TOS).totalLength(total)
            .identification(nextIdentification()).flagsAndFragmentOffset(0).ttl(ERROR_TTL)
            .protocol(Ipv4Header.PROTOCOL_ICMP).source(config.ipv4Address).destination(destination)
            .computeHeaderChecksum();
        final int icmp = Ipv4Header.MIN_LENGTH;
        writeIcmpHeader(icmp, type, code, rest);
        scratch.putBytes(icmp + Icmp.HEADER_LENGTH, buffer, packet, quoted);
        final int checksum = Checksum.finish(Checksum.add(scratch, icmp, total - icmp, 0));
        scratch.putShort(icmp + Icmp.CHECKSUM, (short)checksum, ByteOrder.BIG_ENDIAN);
        sink.emit(scratch, 0, total);
        lastReason = fallback;
        return Outcome.ICMPV4_ERROR_SENT;
    }

    /**
     * RFC 7915 s.5.4 / RFC 4443 s.2.4: answers the IPv6 packet at {@code packet} with an ICMPv6 error from
     * {@code ipv6Address}; {@code upperLayer}/{@code upperLayerOffset} say whether it is itself an ICMPv6 error
     * ({@code upperLayerOffset} negative for a non-first fragment). Returns {@code fallback} when no error may be sent.
     */
    Outcome sendIcmpv6(
        final TranslatorConfig config, final MutableDirectBuffer buffer, final int packet, final int packetLength,
        final int upperLayer, final int upperLayerOffset, final int type, final int code, final int rest,
        final PacketSink sink, final Outcome fallback)
    {
        if (config.ipv6Address == null || config.icmpErrorsPerSecond <= 0 ||
            !mayAnswerIpv6(buffer, packet, packetLength, upperLayer, upperLayerOffset))
        {
            return fallback;
        }
        if (!acquire(config.icmpErrorsPerSecond))
        {
            return Outcome.ICMP_ERROR_RATE_LIMITED;
        }
        final int headers = Ipv6Header.LENGTH + Icmp.HEADER_LENGTH;
        final int quoted = Math.min(packetLength, IPV6_ERROR_LIMIT - headers);
        final int total = headers + quoted;
        ip6.wrap(scratch, 0).versionClassFlow(0, 0).payloadLength(total - Ipv6Header.LENGTH)
            .nextHeader(Ipv6Header.NEXT_HEADER_ICMPV6).hopLimit(ERROR_TTL);
        scratch.putLong(Ipv6Header.SOURCE, config.ipv6Address.high(), ByteOrder.BIG_ENDIAN);
        scratch.putLong(Ipv6Header.SOURCE + 8, config.ipv6Address.low(), ByteOrder.BIG_ENDIAN);
        scratch.putBytes(Ipv6Header.DESTINATION, buffer, packet + Ipv6Header.SOURCE, 16);
        final int icmp = Ipv6Header.LENGTH;
        writeIcmpHeader(icmp, type, code, rest);
        scratch.putBytes(icmp + Icmp.HEADER_LENGTH, buffer, packet, quoted);
        final long sum = Checksum.ipv6PseudoHeader(scratch, Ipv6Header.SOURCE, total - icmp, Ipv6Header.NEXT_HEADER_ICMPV6);
        final int checksum = Checksum.finish(Checksum.add(scratch, icmp, total - icmp, sum));
        scratch.putShort(icmp + Icmp.CHECKSUM, (short)checksum, ByteOrder.BIG_ENDIAN);
        sink.emit(scratch, 0, total);
        lastReason = fallback;
        return Outcome.ICMPV6_ERROR_SENT;
    }

    private void writeIcmpHeader(final int icmp, final int type, final int code, final int rest)
    {
        scratch.putByte(icmp + Icmp.TYPE, (byte)type);
        scratch.putByte(icmp + Icmp.CODE, (byte)code);
        scratch.putShort(icmp + Icmp.CHECKSUM, (short)0);
        scratch.putInt(icmp + Icmp.REST, rest, ByteOrder.BIG_ENDIAN);
    }

    /**
     * RFC 1812 s.4.3.2.7: no error about an ICMP error, a non-first fragment, or a packet from or to an address that
     * does not name one host (this network, loopback, multicast, broadcast, class E).
     */
    static boolean mayAnswerIpv4(final MutableDirectBuffer buffer, final int packet, final int packetLength)
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
            return headerLength < packetLength && !isIcmpv4Error(buffer.getByte(packet + headerLength) & 0xFF);
        }
        return true;
    }

    private static boolean isUnicast4(final int address)
    {
        final int first = address >>> 24;
        return first != 0 && first != 127 && first < 224;
    }

    /** RFC 792 / RFC 1812: the ICMPv4 types that are not queries or replies are errors (unknown types included). */
    static boolean isIcmpv4Error(final int type)
    {
        switch (type)
        {
            case Icmp.V4_ECHO_REPLY:
            case Icmp.V4_ECHO_REQUEST:
            case Icmp.V4_ROUTER_ADVERTISEMENT:
            case Icmp.V4_ROUTER_SOLICITATION:
            case Icmp.V4_TIMESTAMP:
            case Icmp.V4_TIMESTAMP_REPLY:
            case Icmp.V4_INFORMATION_REQUEST:
            case Icmp.V4_INFORMATION_REPLY:
            case Icmp.V4_ADDRESS_MASK_REQUEST:
            case Icmp.V4_ADDRESS_MASK_REPLY:
                return false;
            default:
                return true;
        }
    }

    /** RFC 4443 s.2.4(e): no error about an ICMPv6 error, nor to or from a multicast or unspecified address. */
    static boolean mayAnswerIpv6(
        final MutableDirectBuffer buffer, final int packet, final int packetLength, final int upperLayer,
        final int upperLayerOffset)
    {
        final int sourceFirst = buffer.getByte(packet + Ipv6Header.SOURCE) & 0xFF;
        if (sourceFirst == 0xFF || (buffer.getLong(packet + Ipv6Header.SOURCE) == 0 &&
            buffer.getLong(packet + Ipv6Header.SOURCE + 8) == 0))
        {
            return false;
        }
        if ((buffer.getByte(packet + Ipv6Header.DESTINATION) & 0xFF) == 0xFF)
        {
            return false;
        }
        if (upperLayer == Ipv6Header.NEXT_HEADER_ICMPV6 && upperLayerOffset >= 0)
        {
            return upperLayerOffset < packet + packetLength &&
                (buffer.getByte(upperLayerOffset + Icmp.TYPE) & 0xFF) >= Icmp.V6_ECHO_REQUEST;
        }
        return true;
    }
}
