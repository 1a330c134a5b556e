package dev.xlat64.map;

import dev.xlat64.addr.AddressMapper;
import dev.xlat64.addr.Addresses;
import dev.xlat64.addr.Eamt;
import dev.xlat64.addr.Rfc6052Prefix;
import dev.xlat64.core.Outcome;
import dev.xlat64.core.TranslatorConfig;
import dev.xlat64.testing.EngineHarness;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;

import static dev.xlat64.testing.TestPackets.ICMP;
import static dev.xlat64.testing.TestPackets.ICMPV6;
import static dev.xlat64.testing.TestPackets.UDP;
import static dev.xlat64.testing.TestPackets.addr;
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
 * RFC 2473 s.8 at the MAP-E BR and the lwAFTR (RFC 7597 s.8.2, RFC 7596 s.6.2): ICMPv6 errors about tunnel packets the
 * BR sent are relayed to the original IPv4 source (s.8.3), and extension headers before the inner IPv4 packet are
 * walked (s.4.1.1, the Tunnel Encapsulation Limit option). Expected ICMPv4 errors are built field by field from s.8.3
 * (source the BR's IPv4 address, destination the original source, type 3 code 1 or 4) by the test's packet builder.
 */
class Rfc2473TunnelIcmpTest
{
    private static final int IPIP = 4;
    private static final int DESTINATION_OPTIONS = 60;
    private static final String HOST4 = "198.51.100.9";
    /** The BR's IPv4 address, the source of the ICMPv4 errors it originates (RFC 2473 s.8.3). */
    private static final String BR4 = "192.0.0.1";
    /** A router in the IPv6 domain that reports a problem with a tunnel packet. */
    private static final String ROUTER = "2001:db8:1::1";
    private static final String BR = "2001:db8:ffff::1";
    /** RFC 7597 appendix A: 192.0.2.18 PSID 0x34 (port 1232) under {2001:db8::/40, 192.0.2.0/24, 16}. */
    private static final String CE = "2001:db8:12:3400:0:c000:212:34";
    private static final String CE4 = "192.0.2.18";
    /** RFC 1812 s.4.3.2.5: precedence 6 in the errors xlat64 originates. */
    private static final int ERROR_TOS = 0xC0;

    private static EngineHarness engine(final MapDomain domain)
    {
        final EngineHarness engine = new EngineHarness(TranslatorConfig.builder(new AddressMapper(
            Rfc6052Prefix.parse("2001:db8:64::/96"), Eamt.EMPTY, true)).ipv4Address(Addresses.parse4(BR4)).build());
        engine.translator().mapDomains(List.of(domain));
        return engine;
    }

    private static MapDomain mapE()
    {
        return new MapDomain(Mechanism.MAP_E, "test", MapRuleTable.of(
            MapRule.of("2001:db8::/40", "192.0.2.0/24", 16)), null, addr(BR), null, false);
    }

    private static int identification(final byte[] ipv4)
    {
        return ((ipv4[4] & 0xff) << 8) | (ipv4[5] & 0xff);
    }

    /** The tunnel packet the BR sent: the host's packet (TTL already decremented) from the BR to the CE. */
    private static byte[] tunnelPacket(final byte[] inner)
    {
        return ipv6(BR, CE, IPIP, 64, 0, 0, inner);
    }

    /** An ICMPv6 error from the router to the BR quoting as much of {@code quoted} as fits in 1280 bytes. */
    private static byte[] errorToBr(final int type, final int code, final int rest, final byte[] quoted)
    {
        final byte[] quote = head(quoted, Math.min(quoted.length, 1280 - 48));
        return ipv6(ROUTER, BR, ICMPV6, 64, 0, 0, icmp6(ROUTER, BR, type, code, rest, quote));
    }

    /** RFC 2473 s.8.1 and s.8.3: which tunnel errors are relayed, and as what. */
    @Nested
    class Section8
    {
        private final EngineHarness engine = engine(mapE());

        @Test
        void packetTooBigBecomesFragmentationNeededWithTheMtuLessTheTunnelHeader()
        {
            // s.8.3: 3/4 with MTU 1400 - 40; s.7.2: only because the original packet had DF; the quote is as much
            // of the original IPv4 packet as fits in 576 bytes (RFC 1812 s.4.3.2.3).
            final byte[] inner = ipv4(HOST4, CE4, UDP, 63, 0, 0x1234, 0x4000,
                udp(HOST4, CE4, 53, 1232, bytes(1400, 1)));
            assertEquals(Outcome.SOFTWIRE_ICMP_RELAYED, engine.translate(errorToBr(2, 0, 1400, tunnelPacket(inner))));
            final byte[] out = engine.single();
            assertEquals(hex(ipv4(BR4, HOST4, ICMP, 64, ERROR_TOS, identification(out), 0,
                icmp4(3, 4, 1360, head(inner, 576 - 28)))), hex(out));
        }

        @Test
        void packetTooBigBelowTheIpv6MinimumMtuCountsAs1280()
        {
            // RFC 8200 s.5: no IPv6 link is below 1280, so the tunnel MTU is at least 1240.
            final byte[] inner = ipv4(HOST4, CE4, UDP, 63, 0, 7, 0x4000, udp(HOST4, CE4, 53, 1232, bytes(1300, 2)));
            assertEquals(Outcome.SOFTWIRE_ICMP_RELAYED, engine.translate(errorToBr(2, 0, 1000, tunnelPacket(inner))));
            final byte[] out = engine.single();
            assertEquals(hex(ipv4(BR4, HOST4, ICMP, 64, ERROR_TOS, identification(out), 0,
                icmp4(3, 4, 1240, head(inner, 548)))), hex(out));
        }

        @Test
        void packetTooBigForAPacketWithoutDfIsNotRelayed()
        {
            // s.7.1: the BR fragments such tunnel packets itself; the source has nothing to change.
            final byte[] inner = ipv4(HOST4, CE4, UDP, 63, 0, 7, 0, udp(HOST4, CE4, 53, 1232, bytes(1400, 3)));
            assertEquals(Outcome.SOFTWIRE_ICMP_NOT_RELAYED, engine.translate(errorToBr(2, 0, 1400,
                tunnelPacket(inner))));
            assertTrue(engine.emitted().isEmpty());
        }

        @Test
        void unreachableNodeAndHopLimitExceededBecomeHostUnreachable()
        {
            // s.8.1 "unreachable node" and "hop limit exceeded" -> s.8.3: type 3, code 1.
            final byte[] inner = ipv4(HOST4, CE4, UDP, 63, 0, 8, 0, udp(HOST4, CE4, 53, 1232, bytes(20, 4)));
            for (final int[] typeCode : new int[][] {{1, 3}, {1, 0}, {3, 0}})
            {
                assertEquals(Outcome.SOFTWIRE_ICMP_RELAYED,
                    engine.translate(errorToBr(typeCode[0], typeCode[1], 0, tunnelPacket(inner))));
                final byte[] out = engine.single();
                assertEquals(hex(ipv4(BR4, HOST4, ICMP, 64, ERROR_TOS, identification(out), 0, icmp4(3, 1, 0, inner))),
                    hex(out), "ICMPv6 " + typeCode[0] + "/" + typeCode[1]);
            }
        }

        @Test
        void parameterProblemAndReassemblyTimeoutAreNotRelayed()
        {
            // s.8.1 relays Parameter Problem only about a Tunnel Encapsulation Limit option, which the BR never sends.
            final byte[] inner = ipv4(HOST4, CE4, UDP, 63, 0, 8, 0, udp(HOST4, CE4, 53, 1232, bytes(20, 5)));
            assertEquals(Outcome.SOFTWIRE_ICMP_NOT_RELAYED, engine.translate(errorToBr(4, 0, 6, tunnelPacket(inner))));
            assertEquals(Outcome.SOFTWIRE_ICMP_NOT_RELAYED, engine.translate(errorToBr(3, 1, 0, tunnelPacket(inner))));
            assertTrue(engine.emitted().isEmpty());
        }
    }

    /** RFC 2473 s.8 and RFC 4443 s.2.4: only errors about packets this BR sent are relayed. */
    @Nested
    class WhatIsNotOurs
    {
        private final EngineHarness engine = engine(mapE());
        private final byte[] inner = ipv4(HOST4, CE4, UDP, 63, 0, 8, 0, udp(HOST4, CE4, 53, 1232, bytes(20, 6)));

        @Test
        void aQuoteFromAnotherSourceIsNotRelayed()
        {
            assertEquals(Outcome.SOFTWIRE_ICMP_NOT_RELAYED, engine.translate(
                errorToBr(1, 3, 0, ipv6("2001:db8:ffff::2", CE, IPIP, 64, 0, 0, inner))));
        }

        @Test
        void aQuoteToACeThatTheInnerPacketDoesNotMapToIsNotRelayed()
        {
            // Port 1232 of 192.0.2.18 is PSID 0x34's; 2001:db8:12:3500:0:c000:212:35 is PSID 0x35's CE.
            assertEquals(Outcome.SOFTWIRE_ICMP_NOT_RELAYED, engine.translate(
                errorToBr(1, 3, 0, ipv6(BR, "2001:db8:12:3500:0:c000:212:35", IPIP, 64, 0, 0, inner))));
        }

        @Test
        void aBadChecksumOrAnInformationalMessageIsNotRelayed()
        {
            final byte[] error = errorToBr(1, 3, 0, tunnelPacket(inner));
            assertEquals(Outcome.SOFTWIRE_ICMP_NOT_RELAYED, engine.translate(with(error, 42, error[42] ^ 0x01)));
            assertEquals(Outcome.SOFTWIRE_ICMP_NOT_RELAYED, engine.translate(
                ipv6(ROUTER, BR, ICMPV6, 64, 0, 0, icmp6(ROUTER, BR, 128, 0, 1, bytes(8, 7)))));
            assertTrue(engine.emitted().isEmpty());
        }

        @Test
        void aQuotedNonIpv4PayloadIsNotRelayed()
        {
            assertEquals(Outcome.SOFTWIRE_ICMP_NOT_RELAYED, engine.translate(
                errorToBr(1, 3, 0, ipv6(BR, CE, UDP, 64, 0, 0, udp(BR, CE, 53, 1232, bytes(8, 8))))));
        }
    }

    /** RFC 2473 s.4.1.1 and s.3.3: extension headers between the tunnel header and the inner packet. */
    @Nested
    class ExtensionHeaders
    {
        private final EngineHarness engine = engine(mapE());

        @Test
        void aTunnelEncapsulationLimitOptionIsSkipped()
        {
            // Destination Options: next header 4, length 0 (8 bytes); option type 4 (Tunnel Encapsulation Limit),
            // length 1, limit 5; PadN of 1 byte.
            final byte[] options = {IPIP, 0, 4, 1, 5, 1, 1, 0};
            final byte[] inner = ipv4(CE4, HOST4, UDP, 64, 0, 1, 0, udp(CE4, HOST4, 1232, 53, bytes(9, 9)));
            assertEquals(Outcome.SOFTWIRE_DECAPSULATED, engine.translate(
                ipv6(CE, BR, DESTINATION_OPTIONS, 64, 0, 0, concat(options, inner))));
            assertEquals(hex(inner), hex(engine.single()));
        }

        @Test
        void theOuterSourceIsStillCheckedBehindOptions()
        {
            final byte[] options = {IPIP, 0, 4, 1, 5, 1, 1, 0};
            final byte[] inner = ipv4(CE4, HOST4, UDP, 64, 0, 1, 0, udp(CE4, HOST4, 1236, 53, bytes(9, 10)));
            assertEquals(Outcome.SOFTWIRE_SPOOFED_SOURCE, engine.translate(
                ipv6(CE, BR, DESTINATION_OPTIONS, 64, 0, 0, concat(options, inner))));
        }

        @Test
        void aFragmentedTunnelPacketIsNotReassembled()
        {
            final byte[] inner = ipv4(CE4, HOST4, UDP, 64, 0, 1, 0, udp(CE4, HOST4, 1232, 53, bytes(16, 11)));
            assertEquals(Outcome.SOFTWIRE_NOT_4IN6, engine.translate(
                ipv6(CE, BR, 44, 64, 0, 0, concat(fragmentHeader(IPIP, 0, true, 99), inner))));
        }
    }

    /** RFC 7596 s.6.2: the lwAFTR relays the same way, the B4 being the binding's. */
    @Nested
    class Lw4o6
    {
        private static final String AFTR = "2001:db8:fffe::1";
        private static final String B4 = "2001:db8:99:3400::1";
        private static final String B44 = "192.0.2.200";

        @Test
        void destinationUnreachableForABindingIsRelayed() throws IOException
        {
            final List<String> errors = new ArrayList<>();
            final Lw4o6BindingTable table = Lw4o6BindingTable.parse("b.txt",
                new StringReader(B44 + " 0x34/8 " + B4 + "\n"), 0, errors);
            assertEquals(List.of(), errors);
            final EngineHarness engine = engine(new MapDomain(Mechanism.LW4O6, "l", null, null, addr(AFTR), table,
                true));
            // a = 0: PSID 0x34 of 8 bits owns ports 0x3400-0x34ff.
            final byte[] inner = ipv4(HOST4, B44, UDP, 63, 0, 8, 0, udp(HOST4, B44, 53, 0x3410, bytes(20, 12)));
            final byte[] tunnel = ipv6(AFTR, B4, IPIP, 64, 0, 0, inner);
            assertEquals(Outcome.SOFTWIRE_ICMP_RELAYED, engine.translate(
                ipv6(ROUTER, AFTR, ICMPV6, 64, 0, 0, icmp6(ROUTER, AFTR, 1, 3, 0, tunnel))));
            final byte[] out = engine.single();
            assertEquals(hex(ipv4(BR4, HOST4, ICMP, 64, ERROR_TOS, identification(out), 0, icmp4(3, 1, 0, inner))),
                hex(out));
        }
    }
}
