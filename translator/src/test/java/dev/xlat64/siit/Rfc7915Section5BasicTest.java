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
import static dev.xlat64.testing.TestPackets.hex;
import static dev.xlat64.testing.TestPackets.icmp4;
import static dev.xlat64.testing.TestPackets.icmp6;
import static dev.xlat64.testing.TestPackets.ipv4;
import static dev.xlat64.testing.TestPackets.ipv6;
import static dev.xlat64.testing.TestPackets.tcp;
import static dev.xlat64.testing.TestPackets.udp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * RFC 7915 section 5 (IPv6 to IPv4), the common case: section 5.1 header, 5.2 echo, 5.5 TCP/UDP checksums.
 * The identification is the translator's choice (s.5.1), so the expected packet takes it from the output and the
 * builder computes the header checksum itself.
 */
class Rfc7915Section5BasicTest
{
    private static final String SRC6 = "2001:db8:6::7";
    private static final String DST6 = "2001:db8:64::c000:221";
    private static final String SRC4 = "198.51.100.7";
    private static final String DST4 = "192.0.2.33";

    private final EngineHarness engine = new EngineHarness(SiitTestConfigs.standard());

    private static int identification(final byte[] ipv4)
    {
        return ((ipv4[4] & 0xff) << 8) | (ipv4[5] & 0xff);
    }

    @Test
    void udpHeaderAndChecksumAreTranslated()
    {
        final byte[] data = bytes(33, 2);
        final byte[] in = ipv6(SRC6, DST6, UDP, 64, 0x2e, 0x12345, udp(SRC6, DST6, 1234, 53, data));

        assertEquals(Outcome.TRANSLATED_6TO4, engine.translate(in));
        final byte[] out = engine.single();
        // s.5.1: TOS from TC, DF clear for packets of 1260 bytes or less, TTL = hop limit - 1.
        final byte[] expected =
            ipv4(SRC4, DST4, UDP, 63, 0x2e, identification(out), 0, udp(SRC4, DST4, 1234, 53, data));
        assertEquals(hex(expected), hex(out));
    }

    @Test
    void tcpChecksumIsUpdatedAndDfSetAbove1260Bytes()
    {
        final byte[] data = bytes(1300, 3);
        final byte[] in = ipv6(SRC6, DST6, TCP, 10, 0, 0, tcp(SRC6, DST6, 443, 50000, 1, 2, 0x10, data));

        assertEquals(Outcome.TRANSLATED_6TO4, engine.translate(in));
        final byte[] out = engine.single();
        final byte[] expected = ipv4(SRC4, DST4, TCP, 9, 0, identification(out), 0x4000,
            tcp(SRC4, DST4, 443, 50000, 1, 2, 0x10, data));
        assertEquals(hex(expected), hex(out));
    }

    @Test
    void echoRequestAndReplyBecomeIcmpv4()
    {
        final byte[] body = bytes(56, 7);
        assertEquals(Outcome.TRANSLATED_6TO4, engine.translate(
            ipv6(SRC6, DST6, ICMPV6, 64, 0, 0, icmp6(SRC6, DST6, 128, 0, 0x00420001, body))));
        byte[] out = engine.single();
        assertEquals(hex(ipv4(SRC4, DST4, ICMP, 63, 0, identification(out), 0, icmp4(8, 0, 0x00420001, body))),
            hex(out));

        assertEquals(Outcome.TRANSLATED_6TO4, engine.translate(
            ipv6(SRC6, DST6, ICMPV6, 64, 0, 0, icmp6(SRC6, DST6, 129, 0, 0x00420001, body))));
        out = engine.single();
        assertEquals(hex(ipv4(SRC4, DST4, ICMP, 63, 0, identification(out), 0, icmp4(0, 0, 0x00420001, body))),
            hex(out));
    }

    @Test
    void hopByHopAndDestinationOptionsAreRemoved()
    {
        final byte[] data = bytes(10, 1);
        final byte[] udp6 = udp(SRC6, DST6, 1, 2, data);
        // hop-by-hop (next: dest opts) with PadN, then destination options (next: UDP) with PadN; 8 bytes each.
        final byte[] hopByHop = {60, 0, 1, 4, 0, 0, 0, 0};
        final byte[] destOpts = {(byte)UDP, 0, 1, 4, 0, 0, 0, 0};
        final byte[] in = ipv6(SRC6, DST6, 0, 64, 0, 0, concat(hopByHop, destOpts, udp6));

        assertEquals(Outcome.TRANSLATED_6TO4, engine.translate(in));
        final byte[] out = engine.single();
        assertEquals(hex(ipv4(SRC4, DST4, UDP, 63, 0, identification(out), 0, udp(SRC4, DST4, 1, 2, data))), hex(out));
    }

    @Test
    void hopLimitOfOneIsNotForwarded()
    {
        assertEquals(Outcome.IPV6_HOP_LIMIT_EXPIRED,
            engine.translate(ipv6(SRC6, DST6, UDP, 1, 0, 0, udp(SRC6, DST6, 1, 2, bytes(4, 0)))));
        assertTrue(engine.emitted().isEmpty());
    }

    @Test
    void untranslatableAddressesAreDropped()
    {
        final String other = "2001:db8:ffff::1";
        assertEquals(Outcome.IPV6_SOURCE_UNTRANSLATABLE,
            engine.translate(ipv6(other, DST6, UDP, 64, 0, 0, udp(other, DST6, 1, 2, bytes(4, 0)))));
        assertEquals(Outcome.IPV6_DESTINATION_UNTRANSLATABLE,
            engine.translate(ipv6(SRC6, other, UDP, 64, 0, 0, udp(SRC6, other, 1, 2, bytes(4, 0)))));
    }

    @Test
    void neighbourDiscoveryIsNotTranslated()
    {
        // RFC 7915 s.5.2: ND and MLD are single-hop; Neighbor Solicitation (135) is dropped.
        assertEquals(Outcome.ICMPV6_UNTRANSLATABLE,
            engine.translate(ipv6(SRC6, DST6, ICMPV6, 255, 0, 0, icmp6(SRC6, DST6, 135, 0, 0, bytes(16, 0)))));
    }

    @Test
    void icmpv4InsideIpv6IsDroppedNotCopiedThrough()
    {
        // s.5.1 maps next header 58 to protocol 1 and copies the rest; next header 1 would hand IPv4 hosts ICMPv4 that
        // no s.5.2 rule translated (README deviation 13): dropped, also behind an extension header and as a fragment.
        final byte[] echo = icmp4(8, 0, 0x00420001, bytes(8, 1));
        assertEquals(Outcome.IPV6_CARRIES_ICMPV4, engine.translate(ipv6(SRC6, DST6, 1, 64, 0, 0, echo)));
        assertEquals(Outcome.IPV6_CARRIES_ICMPV4, engine.translate(
            ipv6(SRC6, DST6, 0, 64, 0, 0, concat(new byte[] {1, 0, 1, 4, 0, 0, 0, 0}, echo))));
        final byte[] laterFragment = {1, 0, 0x00, 0x08, 0, 0, 0, 7}; // next header 1, offset 8 bytes, last fragment
        assertEquals(Outcome.IPV6_CARRIES_ICMPV4, engine.translate(
            ipv6(SRC6, DST6, 44, 64, 0, 0, concat(laterFragment, bytes(8, 2)))));
        assertTrue(engine.emitted().isEmpty());
    }

    @Test
    void malformedPacketsAreDroppedWithTheirReason()
    {
        final byte[] good = ipv6(SRC6, DST6, UDP, 64, 0, 0, udp(SRC6, DST6, 1, 2, bytes(4, 0)));
        assertEquals(Outcome.IPV6_TRUNCATED, engine.translate(java.util.Arrays.copyOf(good, 39)));
        assertEquals(Outcome.IPV6_BAD_PAYLOAD_LENGTH, engine.translate(java.util.Arrays.copyOf(good, good.length - 1)));
        assertEquals(Outcome.IPV6_L4_TRUNCATED, engine.translate(ipv6(SRC6, DST6, UDP, 64, 0, 0, new byte[7])));
        assertEquals(Outcome.IPV6_EXTENSION_HEADER_TRUNCATED,
            engine.translate(ipv6(SRC6, DST6, 0, 64, 0, 0, new byte[] {17, 1, 0, 0, 0, 0, 0, 0})));
    }
}
