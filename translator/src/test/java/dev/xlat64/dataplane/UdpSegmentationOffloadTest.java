package dev.xlat64.dataplane;

import dev.xlat64.engine.Translator;
import dev.xlat64.packet.Ipv4Header;
import dev.xlat64.packet.Tcp;
import dev.xlat64.packet.VirtioNetHeader;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static dev.xlat64.testing.TestPackets.DF;
import static dev.xlat64.testing.TestPackets.TCP;
import static dev.xlat64.testing.TestPackets.UDP;
import static dev.xlat64.testing.TestPackets.bytes;
import static dev.xlat64.testing.TestPackets.concat;
import static dev.xlat64.testing.TestPackets.hex;
import static dev.xlat64.testing.TestPackets.ipv4;
import static dev.xlat64.testing.TestPackets.ipv4Header;
import static dev.xlat64.testing.TestPackets.ipv6;
import static dev.xlat64.testing.TestPackets.slice;
import static dev.xlat64.testing.TestPackets.tcp;
import static dev.xlat64.testing.TestPackets.udp;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * UDP super-packets (TUN_F_USO4/6, virtio-net GSO_UDP_L4): the per-segment rules UdpSegmenter and VirtioNetOffload
 * apply around the engine, byte-exact against datagrams built one by one.
 */
class UdpSegmentationOffloadTest
{
    private static final String H6 = "2001:db8:1::2";
    private static final String H4_AS_IPV6 = "2001:db8:64::c633:6402";
    private static final String H4 = "198.51.100.2";
    private static final String H6_AS_IPV4 = "192.0.2.2";

    /** Payload of datagram {@code i} of {@code count}, {@code step} bytes each but a shorter last one. */
    private static byte[] chunk(final int i, final int step, final int total)
    {
        return slice(bytes(total, 9), i * step, Math.min(total, (i + 1) * step));
    }

    /** A super-packet as the kernel hands it over: one IP and UDP header for the whole payload. */
    private static UnsafeBuffer superPacket(final byte[] packet)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(Translator.HEADROOM + 70000));
        buffer.putBytes(Translator.HEADROOM, packet);
        return buffer;
    }

    private static byte[] cut(final UnsafeBuffer from, final int length, final int udpOffset, final int step,
        final int i)
    {
        final UnsafeBuffer to = new UnsafeBuffer(ByteBuffer.allocateDirect(Translator.HEADROOM + 70000));
        final int n = UdpSegmenter.cutUdpSegment(from, length, udpOffset, step, i, to, new Ipv4Header());
        final byte[] out = new byte[n];
        to.getBytes(Translator.HEADROOM, out);
        return out;
    }

    @Test
    void ipv6SuperPacketIsCutIntoTheDatagramsGsoWouldSend()
    {
        final int step = 64;
        final int total = 3 * step + 10; // three full datagrams and a short one
        final byte[] whole = ipv6(H6, H4_AS_IPV6, UDP, 64, 0, 0, udp(H6, H4_AS_IPV6, 4000, 9, bytes(total, 9)));
        final UnsafeBuffer buffer = superPacket(whole);
        for (int i = 0; i < 4; i++)
        {
            final byte[] expected =
                ipv6(H6, H4_AS_IPV6, UDP, 64, 0, 0, udp(H6, H4_AS_IPV6, 4000, 9, chunk(i, step, total)));
            assertEquals(hex(expected), hex(cut(buffer, whole.length, 40, step, i)), "datagram " + i);
        }
    }

    @Test
    void ipv4SuperPacketDatagramsTakeTheNextIdentificationAndOwnChecksums()
    {
        final int step = 1472;
        final int total = 2 * step + 1;
        final byte[] whole =
            ipv4(H4, H6_AS_IPV4, UDP, 64, 0, 0xFFFE, 0, udp(H4, H6_AS_IPV4, 5000, 6000, bytes(total, 9)));
        final UnsafeBuffer buffer = superPacket(whole);
        for (int i = 0; i < 3; i++)
        {
            final byte[] expected = ipv4(H4, H6_AS_IPV4, UDP, 64, 0, (0xFFFE + i) & 0xFFFF, 0,
                udp(H4, H6_AS_IPV4, 5000, 6000, chunk(i, step, total)));
            assertEquals(hex(expected), hex(cut(buffer, whole.length, 20, step, i)), "datagram " + i);
        }
    }

    @Test
    void rfc7915Section5_1DfIsClearedWhenEachSegmentIs1260BytesOrLess()
    {
        final byte[] withDf = ipv4Header(H6_AS_IPV4, H4, UDP, 63, 0, 0x1234, DF, 64 * 100);
        final byte[] withoutDf = ipv4Header(H6_AS_IPV4, H4, UDP, 63, 0, 0x1234, 0, 64 * 100);
        final UnsafeBuffer buffer = superPacket(withDf);
        VirtioNetOffload.clearDontFragmentOfSmallSegments(buffer, Translator.HEADROOM, 1260);
        final byte[] out = new byte[20];
        buffer.getBytes(Translator.HEADROOM, out);
        assertEquals(hex(withoutDf), hex(out), "1260-byte segments: DF clear, header checksum updated");

        final UnsafeBuffer big = superPacket(withDf);
        VirtioNetOffload.clearDontFragmentOfSmallSegments(big, Translator.HEADROOM, 1261);
        big.getBytes(Translator.HEADROOM, out);
        assertEquals(hex(withDf), hex(out), "1261-byte segments keep DF");
    }

    @Test
    void segmentHeadersAreUdpsEightBytesOrTheTcpDataOffset()
    {
        final byte[] tcp = ipv6(H6, H4_AS_IPV6, TCP, 64, 0, 0, concat(
            tcp(H6, H4_AS_IPV6, 1000, 80, 1, 2, 0x18, bytes(10, 1))));
        final UnsafeBuffer buffer = superPacket(tcp);
        assertEquals(Tcp.MIN_HEADER_LENGTH,
            VirtioNetOffload.l4HeaderLength(buffer, Translator.HEADROOM + 40, VirtioNetHeader.GSO_TCPV6));
        assertEquals(8, VirtioNetOffload.l4HeaderLength(buffer, Translator.HEADROOM + 40, VirtioNetHeader.GSO_UDP_L4));
    }
}
