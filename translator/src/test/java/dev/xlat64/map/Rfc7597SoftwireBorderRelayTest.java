package dev.xlat64.map;

import dev.xlat64.addr.Addresses;
import dev.xlat64.addr.AddressMapper;
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
import static dev.xlat64.testing.TestPackets.TCP;
import static dev.xlat64.testing.TestPackets.UDP;
import static dev.xlat64.testing.TestPackets.addr;
import static dev.xlat64.testing.TestPackets.bytes;
import static dev.xlat64.testing.TestPackets.concat;
import static dev.xlat64.testing.TestPackets.fragmentHeader;
import static dev.xlat64.testing.TestPackets.hex;
import static dev.xlat64.testing.TestPackets.icmp4;
import static dev.xlat64.testing.TestPackets.ipv4;
import static dev.xlat64.testing.TestPackets.ipv6;
import static dev.xlat64.testing.TestPackets.slice;
import static dev.xlat64.testing.TestPackets.tcp;
import static dev.xlat64.testing.TestPackets.udp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The MAP-E BR (RFC 7597 s.8) and the lw4o6 lwAFTR (RFC 7596 s.6) over the RFC 2473 transform, through the whole
 * engine. The expected packets are built by the test's packet builder (the outer IPv6 header field by field, the inner
 * IPv4 header checksum from scratch), never by the code under test.
 */
class Rfc7597SoftwireBorderRelayTest
{
    private static final int IPIP = 4;
    private static final String HOST4 = "198.51.100.9";

    private static TranslatorConfig config(final int ipv6Mtu)
    {
        return TranslatorConfig.builder(new AddressMapper(Rfc6052Prefix.parse("2001:db8:64::/96"), Eamt.EMPTY, true))
            .ipv4Address(Addresses.parse4("192.0.0.1")).ipv6Mtu(ipv6Mtu).build();
    }

    private static EngineHarness engine(final MapDomain domain, final int ipv6Mtu)
    {
        final EngineHarness engine = new EngineHarness(config(ipv6Mtu));
        engine.translator().mapDomains(List.of(domain));
        return engine;
    }

    /** RFC 7597 appendix A: {2001:db8::/40, 192.0.2.0/24, 16}, a = 6, k = 8; BR 2001:db8:ffff::1 (s.5.4). */
    @Nested
    class MapE
    {
        private static final String BR = "2001:db8:ffff::1";
        /** Appendix A example 1/2: 192.0.2.18, PSID 0x34 (ports 1232-1235, ...). */
        private static final String CE = "2001:db8:12:3400:0:c000:212:34";
        private static final String CE4 = "192.0.2.18";

        private final EngineHarness engine = engine(mapE(), 1500);

        private MapDomain mapE()
        {
            return new MapDomain(Mechanism.MAP_E, "test", MapRuleTable.of(
                MapRule.of("2001:db8::/40", "192.0.2.0/24", 16)), null, addr(BR), null, false);
        }

        @Test
        void ipv4ToTheCeIsEncapsulatedToItsMapAddress()
        {
            // RFC 2473 s.6: traffic class from the TOS (DSCP 46, ECT(0)); the inner TTL is decremented (router).
            final byte[] data = bytes(30, 1);
            assertEquals(Outcome.SOFTWIRE_ENCAPSULATED, engine.translate(
                ipv4(HOST4, CE4, UDP, 64, 0xba, 0x1234, 0x4000, udp(HOST4, CE4, 53, 1232, data))));
            assertEquals(hex(ipv6(BR, CE, IPIP, 64, 0xba, 0, ipv4(HOST4, CE4, UDP, 63, 0xba, 0x1234, 0x4000,
                udp(HOST4, CE4, 53, 1232, data)))), hex(engine.single()));
        }

        @Test
        void portOutsideEverySetIsDropped()
        {
            // RFC 7597 s.5.1: port 80 has A = 0 with a = 6.
            assertEquals(Outcome.SOFTWIRE_NO_PORT_SET, engine.translate(
                ipv4(HOST4, CE4, TCP, 64, 0, 1, 0, tcp(HOST4, CE4, 443, 80, 1, 2, 0x10, bytes(0, 2)))));
            assertTrue(engine.emitted().isEmpty());
        }

        @Test
        void fromTheCeIsDecapsulatedUnchanged()
        {
            final byte[] inner = ipv4(CE4, HOST4, UDP, 64, 0, 7, 0, udp(CE4, HOST4, 1233, 53, bytes(12, 3)));
            assertEquals(Outcome.SOFTWIRE_DECAPSULATED, engine.translate(ipv6(CE, BR, IPIP, 60, 0, 0, inner)));
            assertEquals(hex(inner), hex(engine.single()));
        }

        @Test
        void sourcePortOrOuterSourceOfAnotherCeIsSpoofing()
        {
            // RFC 7597 s.8.1: 1236 is PSID 0x35's port; and a CE of another End-user prefix may not send 192.0.2.18.
            assertEquals(Outcome.SOFTWIRE_SPOOFED_SOURCE, engine.translate(ipv6(CE, BR, IPIP, 60, 0, 0,
                ipv4(CE4, HOST4, UDP, 64, 0, 7, 0, udp(CE4, HOST4, 1236, 53, bytes(4, 4))))));
            final String other = "2001:db8:12:3500:0:c000:212:35";
            assertEquals(Outcome.SOFTWIRE_SPOOFED_SOURCE, engine.translate(ipv6(other, BR, IPIP, 60, 0, 0,
                ipv4(CE4, HOST4, UDP, 64, 0, 7, 0, udp(CE4, HOST4, 1232, 53, bytes(4, 4))))));
            assertEquals(Outcome.SOFTWIRE_SPOOFED_SOURCE, engine.translate(ipv6(CE, BR, IPIP, 60, 0, 0,
                ipv4(CE4, HOST4, ICMP, 64, 0, 7, 0, icmp4(8, 0, 80 << 16 | 1, bytes(8, 5))))));
            assertTrue(engine.emitted().isEmpty());
        }

        @Test
        void ceToCeIsHairpinnedThroughTheBr()
        {
            // 192.0.2.52 port 1232 (PSID 0x34): EA bits 0x3434, End-user prefix 2001:db8:34:3400::/56.
            final String peer = "2001:db8:34:3400:0:c000:234:34";
            final byte[] data = bytes(10, 6);
            assertEquals(Outcome.SOFTWIRE_HAIRPINNED, engine.translate(ipv6(CE, BR, IPIP, 60, 0, 0,
                ipv4(CE4, "192.0.2.52", UDP, 64, 0, 9, 0, udp(CE4, "192.0.2.52", 1232, 1232, data)))));
            assertEquals(hex(ipv6(BR, peer, IPIP, 64, 0, 0,
                ipv4(CE4, "192.0.2.52", UDP, 63, 0, 9, 0, udp(CE4, "192.0.2.52", 1232, 1232, data)))),
                hex(engine.single()));
        }

        @Test
        void outerEcnIsCombinedPerRfc6040()
        {
            // s.4.2: outer CE on ECT(0) inner marks it CE (header checksum updated); on Not-ECT inner: dropped.
            final byte[] data = bytes(8, 7);
            assertEquals(Outcome.SOFTWIRE_DECAPSULATED, engine.translate(ipv6(CE, BR, IPIP, 60, 0x03, 0,
                ipv4(CE4, HOST4, UDP, 64, 0x02, 7, 0, udp(CE4, HOST4, 1232, 53, data)))));
            assertEquals(hex(ipv4(CE4, HOST4, UDP, 64, 0x03, 7, 0, udp(CE4, HOST4, 1232, 53, data))),
                hex(engine.single()));
            assertEquals(Outcome.SOFTWIRE_ECN_DROP, engine.translate(ipv6(CE, BR, IPIP, 60, 0x03, 0,
                ipv4(CE4, HOST4, UDP, 64, 0x00, 7, 0, udp(CE4, HOST4, 1232, 53, data)))));
        }

        @Test
        void anythingButIpv4ToTheBrAddressIsDropped()
        {
            assertEquals(Outcome.SOFTWIRE_NOT_4IN6, engine.translate(
                ipv6(CE, BR, UDP, 60, 0, 0, udp(CE, BR, 1232, 53, bytes(4, 8)))));
            assertEquals(Outcome.SOFTWIRE_INNER_MALFORMED, engine.translate(ipv6(CE, BR, IPIP, 60, 0, 0,
                slice(ipv4(CE4, HOST4, UDP, 64, 0, 7, 0, udp(CE4, HOST4, 1232, 53, bytes(20, 9))), 0, 30))));
        }

        @Test
        void expiringTtlIsAnsweredWithTimeExceeded()
        {
            assertEquals(Outcome.ICMPV4_ERROR_SENT, engine.translate(
                ipv4(HOST4, CE4, UDP, 1, 0, 1, 0, udp(HOST4, CE4, 53, 1232, bytes(4, 10)))));
            assertEquals(Outcome.IPV4_TTL_EXPIRED, engine.translator().icmpErrorReason());
            final byte[] error = engine.single();
            assertEquals(11, error[20]);
            assertEquals(0, error[21]);
        }
    }

    /** RFC 2473 s.7.1 and RFC 1191: the tunnel MTU (IPv6 next hop 1280). */
    @Nested
    class TunnelMtu
    {
        private static final String BR = "2001:db8:ffff::1";
        private static final String CE = "2001:db8:12:3400:0:c000:212:34";
        private static final String CE4 = "192.0.2.18";

        private final EngineHarness engine = engine(new MapDomain(Mechanism.MAP_E, "test", MapRuleTable.of(
            MapRule.of("2001:db8::/40", "192.0.2.0/24", 16)), null, addr(BR), null, false), 1280);

        @Test
        void dfPacketTooBigForTheTunnelGetsFragmentationNeeded()
        {
            // RFC 1191: code 4 with the next-hop MTU the sender can use: 1280 - 40 bytes of outer header.
            assertEquals(Outcome.ICMPV4_ERROR_SENT, engine.translate(
                ipv4(HOST4, CE4, UDP, 64, 0, 1, 0x4000, udp(HOST4, CE4, 53, 1232, bytes(1272, 11)))));
            assertEquals(Outcome.SOFTWIRE_TOO_BIG, engine.translator().icmpErrorReason());
            final byte[] error = engine.single();
            assertEquals(hex(new byte[] {3, 4}), hex(slice(error, 20, 22)));
            assertEquals(hex(new byte[] {0, 0, 0x04, (byte)0xd8}), hex(slice(error, 24, 28)));
        }

        @Test
        void otherPacketsTooBigSendTheTunnelPacketInIpv6Fragments()
        {
            // RFC 2473 s.7.1: 1300-byte inner packet, outer 1340: fragments of (1280 - 48) & ~7 = 1232 data bytes.
            final byte[] data = bytes(1272, 12);
            assertEquals(Outcome.SOFTWIRE_ENCAPSULATED, engine.translate(
                ipv4(HOST4, CE4, UDP, 64, 0, 1, 0, udp(HOST4, CE4, 53, 1232, data))));
            final List<byte[]> out = engine.emitted();
            assertEquals(2, out.size());
            final byte[] first = out.get(0);
            final int id = ((first[44] & 0xff) << 24) | ((first[45] & 0xff) << 16) | ((first[46] & 0xff) << 8) |
                (first[47] & 0xff);
            final byte[] inner = ipv4(HOST4, CE4, UDP, 63, 0, 1, 0, udp(HOST4, CE4, 53, 1232, data));
            assertEquals(hex(ipv6(BR, CE, 44, 64, 0, 0, concat(fragmentHeader(IPIP, 0, true, id),
                slice(inner, 0, 1232)))), hex(first));
            assertEquals(hex(ipv6(BR, CE, 44, 64, 0, 0, concat(fragmentHeader(IPIP, 1232 / 8, false, id),
                slice(inner, 1232, inner.length)))), hex(out.get(1)));
        }
    }

    /** RFC 7596 s.6: the lwAFTR with a binding table (a = 0, RFC 7596 s.5.1). */
    @Nested
    class Lw4o6
    {
        private static final String AFTR = "2001:db8:fffe::1";
        private static final String B4 = "2001:db8:12:3400::1";
        private static final String B4_OTHER = "2001:db8:12:3500::1";
        private static final String SHARED = "192.0.2.1";
        private static final String FULL = "203.0.113.7";
        private static final String B4_FULL = "2001:db8:12:3600::1";

        private MapDomain lw4o6(final boolean hairpinning) throws IOException
        {
            final List<String> errors = new ArrayList<>();
            final Lw4o6BindingTable table = Lw4o6BindingTable.parse("b.txt", new StringReader(String.join("\n",
                SHARED + " 0x34/8 " + B4, SHARED + " 0x35/8 " + B4_OTHER, FULL + " all " + B4_FULL)), 0, errors);
            assertEquals(List.of(), errors);
            return new MapDomain(Mechanism.LW4O6, "test", null, null, addr(AFTR), table, hairpinning);
        }

        @Test
        void bindingPicksTheB4ByAddressAndPort() throws IOException
        {
            // PSID 0x34 of 8 bits with a = 0: ports 0x3400-0x34ff.
            final EngineHarness engine = engine(lw4o6(true), 1500);
            final byte[] data = bytes(9, 13);
            assertEquals(Outcome.SOFTWIRE_ENCAPSULATED, engine.translate(
                ipv4(HOST4, SHARED, UDP, 64, 0, 1, 0, udp(HOST4, SHARED, 53, 0x3410, data))));
            assertEquals(hex(ipv6(AFTR, B4, IPIP, 64, 0, 0, ipv4(HOST4, SHARED, UDP, 63, 0, 1, 0,
                udp(HOST4, SHARED, 53, 0x3410, data)))), hex(engine.single()));
            assertEquals(Outcome.SOFTWIRE_NO_PORT_SET, engine.translate(
                ipv4(HOST4, SHARED, UDP, 64, 0, 1, 0, udp(HOST4, SHARED, 53, 0x3610, data))));
        }

        @Test
        void b4SourcesAreCheckedAgainstTheirBinding() throws IOException
        {
            final EngineHarness engine = engine(lw4o6(true), 1500);
            final byte[] inner = ipv4(SHARED, HOST4, UDP, 64, 0, 5, 0, udp(SHARED, HOST4, 0x3410, 53, bytes(6, 14)));
            assertEquals(Outcome.SOFTWIRE_DECAPSULATED, engine.translate(ipv6(B4, AFTR, IPIP, 60, 0, 0, inner)));
            assertEquals(hex(inner), hex(engine.single()));
            // RFC 7596 s.6.2: the other B4 of the address may not use PSID 0x34's ports.
            assertEquals(Outcome.SOFTWIRE_SPOOFED_SOURCE,
                engine.translate(ipv6(B4_OTHER, AFTR, IPIP, 60, 0, 0, inner)));
        }

        @Test
        void hairpinningIsConfigurable() throws IOException
        {
            // RFC 7596 s.6.2: B4 (PSID 0x34) to 192.0.2.1:0x3510, the other B4's port.
            final byte[] data = bytes(6, 15);
            final byte[] inner = ipv4(SHARED, SHARED, UDP, 64, 0, 5, 0, udp(SHARED, SHARED, 0x3410, 0x3510, data));
            final EngineHarness on = engine(lw4o6(true), 1500);
            assertEquals(Outcome.SOFTWIRE_HAIRPINNED, on.translate(ipv6(B4, AFTR, IPIP, 60, 0, 0, inner)));
            assertEquals(hex(ipv6(AFTR, B4_OTHER, IPIP, 64, 0, 0, ipv4(SHARED, SHARED, UDP, 63, 0, 5, 0,
                udp(SHARED, SHARED, 0x3410, 0x3510, data)))), hex(on.single()));

            final EngineHarness off = engine(lw4o6(false), 1500);
            assertEquals(Outcome.SOFTWIRE_DECAPSULATED, off.translate(ipv6(B4, AFTR, IPIP, 60, 0, 0, inner)));
            assertEquals(hex(inner), hex(off.single()));
        }

        @Test
        void nonFirstFragmentsFollowAFullAddressButNotASharedOne() throws IOException
        {
            final EngineHarness engine = engine(lw4o6(true), 1500);
            final byte[] data = bytes(16, 16);
            assertEquals(Outcome.SOFTWIRE_ENCAPSULATED,
                engine.translate(ipv4(HOST4, FULL, UDP, 64, 0, 3, 0x0002, data)));
            assertEquals(hex(ipv6(AFTR, B4_FULL, IPIP, 64, 0, 0, ipv4(HOST4, FULL, UDP, 63, 0, 3, 0x0002, data))),
                hex(engine.single()));
            assertEquals(Outcome.SOFTWIRE_FRAGMENT_WITHOUT_PORT, engine.translate(
                ipv4(HOST4, SHARED, UDP, 64, 0, 3, 0x0002, data)));
        }
    }
}
