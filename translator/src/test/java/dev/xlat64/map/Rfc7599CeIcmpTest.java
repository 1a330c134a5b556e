package dev.xlat64.map;

import dev.xlat64.addr.Addresses;
import dev.xlat64.core.Outcome;
import dev.xlat64.testing.EngineHarness;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static dev.xlat64.map.MapCustomerEdgeTest.PEER4;
import static dev.xlat64.map.MapCustomerEdgeTest.PEER_T;
import static dev.xlat64.map.MapCustomerEdgeTest.mapTCe;
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
 * ICMP errors through a MAP-T CE (RFC 7599 s.9-10: RFC 7915 s.4.3 and s.5.3 with the MAP mapping), as the CE of RFC
 * 7599 appendix A's End-user prefix 2001:db8:12:3400::/56 (192.0.2.18, PSID 0x34, MAP address
 * 2001:db8:12:3400:0:c000:212:34, DMR 2001:db8:ffff::/64). Arriving errors are about packets the CE sent, so that the
 * kernel's NAPT44 finds the LAN host from the quoted packet; leaving errors (after the NAPT44) are about packets sent
 * to the CE. Every expected packet, the quoted one included, is built by the test's packet builder from the RFC's
 * addresses (checksums from scratch), never by the code under test.
 */
class Rfc7599CeIcmpTest
{
    /** A router of the IPv6 side (between the CE and the BR): under neither the DMR nor a rule. */
    private static final String ROUTER6 = "2001:db8:1::1";
    /** The IPv4 dummy address (RFC 7600, IANA registry): the source of errors from routers that map to no IPv4. */
    private static final String DUMMY4 = "192.0.0.8";
    /** An IPv4 host that is not the destination of the error that quotes it. */
    private static final String OTHER4 = "10.9.9.9";

    /** RFC 7915 s.5.3 at the CE: ICMPv6 errors to the CE's MAP address become ICMPv4 errors to its IPv4 address. */
    @Nested
    class Arriving
    {
        private final EngineHarness engine = mapTCe();

        @Test
        void portUnreachableFromTheServerThroughTheBr()
        {
            // RFC 7915 s.5.2: 1/4 -> 3/3. The quoted packet is the CE's (MAP address, port 1232 of PSID 0x34) to the
            // server under the DMR: quoted source the CE's IPv4, quoted destination the server's; hop limit kept.
            final byte[] data = bytes(4, 1);
            final byte[] quoted = ipv6(CE, HOST, UDP, 62, 0, 0, udp(CE, HOST, 1232, 53, data));
            final byte[] quoted4 = ipv4(CE4, HOST4, UDP, 62, 0, 0, 0, udp(CE4, HOST4, 1232, 53, data));
            assertTranslated6to4(engine, ipv6(HOST, CE, ICMPV6, 60, 0, 0, icmp6(HOST, CE, 1, 4, 0, quoted)),
                id -> ipv4(HOST4, CE4, ICMP, 59, 0, id, 0, icmp4(3, 3, 0, quoted4)));
        }

        @Test
        void timeExceededFromAnIpv6RouterComesFromTheDummyAddress()
        {
            // RFC 7915 s.5.2: 3/0 -> 11/0; the router maps to no IPv4 address (RFC 6791): 192.0.0.8 (RFC 7600).
            final byte[] data = bytes(12, 2);
            final byte[] quoted = ipv6(CE, HOST, TCP, 1, 0, 0, tcp(CE, HOST, 64723, 80, 5, 0, 0x02, data));
            final byte[] quoted4 = ipv4(CE4, HOST4, TCP, 1, 0, 0, 0, tcp(CE4, HOST4, 64723, 80, 5, 0, 0x02, data));
            assertTranslated6to4(engine, ipv6(ROUTER6, CE, ICMPV6, 64, 0, 0, icmp6(ROUTER6, CE, 3, 0, 0, quoted)),
                id -> ipv4(DUMMY4, CE4, ICMP, 63, 0, id, 0, icmp4(11, 0, 0, quoted4)));
        }

        @Test
        void packetTooBigBecomesFragmentationNeededWithTheMtuLess20()
        {
            // RFC 7915 s.5.2: 2/0 -> 3/4, MTU 1400 - 20. The 1400-byte packet is quoted as far as 1280 bytes go; the
            // ICMPv4 error as far as 576 (s.5.3); its translated header has DF (1380 > 1260 bytes, s.5.1).
            final byte[] data = bytes(1352, 3);
            final byte[] sent = ipv6(CE, HOST, UDP, 64, 0, 0, udp(CE, HOST, 1232, 53, data));
            assertEquals(1400, sent.length);
            final byte[] quoted = Arrays.copyOf(sent, 1280 - 48);
            final byte[] quoted4 = Arrays.copyOf(
                ipv4(CE4, HOST4, UDP, 64, 0, 0, 0x4000, udp(CE4, HOST4, 1232, 53, data)), 576 - 28);
            assertTranslated6to4(engine, ipv6(ROUTER6, CE, ICMPV6, 64, 0, 0, icmp6(ROUTER6, CE, 2, 0, 1400, quoted)),
                id -> ipv4(DUMMY4, CE4, ICMP, 63, 0, id, 0, icmp4(3, 4, 1380, quoted4)));
        }

        @Test
        void anErrorAboutAnEchoRequestQuotesTheIdentifierOfTheSet()
        {
            // RFC 7599 s.9: the echo identifier (1233, PSID 0x34) is the port; RFC 7915 s.5.3: 128 -> 8 in the quote.
            final byte[] body = bytes(16, 4);
            final byte[] quoted = ipv6(CE, HOST, ICMPV6, 1, 0, 0, icmp6(CE, HOST, 128, 0, 1233 << 16 | 3, body));
            final byte[] quoted4 = ipv4(CE4, HOST4, ICMP, 1, 0, 0, 0, icmp4(8, 0, 1233 << 16 | 3, body));
            assertTranslated6to4(engine, ipv6(ROUTER6, CE, ICMPV6, 64, 0, 0, icmp6(ROUTER6, CE, 3, 0, 0, quoted)),
                id -> ipv4(DUMMY4, CE4, ICMP, 63, 0, id, 0, icmp4(11, 0, 0, quoted4)));
        }

        @Test
        void anErrorFromAnFmrPeerAboutThePacketTheCeSentIt()
        {
            // RFC 7599 s.6: 192.0.2.19 port 1236 is the FMR peer of PSID 0x35; its MAP address maps to its IPv4.
            final byte[] data = bytes(4, 5);
            final byte[] quoted = ipv6(CE, PEER_T, UDP, 63, 0, 0, udp(CE, PEER_T, 1233, 1236, data));
            final byte[] quoted4 = ipv4(CE4, PEER4, UDP, 63, 0, 0, 0, udp(CE4, PEER4, 1233, 1236, data));
            assertTranslated6to4(engine, ipv6(PEER_T, CE, ICMPV6, 64, 0, 0, icmp6(PEER_T, CE, 1, 4, 0, quoted)),
                id -> ipv4(PEER4, CE4, ICMP, 63, 0, id, 0, icmp4(3, 3, 0, quoted4)));
        }

        @Test
        void anErrorAboutAPacketTheCeDidNotSendIsDropped()
        {
            // The quoted source is another CE's MAP address (192.0.2.19, PSID 0x34): not this CE's packet.
            final String other = "2001:db8:13:3400:0:c000:213:34";
            assertEquals(Outcome.MAPT_ICMP_ERROR_NOT_TRANSLATED, engine.translate(ipv6(HOST, CE, ICMPV6, 64, 0, 0,
                icmp6(HOST, CE, 1, 4, 0, ipv6(other, HOST, UDP, 63, 0, 0, udp(other, HOST, 1232, 53, bytes(4, 6)))))));
            // The quoted destination maps under neither the DMR nor an FMR.
            assertEquals(Outcome.MAPT_ICMP_ERROR_NOT_TRANSLATED, engine.translate(ipv6(HOST, CE, ICMPV6, 64, 0, 0,
                icmp6(HOST, CE, 1, 4, 0, ipv6(CE, ROUTER6, UDP, 63, 0, 0, udp(CE, ROUTER6, 1232, 53, bytes(4, 6)))))));
            assertTrue(engine.emitted().isEmpty());
        }

        @Test
        void theQuotedSourcePortMustBeOfTheSet()
        {
            // RFC 7599 s.8.2: the quoted packet left the CE, so its source port is the CE's: 1236 is PSID 0x35's.
            final byte[] quoted = ipv6(CE, HOST, UDP, 1, 0, 0, udp(CE, HOST, 1236, 53, bytes(4, 7)));
            assertEquals(Outcome.MAP_CE_DESTINATION_PORT_OUTSIDE_SET, engine.translate(
                ipv6(ROUTER6, CE, ICMPV6, 64, 0, 0, icmp6(ROUTER6, CE, 3, 0, 0, quoted))));
            assertTrue(engine.emitted().isEmpty());
        }

        @Test
        void aRouterMayOnlySendErrors()
        {
            // Echo (or any non-error) from a source that maps to no IPv4 address is not the CE's (RFC 7599 s.8.2).
            assertEquals(Outcome.MAP_CE_UNKNOWN_SOURCE, engine.translate(
                ipv6(ROUTER6, CE, ICMPV6, 64, 0, 0, icmp6(ROUTER6, CE, 129, 0, 1233 << 16 | 1, bytes(8, 8)))));
        }
    }

    /** RFC 7915 s.4.3 at the CE: ICMPv4 errors leaving the CE (after the NAPT44) toward the BR or an FMR peer. */
    @Nested
    class Leaving
    {
        private final EngineHarness engine = mapTCe();

        @Test
        void portUnreachableToTheServerThroughTheBr()
        {
            // RFC 7915 s.4.2: 3/3 -> 1/4. The quoted packet came from the server to the CE's port 1232: quoted source
            // under the DMR, quoted destination the CE's MAP address (full IPv4 in the interface ID).
            final byte[] data = bytes(4, 11);
            final byte[] quoted = ipv4(HOST4, CE4, UDP, 60, 0, 9, 0, udp(HOST4, CE4, 53, 1232, data));
            final byte[] quoted6 = ipv6(HOST, CE, UDP, 60, 0, 0, udp(HOST, CE, 53, 1232, data));
            assertTranslated4to6(engine, ipv4(CE4, HOST4, ICMP, 64, 0, 1, 0, icmp4(3, 3, 0, quoted)),
                ipv6(CE, HOST, ICMPV6, 63, 0, 0, icmp6(CE, HOST, 1, 4, 0, quoted6)));
        }

        @Test
        void aPacketWithDfTooBigForTheIpv6MtuGetsFragmentationNeededFromTheDummyAddress()
        {
            // RFC 7915 s.4.1 / RFC 1191 at the CE: DF set and the translated packet (1300 + 20) above the IPv6 MTU of
            // 1280: 3/4 with 1280 - 20, quoting as much as fits in 576 bytes, from the config's IPv4 address, which CE
            // mode defaults to 192.0.0.8 (MapCeConfigTest): the CE's own address is the destination.
            final EngineHarness small = mapTCe(MapCustomerEdgeTest.siit().ipv6Mtu(1280).icmpErrorsPerSecond(1000)
                .ipv4Address(Addresses.parse4(DUMMY4)).build());
            final byte[] sent = ipv4(CE4, HOST4, UDP, 64, 0, 0x4242, 0x4000, udp(CE4, HOST4, 1232, 53, bytes(1272, 1)));
            assertEquals(Outcome.ICMPV4_ERROR_SENT, small.translate(sent));
            assertEquals(Outcome.IPV4_PACKET_TOO_BIG, small.translator().icmpErrorReason());
            final byte[] out = small.single();
            final int id = ((out[4] & 0xff) << 8) | (out[5] & 0xff);
            assertEquals(hex(ipv4(DUMMY4, CE4, ICMP, 64, 0xC0, id, 0, icmp4(3, 4, 1260, Arrays.copyOf(sent,
                576 - 28)))), hex(out));
        }

        @Test
        void anErrorToAnFmrPeerGoesToItsMapAddress()
        {
            // The peer's packet came from 192.0.2.19 port 1236 (PSID 0x35): the quoted source port picks the peer.
            final byte[] data = bytes(4, 12);
            final byte[] quoted = ipv4(PEER4, CE4, UDP, 60, 0, 9, 0, udp(PEER4, CE4, 1236, 1233, data));
            final byte[] quoted6 = ipv6(PEER_T, CE, UDP, 60, 0, 0, udp(PEER_T, CE, 1236, 1233, data));
            assertTranslated4to6(engine, ipv4(CE4, PEER4, ICMP, 64, 0, 1, 0, icmp4(3, 3, 0, quoted)),
                ipv6(CE, PEER_T, ICMPV6, 63, 0, 0, icmp6(CE, PEER_T, 1, 4, 0, quoted6)));
        }

        @Test
        void anErrorAboutAPacketNotSentToTheCeOrNotFromItsDestinationIsDropped()
        {
            // Quoted destination 192.0.2.19: not the CE's address; quoted source 10.9.9.9: not the error's destination.
            assertEquals(Outcome.MAPT_ICMP_ERROR_NOT_TRANSLATED, engine.translate(ipv4(CE4, HOST4, ICMP, 64, 0, 1, 0,
                icmp4(3, 3, 0, ipv4(HOST4, PEER4, UDP, 60, 0, 9, 0, udp(HOST4, PEER4, 53, 1232, bytes(4, 13)))))));
            assertEquals(Outcome.MAPT_ICMP_ERROR_NOT_TRANSLATED, engine.translate(ipv4(CE4, HOST4, ICMP, 64, 0, 1, 0,
                icmp4(3, 3, 0, ipv4(OTHER4, CE4, UDP, 60, 0, 9, 0, udp(OTHER4, CE4, 53, 1232, bytes(4, 13)))))));
            // RFC 7597 s.8.1: the quoted destination port is the CE's port: 1236 is PSID 0x35's.
            assertEquals(Outcome.MAP_CE_PORT_OUTSIDE_SET, engine.translate(ipv4(CE4, HOST4, ICMP, 64, 0, 1, 0,
                icmp4(3, 3, 0, ipv4(HOST4, CE4, UDP, 60, 0, 9, 0, udp(HOST4, CE4, 53, 1236, bytes(4, 13)))))));
            assertTrue(engine.emitted().isEmpty());
        }
    }
}
