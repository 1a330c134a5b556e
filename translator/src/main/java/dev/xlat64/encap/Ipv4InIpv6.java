package dev.xlat64.encap;

import dev.xlat64.core.PacketSink;
import dev.xlat64.packet.Checksum;
import dev.xlat64.packet.FragmentHeader;
import dev.xlat64.packet.Ipv4Header;
import dev.xlat64.packet.Ipv6Header;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * The 4in6 transform (RFC 2473, next header 4) with ECN per RFC 6040: encapsulation writes an IPv6 header into the
 * headroom in front of the IPv4 packet, which never moves, and fragments the tunnel packet when it exceeds the tunnel
 * MTU (RFC 2473 s.7.1); decapsulation checks the inner packet and combines the ECN fields. No policy: which addresses
 * and which packets is the mechanism's business (MAP-E, lw4o6). Not thread safe: one per engine.
 */
public final class Ipv4InIpv6
{
    /** The outer header: IPv6 without extension headers. */
    public static final int OUTER_HEADER_LENGTH = Ipv6Header.LENGTH;
    /** RFC 2473 s.4: the next header that says "an IPv4 packet follows". */
    public static final int NEXT_HEADER_IPV4 = 4;
    /** {@link #innerPacketLength}: the payload is not an IPv4 packet. */
    public static final int INNER_NOT_IPV4 = -1;
    /** {@link #innerPacketLength}: the inner IPv4 packet is cut short. */
    public static final int INNER_TRUNCATED = -2;

    private static final int FRAGMENT_UNIT = 8;
    private static final int ECN_MASK = 0x03;
    private static final int NOT_ECT = 0x00;
    private static final int ECT_1 = 0x01;
    private static final int CE = 0x03;

    private final Ipv6Header ip6 = new Ipv6Header();
    private final MutableDirectBuffer scratch;
    private int identification;

    /** @param scratch where the fragments of an oversized tunnel packet are built (the engine's, 64 KiB) */
    public Ipv4InIpv6(final MutableDirectBuffer scratch)
    {
        this.scratch = scratch;
    }

    /**
     * RFC 2473 s.6: writes the outer header in front of the IPv4 packet at {@code inner}: traffic class and ECN from
     * the TOS (RFC 6040 s.4.1 normal mode, uniform DSCP), flow label 0, next header 4, the given hop limit and
     * addresses. Returns where the outer packet starts.
     */
    public int encapsulate(
        final MutableDirectBuffer buffer, final int inner, final int innerLength, final int hopLimit,
        final long sourceHigh, final long sourceLow, final long destinationHigh, final long destinationLow)
    {
        final int out = inner - OUTER_HEADER_LENGTH;
        final int tos = buffer.getByte(inner + Ipv4Header.TOS) & 0xFF;
        ip6.wrap(buffer, out).writeFirstWord(tos, 0, innerLength, NEXT_HEADER_IPV4, hopLimit)
            .addresses(sourceHigh, sourceLow, destinationHigh, destinationLow);
        return out;
    }

    /**
     * RFC 2473 s.7.1: the tunnel packet at {@code out} is larger than {@code mtu}: it is sent in IPv6 fragments of at
     * most {@code mtu} bytes (fragment header after the outer header, one identification per tunnel packet), built one
     * at a time in the scratch buffer.
     */
    public void emitFragmented(
        final MutableDirectBuffer buffer, final int out, final int length, final int mtu, final PacketSink sink)
    {
        final int headers = Ipv6Header.LENGTH + FragmentHeader.LENGTH;
        final int dataLength = length - Ipv6Header.LENGTH;
        final int chunkMax = Math.max(FRAGMENT_UNIT, (mtu - headers) & ~(FRAGMENT_UNIT - 1));
        final int id = ++identification;
        for (int done = 0; done < dataLength; done += chunkMax)
        {
            final int chunk = Math.min(chunkMax, dataLength - done);
            scratch.putBytes(0, buffer, out, Ipv6Header.LENGTH);
            ip6.wrap(scratch, 0).payloadLength(FragmentHeader.LENGTH + chunk)
                .nextHeader(Ipv6Header.NEXT_HEADER_FRAGMENT);
            FragmentHeader.write(scratch, Ipv6Header.LENGTH, NEXT_HEADER_IPV4, done >>> 3, done + chunk < dataLength,
                id);
            scratch.putBytes(headers, buffer, out + Ipv6Header.LENGTH + done, chunk);
            sink.emit(scratch, 0, headers + chunk);
        }
    }

    /**
     * RFC 2473 s.3 / RFC 791: the length of the whole IPv4 packet at {@code inner} in the {@code available} bytes of
     * the tunnel payload (trailing padding ignored), or {@link #INNER_NOT_IPV4} / {@link #INNER_TRUNCATED}.
     */
    public static int innerPacketLength(final MutableDirectBuffer buffer, final int inner, final int available)
    {
        if (available < Ipv4Header.MIN_LENGTH)
        {
            return available > 0 && (buffer.getByte(inner) & 0xF0) != 0x40 ? INNER_NOT_IPV4 : INNER_TRUNCATED;
        }
        final int versionIhl = buffer.getByte(inner) & 0xFF;
        if ((versionIhl & 0xF0) != 0x40 || (versionIhl & 0x0F) * 4 < Ipv4Header.MIN_LENGTH)
        {
            return INNER_NOT_IPV4;
        }
        final int totalLength = buffer.getShort(inner + Ipv4Header.TOTAL_LENGTH, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        if (totalLength < (versionIhl & 0x0F) * 4)
        {
            return INNER_NOT_IPV4;
        }
        return totalLength > available ? INNER_TRUNCATED : totalLength;
    }

    /**
     * RFC 6040 s.4.2 (normal mode decapsulation, Figure 4): outer CE marks an ECN-capable inner packet CE and drops a
     * Not-ECT one (false: drop); outer ECT(1) upgrades inner ECT(0); otherwise the inner ECN field stays. The inner
     * header checksum is updated when the TOS changes (RFC 1624).
     */
    public static boolean decapsulateEcn(final MutableDirectBuffer buffer, final int inner, final int outerTrafficClass)
    {
        final int outerEcn = outerTrafficClass & ECN_MASK;
        final int tos = buffer.getByte(inner + Ipv4Header.TOS) & 0xFF;
        final int innerEcn = tos & ECN_MASK;
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
            final int oldWord = buffer.getShort(inner, ByteOrder.BIG_ENDIAN) & 0xFFFF;
            buffer.putByte(inner + Ipv4Header.TOS, (byte)((tos & ~ECN_MASK) | resultEcn));
            final int newWord = buffer.getShort(inner, ByteOrder.BIG_ENDIAN) & 0xFFFF;
            replaceInHeaderChecksum(buffer, inner, oldWord, newWord);
        }
        return true;
    }

    /** RFC 1624: the IPv4 header checksum after one 16-bit word of the header changed from m to m'. */
    public static void replaceInHeaderChecksum(
        final MutableDirectBuffer buffer, final int inner, final int oldWord, final int newWord)
    {
        final int at = inner + Ipv4Header.HEADER_CHECKSUM;
        final int oldChecksum = buffer.getShort(at, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        buffer.putShort(at, (short)Checksum.update(oldChecksum, oldWord, newWord),
            ByteOrder.BIG_ENDIAN);
    }
}
