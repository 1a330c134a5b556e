package dev.xlat64.siit;

import dev.xlat64.core.Outcome;
import dev.xlat64.core.TranslatorConfig;
import dev.xlat64.testing.EngineHarness;
import org.junit.jupiter.api.Test;

import static dev.xlat64.testing.TestPackets.ICMP;
import static dev.xlat64.testing.TestPackets.ICMPV6;
import static dev.xlat64.testing.TestPackets.TCP;
import static dev.xlat64.testing.TestPackets.UDP;
import static dev.xlat64.testing.TestPackets.bytes;
import static dev.xlat64.testing.TestPackets.hex;
import static dev.xlat64.testing.TestPackets.icmp4;
import static dev.xlat64.testing.TestPackets.icmp6;
import static dev.xlat64.testing.TestPackets.ipv4;
import static dev.xlat64.testing.TestPackets.ipv6;
import static dev.xlat64.testing.TestPackets.tcp;
import static dev.xlat64.testing.TestPackets.udp;
import static dev.xlat64.testing.TestPackets.udpNoChecksum;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * RFC 7915 section 4 (IPv4 to IPv6), the common case: section 4.1 header, 4.2 echo, 4.5 TCP/UDP checksums.
 * Expected packets are built field by field from the RFC's rules, never by the translator.
 */
class Rfc7915Section4BasicTest
{
    // 192.0.2.33 is embedded in the prefix; 198.51.100.7 is mapped by the EAM entry 198.51.100.0/24=2001:db8:6::/120.
    private static final String SRC4 = "192.0.2.33";
    private static final String DST4 = "198.51.100.7";
    private static final String SRC6 = "2001:db8:64::c000:221";
    private static final String DST6 = "2001:db8:6::7";

    private final EngineHarness engine = new EngineHarness(SiitTestConfigs.standard());

    @Test
    void udpHeaderAndChecksumAreTranslated()
    {
        final byte[] data = bytes(37, 1);
        final byte[] in = ipv4(SRC4, DST4, UDP, 64, 0xb8, 0x1234, 0x4000, udp(SRC4, DST4, 5353, 53, data));
        // s.4.1: TC copied from TOS, flow label 0, payload length = total - IHL, next header copied,
        // hop limit = TTL - 1.
        final byte[] expected = ipv6(SRC6, DST6, UDP, 63, 0xb8, 0, udp(SRC6, DST6, 5353, 53, data));

        assertEquals(Outcome.TRANSLATED_4TO6, engine.translate(in));
        assertEquals(hex(expected), hex(engine.single()));
    }

    @Test
    void tcpChecksumIsUpdatedForTheNewPseudoHeader()
    {
        final byte[] data = bytes(100, 9);
        final byte[] in = ipv4(SRC4, DST4, TCP, 3, 0, 7, 0x4000, tcp(SRC4, DST4, 40000, 80, 1000, 2000, 0x18, data));
        final byte[] expected = ipv6(SRC6, DST6, TCP, 2, 0, 0, tcp(SRC6, DST6, 40000, 80, 1000, 2000, 0x18, data));

        assertEquals(Outcome.TRANSLATED_4TO6, engine.translate(in));
        assertEquals(hex(expected), hex(engine.single()));
    }

    @Test
    void ipv4OptionsAreDropped()
    {
        // s.4.1: IPv4 options are ignored (not translated); payload length excludes them.
        final byte[] data = bytes(8, 5);
        final byte[] plain = ipv4(SRC4, DST4, UDP, 64, 0, 1, 0, udp(SRC4, DST4, 1, 2, data));
        final byte[] withOptions = new byte[plain.length + 4];
        withOptions[0] = 0x46;
        System.arraycopy(plain, 1, withOptions, 1, 19);
        withOptions[2] = 0;
        withOptions[3] = (byte)(plain.length + 4);
        withOptions[20] = 1; // NOP NOP NOP EOL
        withOptions[21] = 1;
        withOptions[22] = 1;
        withOptions[23] = 0;
        System.arraycopy(plain, 20, withOptions, 24, plain.length - 20);
        withOptions[10] = 0;
        withOptions[11] = 0;
        final int c = dev.xlat64.testing.TestPackets.checksum(java.util.Arrays.copyOf(withOptions, 24));
        withOptions[10] = (byte)(c >> 8);
        withOptions[11] = (byte)c;

        assertEquals(Outcome.TRANSLATED_4TO6, engine.translate(withOptions));
        assertEquals(hex(ipv6(SRC6, DST6, UDP, 63, 0, 0, udp(SRC6, DST6, 1, 2, data))), hex(engine.single()));
    }

    @Test
    void zeroUdpChecksumIsComputed()
    {
        final byte[] data = bytes(21, 4);
        final byte[] in = ipv4(SRC4, DST4, UDP, 64, 0, 1, 0, udpNoChecksum(7, 9, data));

        assertEquals(Outcome.TRANSLATED_4TO6, engine.translate(in));
        assertEquals(hex(ipv6(SRC6, DST6, UDP, 63, 0, 0, udp(SRC6, DST6, 7, 9, data))), hex(engine.single()));
    }

    @Test
    void zeroUdpChecksumIsDroppedWhenConfigured()
    {
        final EngineHarness strict =
            new EngineHarness(SiitTestConfigs.with(TranslatorConfig.UdpZeroChecksum.DROP, true));
        final byte[] in = ipv4(SRC4, DST4, UDP, 64, 0, 1, 0, udpNoChecksum(7, 9, bytes(4, 4)));

        assertEquals(Outcome.IPV4_UDP_ZERO_CHECKSUM, strict.translate(in));
        assertTrue(strict.emitted().isEmpty());
    }

    @Test
    void echoRequestBecomesIcmpv6EchoRequest()
    {
        final byte[] body = bytes(56, 2);
        final byte[] in = ipv4(SRC4, DST4, ICMP, 64, 0, 1, 0x4000, icmp4(8, 0, 0x0abc0001, body));
        final byte[] expected = ipv6(SRC6, DST6, ICMPV6, 63, 0, 0, icmp6(SRC6, DST6, 128, 0, 0x0abc0001, body));

        assertEquals(Outcome.TRANSLATED_4TO6, engine.translate(in));
        assertEquals(hex(expected), hex(engine.single()));
    }

    @Test
    void echoReplyBecomesIcmpv6EchoReply()
    {
        final byte[] body = bytes(3, 8);
        final byte[] in = ipv4(SRC4, DST4, ICMP, 64, 0, 1, 0, icmp4(0, 0, 0x00010002, body));
        final byte[] expected = ipv6(SRC6, DST6, ICMPV6, 63, 0, 0, icmp6(SRC6, DST6, 129, 0, 0x00010002, body));

        assertEquals(Outcome.TRANSLATED_4TO6, engine.translate(in));
        assertEquals(hex(expected), hex(engine.single()));
    }

    @Test
    void tosIsZeroedWhenConfigured()
    {
        final EngineHarness noTos =
            new EngineHarness(SiitTestConfigs.with(TranslatorConfig.UdpZeroChecksum.COMPUTE, false));
        final byte[] data = bytes(4, 0);
        final byte[] in = ipv4(SRC4, DST4, UDP, 64, 0xb8, 1, 0, udp(SRC4, DST4, 1, 2, data));

        assertEquals(Outcome.TRANSLATED_4TO6, noTos.translate(in));
        assertEquals(hex(ipv6(SRC6, DST6, UDP, 63, 0, 0, udp(SRC6, DST6, 1, 2, data))), hex(noTos.single()));
    }

    @Test
    void otherProtocolsAreCopiedUnchanged()
    {
        final byte[] payload = bytes(24, 6);
        final byte[] in = ipv4(SRC4, DST4, 47, 64, 0, 1, 0, payload); // GRE
        assertEquals(Outcome.TRANSLATED_4TO6, engine.translate(in));
        assertEquals(hex(ipv6(SRC6, DST6, 47, 63, 0, 0, payload)), hex(engine.single()));
    }

    @Test
    void icmpv6InsideIpv4IsDroppedNotCopiedThrough()
    {
        // s.4.1 maps protocol 1 to next header 58 and copies the rest; protocol 58 would hand IPv6 hosts ICMPv6 that no
        // s.4.2 rule translated (README deviation 13): dropped, first fragment and later ones alike.
        final byte[] echo = icmp4(128, 0, 0x00420001, bytes(8, 1));
        assertEquals(Outcome.IPV4_CARRIES_ICMPV6, engine.translate(ipv4(SRC4, DST4, 58, 64, 0, 1, 0, echo)));
        assertEquals(Outcome.IPV4_CARRIES_ICMPV6, engine.translate(ipv4(SRC4, DST4, 58, 64, 0, 2, 0x2000, echo)));
        assertEquals(Outcome.IPV4_CARRIES_ICMPV6, engine.translate(ipv4(SRC4, DST4, 58, 64, 0, 2, 1, echo)));
        assertTrue(engine.emitted().isEmpty());
    }

    @Test
    void ttlOfOneIsNotForwarded()
    {
        final byte[] in = ipv4(SRC4, DST4, UDP, 1, 0, 1, 0, udp(SRC4, DST4, 1, 2, bytes(4, 0)));
        assertEquals(Outcome.IPV4_TTL_EXPIRED, engine.translate(in));
        assertTrue(engine.emitted().isEmpty());
    }

    @Test
    void badHeaderChecksumIsDropped()
    {
        final byte[] in = ipv4(SRC4, DST4, UDP, 64, 0, 1, 0, udp(SRC4, DST4, 1, 2, bytes(4, 0)));
        in[11] ^= 1;
        assertEquals(Outcome.IPV4_BAD_HEADER_CHECKSUM, engine.translate(in));
    }

    @Test
    void malformedHeadersAreDroppedWithTheirReason()
    {
        final byte[] good = ipv4(SRC4, DST4, UDP, 64, 0, 1, 0, udp(SRC4, DST4, 1, 2, bytes(4, 0)));
        assertEquals(Outcome.IPV4_TRUNCATED, engine.translate(java.util.Arrays.copyOf(good, 19)));
        assertEquals(Outcome.IPV4_BAD_TOTAL_LENGTH, engine.translate(java.util.Arrays.copyOf(good, good.length - 1)));
        final byte[] badIhl = good.clone();
        badIhl[0] = 0x44;
        assertEquals(Outcome.IPV4_BAD_IHL, engine.translate(badIhl));
        final byte[] shortUdp = ipv4(SRC4, DST4, UDP, 64, 0, 1, 0, new byte[4]);
        assertEquals(Outcome.IPV4_L4_TRUNCATED, engine.translate(shortUdp));
        assertEquals(Outcome.UNKNOWN_IP_VERSION, engine.translate(new byte[] {0x50, 0, 0, 0}));
        assertEquals(Outcome.EMPTY_PACKET, engine.translate(new byte[0]));
    }

    @Test
    void nonGlobalIpv4IsNotEmbeddedInTheWellKnownPrefix()
    {
        // RFC 6052 s.3.1: 192.0.2.0/24 (TEST-NET-1) is not global.
        final EngineHarness wkp = new EngineHarness(SiitTestConfigs.wellKnown());
        final byte[] in = ipv4("8.8.8.8", SRC4, UDP, 64, 0, 1, 0, udp("8.8.8.8", SRC4, 1, 2, bytes(4, 0)));
        assertEquals(Outcome.IPV4_NON_GLOBAL_UNDER_WKP, wkp.translate(in));
    }

    @Test
    void paddingBeyondTotalLengthIsIgnored()
    {
        final byte[] data = bytes(4, 0);
        final byte[] in = ipv4(SRC4, DST4, UDP, 64, 0, 1, 0, udp(SRC4, DST4, 1, 2, data));
        final byte[] padded = java.util.Arrays.copyOf(in, in.length + 6);
        assertEquals(Outcome.TRANSLATED_4TO6, engine.translate(padded));
        assertEquals(hex(ipv6(SRC6, DST6, UDP, 63, 0, 0, udp(SRC6, DST6, 1, 2, data))), hex(engine.single()));
    }
}
