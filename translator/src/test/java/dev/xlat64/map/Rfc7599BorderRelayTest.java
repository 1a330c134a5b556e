package dev.xlat64.map;

import dev.xlat64.addr.AddressMapper;
import dev.xlat64.addr.Eamt;
import dev.xlat64.addr.Rfc6052Prefix;
import dev.xlat64.core.Outcome;
import dev.xlat64.core.TranslatorConfig;
import dev.xlat64.testing.EngineHarness;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.IntFunction;

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
 * The MAP-T border relay (RFC 7599 s.7-9, RFC 7597 s.8), through the whole engine. Addresses and ports are RFC 7599
 * appendix A's (examples 1-4); the expected packets are built by the test's own packet builder (checksums computed from
 * scratch over the pseudo-header), never by the code under test. IPv4 identifications are the translator's choice
 * (RFC 7915 s.5.1), so the expected 6->4 packet takes it from the output.
 */
class Rfc7599BorderRelayTest
{
    // The addresses and the BR harness are shared with Rfc7599IcmpTest.
    /** RFC 7599 appendix A example 1: the CE of End-user prefix 2001:db8:12:3400::/56 (192.0.2.18, PSID 0x34). */
    static final String CE = "2001:db8:12:3400:0:c000:212:34";
    static final String CE4 = "192.0.2.18";
    /** Example 2: 10.2.3.4 under the DMR 2001:db8:ffff::/64. */
    static final String HOST = "2001:db8:ffff:0:a:203:400:0";
    static final String HOST4 = "10.2.3.4";

    static EngineHarness br(final MapRule rule)
    {
        // The SIIT prefix is the one every other test uses; MAP-T packets must never take it.
        final TranslatorConfig config = TranslatorConfig.builder(
            new AddressMapper(Rfc6052Prefix.parse("2001:db8:64::/96"), Eamt.EMPTY, true)).build();
        final EngineHarness engine = new EngineHarness(config);
        engine.translator().mapDomains(List.of(new MapDomain(Mechanism.MAP_T, "test", MapRuleTable.of(rule),
            Rfc6052Prefix.parse("2001:db8:ffff::/64"), null, null, false)));
        return engine;
    }

    static EngineHarness sharedBr()
    {
        // Examples 1-2: {2001:db8::/40, 192.0.2.0/24, 16}: k = 8, a = 6.
        return br(MapRule.of("2001:db8::/40", "192.0.2.0/24", 16));
    }

    static int identification(final byte[] ipv4)
    {
        return ((ipv4[4] & 0xff) << 8) | (ipv4[5] & 0xff);
    }

    /** IPv4 in, translated to IPv6 (RFC 7915 s.4): the one packet out is {@code expected}, byte for byte. */
    static void assertTranslated4to6(final EngineHarness engine, final byte[] in, final byte[] expected)
    {
        assertEquals(Outcome.TRANSLATED_4TO6, engine.translate(in));
        assertEquals(hex(expected), hex(engine.single()));
    }

    /**
     * IPv6 in, translated to IPv4 (RFC 7915 s.5): the one packet out is {@code expected}, built with the identification
     * the translator chose (s.5.1).
     */
    static void assertTranslated6to4(final EngineHarness engine, final byte[] in, final IntFunction<byte[]> expected)
    {
        assertEquals(Outcome.TRANSLATED_6TO4, engine.translate(in));
        final byte[] out = engine.single();
        assertEquals(hex(expected.apply(identification(out))), hex(out));
    }

    /** RFC 7599 s.8.4 and appendix A example 2: IPv4 to a shared address; port 1232 picks PSID 0x34. */
    @Nested
    class Ipv4ToCe
    {
        private final EngineHarness engine = sharedBr();

        @Test
        void example2TcpReachesTheCeOfThePsid()
        {
            final byte[] data = bytes(20, 1);
            assertTranslated4to6(engine, ipv4(HOST4, CE4, TCP, 64, 0, 0x1234, 0x4000,
                tcp(HOST4, CE4, 80, 1232, 7, 9, 0x18, data)), ipv6(HOST, CE, TCP, 63, 0, 0,
                tcp(HOST, CE, 80, 1232, 7, 9, 0x18, data)));
        }

        @Test
        void udpToTheNextPortSetReachesAnotherCe()
        {
            // 1236 = A 000001 | PSID 0x35 | j 00: the CE of End-user prefix 2001:db8:12:3500::/56.
            final String other = "2001:db8:12:3500:0:c000:212:35";
            final byte[] data = bytes(11, 2);
            assertEquals(Outcome.TRANSLATED_4TO6, engine.translate(
                ipv4(HOST4, CE4, UDP, 64, 0, 1, 0, udp(HOST4, CE4, 53, 1236, data))));
            assertEquals(hex(ipv6(HOST, other, UDP, 63, 0, 0, udp(HOST, other, 53, 1236, data))), hex(engine.single()));
        }

        @Test
        void echoUsesTheIdentifierAsPort()
        {
            // RFC 7599 s.9: the identifier stands for the destination port; 1233 is in PSID 0x34's set.
            final byte[] body = bytes(16, 3);
            assertEquals(Outcome.TRANSLATED_4TO6, engine.translate(
                ipv4(HOST4, CE4, ICMP, 64, 0, 1, 0, icmp4(0, 0, 1233 << 16 | 7, body))));
            assertEquals(hex(ipv6(HOST, CE, ICMPV6, 63, 0, 0, icmp6(HOST, CE, 129, 0, 1233 << 16 | 7, body))),
                hex(engine.single()));
        }

        @Test
        void portWithAZeroBelongsToNoCe()
        {
            // RFC 7597 s.5.1: with a = 6 the ports 0-1023 are in no port set.
            assertEquals(Outcome.MAPT_NO_PORT_SET, engine.translate(
                ipv4(HOST4, CE4, UDP, 64, 0, 1, 0, udp(HOST4, CE4, 53, 80, bytes(4, 4)))));
            assertEquals(Outcome.MAPT_NO_PORT_SET, engine.translate(
                ipv4(HOST4, CE4, ICMP, 64, 0, 1, 0, icmp4(8, 0, 5 << 16 | 1, bytes(8, 5)))));
            assertTrue(engine.emitted().isEmpty());
        }

        @Test
        void protocolWithoutPortsToASharedAddressIsDropped()
        {
            assertEquals(Outcome.MAPT_NO_PORT_SET, engine.translate(ipv4(HOST4, CE4, 47, 64, 0, 1, 0, bytes(24, 6))));
        }

        @Test
        void nonFirstFragmentToASharedAddressIsDropped()
        {
            // RFC 7599 s.10.2: no port in it, so no CE can be chosen by a stateless BR (docs/map.md).
            assertEquals(Outcome.MAPT_FRAGMENT_WITHOUT_PORT, engine.translate(
                ipv4(HOST4, CE4, UDP, 64, 0, 1, 0x0004, bytes(16, 7))));
        }

        @Test
        void icmpErrorIsCheckedWithTheQuotedSourcePort()
        {
            // The quoted packet was sent by the CE (RFC 7596 s.8.1 step 3): its source port 80 is in no set.
            final byte[] quotedOut = ipv4(CE4, HOST4, UDP, 63, 0, 9, 0, udp(CE4, HOST4, 80, 53, bytes(4, 8)));
            assertEquals(Outcome.MAPT_NO_PORT_SET, engine.translate(
                ipv4(HOST4, CE4, ICMP, 64, 0, 1, 0, icmp4(3, 3, 0, quotedOut))));
            // In the set: translated with the MAP mapping (byte for byte in Rfc7599IcmpTest).
            final byte[] quotedIn = ipv4(CE4, HOST4, UDP, 63, 0, 9, 0, udp(CE4, HOST4, 1232, 53, bytes(4, 8)));
            assertEquals(Outcome.TRANSLATED_4TO6, engine.translate(
                ipv4(HOST4, CE4, ICMP, 64, 0, 1, 0, icmp4(3, 3, 0, quotedIn))));
        }

        @Test
        void ipv4OutsideTheRulesIsLeftToSiit()
        {
            // 198.51.100.1 is in no Rule IPv4 prefix: SIIT's RFC 6052 prefix maps it as before.
            final String siit = "2001:db8:64::c633:6401";
            final String src = "2001:db8:64::a02:304";
            final byte[] data = bytes(5, 9);
            assertEquals(Outcome.TRANSLATED_4TO6, engine.translate(
                ipv4(HOST4, "198.51.100.1", UDP, 64, 0, 1, 0, udp(HOST4, "198.51.100.1", 53, 80, data))));
            assertEquals(hex(ipv6(src, siit, UDP, 63, 0, 0, udp(src, siit, 53, 80, data))), hex(engine.single()));
        }
    }

    /** RFC 7599 s.8.3 and appendix A example 3: IPv6 from a CE, checked, then translated. */
    @Nested
    class CeToIpv4
    {
        private final EngineHarness engine = sharedBr();

        @Test
        void example3TcpFromTheCe()
        {
            final byte[] data = bytes(20, 11);
            assertEquals(Outcome.TRANSLATED_6TO4, engine.translate(
                ipv6(CE, HOST, TCP, 64, 0, 0, tcp(CE, HOST, 1232, 80, 1, 2, 0x02, data))));
            final byte[] out = engine.single();
            assertEquals(hex(ipv4(CE4, HOST4, TCP, 63, 0, identification(out), 0,
                tcp(CE4, HOST4, 1232, 80, 1, 2, 0x02, data))), hex(out));
        }

        @Test
        void udpAndEchoFromTheLastRangeOfTheSet()
        {
            // 64723 = A 111111 | PSID 0x34 | j 11: the last port of the set (appendix A example 1).
            final byte[] data = bytes(9, 12);
            assertEquals(Outcome.TRANSLATED_6TO4, engine.translate(
                ipv6(CE, HOST, UDP, 64, 0, 0, udp(CE, HOST, 64723, 53, data))));
            byte[] out = engine.single();
            assertEquals(hex(ipv4(CE4, HOST4, UDP, 63, 0, identification(out), 0, udp(CE4, HOST4, 64723, 53, data))),
                hex(out));

            final byte[] body = bytes(16, 13);
            assertEquals(Outcome.TRANSLATED_6TO4, engine.translate(
                ipv6(CE, HOST, ICMPV6, 64, 0, 0, icmp6(CE, HOST, 128, 0, 2256 << 16 | 1, body))));
            out = engine.single();
            assertEquals(hex(ipv4(CE4, HOST4, ICMP, 63, 0, identification(out), 0, icmp4(8, 0, 2256 << 16 | 1, body))),
                hex(out));
        }

        @Test
        void sourcePortOutsideTheSetIsDropped()
        {
            // RFC 7599 s.8.3: 1236 is PSID 0x35's; 80 has A = 0; echo identifier 1236 likewise.
            assertEquals(Outcome.MAPT_PORT_OUTSIDE_SET, engine.translate(
                ipv6(CE, HOST, UDP, 64, 0, 0, udp(CE, HOST, 1236, 53, bytes(4, 14)))));
            assertEquals(Outcome.MAPT_PORT_OUTSIDE_SET, engine.translate(
                ipv6(CE, HOST, TCP, 64, 0, 0, tcp(CE, HOST, 80, 80, 1, 2, 0x02, bytes(0, 1)))));
            assertEquals(Outcome.MAPT_PORT_OUTSIDE_SET, engine.translate(
                ipv6(CE, HOST, ICMPV6, 64, 0, 0, icmp6(CE, HOST, 128, 0, 1236 << 16 | 1, bytes(8, 15)))));
            assertTrue(engine.emitted().isEmpty());
        }

        @Test
        void ipv4SourceInTheInterfaceIdMustBeTheCes()
        {
            // RFC 7597 s.8.1: End-user prefix 2001:db8:12:3400::/56 gives 192.0.2.18, the IID claims 192.0.2.19.
            final String spoofed = "2001:db8:12:3400:0:c000:213:34";
            assertEquals(Outcome.MAPT_SPOOFED_SOURCE, engine.translate(
                ipv6(spoofed, HOST, UDP, 64, 0, 0, udp(spoofed, HOST, 1232, 53, bytes(4, 16)))));
            assertTrue(engine.emitted().isEmpty());
        }

        @Test
        void icmpErrorIsCheckedWithTheQuotedDestinationPort()
        {
            // The quoted packet was sent to the CE: its destination port is the CE's (1236 is not this CE's).
            final byte[] quotedOut = ipv6(HOST, CE, UDP, 63, 0, 0, udp(HOST, CE, 53, 1236, bytes(4, 17)));
            assertEquals(Outcome.MAPT_PORT_OUTSIDE_SET, engine.translate(
                ipv6(CE, HOST, ICMPV6, 64, 0, 0, icmp6(CE, HOST, 1, 4, 0, quotedOut))));
            // In the set: translated with the MAP mapping (byte for byte in Rfc7599IcmpTest).
            final byte[] quotedIn = ipv6(HOST, CE, UDP, 63, 0, 0, udp(HOST, CE, 53, 1232, bytes(4, 17)));
            assertEquals(Outcome.TRANSLATED_6TO4, engine.translate(
                ipv6(CE, HOST, ICMPV6, 64, 0, 0, icmp6(CE, HOST, 1, 4, 0, quotedIn))));
        }

        @Test
        void nonFirstFragmentIsForwardedAfterTheAddressCheck()
        {
            // No port to check (docs/map.md): the address check alone; RFC 7915 s.5.1.1 keeps offset and id.
            final byte[] data = bytes(16, 18);
            final byte[] in = ipv6(CE, HOST, 44, 64, 0, 0, concat(fragmentHeader(UDP, 2, false, 0x4242), data));
            assertEquals(Outcome.TRANSLATED_6TO4, engine.translate(in));
            assertEquals(hex(ipv4(CE4, HOST4, UDP, 63, 0, 0x4242, 2, data)), hex(engine.single()));

            final String spoofed = "2001:db8:12:3400:0:c000:213:34";
            assertEquals(Outcome.MAPT_SPOOFED_SOURCE, engine.translate(
                ipv6(spoofed, HOST, 44, 64, 0, 0, concat(fragmentHeader(UDP, 2, false, 0x4242), data))));
        }

        @Test
        void destinationOutsideTheDmrIsLeftToSiit()
        {
            // Under SIIT's prefix, not the DMR: SIIT translates it (the MAP source is no SIIT address: 1/1 refusal).
            final byte[] in = ipv6(CE, "2001:db8:64::a02:304", UDP, 64, 0, 0,
                udp(CE, "2001:db8:64::a02:304", 1232, 53, bytes(4, 19)));
            assertEquals(Outcome.IPV6_SOURCE_UNTRANSLATABLE, engine.translate(in));
        }
    }

    /** RFC 7599 appendix A example 4: a rule without EA bits and without sharing (192.0.2.1/32, k = 0). */
    @Nested
    class NoSharing
    {
        // The example's text says 192.0.2.18 but its rule and CE address say 192.0.2.1; the address is used.
        private static final String CE1 = "2001:db8:12:3400:0:c000:201:0";
        private static final String CE14 = "192.0.2.1";
        private final EngineHarness engine = br(MapRule.of("2001:db8:12:3400::/56", "192.0.2.1/32", 0));

        @Test
        void everyPortAndNonFirstFragmentsTranslateBothWays()
        {
            final byte[] data = bytes(8, 21);
            assertEquals(Outcome.TRANSLATED_4TO6, engine.translate(
                ipv4(HOST4, CE14, UDP, 64, 0, 1, 0, udp(HOST4, CE14, 53, 80, data))));
            assertEquals(hex(ipv6(HOST, CE1, UDP, 63, 0, 0, udp(HOST, CE1, 53, 80, data))), hex(engine.single()));

            assertEquals(Outcome.TRANSLATED_4TO6, engine.translate(ipv4(HOST4, CE14, UDP, 64, 0, 0x77, 0x0003, data)));
            assertEquals(hex(ipv6(HOST, CE1, 44, 63, 0, 0, concat(fragmentHeader(UDP, 3, false, 0x77), data))),
                hex(engine.single()));

            assertEquals(Outcome.TRANSLATED_6TO4, engine.translate(
                ipv6(CE1, HOST, UDP, 64, 0, 0, udp(CE1, HOST, 80, 53, data))));
            final byte[] out = engine.single();
            assertEquals(hex(ipv4(CE14, HOST4, UDP, 63, 0, identification(out), 0, udp(CE14, HOST4, 80, 53, data))),
                hex(out));
        }
    }
}
