package dev.xlat64.sixrd;

import dev.xlat64.addr.SixRdDomain;
import dev.xlat64.core.Outcome;
import dev.xlat64.testing.EngineHarness;
import org.junit.jupiter.api.Test;

import static dev.xlat64.testing.TestPackets.ICMPV6;
import static dev.xlat64.testing.TestPackets.IPV6_IN_IPV4;
import static dev.xlat64.testing.TestPackets.MF;
import static dev.xlat64.testing.TestPackets.UDP;
import static dev.xlat64.testing.TestPackets.bytes;
import static dev.xlat64.testing.TestPackets.head;
import static dev.xlat64.testing.TestPackets.hex;
import static dev.xlat64.testing.TestPackets.icmp6;
import static dev.xlat64.testing.TestPackets.ipv4;
import static dev.xlat64.testing.TestPackets.ipv6;
import static dev.xlat64.testing.TestPackets.sixInFour;
import static dev.xlat64.testing.TestPackets.udp;
import static dev.xlat64.testing.TestPackets.with;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RFC 5969 section 8 at the BR: 6in4 from CEs, source checks, CE-to-CE relay, RFC 6040 decapsulation. */
class Rfc5969DecapsulationTest
{
    private static final String BR = "172.16.1.1";
    private static final String CE = "172.16.2.2";
    private static final int HOP_LIMIT = 9;

    private final EngineHarness engine = new EngineHarness(SixRdTestConfigs.of(SixRdTestConfigs.vpp()));

    private static byte[] udp6(final String src, final String dst, final int hopLimit, final int trafficClass)
    {
        return ipv6(src, dst, UDP, hopLimit, trafficClass, 0, udp(src, dst, 4000, 53, bytes(40, 3)));
    }

    @Test
    void vppVectorIsDecapsulatedAndForwarded()
    {
        final byte[] inner = udp6("2002:ac10:202::1", "1::1", HOP_LIMIT, 0);
        assertEquals(Outcome.SIXRD_DECAPSULATED, engine.translate(sixInFour(CE, BR, 60, 0, inner)));
        assertEquals(hex(with(inner, 7, HOP_LIMIT - 1)), hex(engine.single()));
    }

    @Test
    void vppVectorInnerSourceOfAnotherCeIsDroppedAsSpoofed()
    {
        final byte[] inner = udp6("2002:dead:202::1", "1::1", HOP_LIMIT, 0);
        assertEquals(Outcome.SIXRD_SPOOFED_INNER_SOURCE, engine.translate(sixInFour(CE, BR, 60, 0, inner)));
        assertTrue(engine.emitted().isEmpty());
    }

    @Test
    void ipv4MaskLen8VectorIsAccepted()
    {
        final EngineHarness h = new EngineHarness(SixRdTestConfigs.of(
            SixRdDomain.builder("2002::/16", "172.0.0.0/8", BR).build()));
        final byte[] inner = udp6("2002:1002:200::1", "1::1", HOP_LIMIT, 0);
        assertEquals(Outcome.SIXRD_DECAPSULATED, h.translate(sixInFour(CE, BR, 60, 0, inner)));
        assertEquals(hex(with(inner, 7, HOP_LIMIT - 1)), hex(h.single()));
    }

    @Test
    void foreignInnerSourceNeedsTheExplicitOption()
    {
        final byte[] inner = udp6("2001:db8:77::1", "1::1", HOP_LIMIT, 0);
        assertEquals(Outcome.SIXRD_SPOOFED_INNER_SOURCE, engine.translate(sixInFour(CE, BR, 60, 0, inner)));

        final EngineHarness loose = new EngineHarness(SixRdTestConfigs.of(
            SixRdDomain.builder("2002::/16", "0.0.0.0/0", BR).allowForeignInnerSource(true).build()));
        assertEquals(Outcome.SIXRD_DECAPSULATED, loose.translate(sixInFour(CE, BR, 60, 0, inner)));
        assertEquals(hex(with(inner, 7, HOP_LIMIT - 1)), hex(loose.single()));
        // Still no source from inside the 6rd prefix that is not the CE's own.
        assertEquals(Outcome.SIXRD_SPOOFED_INNER_SOURCE,
            loose.translate(sixInFour(CE, BR, 60, 0, udp6("2002:dead:202::1", "1::1", HOP_LIMIT, 0))));
    }

    @Test
    void ceToCeTrafficIsRelayedInUserSpace()
    {
        final byte[] inner = udp6("2002:ac10:202::1", "2002:ac10:303::1", HOP_LIMIT, 0x02);
        assertEquals(Outcome.SIXRD_RELAYED_CE_TO_CE, engine.translate(sixInFour(CE, BR, 60, 0, inner)));
        assertEquals(hex(sixInFour(BR, "172.16.3.3", 64, 0x02, with(inner, 7, HOP_LIMIT - 1))), hex(engine.single()));
    }

    @Test
    void ceToCeAcrossDomainsUsesTheTargetDomain()
    {
        final EngineHarness two = new EngineHarness(SixRdTestConfigs.of(SixRdTestConfigs.vpp(),
            SixRdDomain.builder("2001:db8::/32", "192.0.2.0/24", "192.0.2.1").ttl(10).build()));
        final byte[] inner = udp6("2002:ac10:202::1", "2001:db8:8200::1", HOP_LIMIT, 0);
        assertEquals(Outcome.SIXRD_RELAYED_CE_TO_CE, two.translate(sixInFour(CE, BR, 60, 0, inner)));
        assertEquals(hex(sixInFour("192.0.2.1", "192.0.2.130", 10, 0, with(inner, 7, HOP_LIMIT - 1))),
            hex(two.single()));
    }

    @Test
    void expiredHopLimitIsAnsweredThroughTheTunnel()
    {
        final byte[] inner = udp6("2002:ac10:202::1", "1::1", 1, 0);
        assertEquals(Outcome.SIXRD_HOP_LIMIT_EXPIRED, engine.translate(sixInFour(CE, BR, 60, 0, inner)));
        final byte[] error = ipv6("2002::", "2002:ac10:202::1", ICMPV6, 64, 0, 0,
            icmp6("2002::", "2002:ac10:202::1", 3, 0, 0, inner));
        assertEquals(hex(sixInFour(BR, CE, 64, 0, error)), hex(engine.single()));
    }

    @Test
    void innerHeaderShorterThan40BytesIsTruncated()
    {
        final byte[] inner = head(udp6("2002:ac10:202::1", "1::1", HOP_LIMIT, 0), 39);
        assertEquals(Outcome.SIXRD_INNER_TRUNCATED, engine.translate(sixInFour(CE, BR, 60, 0, inner)));
    }

    @Test
    void innerPayloadLengthBeyondThePacketIsTruncated()
    {
        final byte[] inner = udp6("2002:ac10:202::1", "1::1", HOP_LIMIT, 0);
        assertEquals(Outcome.SIXRD_INNER_TRUNCATED, engine.translate(sixInFour(CE, BR, 60, 0, head(inner,
            inner.length - 1))));
    }

    @Test
    void trailingBytesAfterTheInnerPacketAreIgnored()
    {
        final byte[] inner = udp6("2002:ac10:202::1", "1::1", HOP_LIMIT, 0);
        final byte[] padded = dev.xlat64.testing.TestPackets.concat(inner, new byte[6]);
        assertEquals(Outcome.SIXRD_DECAPSULATED, engine.translate(sixInFour(CE, BR, 60, 0, padded)));
        assertEquals(hex(with(inner, 7, HOP_LIMIT - 1)), hex(engine.single()));
    }

    @Test
    void payloadThatIsNotIpv6IsDropped()
    {
        final byte[] notSix = with(udp6("2002:ac10:202::1", "1::1", HOP_LIMIT, 0), 0, 0x45);
        assertEquals(Outcome.SIXRD_INNER_NOT_IPV6, engine.translate(sixInFour(CE, BR, 60, 0, notSix)));
    }

    @Test
    void outerFragmentsAreDroppedNotReassembled()
    {
        final byte[] inner = udp6("2002:ac10:202::1", "1::1", HOP_LIMIT, 0);
        assertEquals(Outcome.SIXRD_OUTER_FRAGMENT, engine.translate(ipv4(CE, BR, IPV6_IN_IPV4, 60, 0, 7, MF, inner)));
        assertEquals(Outcome.SIXRD_OUTER_FRAGMENT, engine.translate(ipv4(CE, BR, IPV6_IN_IPV4, 60, 0, 7, 185, inner)));
    }

    @Test
    void sixInFourToAnotherAddressIsNotOurs()
    {
        final byte[] inner = udp6("2002:ac10:202::1", "1::1", HOP_LIMIT, 0);
        assertEquals(Outcome.SIXRD_NOT_BR_ADDRESS, engine.translate(sixInFour(CE, "172.16.1.2", 60, 0, inner)));
    }

    @Test
    void outerSourceOutsideTheDomainsIpv4PrefixIsDropped()
    {
        final EngineHarness h = new EngineHarness(SixRdTestConfigs.of(
            SixRdDomain.builder("2002::/16", "172.0.0.0/8", BR).build()));
        final byte[] inner = udp6("2002:6433:6401::1", "1::1", HOP_LIMIT, 0);
        assertEquals(Outcome.SIXRD_SOURCE_NOT_IN_DOMAIN, h.translate(sixInFour("198.51.100.1", BR, 60, 0, inner)));
    }

    @Test
    void outerCeOnNotEctInnerIsDroppedAndOnEctInnerIsCopied()
    {
        final byte[] notEct = udp6("2002:ac10:202::1", "1::1", HOP_LIMIT, 0xb8);
        assertEquals(Outcome.SIXRD_ECN_DROP, engine.translate(sixInFour(CE, BR, 60, 0x03, notEct)));

        final byte[] ect0 = udp6("2002:ac10:202::1", "1::1", HOP_LIMIT, 0xb8 | 0x02);
        assertEquals(Outcome.SIXRD_DECAPSULATED, engine.translate(sixInFour(CE, BR, 60, 0x03, ect0)));
        assertEquals(hex(udp6("2002:ac10:202::1", "1::1", HOP_LIMIT - 1, 0xb8 | 0x03)), hex(engine.single()));

        // RFC 6040 Figure 4: outer ECT(1) over inner ECT(0) gives ECT(1); outer DSCP never overwrites the inner one.
        assertEquals(Outcome.SIXRD_DECAPSULATED, engine.translate(sixInFour(CE, BR, 60, 0x01, ect0)));
        assertEquals(hex(udp6("2002:ac10:202::1", "1::1", HOP_LIMIT - 1, 0xb8 | 0x01)), hex(engine.single()));
    }

    @Test
    void badOuterHeaderChecksumIsDropped()
    {
        final byte[] packet = sixInFour(CE, BR, 60, 0, udp6("2002:ac10:202::1", "1::1", HOP_LIMIT, 0));
        assertEquals(Outcome.IPV4_BAD_HEADER_CHECKSUM, engine.translate(with(packet, 11, packet[11] ^ 1)));
    }

    @Test
    void otherProtocolsToTheBrAreDropped()
    {
        final byte[] packet = ipv4(CE, BR, UDP, 60, 0, 0, 0, udp(CE, BR, 1, 2, bytes(10, 1)));
        assertEquals(Outcome.SIXRD_NOT_6IN4, engine.translate(packet));
    }

    @Test
    void innerJumbogramIsNotAnIpv6PacketThatFits()
    {
        final byte[] inner = udp6("2002:ac10:202::1", "1::1", HOP_LIMIT, 0);
        final byte[] jumbo = with(with(inner, 4, 0), 5, 0);
        assertEquals(Outcome.SIXRD_INNER_NOT_IPV6, engine.translate(sixInFour(CE, BR, 60, 0, jumbo)));
    }
}
