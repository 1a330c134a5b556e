package dev.xlat64.map;

import dev.xlat64.core.Outcome;
import dev.xlat64.testing.EngineHarness;
import org.junit.jupiter.api.Nested;
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
import static dev.xlat64.map.Rfc7599BorderRelayTest.CE;
import static dev.xlat64.map.Rfc7599BorderRelayTest.CE4;
import static dev.xlat64.map.Rfc7599BorderRelayTest.HOST;
import static dev.xlat64.map.Rfc7599BorderRelayTest.HOST4;
import static dev.xlat64.map.Rfc7599BorderRelayTest.br;
import static dev.xlat64.map.Rfc7599BorderRelayTest.identification;
import static dev.xlat64.map.Rfc7599BorderRelayTest.sharedBr;
import static dev.xlat64.testing.TestPackets.udp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ICMP errors through the MAP-T BR (RFC 7599 s.9 and s.10.1: RFC 7915 s.4.3 and s.5.3 with the MAP mapping) and MAP-T
 * CE-to-CE through the BR (RFC 7599 s.12.2, hub-and-spoke). The addresses are RFC 7599 appendix A's; every expected
 * packet, the quoted one included, is built by the test's packet builder from the RFC's addresses (checksums from
 * scratch), never by the code under test.
 */
class Rfc7599IcmpTest
{
    // CE, CE4, HOST, HOST4 and the BR harness (br, sharedBr) are Rfc7599BorderRelayTest's: RFC 7599 appendix A.
    /** A router outside the domain, 203.0.113.1, under the DMR: bytes 9-12 of the address are cb 00 71 01. */
    private static final String ROUTER = "2001:db8:ffff:0:cb:71:100:0";
    private static final String ROUTER4 = "203.0.113.1";

    /** RFC 7599 s.10.1 with RFC 7915 s.4.3: ICMPv4 errors toward a CE; the CE is the quoted packet's source port's. */
    @Nested
    class Icmpv4ErrorTowardCe
    {
        private final EngineHarness engine = sharedBr();

        @Test
        void portUnreachableQuotingTheCesUdpBecomesIcmpv6WithTheMapAddresses()
        {
            // RFC 7915 s.4.2: 3/3 -> 1/4; the quoted packet (sent by the CE from port 1232, PSID 0x34) is translated
            // with the MAP mapping too: its source is the CE's MAP address, its destination under the DMR.
            final byte[] data = bytes(4, 8);
            final byte[] quoted = ipv4(CE4, HOST4, UDP, 63, 0, 9, 0, udp(CE4, HOST4, 1232, 53, data));
            assertEquals(Outcome.TRANSLATED_4TO6, engine.translate(
                ipv4(HOST4, CE4, ICMP, 64, 0, 1, 0, icmp4(3, 3, 0, quoted))));
            final byte[] quoted6 = ipv6(CE, HOST, UDP, 63, 0, 0, udp(CE, HOST, 1232, 53, data));
            assertEquals(hex(ipv6(HOST, CE, ICMPV6, 63, 0, 0, icmp6(HOST, CE, 1, 4, 0, quoted6))),
                hex(engine.single()));
        }

        @Test
        void timeExceededFromARouterOnTheWay()
        {
            // The error's source (a router) and the quoted destination (the server) are both outside: both under the
            // DMR. 11/0 -> 3/0; the quoted TTL (1) is kept as the quoted hop limit; port 64723 is PSID 0x34's.
            final byte[] data = bytes(10, 9);
            final byte[] quoted = ipv4(CE4, HOST4, TCP, 1, 0, 77, 0x4000, tcp(CE4, HOST4, 64723, 80, 5, 0, 0x02, data));
            assertEquals(Outcome.TRANSLATED_4TO6, engine.translate(
                ipv4(ROUTER4, CE4, ICMP, 64, 0, 1, 0, icmp4(11, 0, 0, quoted))));
            final byte[] quoted6 = ipv6(CE, HOST, TCP, 1, 0, 0, tcp(CE, HOST, 64723, 80, 5, 0, 0x02, data));
            assertEquals(hex(ipv6(ROUTER, CE, ICMPV6, 63, 0, 0, icmp6(ROUTER, CE, 3, 0, 0, quoted6))),
                hex(engine.single()));
        }

        @Test
        void anErrorAboutAPacketTheCeDidNotSendIsNotTranslated()
        {
            // Port 1232 selects this CE, but the quoted source 192.0.2.19 is not the error's destination.
            final byte[] quoted = ipv4("192.0.2.19", HOST4, UDP, 63, 0, 9, 0,
                udp("192.0.2.19", HOST4, 1232, 53, bytes(4, 8)));
            assertEquals(Outcome.MAPT_ICMP_ERROR_NOT_TRANSLATED, engine.translate(
                ipv4(HOST4, CE4, ICMP, 64, 0, 1, 0, icmp4(3, 3, 0, quoted))));
            assertTrue(engine.emitted().isEmpty());
        }

        @Test
        void theQuotedSourcePortStillDecidesTheCe()
        {
            // RFC 7596 s.8.1 step 3: port 80 (A = 0) is in no port set.
            final byte[] quoted = ipv4(CE4, HOST4, UDP, 63, 0, 9, 0, udp(CE4, HOST4, 80, 53, bytes(4, 8)));
            assertEquals(Outcome.MAPT_NO_PORT_SET, engine.translate(
                ipv4(HOST4, CE4, ICMP, 64, 0, 1, 0, icmp4(3, 3, 0, quoted))));
        }
    }

    /** RFC 7599 s.10.1 with RFC 7915 s.5.3: ICMPv6 errors from a CE, about packets sent to it. */
    @Nested
    class Icmpv6ErrorFromCe
    {
        private final EngineHarness engine = sharedBr();

        @Test
        void portUnreachableAboutAPacketToTheCeBecomesIcmpv4()
        {
            // RFC 7915 s.5.2: 1/4 -> 3/3; the quoted packet's destination is the CE's MAP address (IPv4 in the IID),
            // its source under the DMR; RFC 7915 s.5.3 keeps the quoted hop limit as its TTL.
            final byte[] data = bytes(4, 17);
            final byte[] quoted = ipv6(HOST, CE, UDP, 63, 0, 0, udp(HOST, CE, 53, 1232, data));
            assertEquals(Outcome.TRANSLATED_6TO4, engine.translate(
                ipv6(CE, HOST, ICMPV6, 64, 0, 0, icmp6(CE, HOST, 1, 4, 0, quoted))));
            final byte[] out = engine.single();
            final byte[] quoted4 = ipv4(HOST4, CE4, UDP, 63, 0, 0, 0, udp(HOST4, CE4, 53, 1232, data));
            assertEquals(hex(ipv4(CE4, HOST4, ICMP, 63, 0, identification(out), 0, icmp4(3, 3, 0, quoted4))),
                hex(out));
        }

        @Test
        void theQuotedDestinationMustBeAMapAddressOfThisCe()
        {
            // 2001:db8:13:3400:0:c000:213:34 is the MAP address of 192.0.2.19 PSID 0x34: another CE's.
            final String other = "2001:db8:13:3400:0:c000:213:34";
            final byte[] quoted = ipv6(HOST, other, UDP, 63, 0, 0, udp(HOST, other, 53, 1232, bytes(4, 17)));
            assertEquals(Outcome.MAPT_ICMP_ERROR_NOT_TRANSLATED, engine.translate(
                ipv6(CE, HOST, ICMPV6, 64, 0, 0, icmp6(CE, HOST, 1, 4, 0, quoted))));
            assertTrue(engine.emitted().isEmpty());
        }

        @Test
        void theQuotedSourceMustBeUnderTheDmr()
        {
            // Under SIIT's prefix, not the DMR: the BR never sent that packet.
            final String siit = "2001:db8:64::a02:304";
            final byte[] quoted = ipv6(siit, CE, UDP, 63, 0, 0, udp(siit, CE, 53, 1232, bytes(4, 17)));
            assertEquals(Outcome.MAPT_ICMP_ERROR_NOT_TRANSLATED, engine.translate(
                ipv6(CE, HOST, ICMPV6, 64, 0, 0, icmp6(CE, HOST, 1, 4, 0, quoted))));
        }

        @Test
        void theQuotedDestinationPortStillDecidesThePortCheck()
        {
            // RFC 7599 s.8.3: 1236 is PSID 0x35's.
            final byte[] quoted = ipv6(HOST, CE, UDP, 63, 0, 0, udp(HOST, CE, 53, 1236, bytes(4, 17)));
            assertEquals(Outcome.MAPT_PORT_OUTSIDE_SET, engine.translate(
                ipv6(CE, HOST, ICMPV6, 64, 0, 0, icmp6(CE, HOST, 1, 4, 0, quoted))));
        }
    }

    /** Appendix A example 4: no port set (192.0.2.1/32, k = 0): errors translate both ways by address alone. */
    @Nested
    class NoSharing
    {
        private static final String CE1 = "2001:db8:12:3400:0:c000:201:0";
        private static final String CE14 = "192.0.2.1";
        private final EngineHarness engine = br(MapRule.of("2001:db8:12:3400::/56", "192.0.2.1/32", 0));

        @Test
        void errorsTranslateBothWays()
        {
            final byte[] data = bytes(4, 22);
            assertEquals(Outcome.TRANSLATED_6TO4, engine.translate(ipv6(CE1, HOST, ICMPV6, 64, 0, 0,
                icmp6(CE1, HOST, 1, 4, 0, ipv6(HOST, CE1, UDP, 63, 0, 0, udp(HOST, CE1, 53, 80, data))))));
            final byte[] out = engine.single();
            assertEquals(hex(ipv4(CE14, HOST4, ICMP, 63, 0, identification(out), 0,
                icmp4(3, 3, 0, ipv4(HOST4, CE14, UDP, 63, 0, 0, 0, udp(HOST4, CE14, 53, 80, data))))), hex(out));

            assertEquals(Outcome.TRANSLATED_4TO6, engine.translate(ipv4(HOST4, CE14, ICMP, 64, 0, 1, 0,
                icmp4(3, 3, 0, ipv4(CE14, HOST4, UDP, 63, 0, 9, 0, udp(CE14, HOST4, 80, 53, data))))));
            assertEquals(hex(ipv6(HOST, CE1, ICMPV6, 63, 0, 0,
                icmp6(HOST, CE1, 1, 4, 0, ipv6(CE1, HOST, UDP, 63, 0, 0, udp(CE1, HOST, 80, 53, data))))),
                hex(engine.single()));
        }
    }

    /**
     * RFC 7599 s.12.2 (hub-and-spoke): a CE without FMRs reaches another CE through the BR, by the other CE's IPv4
     * address under the DMR. The BR sends it straight on as its IPv4 round trip would (s.8.3 then s.8.4): source the
     * sender's IPv4 under the DMR, destination the MAP address that the destination address and port give, one hop.
     */
    @Nested
    class CeToCeThroughTheBr
    {
        /** 192.0.2.18 under the DMR: bytes 9-12 are c0 00 02 12. */
        private static final String CE4_UNDER_DMR = "2001:db8:ffff:0:c0:2:1200:0";
        /** Port 1236 = A 000001 | PSID 0x35 | j 00: the CE of End-user prefix 2001:db8:12:3500::/56. */
        private static final String NEIGHBOUR = "2001:db8:12:3500:0:c000:212:35";
        private final EngineHarness engine = sharedBr();

        @Test
        void udpToASharedAddressReachesTheCeOfTheDestinationPort()
        {
            final byte[] data = bytes(12, 31);
            assertEquals(Outcome.MAPT_HAIRPINNED, engine.translate(
                ipv6(CE, CE4_UNDER_DMR, UDP, 64, 0, 0x12345, udp(CE, CE4_UNDER_DMR, 1232, 1236, data))));
            assertEquals(hex(ipv6(CE4_UNDER_DMR, NEIGHBOUR, UDP, 63, 0, 0x12345,
                udp(CE4_UNDER_DMR, NEIGHBOUR, 1232, 1236, data))), hex(engine.single()));
        }

        @Test
        void tcpAndEchoToAnotherAddress()
        {
            // 192.0.2.19 under the DMR; echo identifier 1233 (the sender's, PSID 0x34) picks 192.0.2.19's PSID 0x34 CE.
            final String other4UnderDmr = "2001:db8:ffff:0:c0:2:1300:0";
            final String other = "2001:db8:13:3400:0:c000:213:34";
            final byte[] data = bytes(8, 32);
            assertEquals(Outcome.MAPT_HAIRPINNED, engine.translate(
                ipv6(CE, other4UnderDmr, TCP, 64, 0, 0, tcp(CE, other4UnderDmr, 1233, 1234, 1, 2, 0x18, data))));
            assertEquals(hex(ipv6(CE4_UNDER_DMR, other, TCP, 63, 0, 0,
                tcp(CE4_UNDER_DMR, other, 1233, 1234, 1, 2, 0x18, data))), hex(engine.single()));

            assertEquals(Outcome.MAPT_HAIRPINNED, engine.translate(
                ipv6(CE, other4UnderDmr, ICMPV6, 64, 0, 0, icmp6(CE, other4UnderDmr, 128, 0, 1233 << 16 | 9, data))));
            assertEquals(hex(ipv6(CE4_UNDER_DMR, other, ICMPV6, 63, 0, 0,
                icmp6(CE4_UNDER_DMR, other, 128, 0, 1233 << 16 | 9, data))), hex(engine.single()));
        }

        @Test
        void aDestinationPortInNoSetIsDropped()
        {
            // RFC 7597 s.5.1: port 80 (A = 0) belongs to no CE.
            assertEquals(Outcome.MAPT_NO_PORT_SET, engine.translate(
                ipv6(CE, CE4_UNDER_DMR, UDP, 64, 0, 0, udp(CE, CE4_UNDER_DMR, 1232, 80, bytes(4, 33)))));
            assertTrue(engine.emitted().isEmpty());
        }

        @Test
        void anExpiringHopLimitIsNotHairpinned()
        {
            // RFC 8200 s.3: the BR is a hop; at hop limit 1 the transform's Time Exceeded rule applies instead.
            assertNotEquals(Outcome.MAPT_HAIRPINNED, engine.translate(
                ipv6(CE, CE4_UNDER_DMR, UDP, 1, 0, 0, udp(CE, CE4_UNDER_DMR, 1232, 1236, bytes(4, 34)))));
        }

        @Test
        void theSendersChecksStillApply()
        {
            assertEquals(Outcome.MAPT_PORT_OUTSIDE_SET, engine.translate(
                ipv6(CE, CE4_UNDER_DMR, UDP, 64, 0, 0, udp(CE, CE4_UNDER_DMR, 1236, 1236, bytes(4, 35)))));
        }
    }
}
