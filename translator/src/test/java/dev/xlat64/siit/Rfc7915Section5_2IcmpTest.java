package dev.xlat64.siit;

import dev.xlat64.addr.Ipv4Prefix;
import dev.xlat64.core.Outcome;
import dev.xlat64.core.TranslatorConfig;
import dev.xlat64.testing.EngineHarness;
import org.junit.jupiter.api.Test;

import static dev.xlat64.testing.TestPackets.ICMP;
import static dev.xlat64.testing.TestPackets.ICMPV6;
import static dev.xlat64.testing.TestPackets.UDP;
import static dev.xlat64.testing.TestPackets.bytes;
import static dev.xlat64.testing.TestPackets.concat;
import static dev.xlat64.testing.TestPackets.fragmentHeader;
import static dev.xlat64.testing.TestPackets.hex;
import static dev.xlat64.testing.TestPackets.icmp4;
import static dev.xlat64.testing.TestPackets.icmp6;
import static dev.xlat64.testing.TestPackets.ipv4;
import static dev.xlat64.testing.TestPackets.ipv6;
import static dev.xlat64.testing.TestPackets.pad;
import static dev.xlat64.testing.TestPackets.udp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * RFC 7915 sections 5.2 and 5.3: ICMPv6 errors become ICMPv4 errors, type/code/pointer/MTU mapped, the quoted packet
 * translated (addresses, inner checksum, hop limit kept), truncated to 576 bytes, RFC 4884 extensions carried.
 * Scenario: IPv4 host H (192.0.2.33) talked to IPv6 server S (2001:db8:6::7, EAM 198.51.100.7) through a router R.
 * The outer identification is the translator's choice (s.5.1): the expected packet takes it from the output.
 */
class Rfc7915Section5_2IcmpTest
{
    private static final String H4 = "192.0.2.33";
    private static final String H6 = "2001:db8:64::c000:221";
    private static final String S4 = "198.51.100.7";
    private static final String S6 = "2001:db8:6::7";
    private static final String R4 = "203.0.113.1";
    private static final String R6 = "2001:db8:64::cb00:7101";

    private final EngineHarness engine = new EngineHarness(SiitTestConfigs.standard());

    private static byte[] quoted6(final byte[] data)
    {
        return ipv6(H6, S6, UDP, 63, 0, 0, udp(H6, S6, 40000, 53, data));
    }

    /** The quoted packet in IPv4: identification 0 (unknown), DF clear below 1260 bytes, TTL = hop limit. */
    private static byte[] quoted4(final byte[] data)
    {
        return ipv4(H4, S4, UDP, 63, 0, 0, 0, udp(H4, S4, 40000, 53, data));
    }

    private static int identification(final byte[] ipv4)
    {
        return ((ipv4[4] & 0xff) << 8) | (ipv4[5] & 0xff);
    }

    private void assertTranslates(final byte[] in, final String src4, final int type, final int code, final int rest,
        final byte[] quote4)
    {
        assertEquals(Outcome.TRANSLATED_6TO4, engine.translate(in));
        final byte[] out = engine.single();
        assertEquals(hex(ipv4(src4, H4, ICMP, 63, 0, identification(out), 0, icmp4(type, code, rest, quote4))),
            hex(out));
    }

    @Test
    void portUnreachableBecomesIcmpv4PortUnreachable()
    {
        final byte[] data = bytes(20, 1);
        assertTranslates(ipv6(S6, H6, ICMPV6, 64, 0, 0, icmp6(S6, H6, 1, 4, 0, quoted6(data))), S4, 3, 3, 0,
            quoted4(data));
    }

    @Test
    void destinationUnreachableCodesAreMapped()
    {
        final int[][] codes = {{0, 1}, {1, 10}, {2, 1}, {3, 1}, {4, 3}};
        for (final int[] c : codes)
        {
            final byte[] data = bytes(8, c[0]);
            assertTranslates(ipv6(R6, H6, ICMPV6, 64, 0, 0, icmp6(R6, H6, 1, c[0], 0, quoted6(data))), R4, 3, c[1], 0,
                quoted4(data));
        }
        assertEquals(Outcome.ICMPV6_UNTRANSLATABLE,
            engine.translate(ipv6(R6, H6, ICMPV6, 64, 0, 0, icmp6(R6, H6, 1, 5, 0, quoted6(bytes(8, 0))))));
    }

    @Test
    void packetTooBigBecomesFragmentationNeededWithMtuMinus20()
    {
        final byte[] data = bytes(8, 3);
        assertTranslates(ipv6(R6, H6, ICMPV6, 64, 0, 0, icmp6(R6, H6, 2, 0, 1400, quoted6(data))), R4, 3, 4, 1380,
            quoted4(data));
    }

    @Test
    void fragmentationNeededMtuIsCappedByTheNextHopMtus()
    {
        // min(9000 - 20, IPv4 next hop 1500, IPv6 next hop 1500 - 20) = 1480.
        final byte[] data = bytes(8, 3);
        assertTranslates(ipv6(R6, H6, ICMPV6, 64, 0, 0, icmp6(R6, H6, 2, 0, 9000, quoted6(data))), R4, 3, 4, 1480,
            quoted4(data));
        final TranslatorConfig c = SiitTestConfigs.builder().ipv4Mtu(1400).ipv6Mtu(9000).build();
        assertEquals(1400, PathMtu.fragmentationNeededMtu(c, 9000, false));
        assertEquals(1352, PathMtu.fragmentationNeededMtu(c, 1380, true));
    }

    @Test
    void timeExceededKeepsItsCode()
    {
        for (final int code : new int[] {0, 1})
        {
            final byte[] data = bytes(8, code);
            assertTranslates(ipv6(R6, H6, ICMPV6, 64, 0, 0, icmp6(R6, H6, 3, code, 0, quoted6(data))), R4, 11, code, 0,
                quoted4(data));
        }
    }

    @Test
    void parameterProblemPointerIsMapped()
    {
        final int[][] pointers =
            {{0, 0}, {1, 1}, {4, 2}, {5, 2}, {6, 9}, {7, 8}, {8, 12}, {23, 12}, {24, 16}, {39, 16}};
        for (final int[] p : pointers)
        {
            final byte[] data = bytes(8, p[0]);
            assertTranslates(ipv6(R6, H6, ICMPV6, 64, 0, 0, icmp6(R6, H6, 4, 0, p[0], quoted6(data))), R4, 12, 0,
                p[1] << 24, quoted4(data));
        }
    }

    @Test
    void unrecognizedNextHeaderBecomesProtocolUnreachable()
    {
        final byte[] data = bytes(8, 1);
        assertTranslates(ipv6(S6, H6, ICMPV6, 64, 0, 0, icmp6(S6, H6, 4, 1, 6, quoted6(data))), S4, 3, 2, 0,
            quoted4(data));
    }

    @Test
    void untranslatableErrorsAreDropped()
    {
        final byte[] quote = quoted6(bytes(8, 0));
        // Pointer at the flow label or into extension headers; unrecognized option (code 2); unknown error type.
        for (final int pointer : new int[] {2, 3, 40, 1000})
        {
            assertEquals(Outcome.ICMPV6_UNTRANSLATABLE,
                engine.translate(ipv6(R6, H6, ICMPV6, 64, 0, 0, icmp6(R6, H6, 4, 0, pointer, quote))));
        }
        assertEquals(Outcome.ICMPV6_UNTRANSLATABLE,
            engine.translate(ipv6(R6, H6, ICMPV6, 64, 0, 0, icmp6(R6, H6, 4, 2, 40, quote))));
        assertEquals(Outcome.ICMPV6_UNTRANSLATABLE,
            engine.translate(ipv6(R6, H6, ICMPV6, 64, 0, 0, icmp6(R6, H6, 100, 0, 0, quote))));
        assertEquals(Outcome.ICMPV6_UNTRANSLATABLE,
            engine.translate(ipv6(R6, H6, ICMPV6, 64, 0, 0, icmp6(R6, H6, 3, 2, 0, quote))));
        assertTrue(engine.emitted().isEmpty());
    }

    @Test
    void corruptedErrorIsNotLaundered()
    {
        final byte[] in = ipv6(R6, H6, ICMPV6, 64, 0, 0, icmp6(R6, H6, 1, 0, 0, quoted6(bytes(8, 0))));
        in[in.length - 1] ^= 0x40;
        assertEquals(Outcome.ICMPV6_BAD_CHECKSUM, engine.translate(in));
    }

    @Test
    void quotedPacketMustBeATranslatableIpv6PacketAndNotAnError()
    {
        assertEquals(Outcome.ICMPV6_INNER_UNTRANSLATABLE,
            engine.translate(ipv6(R6, H6, ICMPV6, 64, 0, 0, icmp6(R6, H6, 1, 0, 0, bytes(30, 0)))));
        final byte[] innerError = ipv6(H6, S6, ICMPV6, 63, 0, 0, icmp6(H6, S6, 1, 4, 0, quoted6(bytes(8, 0))));
        assertEquals(Outcome.ICMPV6_INNER_UNTRANSLATABLE,
            engine.translate(ipv6(R6, H6, ICMPV6, 64, 0, 0, icmp6(R6, H6, 1, 0, 0, pad(innerError, 56)))));
        final String other = "2001:db8:ffff::9";
        final byte[] unmapped = ipv6(H6, other, UDP, 63, 0, 0, udp(H6, other, 1, 2, bytes(8, 0)));
        assertEquals(Outcome.ICMPV6_INNER_UNTRANSLATABLE,
            engine.translate(ipv6(R6, H6, ICMPV6, 64, 0, 0, icmp6(R6, H6, 1, 0, 0, unmapped))));
    }

    @Test
    void quotedEchoRequestIsTranslatedWithItsChecksum()
    {
        final byte[] body = bytes(32, 5);
        final byte[] inner6 = ipv6(H6, S6, ICMPV6, 1, 0, 0, icmp6(H6, S6, 128, 0, 0x12340001, body));
        final byte[] inner4 = ipv4(H4, S4, ICMP, 1, 0, 0, 0, icmp4(8, 0, 0x12340001, body));
        assertTranslates(ipv6(R6, H6, ICMPV6, 64, 0, 0, icmp6(R6, H6, 3, 0, 0, inner6)), R4, 11, 0, 0, inner4);
    }

    @Test
    void quotedFragmentHeaderBecomesIpv4FragmentFields()
    {
        final byte[] udp6 = udp(H6, S6, 40000, 53, bytes(100, 1));
        final byte[] inner6 = ipv6(H6, S6, 44, 63, 0, 0, concat(fragmentHeader(UDP, 0, true, 0x9876), pad(udp6, 48)));
        final byte[] udp4 = udp(H4, S4, 40000, 53, bytes(100, 1));
        // Total length 20 + 48 (the quoted IPv6 payload length minus the fragment header), MF, id from the header.
        final byte[] inner4 = ipv4(H4, S4, UDP, 63, 0, 0x9876, 0x2000, pad(udp4, 48));
        assertTranslates(ipv6(R6, H6, ICMPV6, 64, 0, 0, icmp6(R6, H6, 3, 1, 0, inner6)), R4, 11, 1, 0, inner4);
    }

    @Test
    void quotedAtomicFragmentGivesTheLow16BitsOfItsIdentification()
    {
        // RFC 7915 s.5.1.1 (applied to the quoted packet by s.5.3): offset 0, M 0; Identification = low 16 bits.
        final byte[] data = bytes(24, 3);
        final byte[] inner6 = ipv6(H6, S6, 44, 63, 0, 0,
            concat(fragmentHeader(UDP, 0, false, 0xdead4321), udp(H6, S6, 40000, 53, data)));
        final byte[] inner4 = ipv4(H4, S4, UDP, 63, 0, 0x4321, 0, udp(H4, S4, 40000, 53, data));
        assertTranslates(ipv6(S6, H6, ICMPV6, 64, 0, 0, icmp6(S6, H6, 1, 4, 0, inner6)), S4, 3, 3, 0, inner4);
    }

    @Test
    void errorIsTruncatedTo576Bytes()
    {
        final byte[] data = bytes(1000, 7);
        final byte[] in = ipv6(S6, H6, ICMPV6, 64, 0, 0, icmp6(S6, H6, 1, 4, 0, quoted6(data)));
        assertEquals(Outcome.TRANSLATED_6TO4, engine.translate(in));
        final byte[] out = engine.single();
        assertEquals(576, out.length);
        assertEquals(hex(ipv4(S4, H4, ICMP, 63, 0, identification(out), 0, icmp4(3, 3, 0, pad(quoted4(data), 548)))),
            hex(out));
    }

    @Test
    void oversizedErrorIsTruncatedRatherThanRefusedByTheNextHopMtu()
    {
        final EngineHarness small = new EngineHarness(SiitTestConfigs.builder().ipv4Mtu(1000).build());
        final byte[] data = bytes(1400, 7);
        assertEquals(Outcome.TRANSLATED_6TO4,
            small.translate(ipv6(S6, H6, ICMPV6, 64, 0, 0, icmp6(S6, H6, 1, 4, 0, quoted6(data)))));
        final byte[] out = small.single();
        // The quoted packet (1428 bytes in IPv4) is above 1260 bytes: its translation carries DF (s.5.1).
        final byte[] quoted4 = ipv4(H4, S4, UDP, 63, 0, 0, 0x4000, udp(H4, S4, 40000, 53, data));
        assertEquals(hex(ipv4(S4, H4, ICMP, 63, 0, identification(out), 0, icmp4(3, 3, 0, pad(quoted4, 548)))),
            hex(out));
    }

    @Test
    void rfc4884ExtensionIsCarriedWithTheLengthInThirtyTwoBitWords()
    {
        // ICMPv6 time exceeded, 136-byte original datagram field (17 words of 64 bits), 12-byte extension.
        final byte[] data = bytes(80, 9);
        final byte[] original6 = pad(quoted6(data), 136);           // 128-byte packet + 8 bytes of padding
        final byte[] extension = concat(new byte[] {0x20, 0, 0, 0}, bytes(8, 4));
        final byte[] in = ipv6(R6, H6, ICMPV6, 64, 0, 0, icmp6(R6, H6, 3, 0, 17 << 24, concat(original6, extension)));
        // IPv4: 108-byte packet + 8 bytes of padding = 116, padded to the RFC 4884 minimum of 128 = 32 words.
        final byte[] original4 = pad(quoted4(data), 128);
        assertTranslates(in, R4, 11, 0, 32 << 16, concat(original4, extension));
    }

    @Test
    void rfc4884PaddingIsRecomputedInThirtyTwoBitWords()
    {
        // ICMPv6 time exceeded: a 153-byte datagram zero padded to 160 bytes (20 words of 64 bits), 12-byte extension.
        final byte[] data = bytes(105, 3);
        final byte[] original6 = pad(quoted6(data), 160);
        final byte[] extension = concat(new byte[] {0x20, 0, 0, 0}, bytes(8, 4));
        final byte[] in = ipv6(R6, H6, ICMPV6, 64, 0, 0, icmp6(R6, H6, 3, 0, 20 << 24, concat(original6, extension)));
        // RFC 4884 s.4.1-4.2: the 7 padding bytes are not datagram: 133-byte IPv4 packet padded to 136 = 34 words
        // (carrying the padding along would give 140 = 35 words).
        final byte[] original4 = pad(quoted4(data), 136);
        assertTranslates(in, R4, 11, 0, 34 << 16, concat(original4, extension));
    }

    @Test
    void rfc4884LengthBeyondTheMessageIsDropped()
    {
        final byte[] in = ipv6(R6, H6, ICMPV6, 64, 0, 0, icmp6(R6, H6, 1, 0, 20 << 24, quoted6(bytes(8, 0))));
        assertEquals(Outcome.ICMPV6_BAD_EXTENSION_LENGTH, engine.translate(in));
    }

    @Test
    void errorFromAnUnmappableRouterTakesAnRfc6791PoolAddress()
    {
        final String router = "2001:db8:ffff::1";
        final byte[] data = bytes(8, 2);
        final byte[] in = ipv6(router, H6, ICMPV6, 64, 0, 0, icmp6(router, H6, 3, 0, 0, quoted6(data)));
        assertEquals(Outcome.IPV6_SOURCE_UNTRANSLATABLE, engine.translate(in));

        final EngineHarness pooled = new EngineHarness(
            SiitTestConfigs.builder().icmpPool4(Ipv4Prefix.parse("203.0.113.99/32")).build());
        assertEquals(Outcome.TRANSLATED_6TO4, pooled.translate(in));
        final byte[] out = pooled.single();
        assertEquals(hex(ipv4("203.0.113.99", H4, ICMP, 63, 0, identification(out), 0, icmp4(11, 0, 0, quoted4(data)))),
            hex(out));
    }

    @Test
    void fragmentedIcmpv6ErrorIsDropped()
    {
        final byte[] message = icmp6(R6, H6, 1, 0, 0, quoted6(bytes(8, 0)));
        final byte[] in = ipv6(R6, H6, 44, 64, 0, 0, concat(fragmentHeader(ICMPV6, 0, true, 5), message));
        assertEquals(Outcome.IPV6_FRAGMENTED_ICMP, engine.translate(in));
    }
}
