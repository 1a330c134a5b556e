package dev.xlat64.dataplane;

import dev.xlat64.addr.AddressMapper;
import dev.xlat64.addr.Eamt;
import dev.xlat64.addr.Rfc6052Prefix;
import dev.xlat64.core.Counters;
import dev.xlat64.core.Outcome;
import dev.xlat64.core.TranslatorConfig;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

import static dev.xlat64.testing.TestPackets.DF;
import static dev.xlat64.testing.TestPackets.ICMPV6;
import static dev.xlat64.testing.TestPackets.TCP;
import static dev.xlat64.testing.TestPackets.UDP;
import static dev.xlat64.testing.TestPackets.addr;
import static dev.xlat64.testing.TestPackets.bytes;
import static dev.xlat64.testing.TestPackets.checksum;
import static dev.xlat64.testing.TestPackets.concat;
import static dev.xlat64.testing.TestPackets.fragmentHeader;
import static dev.xlat64.testing.TestPackets.hex;
import static dev.xlat64.testing.TestPackets.icmp4;
import static dev.xlat64.testing.TestPackets.icmp6;
import static dev.xlat64.testing.TestPackets.ipv4;
import static dev.xlat64.testing.TestPackets.ipv4Header;
import static dev.xlat64.testing.TestPackets.ipv6;
import static dev.xlat64.testing.TestPackets.slice;
import static dev.xlat64.testing.TestPackets.tcp;
import static dev.xlat64.testing.TestPackets.udp;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The virtio-net offload rules of the agent, without a TUN device: packets with a virtio-net header are fed through a
 * {@link FakeQueue} and the whole packets written (header included) compared with ones built here from the rules:
 * GSO type TCPV4 <-> TCPV6 (ECN kept, UDP_L4 unchanged), csum_start and hdr_len moved by the IP header difference, the
 * partial checksum (the uncomplemented pseudo-header sum) handed back for the new pseudo-header, RFC 7915 s.5.1 DF on
 * small segments, and UDP super-packets cut into datagrams when these do not fit. The IPv4 identification of a 6->4
 * translation is the engine's random one (RFC 7915 s.5.1): it is taken from the output, everything else is built here.
 */
class VirtioNetOffloadTest
{
    private static final String H6 = "2001:db8:6::7";
    private static final String H6_AS_IPV4 = "198.51.100.7";
    private static final String H4 = "198.51.100.9";
    private static final String H4_AS_IPV6 = "2001:db8:64::c633:6409";
    private static final int NEEDS_CSUM = 1;
    private static final int TCPV4 = 1;
    private static final int TCPV6 = 4;
    private static final int UDP_L4 = 5;
    private static final int ECN = 0x80;
    private static final byte[] PLAIN = new byte[10];

    private final FakeQueue queue = new FakeQueue(true, false);
    private final TunAgent agent = new TunAgent(queue, () -> config(0), true);

    private static TranslatorConfig config(final int ipv4Mtu)
    {
        return TranslatorConfig.builder(new AddressMapper(Rfc6052Prefix.parse("2001:db8:64::/96"),
            new Eamt(List.of(Eamt.Entry.parse(H6_AS_IPV4 + "=" + H6))), true)).ipv4Mtu(ipv4Mtu).build();
    }

    /** struct virtio_net_hdr, little-endian. */
    private static byte[] vnet(final int flags, final int gsoType, final int hdrLen, final int gsoSize,
        final int csumStart, final int csumOffset)
    {
        return ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN).put((byte)flags).put((byte)gsoType)
            .putShort((short)hdrLen).putShort((short)gsoSize).putShort((short)csumStart).putShort((short)csumOffset)
            .array();
    }

    /** The uncomplemented, folded pseudo-header sum the kernel leaves in a NEEDS_CSUM checksum field (IPv6). */
    private static int partial6(final String src, final String dst, final int length, final int nextHeader)
    {
        return ~checksum(ByteBuffer.allocate(40).put(addr(src)).put(addr(dst)).putInt(length).putInt(nextHeader)
            .array()) & 0xFFFF;
    }

    /** The same for IPv4 (RFC 793 / RFC 768 pseudo-header). */
    private static int partial4(final String src, final String dst, final int length, final int protocol)
    {
        return ~checksum(ByteBuffer.allocate(12).put(addr(src)).put(addr(dst)).put((byte)0).put((byte)protocol)
            .putShort((short)length).array()) & 0xFFFF;
    }

    private static byte[] withChecksum(final byte[] l4, final int at, final int value)
    {
        final byte[] copy = l4.clone();
        copy[at] = (byte)(value >> 8);
        copy[at + 1] = (byte)value;
        return copy;
    }

    private static int identification(final byte[] written)
    {
        return (written[10 + 4] & 0xFF) << 8 | written[10 + 5] & 0xFF;
    }

    private void assertWritten(final int index, final byte[] expected)
    {
        assertEquals(hex(expected), hex(queue.written.get(index)), "packet " + index + " written");
    }

    @Test
    void tcpv6SuperPacketLeavesAsTcpv4WithMovedOffsetsAndItsPartialChecksum()
    {
        final byte[] payload = bytes(3 * 1000, 1);
        final byte[] segmentIn = withChecksum(tcp(H6, H4_AS_IPV6, 1000, 80, 1, 2, 0x18, payload), 16,
            partial6(H6, H4_AS_IPV6, 0, TCP));
        queue.feed(concat(vnet(NEEDS_CSUM, TCPV6, 60, 1000, 40, 16), ipv6(H6, H4_AS_IPV6, TCP, 64, 0, 0, segmentIn)));
        assertEquals(1, agent.doWork());

        final byte[] segmentOut = withChecksum(segmentIn, 16, partial4(H6_AS_IPV4, H4, 0, TCP));
        // RFC 7915 s.5.1: 1040-byte segments are not above 1260 bytes, so DF is clear on them.
        assertWritten(0, concat(vnet(NEEDS_CSUM, TCPV4, 40, 1000, 20, 16),
            ipv4(H6_AS_IPV4, H4, TCP, 63, 0, identification(queue.written.get(0)), 0, segmentOut)));
        assertEquals(List.of(true), queue.inPlace);
        assertEquals(1, agent.counters().packets(Outcome.TRANSLATED_6TO4));
    }

    @Test
    void tcpv4EcnSuperPacketLeavesAsTcpv6EcnWithMovedOffsetsAndItsPartialChecksum()
    {
        final byte[] payload = bytes(2 * 1400 + 100, 2);
        final byte[] segmentIn = withChecksum(tcp(H4, H6_AS_IPV4, 5000, 443, 7, 9, 0x10, payload), 16,
            partial4(H4, H6_AS_IPV4, 0, TCP));
        queue.feed(concat(vnet(NEEDS_CSUM, TCPV4 | ECN, 40, 1400, 20, 16),
            ipv4(H4, H6_AS_IPV4, TCP, 64, 0x02, 0x1234, DF, segmentIn)));
        agent.doWork();

        final byte[] segmentOut = withChecksum(segmentIn, 16, partial6(H4_AS_IPV6, H6, 0, TCP));
        assertWritten(0, concat(vnet(NEEDS_CSUM, TCPV6 | ECN, 60, 1400, 40, 16),
            ipv6(H4_AS_IPV6, H6, TCP, 63, 0x02, 0, segmentOut)));
        assertEquals(1, agent.counters().packets(Outcome.TRANSLATED_4TO6));
    }

    @Test
    void superPacketOf65520BytesWhoseSegmentsFitIsNotRefused()
    {
        // 65520-byte IPv4 super-packet (DF): 65540 bytes as IPv6, payload length 65500; 1460-byte segments fit 1500.
        final byte[] payload = bytes(65520 - 40, 3);
        final byte[] segmentIn = withChecksum(tcp(H4, H6_AS_IPV4, 5000, 443, 7, 9, 0x10, payload), 16,
            partial4(H4, H6_AS_IPV4, 0, TCP));
        queue.feed(concat(vnet(NEEDS_CSUM, TCPV4, 40, 1400, 20, 16),
            ipv4(H4, H6_AS_IPV4, TCP, 64, 0, 0x1234, DF, segmentIn)));
        agent.doWork();

        final byte[] segmentOut = withChecksum(segmentIn, 16, partial6(H4_AS_IPV6, H6, 0, TCP));
        assertWritten(0, concat(vnet(NEEDS_CSUM, TCPV6, 60, 1400, 40, 16),
            ipv6(H4_AS_IPV6, H6, TCP, 63, 0, 0, segmentOut)));
        assertEquals(1, queue.written.size());
        assertEquals(1, agent.counters().packets(Outcome.TRANSLATED_4TO6));
    }

    @Test
    void tcpv4SuperPacketWithoutDfWhoseSegmentsDoNotFitIsCutLikeUdpAndMatchesGsoOff()
    {
        // Three segments (1400, 1400, 100 bytes) of 1440-byte IPv4 packets, DF clear: 1460 bytes as IPv6, above the
        // lowest IPv6 MTU (1280), so each is fragmented (RFC 7915 s.4.1), exactly as when the sender did not use GSO.
        final int mss = 1400;
        final byte[] payload = bytes(2 * mss + 100, 4);
        final byte[] whole = withChecksum(tcp(H4, H6_AS_IPV4, 5000, 443, 0x7FFFFF00, 9, 0x99, payload), 16,
            partial4(H4, H6_AS_IPV4, 0, TCP));
        queue.feed(concat(vnet(NEEDS_CSUM, TCPV4, 40, mss, 20, 16),
            ipv4(H4, H6_AS_IPV4, TCP, 64, 0, 0xFFFF, 0, whole)));
        agent.doWork();

        // GSO off: the segments Linux's TCP segmentation makes (sequence advanced, CWR first only, FIN/PSH last only,
        // identification + index, complete checksums), fed one by one behind a plain header.
        final FakeQueue plain = new FakeQueue(true, false);
        final TunAgent noGso = new TunAgent(plain, () -> config(0), true);
        final int[] flags = {0x90, 0x10, 0x19};
        for (int i = 0; i < 3; i++)
        {
            final byte[] chunk = slice(payload, i * mss, Math.min(payload.length, (i + 1) * mss));
            plain.feed(concat(PLAIN, ipv4(H4, H6_AS_IPV4, TCP, 64, 0, (0xFFFF + i) & 0xFFFF, 0,
                tcp(H4, H6_AS_IPV4, 5000, 443, 0x7FFFFF00 + i * mss, 9, flags[i], chunk))));
        }
        noGso.doWork();
        assertEquals(5, plain.written.size(), "two fragments each for the full segments, the short one whole");
        assertEquals(plain.written.size(), queue.written.size());
        for (int i = 0; i < plain.written.size(); i++)
        {
            assertEquals(hex(plain.written.get(i)), hex(queue.written.get(i)), "packet " + i);
        }
        assertEquals(3, agent.counters().packets(Outcome.TRANSLATED_4TO6));
    }

    @Test
    void rfc7915Section5_1TcpSegmentsAbove1260BytesKeepDf()
    {
        final byte[] segmentIn = withChecksum(tcp(H6, H4_AS_IPV6, 1000, 80, 1, 2, 0x18, bytes(2 * 1300 + 5, 3)), 16,
            partial6(H6, H4_AS_IPV6, 0, TCP));
        queue.feed(concat(vnet(NEEDS_CSUM, TCPV6, 60, 1300, 40, 16), ipv6(H6, H4_AS_IPV6, TCP, 64, 0, 0, segmentIn)));
        agent.doWork();

        // 20 + 20 + 1300 = 1340 bytes per full segment: DF stays, the short last one keeps it like its siblings.
        assertWritten(0, concat(vnet(NEEDS_CSUM, TCPV4, 40, 1300, 20, 16), ipv4(H6_AS_IPV4, H4, TCP, 63, 0,
            identification(queue.written.get(0)), DF, withChecksum(segmentIn, 16, partial4(H6_AS_IPV4, H4, 0, TCP)))));
    }

    @Test
    void rfc7915Section5_1UdpSuperPacketOfSmallDatagramsLosesDfAndKeepsUdpL4()
    {
        final byte[] payload = bytes(100 * 64, 4);
        final byte[] datagramIn = withChecksum(udp(H6, H4_AS_IPV6, 4000, 53, payload), 6,
            partial6(H6, H4_AS_IPV6, 8 + payload.length, UDP));
        queue.feed(concat(vnet(NEEDS_CSUM, UDP_L4, 48, 64, 40, 6), ipv6(H6, H4_AS_IPV6, UDP, 64, 0, 0, datagramIn)));
        agent.doWork();

        // 6428 bytes as one packet would get DF; its 92-byte datagrams do not.
        assertWritten(0, concat(vnet(NEEDS_CSUM, UDP_L4, 28, 64, 20, 6), ipv4(H6_AS_IPV4, H4, UDP, 63, 0,
            identification(queue.written.get(0)), 0,
            withChecksum(datagramIn, 6, partial4(H6_AS_IPV4, H4, 8 + payload.length, UDP)))));
    }

    @Test
    void partialChecksumOfAPlainUdpPacketIsHandedBackForTheNewPseudoHeader()
    {
        final byte[] datagramIn = withChecksum(udp(H4, H6_AS_IPV4, 1234, 53, bytes(30, 5)), 6,
            partial4(H4, H6_AS_IPV4, 38, UDP));
        queue.feed(concat(vnet(NEEDS_CSUM, 0, 0, 0, 20, 6), ipv4(H4, H6_AS_IPV4, UDP, 64, 0, 0x42, DF, datagramIn)));
        agent.doWork();

        assertWritten(0, concat(vnet(NEEDS_CSUM, 0, 0, 0, 40, 6),
            ipv6(H4_AS_IPV6, H6, UDP, 63, 0, 0, withChecksum(datagramIn, 6, partial6(H4_AS_IPV6, H6, 38, UDP)))));
    }

    @Test
    void icmpv6EchoWithPartialChecksumIsCompletedBeforeTranslation()
    {
        final byte[] echo = icmp6(H6, H4_AS_IPV6, 128, 0, 0x01020003, bytes(56, 6));
        final byte[] echoIn = withChecksum(echo, 2, partial6(H6, H4_AS_IPV6, echo.length, ICMPV6));
        queue.feed(concat(vnet(NEEDS_CSUM, 0, 0, 0, 40, 2), ipv6(H6, H4_AS_IPV6, ICMPV6, 64, 0, 0, echoIn)));
        agent.doWork();

        // RFC 7915 s.5.2: echo request 128 -> 8, checksum over the ICMPv4 message only; nothing left to offload.
        assertWritten(0, concat(PLAIN, ipv4(H6_AS_IPV4, H4, 1, 63, 0, identification(queue.written.get(0)), 0,
            icmp4(8, 0, 0x01020003, bytes(56, 6)))));
    }

    @Test
    void udpSuperPacketWhoseDatagramsDoNotFitIsCutAndEachDatagramTranslatedOnItsOwn()
    {
        final int step = 1300;
        final byte[] payload = bytes(2 * step + 10, 7);
        final byte[] datagramIn = withChecksum(udp(H4, H6_AS_IPV4, 5000, 6000, payload), 6,
            partial4(H4, H6_AS_IPV4, 8 + payload.length, UDP));
        queue.feed(concat(vnet(NEEDS_CSUM, UDP_L4, 28, step, 20, 6),
            ipv4(H4, H6_AS_IPV4, UDP, 64, 0, 0x2000, 0, datagramIn)));
        agent.doWork();

        // RFC 7915 s.4.1: each 1328-byte datagram (DF clear, identification 0x2000 + i as GSO gives it) becomes 1348
        // bytes of IPv6, above the lowest IPv6 MTU of 1280: two fragments of (1280 - 48) & ~7 = 1232 and 76 bytes.
        for (int i = 0; i < 2; i++)
        {
            final byte[] datagram = udp(H4_AS_IPV6, H6, 5000, 6000, slice(payload, i * step, (i + 1) * step));
            assertWritten(2 * i, concat(PLAIN, ipv6(H4_AS_IPV6, H6, 44, 63, 0, 0,
                concat(fragmentHeader(UDP, 0, true, 0x2000 + i), slice(datagram, 0, 1232)))));
            assertWritten(2 * i + 1, concat(PLAIN, ipv6(H4_AS_IPV6, H6, 44, 63, 0, 0,
                concat(fragmentHeader(UDP, 1232 / 8, false, 0x2000 + i), slice(datagram, 1232, datagram.length)))));
        }
        assertWritten(4, concat(PLAIN, ipv6(H4_AS_IPV6, H6, UDP, 63, 0, 0,
            udp(H4_AS_IPV6, H6, 5000, 6000, slice(payload, 2 * step, payload.length)))));
        assertEquals(5, queue.written.size());
        assertEquals(3, agent.counters().packets(Outcome.TRANSLATED_4TO6), "three datagrams, each counted");
    }

    @Test
    void aReadTooShortForItsVirtioNetHeaderIsCountedAsEmpty()
    {
        queue.feed(new byte[6]);
        agent.doWork();
        assertEquals(1, agent.counters().packets(Outcome.EMPTY_PACKET));
        assertEquals(0, queue.written.size());
    }

    @Test
    void fragmentsBuiltElsewhereGoOutBehindAPlainHeaderInOrder()
    {
        final FakeQueue small = new FakeQueue(true, false);
        final TunAgent fragmenting = new TunAgent(small, () -> config(600), true);
        final byte[] payload = bytes(1000, 8);
        small.feed(concat(PLAIN, ipv6(H6, H4_AS_IPV6, UDP, 64, 0, 0, udp(H6, H4_AS_IPV6, 7, 9, payload))));
        fragmenting.doWork();

        // RFC 7915 s.5.1: 1028 bytes of IPv4, not above 1260 (DF clear), cut for the 600-byte IPv4 MTU: 576 + 452.
        assertTwoFragmentsFor600ByteMtu(small, payload);
        assertEquals(List.of(false, false), small.inPlace);
    }

    @Test
    void partialChecksumOfAPacketToBeFragmentedIsCompletedWhateverItsSize()
    {
        // 1048 bytes, well under 1260, but the 600-byte IPv4 MTU fragments it: the fragments carry no offload, so the
        // UDP checksum must be the complete one (RFC 768), not the pseudo-header sum the kernel handed over.
        final FakeQueue small = new FakeQueue(true, false);
        final TunAgent fragmenting = new TunAgent(small, () -> config(600), true);
        final byte[] payload = bytes(1000, 8);
        final byte[] datagramIn =
            withChecksum(udp(H6, H4_AS_IPV6, 7, 9, payload), 6, partial6(H6, H4_AS_IPV6, 1008, UDP));
        small.feed(concat(vnet(NEEDS_CSUM, 0, 0, 0, 40, 6), ipv6(H6, H4_AS_IPV6, UDP, 64, 0, 0, datagramIn)));
        fragmenting.doWork();

        assertTwoFragmentsFor600ByteMtu(small, payload);
    }

    /**
     * The UDP datagram of {@code payload} (1008 bytes) from H6 to H4, translated and cut for a 600-byte IPv4 MTU:
     * 576 + 432 bytes, each fragment behind a plain virtio-net header (no offload).
     */
    private void assertTwoFragmentsFor600ByteMtu(final FakeQueue small, final byte[] payload)
    {
        final byte[] datagram = udp(H6_AS_IPV4, H4, 7, 9, payload);
        final int id = identification(small.written.get(0));
        assertEquals(hex(concat(PLAIN, ipv4Header(H6_AS_IPV4, H4, UDP, 63, 0, id, 0x2000, 576),
            slice(datagram, 0, 576))), hex(small.written.get(0)));
        assertEquals(hex(concat(PLAIN, ipv4Header(H6_AS_IPV4, H4, UDP, 63, 0, id, 576 / 8, 1008 - 576),
            slice(datagram, 576, 1008))), hex(small.written.get(1)));
    }

    @Test
    void partialChecksumOfAPacketThatFitsIsHandedBackEvenAbove1260Bytes()
    {
        // 1400-byte IPv6 -> 1380-byte IPv4 (DF set, RFC 7915 s.5.1), fits the 1500-byte TUN MTU: offload kept.
        final byte[] payload = bytes(1352, 8);
        final byte[] datagramIn =
            withChecksum(udp(H6, H4_AS_IPV6, 7, 9, payload), 6, partial6(H6, H4_AS_IPV6, 1360, UDP));
        queue.feed(concat(vnet(NEEDS_CSUM, 0, 0, 0, 40, 6), ipv6(H6, H4_AS_IPV6, UDP, 64, 0, 0, datagramIn)));
        agent.doWork();
        assertWritten(0, concat(vnet(NEEDS_CSUM, 0, 0, 0, 20, 6), ipv4(H6_AS_IPV4, H4, UDP, 63, 0,
            identification(queue.written.get(0)), DF,
            withChecksum(datagramIn, 6, partial4(H6_AS_IPV4, H4, 1360, UDP)))));
    }

    @Test
    void aQueuedWriteIsCountedWhenItCompletesAndAShortOneAsAFailedWrite()
    {
        final FakeQueue ring = new FakeQueue(false, true);
        final TunAgent queued = new TunAgent(ring, () -> config(0), false);
        final byte[] packet = ipv4(H4, H6_AS_IPV4, UDP, 64, 0, 1, 0, udp(H4, H6_AS_IPV4, 1, 2, bytes(20, 9)));
        ring.feed(packet);
        queued.doWork();
        final Counters counters = queued.counters();
        assertEquals(0, counters.total(), "not counted while its write is in flight");
        ring.complete(packet.length + 20);
        assertEquals(1, counters.packets(Outcome.TRANSLATED_4TO6));
        assertEquals(packet.length, counters.bytes(Outcome.TRANSLATED_4TO6), "counted with its input length");

        ring.feed(packet);
        queued.doWork();
        ring.complete(-5);
        assertEquals(1, counters.packets(Outcome.TUN_WRITE_FAILED));
        assertEquals(List.of(true, true), ring.inPlace);
    }

    @Test
    void aWriteRefusedAtOnceCountsTheTranslationAsAFailedWrite()
    {
        final FakeQueue full = new FakeQueue(false, false);
        full.writeResult = 0;
        final TunAgent agentOnFullQueue = new TunAgent(full, () -> config(0), false);
        full.feed(ipv4(H4, H6_AS_IPV4, UDP, 64, 0, 1, 0, udp(H4, H6_AS_IPV4, 1, 2, bytes(20, 9))));
        agentOnFullQueue.doWork();
        assertEquals(1, agentOnFullQueue.counters().packets(Outcome.TUN_WRITE_FAILED));
        assertEquals(0, agentOnFullQueue.counters().packets(Outcome.TRANSLATED_4TO6));
    }
}
