package dev.xlat64.siit;

import dev.xlat64.addr.AddressMapper;
import dev.xlat64.addr.Eamt;
import dev.xlat64.addr.Ipv6Prefix;
import dev.xlat64.addr.Rfc6052Prefix;
import dev.xlat64.core.Outcome;
import dev.xlat64.core.TranslatorConfig;
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
import static dev.xlat64.testing.TestPackets.pad;
import static dev.xlat64.testing.TestPackets.tcp;
import static dev.xlat64.testing.TestPackets.udp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * RFC 7915 sections 4.2 and 4.3: ICMPv4 errors become ICMPv6 errors, type/code/pointer/MTU mapped, the quoted packet
 * translated (addresses, inner checksum, inner TTL kept), truncated to 1280 bytes, RFC 4884 extensions carried.
 * Scenario: IPv6 host H (2001:db8:6::7, EAM 198.51.100.7) talked to IPv4 server S (192.0.2.33) through a router R.
 */
class Rfc7915Section4_2IcmpTest
{
    private static final String H4 = "198.51.100.7";
    private static final String H6 = "2001:db8:6::7";
    private static final String S4 = "192.0.2.33";
    private static final String S6 = "2001:db8:64::c000:221";
    private static final String R4 = "203.0.113.1";
    private static final String R6 = "2001:db8:64::cb00:7101";

    private final EngineHarness engine = new EngineHarness(SiitTestConfigs.standard());

    /** What H sent, as the IPv4 side saw it (after the first translation: TTL 63, no DF below 1260 bytes). */
    private static byte[] quoted4(final byte[] data)
    {
        return ipv4(H4, S4, UDP, 63, 0, 0x1111, 0, udp(H4, S4, 40000, 53, data));
    }

    /** The same packet as H sent it in IPv6 (hop limit equal to the IPv4 TTL: the inner TTL is not decremented). */
    private static byte[] quoted6(final byte[] data)
    {
        return ipv6(H6, S6, UDP, 63, 0, 0, udp(H6, S6, 40000, 53, data));
    }

    private byte[] translate(final byte[] in)
    {
        assertEquals(Outcome.TRANSLATED_4TO6, engine.translate(in));
        return engine.single();
    }

    @Test
    void portUnreachableBecomesIcmpv6PortUnreachableWithTranslatedQuote()
    {
        final byte[] data = bytes(20, 1);
        final byte[] in = ipv4(S4, H4, ICMP, 64, 0, 9, 0, icmp4(3, 3, 0, quoted4(data)));
        final byte[] expected = ipv6(S6, H6, ICMPV6, 63, 0, 0, icmp6(S6, H6, 1, 4, 0, quoted6(data)));
        assertEquals(hex(expected), hex(translate(in)));
    }

    @Test
    void hostAndNetUnreachableBecomeNoRoute()
    {
        for (final int code : new int[] {0, 1, 5, 6, 7, 8, 11, 12})
        {
            final byte[] data = bytes(8, code);
            final byte[] in = ipv4(R4, H4, ICMP, 64, 0, 9, 0, icmp4(3, code, 0, quoted4(data)));
            final byte[] expected = ipv6(R6, H6, ICMPV6, 63, 0, 0, icmp6(R6, H6, 1, 0, 0, quoted6(data)));
            assertEquals(hex(expected), hex(translate(in)), "code " + code);
        }
    }

    @Test
    void administrativelyProhibitedCodesBecomeCode1()
    {
        for (final int code : new int[] {9, 10, 13, 15})
        {
            final byte[] data = bytes(8, code);
            final byte[] in = ipv4(R4, H4, ICMP, 64, 0, 9, 0, icmp4(3, code, 0, quoted4(data)));
            final byte[] expected = ipv6(R6, H6, ICMPV6, 63, 0, 0, icmp6(R6, H6, 1, 1, 0, quoted6(data)));
            assertEquals(hex(expected), hex(translate(in)), "code " + code);
        }
    }

    @Test
    void protocolUnreachableBecomesParameterProblemPointingAtNextHeader()
    {
        final byte[] data = bytes(8, 2);
        final byte[] in = ipv4(S4, H4, ICMP, 64, 0, 9, 0, icmp4(3, 2, 0, quoted4(data)));
        final byte[] expected = ipv6(S6, H6, ICMPV6, 63, 0, 0, icmp6(S6, H6, 4, 1, 6, quoted6(data)));
        assertEquals(hex(expected), hex(translate(in)));
    }

    @Test
    void fragmentationNeededBecomesPacketTooBigWithMtuPlus20()
    {
        final byte[] data = bytes(8, 3);
        final byte[] in = ipv4(R4, H4, ICMP, 64, 0, 9, 0, icmp4(3, 4, 1400, quoted4(data)));
        final byte[] expected = ipv6(R6, H6, ICMPV6, 63, 0, 0, icmp6(R6, H6, 2, 0, 1420, quoted6(data)));
        assertEquals(hex(expected), hex(translate(in)));
    }

    @Test
    void packetTooBigMtuIsCappedByTheNextHopMtus()
    {
        // min(1490 + 20, IPv6 next hop 1500, IPv4 next hop 1500 + 20) = 1500.
        final byte[] data = bytes(8, 3);
        final byte[] in = ipv4(R4, H4, ICMP, 64, 0, 9, 0, icmp4(3, 4, 1490, quoted4(data)));
        final byte[] expected = ipv6(R6, H6, ICMPV6, 63, 0, 0, icmp6(R6, H6, 2, 0, 1500, quoted6(data)));
        assertEquals(hex(expected), hex(translate(in)));
    }

    @Test
    void zeroMtuUsesTheRfc1191PlateauBelowTheQuotedTotalLength()
    {
        // The quoted packet claims 1100 bytes (only its start is quoted): plateau 1006, + 20 = 1026, raised to 1280.
        final EngineHarness big = new EngineHarness(SiitTestConfigs.builder().ipv6Mtu(9000).ipv4Mtu(9000).build());
        final byte[] quoted = ipv4(H4, S4, UDP, 63, 0, 0x1111, 0, udp(H4, S4, 40000, 53, bytes(1072, 3)));
        final byte[] cut = pad(quoted, 28);
        final byte[] in = ipv4(R4, H4, ICMP, 64, 0, 9, 0, icmp4(3, 4, 0, cut));
        final byte[] quoted6 = ipv6(H6, S6, UDP, 63, 0, 0, udp(H6, S6, 40000, 53, bytes(1072, 3)));
        final byte[] expected = ipv6(R6, H6, ICMPV6, 63, 0, 0, icmp6(R6, H6, 2, 0, 1280, pad(quoted6, 48)));
        assertEquals(Outcome.TRANSLATED_4TO6, big.translate(in));
        assertEquals(hex(expected), hex(big.single()));

        // Quoted total length 9000: plateau 8166, + 20 = 8186.
        assertEquals(8166, PathMtu.plateau(9000));
        assertEquals(8186, PathMtu.packetTooBigMtu(big.translator().config(), 0, 9000, false));
        // A fragment header in the IPv6 packet adds 8 more.
        assertEquals(8194, PathMtu.packetTooBigMtu(big.translator().config(), 0, 9000, true));
        assertEquals(68, PathMtu.plateau(60));
    }

    @Test
    void timeExceededKeepsItsCode()
    {
        for (final int code : new int[] {0, 1})
        {
            final byte[] data = bytes(8, code);
            final byte[] in = ipv4(R4, H4, ICMP, 64, 0, 9, 0, icmp4(11, code, 0, quoted4(data)));
            final byte[] expected = ipv6(R6, H6, ICMPV6, 63, 0, 0, icmp6(R6, H6, 3, code, 0, quoted6(data)));
            assertEquals(hex(expected), hex(translate(in)), "code " + code);
        }
    }

    @Test
    void parameterProblemPointerIsMapped()
    {
        final int[][] pointers = {{0, 0}, {1, 1}, {2, 4}, {3, 4}, {8, 7}, {9, 6}, {12, 8}, {15, 8}, {16, 24}, {19, 24}};
        for (final int[] p : pointers)
        {
            final byte[] data = bytes(8, p[0]);
            final byte[] in = ipv4(R4, H4, ICMP, 64, 0, 9, 0, icmp4(12, 0, p[0] << 24, quoted4(data)));
            final byte[] expected = ipv6(R6, H6, ICMPV6, 63, 0, 0, icmp6(R6, H6, 4, 0, p[1], quoted6(data)));
            assertEquals(hex(expected), hex(translate(in)), "pointer " + p[0]);
        }
        // Code 2 (bad length) is translated like code 0.
        final byte[] in = ipv4(R4, H4, ICMP, 64, 0, 9, 0, icmp4(12, 2, 2 << 24, quoted4(bytes(8, 0))));
        assertEquals(hex(ipv6(R6, H6, ICMPV6, 63, 0, 0, icmp6(R6, H6, 4, 0, 4, quoted6(bytes(8, 0))))),
            hex(translate(in)));
    }

    @Test
    void untranslatableErrorsAreDropped()
    {
        final byte[] quote = quoted4(bytes(8, 0));
        // Parameter problem pointing at fields IPv6 lacks (identification, flags, checksum, options); code 1.
        for (final int pointer : new int[] {4, 6, 10, 20})
        {
            assertEquals(Outcome.ICMPV4_UNTRANSLATABLE,
                engine.translate(ipv4(R4, H4, ICMP, 64, 0, 9, 0, icmp4(12, 0, pointer << 24, quote))));
        }
        assertEquals(Outcome.ICMPV4_UNTRANSLATABLE,
            engine.translate(ipv4(R4, H4, ICMP, 64, 0, 9, 0, icmp4(12, 1, 0, quote))));
        // Host precedence violation (3/14), source quench (4), redirect (5), unknown time-exceeded code.
        assertEquals(Outcome.ICMPV4_UNTRANSLATABLE,
            engine.translate(ipv4(R4, H4, ICMP, 64, 0, 9, 0, icmp4(3, 14, 0, quote))));
        assertEquals(Outcome.ICMPV4_UNTRANSLATABLE,
            engine.translate(ipv4(R4, H4, ICMP, 64, 0, 9, 0, icmp4(4, 0, 0, quote))));
        assertEquals(Outcome.ICMPV4_UNTRANSLATABLE,
            engine.translate(ipv4(R4, H4, ICMP, 64, 0, 9, 0, icmp4(5, 1, 0, quote))));
        assertEquals(Outcome.ICMPV4_UNTRANSLATABLE,
            engine.translate(ipv4(R4, H4, ICMP, 64, 0, 9, 0, icmp4(11, 2, 0, quote))));
        // Queries other than echo (timestamp).
        assertEquals(Outcome.ICMPV4_UNTRANSLATABLE,
            engine.translate(ipv4(R4, H4, ICMP, 64, 0, 9, 0, icmp4(13, 0, 0, bytes(12, 0)))));
        assertTrue(engine.emitted().isEmpty());
    }

    @Test
    void corruptedErrorIsNotLaundered()
    {
        final byte[] in = ipv4(R4, H4, ICMP, 64, 0, 9, 0, icmp4(3, 1, 0, quoted4(bytes(8, 0))));
        in[in.length - 1] ^= 0x40;
        assertEquals(Outcome.ICMPV4_BAD_CHECKSUM, engine.translate(in));
    }

    @Test
    void quotedPacketMustBeATranslatableIpv4PacketAndNotAnError()
    {
        // Too short to hold an IPv4 header.
        assertEquals(Outcome.ICMPV4_INNER_UNTRANSLATABLE,
            engine.translate(ipv4(R4, H4, ICMP, 64, 0, 9, 0, icmp4(3, 1, 0, bytes(12, 0)))));
        // Not IPv4.
        final byte[] notIpv4 = quoted4(bytes(8, 0));
        notIpv4[0] = 0x65;
        assertEquals(Outcome.ICMPV4_INNER_UNTRANSLATABLE,
            engine.translate(ipv4(R4, H4, ICMP, 64, 0, 9, 0, icmp4(3, 1, 0, notIpv4))));
        // An ICMP error quoting an ICMP error (RFC 7915 s.4.3: one level only).
        final byte[] innerError = ipv4(H4, S4, ICMP, 63, 0, 1, 0, icmp4(3, 3, 0, quoted4(bytes(8, 0))));
        assertEquals(Outcome.ICMPV4_INNER_UNTRANSLATABLE,
            engine.translate(ipv4(R4, H4, ICMP, 64, 0, 9, 0, icmp4(3, 1, 0, pad(innerError, 56)))));
        // Quoted addresses that do not map (EAM-only config, 192.0.2.33 outside every entry).
        final EngineHarness eamOnly = new EngineHarness(TranslatorConfig.builder(new AddressMapper(null,
            new Eamt(java.util.List.of(Eamt.Entry.parse("198.51.100.0/24=2001:db8:6::/120"),
                Eamt.Entry.parse("203.0.113.0/24=2001:db8:7::/120"))), true)).build());
        assertEquals(Outcome.ICMPV4_INNER_UNTRANSLATABLE,
            eamOnly.translate(ipv4(R4, H4, ICMP, 64, 0, 9, 0, icmp4(3, 1, 0, quoted4(bytes(8, 0))))));
    }

    @Test
    void quotedEchoRequestIsTranslatedWithItsChecksum()
    {
        final byte[] body = bytes(32, 5);
        final byte[] inner4 = ipv4(H4, S4, ICMP, 1, 0, 0x2222, 0, icmp4(8, 0, 0x12340001, body));
        final byte[] inner6 = ipv6(H6, S6, ICMPV6, 1, 0, 0, icmp6(H6, S6, 128, 0, 0x12340001, body));
        final byte[] in = ipv4(R4, H4, ICMP, 64, 0, 9, 0, icmp4(11, 0, 0, inner4));
        assertEquals(hex(ipv6(R6, H6, ICMPV6, 63, 0, 0, icmp6(R6, H6, 3, 0, 0, inner6))), hex(translate(in)));
    }

    @Test
    void quotedTcpHeaderCutAfterEightBytesIsCopiedAsIs()
    {
        // RFC 792 routers may quote only 8 bytes of TCP: the checksum is not there to update.
        final byte[] tcp4 = tcp(H4, S4, 40000, 80, 1, 0, 0x02, new byte[0]);
        final byte[] inner4 = pad(ipv4(H4, S4, TCP, 63, 0, 3, 0x4000, tcp4), 28);
        final byte[] inner6 = pad(ipv6(H6, S6, TCP, 63, 0, 0, tcp(H6, S6, 40000, 80, 1, 0, 0x02, new byte[0])), 48);
        final byte[] in = ipv4(R4, H4, ICMP, 64, 0, 9, 0, icmp4(11, 0, 0, inner4));
        assertEquals(hex(ipv6(R6, H6, ICMPV6, 63, 0, 0, icmp6(R6, H6, 3, 0, 0, inner6))), hex(translate(in)));
    }

    @Test
    void quotedFragmentGetsAFragmentHeader()
    {
        // The quoted packet is the first fragment (MF) of H's datagram: IPv6 had a fragment header with its id.
        final byte[] udp4 = udp(H4, S4, 40000, 53, bytes(100, 1));
        final byte[] inner4 = ipv4(H4, S4, UDP, 63, 0, 0x4321, 0x2000, pad(udp4, 48));
        final byte[] udp6 = udp(H6, S6, 40000, 53, bytes(100, 1));
        final byte[] inner6 = ipv6(H6, S6, 44, 63, 0, 0, concat(fragmentHeader(UDP, 0, true, 0x4321), pad(udp6, 48)));
        final byte[] in = ipv4(R4, H4, ICMP, 64, 0, 9, 0, icmp4(11, 1, 0, inner4));
        assertEquals(hex(ipv6(R6, H6, ICMPV6, 63, 0, 0, icmp6(R6, H6, 3, 1, 0, inner6))), hex(translate(in)));
    }

    @Test
    void errorIsTruncatedTo1280Bytes()
    {
        final byte[] data = bytes(1400, 7);
        final byte[] in = ipv4(S4, H4, ICMP, 64, 0, 9, 0, icmp4(3, 3, 0, quoted4(data)));
        final byte[] expected = ipv6(S6, H6, ICMPV6, 63, 0, 0, icmp6(S6, H6, 1, 4, 0, pad(quoted6(data), 1280 - 48)));
        final byte[] out = translate(in);
        assertEquals(1280, out.length);
        assertEquals(hex(expected), hex(out));
    }

    @Test
    void rfc4884ExtensionIsCarriedWithTheLengthInSixtyFourBitWords()
    {
        // ICMPv4 time exceeded with a 128-byte original datagram field (length 32 words) and a 12-byte extension.
        final byte[] data = bytes(72, 9);
        final byte[] original4 = pad(quoted4(data), 128);             // 100-byte packet, zero padded (RFC 4884 s.4.1)
        final byte[] extension = concat(new byte[] {0x20, 0, 0, 0}, bytes(8, 4));
        final byte[] in = ipv4(R4, H4, ICMP, 64, 0, 9, 0, icmp4(11, 0, 32 << 16, concat(original4, extension)));
        // RFC 4884 s.4.1-4.2: the 28 bytes past the datagram's total length are padding, not datagram: the 120-byte
        // IPv6 packet is padded to the 128-byte minimum = 16 words of 64 bits.
        final byte[] original6 = pad(quoted6(data), 128);
        final byte[] expected =
            ipv6(R6, H6, ICMPV6, 63, 0, 0, icmp6(R6, H6, 3, 0, 16 << 24, concat(original6, extension)));
        assertEquals(hex(expected), hex(translate(in)));
    }

    @Test
    void rfc4884PaddingIsRecomputedInSixtyFourBitWords()
    {
        // ICMPv4 destination unreachable (host, 3/1): a 133-byte datagram padded to 136 bytes (34 words of 32 bits).
        final byte[] data = bytes(105, 3);
        final byte[] original4 = pad(quoted4(data), 136);
        final byte[] extension = concat(new byte[] {0x20, 0, 0, 0}, bytes(8, 4));
        final byte[] in = ipv4(R4, H4, ICMP, 64, 0, 9, 0, icmp4(3, 1, 34 << 16, concat(original4, extension)));
        // IPv6: 153-byte datagram, zero padded to 160 = 20 words of 64 bits (RFC 7915 s.4.2: 3/1 -> 1/0).
        final byte[] original6 = pad(quoted6(data), 160);
        final byte[] expected =
            ipv6(R6, H6, ICMPV6, 63, 0, 0, icmp6(R6, H6, 1, 0, 20 << 24, concat(original6, extension)));
        assertEquals(hex(expected), hex(translate(in)));
    }

    @Test
    void rfc4884ExtensionIsDroppedByTypesWithoutALengthField()
    {
        // Fragmentation needed with an extension: ICMPv6 Packet Too Big has no length attribute.
        final byte[] data = bytes(72, 9);
        final byte[] original4 = pad(quoted4(data), 128);
        final byte[] in = ipv4(R4, H4, ICMP, 64, 0, 9, 0,
            icmp4(3, 4, (32 << 16) | 1400, concat(original4, bytes(8, 4))));
        // The extension and the field's zero padding (RFC 4884 s.4.1) are left out: the datagram alone is quoted.
        final byte[] expected = ipv6(R6, H6, ICMPV6, 63, 0, 0, icmp6(R6, H6, 2, 0, 1420, quoted6(data)));
        assertEquals(hex(expected), hex(translate(in)));
    }

    @Test
    void rfc4884LengthBeyondTheMessageIsDropped()
    {
        final byte[] in = ipv4(R4, H4, ICMP, 64, 0, 9, 0, icmp4(11, 0, 40 << 16, quoted4(bytes(8, 0))));
        assertEquals(Outcome.ICMPV4_BAD_EXTENSION_LENGTH, engine.translate(in));
    }

    @Test
    void fragmentedIcmpErrorIsDropped()
    {
        final byte[] in = ipv4(R4, H4, ICMP, 64, 0, 9, 0x2000, icmp4(3, 1, 0, quoted4(bytes(8, 0))));
        assertEquals(Outcome.IPV4_FRAGMENT_UNSUPPORTED, engine.translate(in));
    }

    @Test
    void errorFromAnUnmappableRouterTakesAnRfc6791PoolAddress()
    {
        // Well-Known Prefix: the router 10.1.1.1 is not global and cannot be embedded (RFC 6052 s.3.1).
        final TranslatorConfig.Builder b =
            TranslatorConfig.builder(new AddressMapper(Rfc6052Prefix.parse("64:ff9b::/96"), Eamt.EMPTY, true));
        final String h4 = "8.8.4.4";
        final String h6 = "64:ff9b::808:404";
        final String s4 = "9.9.9.9";
        final String s6 = "64:ff9b::909:909";
        final byte[] inner4 = ipv4(h4, s4, UDP, 5, 0, 1, 0, udp(h4, s4, 1, 2, bytes(8, 0)));
        final byte[] inner6 = ipv6(h6, s6, UDP, 5, 0, 0, udp(h6, s6, 1, 2, bytes(8, 0)));
        final byte[] in = ipv4("10.1.1.1", h4, ICMP, 64, 0, 9, 0, icmp4(11, 0, 0, inner4));

        assertEquals(Outcome.IPV4_NON_GLOBAL_UNDER_WKP, new EngineHarness(b.build()).translate(in));

        final EngineHarness pooled = new EngineHarness(b.icmpPool6(Ipv6Prefix.parse("2001:db8:ffff::1/128")).build());
        assertEquals(Outcome.TRANSLATED_4TO6, pooled.translate(in));
        final String pool = "2001:db8:ffff::1";
        assertEquals(hex(ipv6(pool, h6, ICMPV6, 63, 0, 0, icmp6(pool, h6, 3, 0, 0, inner6))), hex(pooled.single()));
    }

    @Test
    void tosIsCopiedToTheOuterAndInnerTrafficClass()
    {
        final byte[] data = bytes(8, 1);
        final byte[] inner4 = ipv4(H4, S4, UDP, 63, 0x28, 0x1111, 0, udp(H4, S4, 40000, 53, data));
        final byte[] inner6 = ipv6(H6, S6, UDP, 63, 0x28, 0, udp(H6, S6, 40000, 53, data));
        final byte[] in = ipv4(S4, H4, ICMP, 64, 0xc0, 9, 0, icmp4(3, 3, 0, inner4));
        assertEquals(hex(ipv6(S6, H6, ICMPV6, 63, 0xc0, 0, icmp6(S6, H6, 1, 4, 0, inner6))), hex(translate(in)));
    }
}
