package dev.xlat64.map;

import dev.xlat64.addr.AddressMapper;
import dev.xlat64.addr.Addresses;
import dev.xlat64.addr.Eamt;
import dev.xlat64.addr.Ipv6Prefix;
import dev.xlat64.addr.Rfc6052Prefix;
import dev.xlat64.core.Outcome;
import dev.xlat64.core.PacketSink;
import dev.xlat64.core.TranslatorConfig;
import dev.xlat64.engine.Translator;
import dev.xlat64.testing.AllocationProbe;
import dev.xlat64.testing.EngineHarness;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.List;

import static dev.xlat64.map.Rfc7599BorderRelayTest.CE;
import static dev.xlat64.map.Rfc7599BorderRelayTest.CE4;
import static dev.xlat64.map.Rfc7599BorderRelayTest.HOST;
import static dev.xlat64.map.Rfc7599BorderRelayTest.HOST4;
import static dev.xlat64.map.Rfc7599BorderRelayTest.assertTranslated4to6;
import static dev.xlat64.map.Rfc7599BorderRelayTest.assertTranslated6to4;
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
import static dev.xlat64.testing.TestPackets.tcp;
import static dev.xlat64.testing.TestPackets.udp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * CE mode (RFC 7599 s.6-7 MAP-T, RFC 7597 s.7-8 MAP-E) through the whole engine, as the CE of RFC 7597/7599 appendix
 * A's End-user prefix 2001:db8:12:3400::/56 under {2001:db8::/40, 192.0.2.0/24, 16}: IPv4 192.0.2.18, PSID 0x34
 * (ports 1232-1235, 2256-2259, ...), MAP address 2001:db8:12:3400:0:c000:212:34. The expected packets come from the
 * test's packet builder (checksums from scratch), never from the code under test.
 */
class MapCustomerEdgeTest
{
    // CE, CE4, HOST (10.2.3.4 under the DMR), HOST4 and the assertions are Rfc7599BorderRelayTest's (appendix A).
    /** The FMR peer 192.0.2.19 with PSID 0x35 (port 1236): End-user prefix 2001:db8:13:3500::/56. */
    static final String PEER4 = "192.0.2.19";
    static final String PEER_T = "2001:db8:13:3500:0:c000:213:35";

    private static EngineHarness ce(final Mechanism mechanism, final Rfc6052Prefix dmr, final byte[] br)
    {
        return ce(mechanism, dmr, br, siit().build());
    }

    /** The SIIT prefix is the one every other test uses: a CE's packets must never take it. */
    static TranslatorConfig.Builder siit()
    {
        return TranslatorConfig.builder(new AddressMapper(Rfc6052Prefix.parse("2001:db8:64::/96"), Eamt.EMPTY, true));
    }

    private static EngineHarness ce(final Mechanism mechanism, final Rfc6052Prefix dmr, final byte[] br,
        final TranslatorConfig config)
    {
        final EngineHarness engine = new EngineHarness(config);
        engine.translator().mapDomains(List.of(MapDomain.customerEdge(mechanism, "test",
            MapRuleTable.of(MapRule.of("2001:db8::/40", "192.0.2.0/24", 16)), dmr, br,
            Ipv6Prefix.parse("2001:db8:12:3400::/56"))));
        return engine;
    }

    /** The MAP-T CE of the End-user prefix 2001:db8:12:3400::/56, DMR 2001:db8:ffff::/64 (RFC 7599 appendix A). */
    static EngineHarness mapTCe()
    {
        return mapTCe(siit().build());
    }

    /** {@link #mapTCe()} with {@code config} (built on {@link #siit()}). */
    static EngineHarness mapTCe(final TranslatorConfig config)
    {
        return ce(Mechanism.MAP_T, Rfc6052Prefix.parse("2001:db8:ffff::/64"), null, config);
    }

    @Nested
    class MapT
    {
        private final EngineHarness engine = mapTCe();

        @Test
        void ipv4FromThePortSetLeavesFromTheMapAddressToTheDmr()
        {
            // RFC 7599 s.6: source the CE's MAP address (full IPv4 in the IID), destination under the DMR.
            final byte[] data = bytes(20, 1);
            assertTranslated4to6(engine, ipv4(CE4, HOST4, TCP, 64, 0, 0x1234, 0x4000,
                tcp(CE4, HOST4, 1232, 80, 7, 9, 0x18, data)), ipv6(CE, HOST, TCP, 63, 0, 0,
                tcp(CE, HOST, 1232, 80, 7, 9, 0x18, data)));
        }

        @Test
        void aPortOutsideTheSetOrAnotherSourceIsDroppedAndCounted()
        {
            // RFC 7597 s.5.1: 1236 is PSID 0x35's; 80 has A = 0; an echo identifier counts as the port.
            assertEquals(Outcome.MAP_CE_PORT_OUTSIDE_SET, engine.translate(
                ipv4(CE4, HOST4, UDP, 64, 0, 1, 0, udp(CE4, HOST4, 1236, 53, bytes(4, 2)))));
            assertEquals(Outcome.MAP_CE_PORT_OUTSIDE_SET, engine.translate(
                ipv4(CE4, HOST4, UDP, 64, 0, 1, 0, udp(CE4, HOST4, 80, 53, bytes(4, 2)))));
            assertEquals(Outcome.MAP_CE_PORT_OUTSIDE_SET, engine.translate(
                ipv4(CE4, HOST4, ICMP, 64, 0, 1, 0, icmp4(8, 0, 5 << 16 | 1, bytes(8, 3)))));
            assertEquals(Outcome.MAP_CE_ADDRESS_NOT_CE, engine.translate(
                ipv4("192.168.1.2", HOST4, UDP, 64, 0, 1, 0, udp("192.168.1.2", HOST4, 1232, 53, bytes(4, 2)))));
            assertTrue(engine.emitted().isEmpty());
        }

        @Test
        void ipv6FromTheDmrToTheMapAddressArrivesAsIpv4()
        {
            final byte[] data = bytes(9, 4);
            assertTranslated6to4(engine, ipv6(HOST, CE, UDP, 64, 0, 0, udp(HOST, CE, 53, 1232, data)),
                id -> ipv4(HOST4, CE4, UDP, 63, 0, id, 0, udp(HOST4, CE4, 53, 1232, data)));
        }

        @Test
        void ipv6ForAPortOutsideTheSetIsDroppedAndCounted()
        {
            // RFC 7599 s.8.2: the CE MUST check the destination port: 1236 is PSID 0x35's, 80 has A = 0; the echo
            // identifier stands for the port (s.9); a protocol without ports is for no port set (GRE, 47).
            assertEquals(Outcome.MAP_CE_DESTINATION_PORT_OUTSIDE_SET, engine.translate(
                ipv6(HOST, CE, UDP, 64, 0, 0, udp(HOST, CE, 53, 1236, bytes(4, 7)))));
            assertEquals(Outcome.MAP_CE_DESTINATION_PORT_OUTSIDE_SET, engine.translate(
                ipv6(HOST, CE, TCP, 64, 0, 0, tcp(HOST, CE, 443, 80, 1, 2, 0x12, bytes(0, 7)))));
            assertEquals(Outcome.MAP_CE_DESTINATION_PORT_OUTSIDE_SET, engine.translate(
                ipv6(HOST, CE, ICMPV6, 64, 0, 0, icmp6(HOST, CE, 129, 0, 5 << 16 | 1, bytes(8, 7)))));
            assertEquals(Outcome.MAP_CE_DESTINATION_PORT_OUTSIDE_SET, engine.translate(
                ipv6(HOST, CE, 47, 64, 0, 0, bytes(8, 7))));
            assertTrue(engine.emitted().isEmpty());
        }

        @Test
        void anEchoReplyWithAnIdentifierOfTheSetArrives()
        {
            final byte[] body = bytes(8, 8);
            assertTranslated6to4(engine,
                ipv6(HOST, CE, ICMPV6, 64, 0, 0, icmp6(HOST, CE, 129, 0, 1233 << 16 | 1, body)),
                id -> ipv4(HOST4, CE4, ICMP, 63, 0, id, 0, icmp4(0, 0, 1233 << 16 | 1, body)));
        }

        @Test
        void aLaterFragmentHasNoPortToCheckAndIsTranslated()
        {
            // RFC 7599 s.10.2: a non-first fragment carries no port (docs/map.md); RFC 7915 s.5.1.1 translates it.
            final byte[] data = bytes(16, 9);
            assertEquals(Outcome.TRANSLATED_6TO4, engine.translate(
                ipv6(HOST, CE, 44, 64, 0, 0, concat(fragmentHeader(UDP, 3, false, 0x1234), data))));
            assertEquals(hex(ipv4(HOST4, CE4, UDP, 63, 0, 0x1234, 3, data)), hex(engine.single()));
        }

        @Test
        void anFmrSendsStraightToThePeerAndTakesItsAnswer()
        {
            // RFC 7599 s.6 (RFC 7597 s.5): 192.0.2.19:1236 is under the FMR: the peer's MAP address, not the DMR.
            final byte[] data = bytes(6, 5);
            assertTranslated4to6(engine, ipv4(CE4, PEER4, UDP, 64, 0, 1, 0, udp(CE4, PEER4, 1233, 1236, data)),
                ipv6(CE, PEER_T, UDP, 63, 0, 0, udp(CE, PEER_T, 1233, 1236, data)));
            assertTranslated6to4(engine, ipv6(PEER_T, CE, UDP, 64, 0, 0, udp(PEER_T, CE, 1236, 1233, data)),
                id -> ipv4(PEER4, CE4, UDP, 63, 0, id, 0, udp(PEER4, CE4, 1236, 1233, data)));
        }

        @Test
        void ipv6FromNeitherTheDmrNorAPeerIsDropped()
        {
            // A peer whose interface ID does not hold the IPv4 its EA bits give (192.0.2.20 instead of .19).
            final String liar = "2001:db8:13:3500:0:c000:214:35";
            assertEquals(Outcome.MAP_CE_UNKNOWN_SOURCE, engine.translate(
                ipv6(liar, CE, UDP, 64, 0, 0, udp(liar, CE, 1236, 1233, bytes(4, 6)))));
            final String outside = "2001:db8:ff00::1";
            assertEquals(Outcome.MAP_CE_UNKNOWN_SOURCE, engine.translate(
                ipv6(outside, CE, UDP, 64, 0, 0, udp(outside, CE, 53, 1233, bytes(4, 6)))));
            assertTrue(engine.emitted().isEmpty());
        }
    }

    @Nested
    class MapE
    {
        private static final int IPIP = 4;
        private static final String BR = "2001:db8:ffff::1";
        /** RFC 7597 s.6: the MAP-E address of the peer (a full address: the same as MAP-T's form). */
        private static final String PEER_E = "2001:db8:13:3500:0:c000:213:35";

        private final EngineHarness engine = ce(Mechanism.MAP_E, null, Addresses.parse6(BR));

        @Test
        void ipv4FromThePortSetIsEncapsulatedToTheBr()
        {
            // RFC 2473 s.6: traffic class from the TOS; the kernel already decremented the TTL, the CE does not.
            final byte[] inner =
                ipv4(CE4, HOST4, UDP, 63, 0xba, 0x1234, 0x4000, udp(CE4, HOST4, 2257, 53, bytes(30, 1)));
            assertEquals(Outcome.SOFTWIRE_ENCAPSULATED, engine.translate(inner));
            assertEquals(hex(ipv6(CE, BR, IPIP, 64, 0xba, 0, inner)), hex(engine.single()));
        }

        @Test
        void anFmrPeerIsReachedDirectly()
        {
            final byte[] inner = ipv4(CE4, PEER4, UDP, 63, 0, 1, 0, udp(CE4, PEER4, 1233, 1236, bytes(8, 2)));
            assertEquals(Outcome.SOFTWIRE_ENCAPSULATED, engine.translate(inner));
            assertEquals(hex(ipv6(CE, PEER_E, IPIP, 64, 0, 0, inner)), hex(engine.single()));
        }

        @Test
        void fromTheBrOrThePeerIsDecapsulatedUnchanged()
        {
            final byte[] fromBr = ipv4(HOST4, CE4, UDP, 60, 0, 7, 0, udp(HOST4, CE4, 53, 1233, bytes(12, 3)));
            assertEquals(Outcome.SOFTWIRE_DECAPSULATED, engine.translate(ipv6(BR, CE, IPIP, 60, 0, 0, fromBr)));
            assertEquals(hex(fromBr), hex(engine.single()));
            engine.emitted().clear();
            final byte[] fromPeer = ipv4(PEER4, CE4, UDP, 60, 0, 7, 0, udp(PEER4, CE4, 1236, 1233, bytes(12, 3)));
            assertEquals(Outcome.SOFTWIRE_DECAPSULATED, engine.translate(ipv6(PEER_E, CE, IPIP, 60, 0, 0, fromPeer)));
            assertEquals(hex(fromPeer), hex(engine.single()));
        }

        @Test
        void anInnerPacketForAPortOutsideTheSetIsDropped()
        {
            // RFC 7599 s.8.2's check, for MAP-E too (RFC 7597 s.8.2): 1236 is PSID 0x35's; an identifier of the set
            // passes (RFC 7597 s.8.2: the echo identifier is handled like a port).
            assertEquals(Outcome.MAP_CE_DESTINATION_PORT_OUTSIDE_SET, engine.translate(ipv6(BR, CE, IPIP, 60, 0, 0,
                ipv4(HOST4, CE4, UDP, 60, 0, 7, 0, udp(HOST4, CE4, 53, 1236, bytes(4, 5))))));
            assertTrue(engine.emitted().isEmpty());
            final byte[] echo = ipv4(HOST4, CE4, ICMP, 60, 0, 7, 0, icmp4(0, 0, 1233 << 16 | 1, bytes(8, 5)));
            assertEquals(Outcome.SOFTWIRE_DECAPSULATED, engine.translate(ipv6(BR, CE, IPIP, 60, 0, 0, echo)));
            assertEquals(hex(echo), hex(engine.single()));
        }

        @Test
        void aPeerSendingFromAnotherPortSetOrForAnotherAddressIsDropped()
        {
            // RFC 7597 s.8.1: 192.0.2.19 port 1232 belongs to PSID 0x34's CE, not to the sender's MAP address.
            assertEquals(Outcome.MAP_CE_UNKNOWN_SOURCE, engine.translate(ipv6(PEER_E, CE, IPIP, 60, 0, 0,
                ipv4(PEER4, CE4, UDP, 60, 0, 7, 0, udp(PEER4, CE4, 1232, 1233, bytes(4, 4))))));
            assertEquals(Outcome.MAP_CE_ADDRESS_NOT_CE, engine.translate(ipv6(BR, CE, IPIP, 60, 0, 0,
                ipv4(HOST4, PEER4, UDP, 60, 0, 7, 0, udp(HOST4, PEER4, 53, 1233, bytes(4, 4))))));
            assertEquals(Outcome.MAP_CE_PORT_OUTSIDE_SET, engine.translate(
                ipv4(CE4, HOST4, UDP, 63, 0, 1, 0, udp(CE4, HOST4, 1236, 53, bytes(4, 4)))));
            assertTrue(engine.emitted().isEmpty());
        }
    }

    /** docs/architecture.md invariant 1: after warm-up, both CEs' paths and drops allocate nothing on the thread. */
    @Test
    void bothCesAllocateNothingAfterWarmUp()
    {
        final TranslatorConfig config = TranslatorConfig.builder(new AddressMapper(Rfc6052Prefix.parse(
            "2001:db8:64::/96"), Eamt.EMPTY, true)).ipv4Address(Addresses.parse4("192.0.0.1"))
            .icmpErrorsPerSecond(Integer.MAX_VALUE / 2).ipv6Mtu(1280).build();
        final String br = "2001:db8:ffff::1";
        final List<MapDomain> t = List.of(MapDomain.customerEdge(Mechanism.MAP_T, "t",
            MapRuleTable.of(MapRule.of("2001:db8::/40", "192.0.2.0/24", 16)), Rfc6052Prefix.parse(
                "2001:db8:ffff::/64"), null, Ipv6Prefix.parse("2001:db8:12:3400::/56")));
        final List<MapDomain> e = List.of(MapDomain.customerEdge(Mechanism.MAP_E, "e",
            MapRuleTable.of(MapRule.of("2001:db8::/40", "192.0.2.0/24", 16)), null, Addresses.parse6(br),
            Ipv6Prefix.parse("2001:db8:12:3400::/56")));
        final byte[][] mapT = {
            ipv4(CE4, HOST4, UDP, 64, 0, 1, 0, udp(CE4, HOST4, 1232, 53, bytes(40, 1))),
            ipv4(CE4, PEER4, UDP, 64, 0, 1, 0, udp(CE4, PEER4, 1232, 1236, bytes(40, 1))),
            ipv4(CE4, HOST4, UDP, 64, 0, 1, 0, udp(CE4, HOST4, 1236, 53, bytes(4, 1))),
            ipv6(HOST, CE, UDP, 64, 0, 0, udp(HOST, CE, 53, 1232, bytes(40, 1))),
            ipv6(PEER_T, CE, UDP, 64, 0, 0, udp(PEER_T, CE, 1236, 1232, bytes(40, 1))),
            ipv6(HOST, CE, UDP, 64, 0, 0, udp(HOST, CE, 53, 1236, bytes(40, 1))),
            // ICMP errors both ways (RFC 7599 s.10), from a router that maps to no IPv4 address too.
            ipv6("2001:db8:1::1", CE, ICMPV6, 64, 0, 0, icmp6("2001:db8:1::1", CE, 3, 0, 0,
                ipv6(CE, HOST, UDP, 1, 0, 0, udp(CE, HOST, 1232, 53, bytes(40, 1))))),
            ipv4(CE4, HOST4, ICMP, 64, 0, 1, 0, icmp4(3, 3, 0,
                ipv4(HOST4, CE4, UDP, 60, 0, 9, 0, udp(HOST4, CE4, 53, 1232, bytes(40, 1))))),
        };
        final byte[] fromBr = ipv4(HOST4, CE4, UDP, 64, 0, 1, 0, udp(HOST4, CE4, 53, 1232, bytes(9, 1)));
        final byte[][] mapE = {
            ipv4(CE4, HOST4, UDP, 64, 0, 1, 0, udp(CE4, HOST4, 1232, 53, bytes(40, 1))),
            ipv4(CE4, HOST4, UDP, 64, 0, 1, 0, udp(CE4, HOST4, 1232, 53, bytes(1400, 1))),
            ipv4(CE4, HOST4, UDP, 64, 0, 1, 0x4000, udp(CE4, HOST4, 1232, 53, bytes(1400, 1))),
            ipv4(CE4, PEER4, UDP, 64, 0, 1, 0, udp(CE4, PEER4, 1232, 1236, bytes(40, 1))),
            ipv6(br, CE, 4, 64, 0, 0, fromBr),
            ipv6(PEER_T, CE, 4, 64, 0, 0, fromBr),
            // RFC 2473 s.8: a Packet Too Big about a tunnel packet the CE sent, relayed to the LAN as ICMPv4.
            ipv6("2001:db8:1::1", CE, ICMPV6, 64, 0, 0, icmp6("2001:db8:1::1", CE, 2, 0, 1300, ipv6(CE, br, 4, 64, 0,
                0, ipv4(CE4, HOST4, UDP, 63, 0, 1, 0x4000, udp(CE4, HOST4, 1232, 53, bytes(1300, 1)))))),
        };
        final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(Translator.HEADROOM + 4096));
        final long[] emitted = new long[1];
        final PacketSink sink = (MutableDirectBuffer b, int offset, int length) -> emitted[0] += length;
        final long allocated = AllocationProbe.allocatedBytes(new Translator(config).mapDomains(t), buffer, mapT, sink)
            + AllocationProbe.allocatedBytes(new Translator(config).mapDomains(e), buffer, mapE, sink);
        assertTrue(allocated < 16 * 1024, "allocated " + allocated + " bytes over 2 x 200000 packets");
        assertTrue(emitted[0] > 0);
    }
}
