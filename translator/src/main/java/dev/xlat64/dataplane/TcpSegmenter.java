package dev.xlat64.dataplane;

import dev.xlat64.engine.Translator;
import dev.xlat64.packet.Checksum;
import dev.xlat64.packet.Ipv4Header;
import dev.xlat64.packet.Ipv6Header;
import dev.xlat64.packet.Tcp;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Cuts a TCP super-packet (TSO, virtio-net GSO_TCPV4/TCPV6) into the segments the kernel would have sent without it,
 * as Linux's TCP segmentation does: sequence number advanced by the bytes before, CWR on the first segment only, FIN
 * and PSH on the last only, complete checksums, (IPv4) identification + index. Used, like {@link UdpSegmenter} for
 * UDP, when the segments would not fit the next hop once translated (RFC 7915 s.4.1: DF=0 IPv4 above the lowest IPv6
 * MTU is fragmented), so that GSO on and off put the same packets on the wire. No I/O: a buffer in, segments out.
 */
final class TcpSegmenter
{
    private static final int SEQUENCE = 4;
    private static final int FLAGS = 13;
    private static final int FIN = 0x01;
    private static final int PSH = 0x08;
    private static final int CWR = 0x80;

    private final UnsafeBuffer segment = new UnsafeBuffer(ByteBuffer.allocateDirect(Slot.BUFFER_SIZE));
    private final Ipv4Header ip4 = new Ipv4Header();

    /**
     * The segments in the super-packet of {@code length} bytes whose TCP header ({@code tcpHeaderLength} bytes) is at
     * {@code tcpOffset}, {@code mss} payload bytes each (a shorter last one); 0 when it is too short for its headers.
     */
    static int count(final int length, final int tcpOffset, final int tcpHeaderLength, final int mss)
    {
        final int payload = length - tcpOffset - tcpHeaderLength;
        if (payload < 0 || tcpHeaderLength < Tcp.MIN_HEADER_LENGTH)
        {
            return 0;
        }
        final int step = mss > 0 ? mss : Math.max(1, payload);
        return Math.max(1, (payload + step - 1) / step);
    }

    /** Hands {@code sink} each segment of the super-packet at {@link Translator#HEADROOM} of {@code from}, in order. */
    int cut(final DirectBuffer from, final int length, final int tcpOffset, final int mss, final UdpSegmenter.Sink sink)
    {
        // RFC 793: the data offset counts 32-bit words, in the high nibble of byte 12.
        final int tcpHeaderLength = (from.getByte(Translator.HEADROOM + tcpOffset + 12) & 0xF0) >>> 2;
        final int count = count(length, tcpOffset, tcpHeaderLength, mss);
        final int step = mss > 0 ? mss : Math.max(1, length - tcpOffset - tcpHeaderLength);
        for (int i = 0; i < count; i++)
        {
            sink.segment(segment,
                cutTcpSegment(from, length, tcpOffset, tcpHeaderLength, step, i, count, segment, ip4));
        }
        return count;
    }

    /**
     * Writes segment {@code index} of {@code count} of the TCP super-packet at {@link Translator#HEADROOM} of
     * {@code from} to the same offset of {@code to}, as the kernel's segmentation would; returns its length.
     */
    static int cutTcpSegment(final DirectBuffer from, final int length, final int tcpOffset, final int tcpHeaderLength,
        final int step, final int index, final int count, final MutableDirectBuffer to, final Ipv4Header ip4)
    {
        final int in = Translator.HEADROOM;
        final int headers = tcpOffset + tcpHeaderLength;
        final int done = index * step;
        final int chunk = Math.max(0, Math.min(step, length - headers - done));
        to.putBytes(in, from, in, headers);
        to.putBytes(in + headers, from, in + headers + done, chunk);
        final int segmentLength = headers + chunk;
        final int tcp = in + tcpOffset;
        final int tcpLength = tcpHeaderLength + chunk;
        to.putInt(tcp + SEQUENCE, from.getInt(tcp + SEQUENCE, ByteOrder.BIG_ENDIAN) + done, ByteOrder.BIG_ENDIAN);
        int flags = from.getByte(tcp + FLAGS) & 0xFF;
        if (index > 0)
        {
            flags &= ~CWR;
        }
        if (index < count - 1)
        {
            flags &= ~(FIN | PSH);
        }
        to.putByte(tcp + FLAGS, (byte)flags);
        to.putShort(tcp + Tcp.CHECKSUM, (short)0);
        final long pseudoHeader;
        if ((from.getByte(in) & 0xF0) == 0x40)
        {
            ip4.wrap(to, in);
            ip4.totalLength(segmentLength).identification(ip4.identification() + index).computeHeaderChecksum();
            pseudoHeader = Checksum.ipv4PseudoHeader(ip4.source(), ip4.destination(), tcpLength,
                Ipv4Header.PROTOCOL_TCP);
        }
        else
        {
            to.putShort(in + Ipv6Header.PAYLOAD_LENGTH, (short)(segmentLength - Ipv6Header.LENGTH),
                ByteOrder.BIG_ENDIAN);
            pseudoHeader = Checksum.ipv6PseudoHeader(to, in + Ipv6Header.SOURCE, tcpLength, Ipv4Header.PROTOCOL_TCP);
        }
        to.putShort(tcp + Tcp.CHECKSUM, (short)Checksum.finish(Checksum.add(to, tcp, tcpLength, pseudoHeader)),
            ByteOrder.BIG_ENDIAN);
        return segmentLength;
    }
}
