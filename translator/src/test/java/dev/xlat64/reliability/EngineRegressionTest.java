package dev.xlat64.reliability;

import dev.xlat64.addr.Rfc6052Prefix;
import dev.xlat64.core.Outcome;
import org.junit.jupiter.api.Test;

import static dev.xlat64.testing.TestPackets.ICMPV6;
import static dev.xlat64.testing.TestPackets.UDP;
import static dev.xlat64.testing.TestPackets.bytes;
import static dev.xlat64.testing.TestPackets.icmp6;
import static dev.xlat64.testing.TestPackets.ipv4;
import static dev.xlat64.testing.TestPackets.ipv6;
import static dev.xlat64.testing.TestPackets.udp;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Bugs the reliability corpus and fuzzer found, one test each, named for the behaviour that was wrong. */
class EngineRegressionTest
{
    private final CheckedEngine engine = new CheckedEngine(ReliabilityConfigs.standard());

    /**
     * An IPv6 packet with payload length 65535 would become an IPv4 packet of 65555 bytes: the 16-bit total length
     * wrapped to 19 and a 65555-byte packet labelled 19 bytes was emitted. Only inputs above the data plane's
     * 65536-byte read can carry it, but the engine takes any length. Even with the largest IPv4 MTU it is now too big
     * (RFC 7915 s.5.1: DF is set above 1260 bytes), so it is answered with Packet Too Big naming the IPv6 size whose
     * translation fits: 65535 + 20.
     */
    @Test
    void ipv6PacketTooLargeForAnyIpv4PacketIsRefusedNotWrapped()
    {
        final CheckedEngine.Result r = jumboMtuEngine().translate(udp6WithTransportBytes(65535, 26));
        assertEquals(Outcome.ICMPV6_ERROR_SENT, r.outcome());
        assertEquals(Outcome.IPV6_PACKET_TOO_BIG, r.reason());
        final byte[] error = r.emitted().get(0);
        assertEquals(2, error[40] & 0xFF, "ICMPv6 Packet Too Big");
        assertEquals(65535 + 20, (PacketOracle.u16(error, 44) << 16) | PacketOracle.u16(error, 46), "advertised MTU");
    }

    /** The standard engine with the largest MTU, so that only the 16-bit IPv4 total length limits a translation. */
    private static CheckedEngine jumboMtuEngine()
    {
        return new CheckedEngine(ReliabilityConfigs.builder(
            Rfc6052Prefix.parse(ReliabilityConfigs.PREFIX), ReliabilityConfigs.eamt()).tunMtu(65535).build());
    }

    /**
     * A UDP datagram from the standard IPv6 source to the standard destination, {@code transport} bytes with header.
     */
    private static byte[] udp6WithTransportBytes(final int transport, final int seed)
    {
        final String s6 = ReliabilityConfigs.V6.source();
        final String d6 = ReliabilityConfigs.V6.destination();
        return ipv6(s6, d6, UDP, 64, 0, 0, udp(s6, d6, 1, 2, bytes(transport - 8, seed)));
    }

    /** The largest IPv6 packet that still fits IPv4 (transport part 65515 bytes) translates with a correct length. */
    @Test
    void largestIpv6PacketThatFitsIpv4Translates()
    {
        final CheckedEngine.Result r = jumboMtuEngine().translate(udp6WithTransportBytes(65515, 27));
        assertEquals(Outcome.TRANSLATED_6TO4, r.outcome());
        assertEquals(65535, r.emitted().get(0).length);
    }

    /**
     * 6->4 packets with a non-global IPv4 address under the Well-Known Prefix were counted as
     * ipv4_non_global_under_wkp, whose direction said v4_to_v6: the metric's direction label was wrong for them. The
     * packet is now answered (RFC 7915 s.5.4: ICMPv6 1/1) and the reason is what is counted.
     */
    @Test
    void nonGlobalUnderWellKnownPrefixIsCountedWithADirectionThatFitsBothWays()
    {
        final CheckedEngine wkp = new CheckedEngine(ReliabilityConfigs.wellKnown());
        final byte[] in = ipv6("64:ff9b::a00:1", "64:ff9b::c633:6407", UDP, 64, 0, 0,
            udp("64:ff9b::a00:1", "64:ff9b::c633:6407", 1, 2, bytes(8, 1)));

        final CheckedEngine.Result r = wkp.translate(in);
        assertEquals(Outcome.ICMPV6_ERROR_SENT, r.outcome());
        final Outcome o = r.reason();
        assertEquals(Outcome.IPV4_NON_GLOBAL_UNDER_WKP, o);
        assertEquals(Outcome.Direction.ANY, o.direction);
    }

    /**
     * Found by Jazzer (input EngineFuzzTestInputs/engineKeepsItsContract/crash-6964ade4...): an ICMPv6 Echo Reply with
     * identifier 0, sequence 0 and no data becomes an all-zero ICMPv4 message, and the RFC 1624 update gave it
     * checksum 0x0000, which does not verify (a receiver drops it); only 0xFFFF does.
     */
    @Test
    void allZeroIcmpv4EchoReplyGetsAChecksumThatVerifies()
    {
        final String s6 = ReliabilityConfigs.V6.source();
        final String d6 = ReliabilityConfigs.V6.destination();
        final byte[] in = ipv6(s6, d6, ICMPV6, 64, 0, 0, icmp6(s6, d6, 129, 0, 0, new byte[0]));

        final CheckedEngine.Result r = engine.translate(in);
        assertEquals(Outcome.TRANSLATED_6TO4, r.outcome());
        final byte[] out = r.emitted().get(0);
        assertEquals(0xFFFF, PacketOracle.u16(out, 22), "ICMPv4 checksum of an all-zero echo reply");
    }
    /**
     * Found by Jazzer in CI (input EngineFuzzTestInputs/engineKeepsItsContract/crash-677cbb1a...): a 6in4 packet from a
     * CE whose inner destination, inside the 6rd prefix, embeds an address that cannot be a CE (203.0.113.0) is refused
     * by the CE-to-CE relay (RFC 5969 s.8) with sixrd_invalid_ce_address, whose direction label said v6_to_v4 though
     * the packet was IPv4. The encapsulator's refusals are reachable from both directions, so their direction is any.
     */
    @Test
    void sixRdRelayRefusalIsCountedWithADirectionThatFitsBothWays()
    {
        final CheckedEngine sixRd = new CheckedEngine(ReliabilityConfigs.sixRd());
        final String ce = "2001:db8:d05::1";
        final String invalidCe = "2001:db8:d00::";
        final byte[] in = ipv4("203.0.113.5", "192.0.2.1", 41, 64, 0, 1, 0,
            ipv6(ce, invalidCe, UDP, 64, 0, 0, udp(ce, invalidCe, 1, 2, bytes(20, 3))));

        final Outcome o = sixRd.translate(in).outcome();
        assertEquals(Outcome.SIXRD_INVALID_CE_ADDRESS, o);
        assertEquals(Outcome.Direction.ANY, o.direction);
        assertEquals(Outcome.Direction.ANY, Outcome.SIXRD_TOO_BIG.direction);
    }

    /**
     * Found by Jazzer in CI (input EngineFuzzTestInputs/engineKeepsItsContract/crash-36fd7365...): an IPv6 packet with
     * next header 1 (ICMPv4) to an EAM IPv4 address (192.0.2.2) was copied through as IPv4 protocol 1, hairpinned
     * (RFC 7757 s.4), and then met the IPv4 half as an ICMPv4 error with a bad checksum: an IPv4 outcome for an IPv6
     * packet, and ICMPv4 no translation rule had produced. ICMP of the other family is now dropped before any of that
     * (deviation 13, docs/conformance.md).
     */
    @Test
    void icmpv4InsideIpv6IsDroppedEvenWhenItWouldHairpin()
    {
        final String s6 = ReliabilityConfigs.V6.source();
        final String hairpinned = "2001:db8:64::c000:202";
        final byte[] icmpv4Error = {0x03, 0x03, 0x12, 0x34, 0, 0, 0, 0, 0x45, 0, 0, 20};
        final CheckedEngine.Result r = engine.translate(ipv6(s6, hairpinned, 1, 64, 0, 0, icmpv4Error));
        assertEquals(Outcome.IPV6_CARRIES_ICMPV4, r.outcome());
        assertEquals(0, r.emitted().size());
    }
}
