package dev.xlat64.sixrd;

import dev.xlat64.addr.SixRdDomain;
import dev.xlat64.core.Outcome;
import dev.xlat64.testing.EngineHarness;
import org.junit.jupiter.api.Test;

import static dev.xlat64.testing.TestPackets.ICMPV6;
import static dev.xlat64.testing.TestPackets.UDP;
import static dev.xlat64.testing.TestPackets.bytes;
import static dev.xlat64.testing.TestPackets.head;
import static dev.xlat64.testing.TestPackets.hex;
import static dev.xlat64.testing.TestPackets.icmp6;
import static dev.xlat64.testing.TestPackets.ipv6;
import static dev.xlat64.testing.TestPackets.sixInFour;
import static dev.xlat64.testing.TestPackets.udp;
import static dev.xlat64.testing.TestPackets.with;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RFC 5969 sections 7-8 and RFC 4213 section 3 at the BR: IPv6 toward a CE, Packet Too Big, Time Exceeded. */
class Rfc5969EncapsulationTest
{
    private static final int HOP_LIMIT = 7;

    private final EngineHarness engine = new EngineHarness(SixRdTestConfigs.of(SixRdTestConfigs.vpp()));

    private static byte[] udp6(final String src, final String dst, final int hopLimit, final int trafficClass,
        final int size)
    {
        return ipv6(src, dst, UDP, hopLimit, trafficClass, 0x12345, udp(src, dst, 4000, 53, bytes(size - 48, 1)));
    }

    @Test
    void vppVectorEncapsulatesTowardTheEmbeddedCe()
    {
        final byte[] in = udp6("1::1", "2002:ac10:202::1", HOP_LIMIT, 0, 100);
        assertEquals(Outcome.SIXRD_ENCAPSULATED, engine.translate(in));
        // Outer: BR -> CE, DF, TTL 64, protocol 41; inner unchanged but for the hop limit the BR decrements.
        assertEquals(hex(sixInFour("172.16.1.1", "172.16.2.2", 64, 0, with(in, 7, HOP_LIMIT - 1))),
            hex(engine.single()));
    }

    @Test
    void dscpAndEcnAreCopiedToTheOuterTos()
    {
        // RFC 6040 s.4.1 normal mode: ECN copied; DSCP copied too (uniform model). 0xb9 = EF + ECT(1).
        final byte[] in = udp6("1::1", "2002:ac10:202::1", HOP_LIMIT, 0xb9, 80);
        assertEquals(Outcome.SIXRD_ENCAPSULATED, engine.translate(in));
        assertEquals(hex(sixInFour("172.16.1.1", "172.16.2.2", 64, 0xb9, with(in, 7, HOP_LIMIT - 1))),
            hex(engine.single()));
    }

    @Test
    void tr181VectorCompletesTheCeAddressWithTheCommonPrefix()
    {
        final SixRdDomain d = SixRdDomain.builder("2001:db8::/32", "10.0.0.0/8", "10.0.0.1").ttl(32).build();
        final EngineHarness tr181 = new EngineHarness(SixRdTestConfigs.of(d));
        final byte[] in = udp6("2001:db8:6464:100::5", "2001:db8:64c8:200::", HOP_LIMIT, 0, 64);
        assertEquals(Outcome.SIXRD_ENCAPSULATED, tr181.translate(in));
        assertEquals(hex(sixInFour("10.0.0.1", "10.100.200.2", 32, 0, with(in, 7, HOP_LIMIT - 1))),
            hex(tr181.single()));
    }

    @Test
    void delegatedSlash64AndSlash30Domains()
    {
        final EngineHarness two = new EngineHarness(SixRdTestConfigs.of(
            SixRdDomain.builder("2001:db8::/32", "0.0.0.0/0", "192.0.2.1").build(),
            SixRdDomain.builder("2a01:79c::/30", "0.0.0.0/0", "198.51.100.1").build()));
        final byte[] a = udp6("1::1", "2001:db8:c000:282::1", HOP_LIMIT, 0, 64);
        assertEquals(Outcome.SIXRD_ENCAPSULATED, two.translate(a));
        assertEquals(hex(sixInFour("192.0.2.1", "192.0.2.130", 64, 0, with(a, 7, HOP_LIMIT - 1))), hex(two.single()));
        final byte[] b = udp6("1::1", "2a01:79d:469c:135b::1", HOP_LIMIT, 0, 64);
        assertEquals(Outcome.SIXRD_ENCAPSULATED, two.translate(b));
        assertEquals(hex(sixInFour("198.51.100.1", "81.167.4.214", 64, 0, with(b, 7, HOP_LIMIT - 1))),
            hex(two.single()));
        // Per-domain counters: the packet is tagged with its domain's position in the config.
        assertEquals(1, two.translator().sixRdDomainIndex());
        two.translate(a);
        assertEquals(0, two.translator().sixRdDomainIndex());
        two.translate(udp6("1::1", "2003::1", HOP_LIMIT, 0, 64));
        assertEquals(-1, two.translator().sixRdDomainIndex());
    }

    @Test
    void ipv4MaskLen32SendsTheWholePrefixToTheOneCe()
    {
        final EngineHarness one = new EngineHarness(SixRdTestConfigs.of(
            SixRdDomain.builder("2001:db8:1200::/40", "192.0.2.77/32", "198.51.100.1").build()));
        final byte[] in = udp6("1::1", "2001:db8:12ab:cd::1", HOP_LIMIT, 0, 64);
        assertEquals(Outcome.SIXRD_ENCAPSULATED, one.translate(in));
        assertEquals(hex(sixInFour("198.51.100.1", "192.0.2.77", 64, 0, with(in, 7, HOP_LIMIT - 1))),
            hex(one.single()));
    }

    @Test
    void packetOfExactlyTheTunnelMtuIsEncapsulated()
    {
        final byte[] in = udp6("1::1", "2002:ac10:202::1", HOP_LIMIT, 0, 1480);
        assertEquals(Outcome.SIXRD_ENCAPSULATED, engine.translate(in));
        assertEquals(1500, engine.single().length);
    }

    @Test
    void vppVectorOneByteOverTheTunnelMtuDrawsPacketTooBigQuotingAt1280Bytes()
    {
        final byte[] in = udp6("2001:db8:1::1", "2002:ac10:202::1", HOP_LIMIT, 0, 1481);
        assertEquals(Outcome.SIXRD_TOO_BIG, engine.translate(in));
        // RFC 4443 s.3.2: type 2 code 0, MTU 1480, from the BR's IPv6 address (2002::), as much as fits in 1280.
        final byte[] expected = ipv6("2002::", "2001:db8:1::1", ICMPV6, 64, 0, 0,
            icmp6("2002::", "2001:db8:1::1", 2, 0, 1480, head(in, 1280 - 48)));
        assertEquals(hex(expected), hex(engine.single()));
        assertEquals(1280, engine.single().length);
    }

    @Test
    void packetTooBigAtThe1280Boundary()
    {
        final SixRdDomain d = SixRdDomain.builder("2002::/16", "0.0.0.0/0", "172.16.1.1").mtu(1280)
            .brIpv6(dev.xlat64.addr.Ipv6Prefix.parse("2001:db8:ffff::1")).build();
        final EngineHarness small = new EngineHarness(SixRdTestConfigs.of(d));
        assertEquals(Outcome.SIXRD_ENCAPSULATED, small.translate(udp6("1::1", "2002:ac10:202::1", HOP_LIMIT, 0, 1280)));
        assertEquals(1300, small.single().length);

        final byte[] in = udp6("1::1", "2002:ac10:202::1", HOP_LIMIT, 0, 1281);
        assertEquals(Outcome.SIXRD_TOO_BIG, small.translate(in));
        final byte[] expected = ipv6("2001:db8:ffff::1", "1::1", ICMPV6, 64, 0, 0,
            icmp6("2001:db8:ffff::1", "1::1", 2, 0, 1280, head(in, 1232)));
        assertEquals(hex(expected), hex(small.single()));
    }

    @Test
    void smallPacketIsQuotedWhole()
    {
        final SixRdDomain d = SixRdDomain.builder("2002::/16", "0.0.0.0/0", "172.16.1.1").build();
        final byte[] in = udp6("1::1", "2002:ac10:202::1", 1, 0, 100);
        final EngineHarness h = new EngineHarness(SixRdTestConfigs.of(d));
        // RFC 8200 s.3: hop limit 1 cannot be forwarded: Time Exceeded (type 3 code 0) quoting the packet as received.
        assertEquals(Outcome.SIXRD_HOP_LIMIT_EXPIRED, h.translate(in));
        final byte[] expected = ipv6("2002::", "1::1", ICMPV6, 64, 0, 0, icmp6("2002::", "1::1", 3, 0, 0, in));
        assertEquals(hex(expected), hex(h.single()));
    }

    @Test
    void noErrorAboutAnIcmpv6Error()
    {
        final byte[] error = icmp6("1::1", "2002:ac10:202::1", 1, 4, 0, bytes(48, 9));
        final byte[] in = ipv6("1::1", "2002:ac10:202::1", ICMPV6, 1, 0, 0, error);
        assertEquals(Outcome.SIXRD_ICMP_ERROR_SUPPRESSED, engine.translate(in));
        assertTrue(engine.emitted().isEmpty());
    }

    @Test
    void errorsBeyondTheRateLimitAreDropped()
    {
        final EngineHarness limited = new EngineHarness(SixRdTestConfigs.of(SixRdTestConfigs.vpp()).toBuilder()
            .icmpErrorsPerSecond(1).build());
        limited.translator().clock(5_000_000_000L);
        final byte[] in = udp6("1::1", "2002:ac10:202::1", HOP_LIMIT, 0, 1500);
        assertEquals(Outcome.SIXRD_TOO_BIG, limited.translate(in));
        assertEquals(Outcome.SIXRD_ICMP_RATE_LIMITED, limited.translate(in));
        assertTrue(limited.emitted().isEmpty());
        limited.translator().clock(6_000_000_000L);
        assertEquals(Outcome.SIXRD_TOO_BIG, limited.translate(in));
    }

    @Test
    void destinationEmbeddingLoopbackOrMulticastIsNotACe()
    {
        assertEquals(Outcome.SIXRD_INVALID_CE_ADDRESS, engine.translate(udp6("1::1", "2002:7f00:1::1", HOP_LIMIT, 0,
            64)));
        assertEquals(Outcome.SIXRD_INVALID_CE_ADDRESS, engine.translate(udp6("1::1", "2002:e000:1::1", HOP_LIMIT, 0,
            64)));
        assertEquals(Outcome.SIXRD_INVALID_CE_ADDRESS, engine.translate(udp6("1::1", "2002:ac10:101::1", HOP_LIMIT, 0,
            64)));
        // The BR's own subnet-router anycast address (2002::) is not CE 0.0.0.0's.
        assertEquals(Outcome.SIXRD_INVALID_CE_ADDRESS, engine.translate(udp6("1::1", "2002::", HOP_LIMIT, 0, 64)));
        assertTrue(engine.emitted().isEmpty());
    }

    @Test
    void destinationOutsideEvery6rdPrefixIsLeftToSiit()
    {
        final Outcome outcome = engine.translate(udp6("1::1", "2003::1", HOP_LIMIT, 0, 64));
        assertNotEquals(Outcome.SIXRD_ENCAPSULATED, outcome);
        assertTrue(outcome.id.startsWith("ipv6_"), outcome.id);
    }

    @Test
    void payloadLengthBeyondThePacketIsDropped()
    {
        final byte[] in = udp6("1::1", "2002:ac10:202::1", HOP_LIMIT, 0, 64);
        assertEquals(Outcome.IPV6_BAD_PAYLOAD_LENGTH, engine.translate(with(in, 5, 100)));
    }
}
