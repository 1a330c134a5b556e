package dev.xlat64.dataplane;

import dev.xlat64.engine.Translator;
import dev.xlat64.packet.Checksum;
import dev.xlat64.packet.Ipv4Header;
import dev.xlat64.packet.Ipv6Header;
import dev.xlat64.packet.Udp;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Cuts a UDP super-packet (USO, virtio-net GSO_UDP_L4) into the datagrams the kernel would have handed over without
 * USO, each with its own lengths, complete checksums and (IPv4) the identification GSO would give it. Used when the
 * datagrams would not fit the next hop once translated (e.g. 1472-byte IPv4 datagrams with DF clear, 20 bytes too long
 * for a 1500-byte IPv6 link): each is then translated like any packet, fragmented or answered with Packet Too Big on
 * its own. Never merged: UDP keeps its message boundaries. No I/O: a buffer in, datagrams out to a {@link Sink}.
 */
final class UdpSegmenter
{
    /** Receives each datagram, at {@link Translator#HEADROOM} of a buffer the next datagram reuses. */
    interface Sink
    {
        void segment(UnsafeBuffer buffer, int length);
    }

    private final UnsafeBuffer segment = new UnsafeBuffer(ByteBuffer.allocateDirect(Slot.BUFFER_SIZE));
    private final Ipv4Header ip4 = new Ipv4Header();

    /**
     * The datagrams in the super-packet of {@code length} bytes whose UDP header is at {@code udpOffset}, {@code
     * gsoSize} payload bytes each (a shorter last one); 0 when it is too short to hold its headers.
     */
    static int count(final int length, final int udpOffset, final int gsoSize)
    {
        final int payload = length - udpOffset - Udp.HEADER_LENGTH;
        if (payload < 0)
        {
            return 0;
        }
        final int step = step(payload, gsoSize);
        return Math.max(1, (payload + step - 1) / step);
    }

    private static int step(final int payload, final int gsoSize)
    {
        return gsoSize > 0 ? gsoSize : Math.max(1, payload);
    }

    /**
     * Hands {@code sink} each datagram of the super-packet at {@link Translator#HEADROOM} of {@code from} (see
     * {@link #count}), in order; returns how many.
     */
    int cut(final DirectBuffer from, final int length, final int udpOffset, final int gsoSize, final Sink sink)
    {
        final int count = count(length, udpOffset, gsoSize);
        final int step = step(length - udpOffset - Udp.HEADER_LENGTH, gsoSize);
        for (int i = 0; i < count; i++)
        {
            sink.segment(segment, cutUdpSegment(from, length, udpOffset, step, i, segment, ip4));
        }
        return count;
    }

    /**
     * Writes datagram {@code index} of the UDP super-packet at {@link Translator#HEADROOM} of {@code from} ({@code
     * length} bytes, UDP header at {@code udpOffset}, {@code step} payload bytes per datagram) to the same offset of
     * {@code to}, as the kernel's UDP segmentation would: IP header copied with its lengths (IPv4: total length,
     * identification + index, header checksum; IPv6: payload length) and UDP length and checksum for this datagram.
     * Returns its length.
     */
    static int cutUdpSegment(final DirectBuffer from, final int length, final int udpOffset, final int step,
        final int index, final MutableDirectBuffer to, final Ipv4Header ip4)
    {
        final int in = Translator.HEADROOM;
        final int headers = udpOffset + Udp.HEADER_LENGTH;
        final int done = index * step;
        final int chunk = Math.max(0, Math.min(step, length - headers - done));
        to.putBytes(in, from, in, headers);
        to.putBytes(in + headers, from, in + headers + done, chunk);
        final int segmentLength = headers + chunk;
        final int udpLength = Udp.HEADER_LENGTH + chunk;
        final int udp = in + udpOffset;
        to.putShort(udp + Udp.LENGTH, (short)udpLength, ByteOrder.BIG_ENDIAN);
        to.putShort(udp + Udp.CHECKSUM, (short)0);
        final long pseudoHeader;
        if ((from.getByte(in) & 0xF0) == 0x40)
        {
            ip4.wrap(to, in);
            ip4.totalLength(segmentLength).identification(ip4.identification() + index).computeHeaderChecksum();
            pseudoHeader = Checksum.ipv4PseudoHeader(ip4.source(), ip4.destination(), udpLength,
                Ipv4Header.PROTOCOL_UDP);
        }
        else
        {
            to.putShort(in + Ipv6Header.PAYLOAD_LENGTH, (short)(segmentLength - Ipv6Header.LENGTH),
                ByteOrder.BIG_ENDIAN);
            pseudoHeader = Checksum.ipv6PseudoHeader(to, in + Ipv6Header.SOURCE, udpLength, Ipv4Header.PROTOCOL_UDP);
        }
        final int checksum = Checksum.finish(Checksum.add(to, udp, udpLength, pseudoHeader));
        // RFC 768: a computed zero is sent as all ones.
        to.putShort(udp + Udp.CHECKSUM, (short)(checksum == 0 ? 0xFFFF : checksum), ByteOrder.BIG_ENDIAN);
        return segmentLength;
    }
}
