package dev.xlat64.encap;

import dev.xlat64.packet.Ipv4Header;
import dev.xlat64.packet.Ipv6Header;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * The 6in4 transform (RFC 4213 s.3, protocol 41) with ECN per RFC 6040: encapsulation writes an IPv4 header into the
 * headroom in front of the IPv6 packet, which never moves; decapsulation checks the inner packet and combines the ECN
 * fields. No policy: which addresses and which packets is the mechanism's business (6rd today).
 * Not thread safe: one per engine.
 */
public final class Ipv6InIpv4
{
    /** The outer header: IPv4 without options. */
    public static final int OUTER_HEADER_LENGTH = Ipv4Header.MIN_LENGTH;
    /** {@link #innerPacketLength}: the payload is not an IPv6 packet (version, or a jumbogram). */
    public static final int INNER_NOT_IPV6 = -1;
    /** {@link #innerPacketLength}: the inner IPv6 packet is cut short. */
    public static final int INNER_TRUNCATED = -2;

    private static final int ECN_MASK = 0x03;
    private static final int NOT_ECT = 0x00;
    private static final int ECT_1 = 0x01;
    private static final int CE = 0x03;

    private final Ipv4Header ip4 = new Ipv4Header();

    /**
     * RFC 4213 s.3.5: writes the outer header in front of the IPv6 packet at {@code inner}: version 4, no options, DS
     * field and ECN copied from the traffic class (RFC 6040 s.4.1 normal mode, uniform DSCP), DF set (RFC 4213 s.3.2:
     * the tunnel MTU is fixed, so the path must carry it whole; the identification of an atomic datagram may be zero,
     * RFC 6864 s.4.1), the given TTL, protocol 41. Returns where the outer packet starts.
     */
    public int encapsulate(
        final MutableDirectBuffer buffer, final int inner, final int innerLength, final int ttl, final int source,
        final int destination)
    {
        final int out = inner - OUTER_HEADER_LENGTH;
        final int trafficClass = (buffer.getShort(inner, ByteOrder.BIG_ENDIAN) >>> 4) & 0xFF;
        ip4.wrap(buffer, out).versionAndHeaderLength(Ipv4Header.MIN_LENGTH)
            .tos(trafficClass)
            .totalLength(OUTER_HEADER_LENGTH + innerLength)
            .identification(0)
            .flagsAndFragmentOffset(Ipv4Header.FLAG_DF)
            .ttl(ttl)
            .protocol(Ipv4Header.PROTOCOL_IPV6)
            .source(source)
            .destination(destination)
            .computeHeaderChecksum();
        return out;
    }

    /**
     * RFC 4213 s.3.5 / RFC 8200 s.3: the length of the whole IPv6 packet at {@code inner} in the {@code available}
     * bytes of the 6in4 payload (trailing padding is ignored), or {@link #INNER_NOT_IPV6} / {@link #INNER_TRUNCATED}.
     */
    public static int innerPacketLength(final MutableDirectBuffer buffer, final int inner, final int available)
    {
        if (available < Ipv6Header.LENGTH)
        {
            return available > 0 && (buffer.getByte(inner) & 0xF0) != 0x60 ? INNER_NOT_IPV6 : INNER_TRUNCATED;
        }
        if ((buffer.getByte(inner) & 0xF0) != 0x60)
        {
            return INNER_NOT_IPV6;
        }
        final int payloadLength = buffer.getShort(inner + Ipv6Header.PAYLOAD_LENGTH, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        if (payloadLength == 0)
        {
            return INNER_NOT_IPV6; // a jumbogram (RFC 2675) cannot fit in an IPv4 packet
        }
        return Ipv6Header.LENGTH + payloadLength > available ? INNER_TRUNCATED : Ipv6Header.LENGTH + payloadLength;
    }

    /**
     * RFC 6040 s.4.2 (normal mode decapsulation, Figure 4): outer CE marks an ECN-capable inner packet CE and drops a
     * Not-ECT one (false: drop); outer ECT(1) upgrades inner ECT(0); otherwise the inner ECN field stays.
     */
    public static boolean decapsulateEcn(final Ipv6Header in, final int outerTos)
    {
        final int outerEcn = outerTos & ECN_MASK;
        final int trafficClass = in.trafficClass();
        final int innerEcn = trafficClass & ECN_MASK;
        int resultEcn = innerEcn;
        if (innerEcn == NOT_ECT)
        {
            if (outerEcn == CE)
            {
                return false;
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
        return true;
    }
}
