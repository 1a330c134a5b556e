package dev.xlat64.map;

import dev.xlat64.addr.AddressMapper;
import dev.xlat64.addr.Addresses;
import dev.xlat64.addr.Eamt;
import dev.xlat64.addr.Ipv6Prefix;
import dev.xlat64.addr.Rfc6052Prefix;
import dev.xlat64.core.Outcome;
import dev.xlat64.core.TranslatorConfig;
import dev.xlat64.testing.EngineHarness;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.xlat64.testing.TestPackets.ICMP;
import static dev.xlat64.testing.TestPackets.ICMPV6;
import static dev.xlat64.testing.TestPackets.UDP;
import static dev.xlat64.testing.TestPackets.bytes;
import static dev.xlat64.testing.TestPackets.concat;
import static dev.xlat64.testing.TestPackets.fragmentHeader;
import static dev.xlat64.testing.TestPackets.head;
import static dev.xlat64.testing.TestPackets.hex;
import static dev.xlat64.testing.TestPackets.icmp4;
import static dev.xlat64.testing.TestPackets.icmp6;
import static dev.xlat64.testing.TestPackets.ipv4;
import static dev.xlat64.testing.TestPackets.ipv6;
import static dev.xlat64.testing.TestPackets.udp;
import static dev.xlat64.testing.TestPackets.with;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * RFC 2473 s.8 at a MAP-E CE (RFC 7597 s.8.2): the CE is the entry point of the 4in6 packets it sends, so an ICMPv6
 * error about one of them is relayed to the original IPv4 source (s.8.3), which is the CE's own (NAPT44) address.
 * The CE is RFC 7597 appendix A's End-user prefix 2001:db8:12:3400::/56 under {2001:db8::/40, 192.0.2.0/24, 16}
 * (192.0.2.18, PSID 0x34: ports 1232-1235, ...; MAP address 2001:db8:12:3400:0:c000:212:34), BR 2001:db8:ffff::1, in
 * CE mode (no translator IPv4 address). The expected ICMPv4 errors are built field by field from s.8.3 by the test's
 * packet builder: source 192.0.0.8 (RFC 7600's dummy address: the CE's own address is the destination), destination
 * the original source, type 3 code 1 or 4, TTL 64, precedence 6, quoting the inner packet.
 */
class Rfc2473CeTunnelIcmpTest
{
    private static final int IPIP = 4;
    private static final int DESTINATION_OPTIONS = 60;
    private static final String CE = "2001:db8:12:3400:0:c000:212:34";
    private static final String CE4 = "192.0.2.18";
    private static final String BR = "2001:db8:ffff::1";
    /** The FMR peer 192.0.2.19, PSID 0x35 (port 1236), and its MAP address. */
    private static final String PEER4 = "192.0.2.19";
    private static final String PEER = "2001:db8:13:3500:0:c000:213:35";
    private static final String SERVER4 = "198.51.100.2";
    /** A router between the CE and the BR that reports a problem with a tunnel packet. */
    private static final String ROUTER = "2001:db8:2::1";
    private static final String DUMMY4 = "192.0.0.8";
    private static final int ERROR_TOS = 0xC0;

    private final EngineHarness engine = engine(1000);

    private static EngineHarness engine(final int icmpErrorsPerSecond)
    {
        final EngineHarness engine = new EngineHarness(TranslatorConfig.builder(new AddressMapper(
            Rfc6052Prefix.parse("2001:db8:64::/96"), Eamt.EMPTY, true)).icmpErrorsPerSecond(icmpErrorsPerSecond)
            .build());
        engine.translator().mapDomains(List.of(MapDomain.customerEdge(Mechanism.MAP_E, "test",
            MapRuleTable.of(MapRule.of("2001:db8::/40", "192.0.2.0/24", 16)), null, Addresses.parse6(BR),
            Ipv6Prefix.parse("2001:db8:12:3400::/56"))));
        return engine;
    }

    /** A packet the CE sent (after the NAPT44): UDP from 192.0.2.18 port {@code port}, DF when {@code df}. */
    private static byte[] sent(final int port, final boolean df, final int size)
    {
        return ipv4(CE4, SERVER4, UDP, 63, 0, 0x4242, df ? 0x4000 : 0, udp(CE4, SERVER4, port, 53, bytes(size, 1)));
    }

    /** An ICMPv6 error from the router to the MAP address quoting as much of {@code quoted} as fits in 1280 bytes. */
    private static byte[] errorToCe(final int type, final int code, final int rest, final byte[] quoted)
    {
        final byte[] quote = head(quoted, Math.min(quoted.length, 1280 - 48));
        return ipv6(ROUTER, CE, ICMPV6, 64, 0, 0, icmp6(ROUTER, CE, type, code, rest, quote));
    }

    private static int identification(final byte[] ipv4)
    {
        return ((ipv4[4] & 0xff) << 8) | (ipv4[5] & 0xff);
    }

    @Test
    void packetTooBigBecomesFragmentationNeededFromTheDummyAddressWithTheMtuLessTheTunnelHeader()
    {
        // s.8.3 and s.7.2: 3/4 with MTU 1300 - 40 for a packet with DF, quoting as much as fits in 576 bytes.
        final byte[] inner = sent(1232, true, 1300);
        assertEquals(Outcome.SOFTWIRE_ICMP_RELAYED,
            engine.translate(errorToCe(2, 0, 1300, ipv6(CE, BR, IPIP, 64, 0, 0, inner))));
        final byte[] out = engine.single();
        assertEquals(hex(ipv4(DUMMY4, CE4, ICMP, 64, ERROR_TOS, identification(out), 0,
            icmp4(3, 4, 1260, head(inner, 576 - 28)))), hex(out));
    }

    @Test
    void aPacketWithDfTooBigForTheTunnelGetsFragmentationNeededFromTheDummyAddress()
    {
        // s.7.1 at the entry point itself: DF set and the 4in6 packet (1320 + 40) above the IPv6 MTU of 1280: 3/4
        // with 1280 - 40, from 192.0.0.8 as the relayed errors: the config's address, which CE mode defaults to it
        // (MapCeConfigTest; the CE's own address is the destination).
        final EngineHarness small = new EngineHarness(TranslatorConfig.builder(new AddressMapper(
            Rfc6052Prefix.parse("2001:db8:64::/96"), Eamt.EMPTY, true)).icmpErrorsPerSecond(1000).ipv6Mtu(1280)
            .ipv4Address(Addresses.parse4(DUMMY4)).build());
        small.translator().mapDomains(List.of(MapDomain.customerEdge(Mechanism.MAP_E, "test",
            MapRuleTable.of(MapRule.of("2001:db8::/40", "192.0.2.0/24", 16)), null, Addresses.parse6(BR),
            Ipv6Prefix.parse("2001:db8:12:3400::/56"))));
        final byte[] inner = sent(1232, true, 1300 - 8);
        assertEquals(Outcome.ICMPV4_ERROR_SENT, small.translate(inner));
        assertEquals(Outcome.SOFTWIRE_TOO_BIG, small.translator().icmpErrorReason());
        final byte[] out = small.single();
        assertEquals(hex(ipv4(DUMMY4, CE4, ICMP, 64, ERROR_TOS, identification(out), 0,
            icmp4(3, 4, 1240, head(inner, 576 - 28)))), hex(out));
    }

    @Test
    void aPingWithDfGetsFragmentationNeededForItsEchoRequest()
    {
        // ping -M do: an echo request whose identifier (1233, the NAPT44's) stands for the port (RFC 7597 s.8.2).
        final byte[] echo = ipv4(CE4, SERVER4, ICMP, 63, 0, 9, 0x4000, icmp4(8, 0, 1233 << 16 | 1, bytes(1400, 2)));
        assertEquals(Outcome.SOFTWIRE_ICMP_RELAYED,
            engine.translate(errorToCe(2, 0, 1400, ipv6(CE, BR, IPIP, 64, 0, 0, echo))));
        final byte[] out = engine.single();
        assertEquals(hex(ipv4(DUMMY4, CE4, ICMP, 64, ERROR_TOS, identification(out), 0,
            icmp4(3, 4, 1360, head(echo, 548)))), hex(out));
    }

    @Test
    void unreachableNodeAndHopLimitExceededBecomeHostUnreachable()
    {
        // s.8.1 "unreachable node" and "hop limit exceeded" -> s.8.3: type 3, code 1, the whole inner packet quoted.
        final byte[] inner = sent(2257, false, 20);
        for (final int[] typeCode : new int[][] {{1, 3}, {1, 0}, {3, 0}})
        {
            assertEquals(Outcome.SOFTWIRE_ICMP_RELAYED, engine.translate(errorToCe(typeCode[0], typeCode[1], 0,
                ipv6(CE, BR, IPIP, 1, 0, 0, inner))));
            final byte[] out = engine.single();
            assertEquals(hex(ipv4(DUMMY4, CE4, ICMP, 64, ERROR_TOS, identification(out), 0, icmp4(3, 1, 0, inner))),
                hex(out), "ICMPv6 " + typeCode[0] + "/" + typeCode[1]);
        }
    }

    @Test
    void anErrorAboutATunnelPacketToTheFmrPeerIsRelayed()
    {
        // RFC 7597 s.7: the CE sent this one straight to the peer that 192.0.2.19 port 1236 maps to.
        final byte[] inner = ipv4(CE4, PEER4, UDP, 63, 0, 3, 0, udp(CE4, PEER4, 1232, 1236, bytes(16, 3)));
        assertEquals(Outcome.SOFTWIRE_ICMP_RELAYED,
            engine.translate(errorToCe(1, 3, 0, ipv6(CE, PEER, IPIP, 64, 0, 0, inner))));
        final byte[] out = engine.single();
        assertEquals(hex(ipv4(DUMMY4, CE4, ICMP, 64, ERROR_TOS, identification(out), 0, icmp4(3, 1, 0, inner))),
            hex(out));
        // The same inner packet in a tunnel packet to the BR: not one this CE sent.
        assertEquals(Outcome.SOFTWIRE_ICMP_NOT_RELAYED,
            engine.translate(errorToCe(1, 3, 0, ipv6(CE, BR, IPIP, 64, 0, 0, inner))));
        assertTrue(engine.emitted().isEmpty());
    }

    @Test
    void extensionHeadersBeforeTheIcmpv6ErrorAreWalked()
    {
        final byte[] inner = sent(1232, false, 20);
        final byte[] message = icmp6(ROUTER, CE, 3, 0, 0, ipv6(CE, BR, IPIP, 1, 0, 0, inner));
        final byte[] options = {(byte)ICMPV6, 0, 1, 4, 0, 0, 0, 0};
        assertEquals(Outcome.SOFTWIRE_ICMP_RELAYED,
            engine.translate(ipv6(ROUTER, CE, DESTINATION_OPTIONS, 64, 0, 0, concat(options, message))));
        final byte[] out = engine.single();
        assertEquals(hex(ipv4(DUMMY4, CE4, ICMP, 64, ERROR_TOS, identification(out), 0, icmp4(3, 1, 0, inner))),
            hex(out));
    }

    /** Errors about packets this CE could not have sent, or not to be relayed, are dropped and counted. */
    @Test
    void whatTheCeCouldNotHaveSentOrMustNotRelayIsNotRelayed()
    {
        final byte[] big = sent(1232, false, 1300);
        final byte[] small = sent(1232, true, 20);
        final List<byte[]> refused = List.of(
            // s.7.1: without DF the entry point fragments the tunnel packet; the source has nothing to change.
            errorToCe(2, 0, 1300, ipv6(CE, BR, IPIP, 64, 0, 0, big)),
            // RFC 7597 s.8.1: a source port of PSID 0x35, another CE's address, an A = 0 port.
            errorToCe(1, 3, 0, ipv6(CE, BR, IPIP, 64, 0, 0, sent(1236, true, 20))),
            errorToCe(1, 3, 0, ipv6(CE, BR, IPIP, 64, 0, 0,
                ipv4(PEER4, SERVER4, UDP, 63, 0, 1, 0, udp(PEER4, SERVER4, 1236, 53, bytes(8, 4))))),
            errorToCe(1, 3, 0, ipv6(CE, BR, IPIP, 64, 0, 0, sent(80, true, 20))),
            // A tunnel packet from another address, or to a far end the inner destination does not map to.
            errorToCe(1, 3, 0, ipv6(PEER, BR, IPIP, 64, 0, 0, small)),
            errorToCe(1, 3, 0, ipv6(CE, "2001:db8:fffe::1", IPIP, 64, 0, 0, small)),
            // s.8.1: Parameter Problem only about a Tunnel Encapsulation Limit option (never sent); not an error.
            errorToCe(4, 0, 6, ipv6(CE, BR, IPIP, 64, 0, 0, small)),
            errorToCe(128, 0, 1, ipv6(CE, BR, IPIP, 64, 0, 0, small)),
            // A checksum that does not verify; a quoted non-first fragment of the inner packet.
            with(errorToCe(1, 3, 0, ipv6(CE, BR, IPIP, 64, 0, 0, small)), 42, 0x55),
            errorToCe(1, 3, 0, ipv6(CE, BR, IPIP, 64, 0, 0, ipv4(CE4, SERVER4, UDP, 63, 0, 1, 0x0010,
                bytes(16, 5)))));
        for (int i = 0; i < refused.size(); i++)
        {
            assertEquals(Outcome.SOFTWIRE_ICMP_NOT_RELAYED, engine.translate(refused.get(i)), "case " + i);
            assertTrue(engine.emitted().isEmpty(), "case " + i);
        }
        // A fragmented ICMPv6 error is not reassembled.
        final byte[] fragment = concat(fragmentHeader(ICMPV6, 0, true, 7),
            icmp6(ROUTER, CE, 1, 3, 0, ipv6(CE, BR, IPIP, 64, 0, 0, small)));
        assertEquals(Outcome.SOFTWIRE_ICMP_NOT_RELAYED, engine.translate(ipv6(ROUTER, CE, 44, 64, 0, 0, fragment)));
        assertTrue(engine.emitted().isEmpty());
        // Not ICMPv6 and not 4in6: as before.
        assertEquals(Outcome.SOFTWIRE_NOT_4IN6, engine.translate(ipv6(BR, CE, UDP, 64, 0, 0,
            udp(BR, CE, 53, 1232, bytes(8, 6)))));
        assertTrue(engine.emitted().isEmpty());
    }

    @Test
    void relayedErrorsGoThroughTheEnginesRateLimiter()
    {
        // RFC 4443 s.2.4(f) / RFC 1812 s.4.3.2.8: icmp-errors-per-second = 0 sends none.
        final EngineHarness silent = engine(0);
        assertEquals(Outcome.SOFTWIRE_ICMP_NOT_RELAYED, silent.translate(errorToCe(1, 3, 0,
            ipv6(CE, BR, IPIP, 64, 0, 0, sent(1232, true, 20)))));
        assertTrue(silent.emitted().isEmpty());
    }
}
