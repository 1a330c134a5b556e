package dev.xlat64.siit;

import dev.xlat64.core.Outcome;
import dev.xlat64.testing.EngineHarness;
import org.junit.jupiter.api.Test;

import static dev.xlat64.testing.TestPackets.ICMP;
import static dev.xlat64.testing.TestPackets.ICMPV6;
import static dev.xlat64.testing.TestPackets.TCP;
import static dev.xlat64.testing.TestPackets.UDP;
import static dev.xlat64.testing.TestPackets.bytes;
import static dev.xlat64.testing.TestPackets.concat;
import static dev.xlat64.testing.TestPackets.fragmentHeader;
import static dev.xlat64.testing.TestPackets.hex;
import static dev.xlat64.testing.TestPackets.icmp4;
import static dev.xlat64.testing.TestPackets.icmp6;
import static dev.xlat64.testing.TestPackets.ipv4;
import static dev.xlat64.testing.TestPackets.ipv6;
import static dev.xlat64.testing.TestPackets.slice;
import static dev.xlat64.testing.TestPackets.tcp;
import static dev.xlat64.testing.TestPackets.udp;
import static dev.xlat64.testing.TestPackets.udpNoChecksum;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * RFC 7915 s.4.1 (IPv4 fragments get a Fragment Header) and s.5.1.1 (a Fragment Header becomes the IPv4 fragment
 * fields), without reassembly: non-first fragments carry no L4 header and pass opaque; the first fragment's L4
 * checksum is updated incrementally (it covers the whole datagram, whose length does not change).
 */
class Rfc7915FragmentTest
{
    private static final String A4 = "192.0.2.33";
    private static final String A6 = "2001:db8:64::c000:221";
    private static final String B4 = "198.51.100.7";
    private static final String B6 = "2001:db8:6::7";

    private final EngineHarness engine = new EngineHarness(SiitTestConfigs.standard());

    @Test
    void firstIpv4FragmentGetsAFragmentHeaderAndAnUpdatedUdpChecksum()
    {
        final byte[] data = bytes(100, 3);
        final byte[] udp4 = udp(A4, B4, 1000, 2000, data);
        final byte[] in = ipv4(A4, B4, UDP, 64, 0x10, 0x1234, 0x2000, slice(udp4, 0, 48));
        final byte[] udp6 = udp(A6, B6, 1000, 2000, data);
        final byte[] expected =
            ipv6(A6, B6, 44, 63, 0x10, 0, concat(fragmentHeader(UDP, 0, true, 0x1234), slice(udp6, 0, 48)));
        assertEquals(Outcome.TRANSLATED_4TO6, engine.translate(in));
        assertEquals(hex(expected), hex(engine.single()));
    }

    @Test
    void firstIpv4FragmentOfTcpIsTranslated()
    {
        final byte[] data = bytes(200, 3);
        final byte[] tcp4 = tcp(A4, B4, 1000, 80, 5, 6, 0x18, data);
        final byte[] in = ipv4(A4, B4, TCP, 64, 0, 0x7777, 0x2000, slice(tcp4, 0, 96));
        final byte[] tcp6 = tcp(A6, B6, 1000, 80, 5, 6, 0x18, data);
        final byte[] expected =
            ipv6(A6, B6, 44, 63, 0, 0, concat(fragmentHeader(TCP, 0, true, 0x7777), slice(tcp6, 0, 96)));
        assertEquals(Outcome.TRANSLATED_4TO6, engine.translate(in));
        assertEquals(hex(expected), hex(engine.single()));
    }

    @Test
    void laterIpv4FragmentIsCopiedWithoutLookingForAnL4Header()
    {
        final byte[] rest = bytes(60, 8);
        final byte[] in = ipv4(A4, B4, UDP, 64, 0, 0x1234, 6, rest);
        final byte[] expected = ipv6(A6, B6, 44, 63, 0, 0, concat(fragmentHeader(UDP, 6, false, 0x1234), rest));
        assertEquals(Outcome.TRANSLATED_4TO6, engine.translate(in));
        assertEquals(hex(expected), hex(engine.single()));
    }

    @Test
    void fragmentedIcmpv4IsDropped()
    {
        final byte[] echo = icmp4(8, 0, 0x00010001, bytes(100, 0));
        assertEquals(Outcome.IPV4_FRAGMENT_UNSUPPORTED,
            engine.translate(ipv4(A4, B4, ICMP, 64, 0, 1, 0x2000, slice(echo, 0, 48))));
        assertEquals(Outcome.IPV4_FRAGMENT_UNSUPPORTED,
            engine.translate(ipv4(A4, B4, ICMP, 64, 0, 1, 6, slice(echo, 48, 108))));
    }

    @Test
    void fragmentedUdpWithoutChecksumIsDropped()
    {
        // RFC 7915 s.4.5: the checksum of a fragmented datagram cannot be computed statelessly.
        final byte[] udp4 = udpNoChecksum(1, 2, bytes(100, 0));
        assertEquals(Outcome.IPV4_UDP_ZERO_CHECKSUM,
            engine.translate(ipv4(A4, B4, UDP, 64, 0, 1, 0x2000, slice(udp4, 0, 48))));
    }

    @Test
    void ipv6FirstFragmentBecomesIpv4FragmentWithTheLow16BitsOfTheIdentification()
    {
        final byte[] data = bytes(100, 5);
        final byte[] udp6 = udp(B6, A6, 1000, 2000, data);
        final byte[] in =
            ipv6(B6, A6, 44, 64, 0x20, 0x12345, concat(fragmentHeader(UDP, 0, true, 0xabcd1234), slice(udp6, 0, 48)));
        final byte[] udp4 = udp(B4, A4, 1000, 2000, data);
        // s.5.1.1: MF from M, DF clear, offset copied, identification = low 16 bits.
        final byte[] expected = ipv4(B4, A4, UDP, 63, 0x20, 0x1234, 0x2000, slice(udp4, 0, 48));
        assertEquals(Outcome.TRANSLATED_6TO4, engine.translate(in));
        assertEquals(hex(expected), hex(engine.single()));
    }

    @Test
    void laterIpv6FragmentIsCopiedOpaque()
    {
        final byte[] rest = bytes(60, 8);
        final byte[] in = ipv6(B6, A6, 44, 64, 0, 0, concat(fragmentHeader(UDP, 6, false, 0x00051234), rest));
        assertEquals(Outcome.TRANSLATED_6TO4, engine.translate(in));
        assertEquals(hex(ipv4(B4, A4, UDP, 63, 0, 0x1234, 6, rest)), hex(engine.single()));
    }

    @Test
    void atomicFragmentIsTranslatedAsAWholeDatagramWithDfClear()
    {
        // RFC 7915 s.5.1.1 (and RFC 6946 / RFC 8021): offset 0, M 0; identification copied, DF and MF clear.
        final byte[] data = bytes(30, 5);
        final byte[] in =
            ipv6(B6, A6, 44, 64, 0, 0, concat(fragmentHeader(UDP, 0, false, 0x4444), udp(B6, A6, 7, 8, data)));
        assertEquals(Outcome.TRANSLATED_6TO4, engine.translate(in));
        assertEquals(hex(ipv4(B4, A4, UDP, 63, 0, 0x4444, 0, udp(B4, A4, 7, 8, data))), hex(engine.single()));

        final byte[] body = bytes(16, 1);
        final byte[] echo = ipv6(B6, A6, 44, 64, 0, 0,
            concat(fragmentHeader(ICMPV6, 0, false, 0x4445), icmp6(B6, A6, 128, 0, 0x00070001, body)));
        assertEquals(Outcome.TRANSLATED_6TO4, engine.translate(echo));
        assertEquals(hex(ipv4(B4, A4, ICMP, 63, 0, 0x4445, 0, icmp4(8, 0, 0x00070001, body))), hex(engine.single()));
    }

    @Test
    void atomicFragmentKeepsOnlyTheLow16BitsOfA32BitIdentification()
    {
        // RFC 7915 s.5.1.1: "Identification: Copied from the low-order 16 bits in the Identification field".
        final byte[] data = bytes(30, 6);
        final byte[] in =
            ipv6(B6, A6, 44, 64, 0, 0, concat(fragmentHeader(UDP, 0, false, 0xdead4321), udp(B6, A6, 7, 8, data)));
        assertEquals(Outcome.TRANSLATED_6TO4, engine.translate(in));
        assertEquals(hex(ipv4(B4, A4, UDP, 63, 0, 0x4321, 0, udp(B4, A4, 7, 8, data))), hex(engine.single()));
    }

    @Test
    void fragmentedIcmpv6IsDropped()
    {
        final byte[] echo = icmp6(B6, A6, 128, 0, 1, bytes(100, 0));
        assertEquals(Outcome.IPV6_FRAGMENTED_ICMP,
            engine.translate(
                ipv6(B6, A6, 44, 64, 0, 0, concat(fragmentHeader(ICMPV6, 0, true, 1), slice(echo, 0, 48)))));
        assertEquals(Outcome.IPV6_FRAGMENTED_ICMP,
            engine.translate(
                ipv6(B6, A6, 44, 64, 0, 0, concat(fragmentHeader(ICMPV6, 6, false, 1), slice(echo, 48, 108)))));
    }

    @Test
    void truncatedFragmentHeaderIsDropped()
    {
        assertEquals(Outcome.IPV6_EXTENSION_HEADER_TRUNCATED,
            engine.translate(ipv6(B6, A6, 44, 64, 0, 0, new byte[] {17, 0, 0, 0})));
    }
}
