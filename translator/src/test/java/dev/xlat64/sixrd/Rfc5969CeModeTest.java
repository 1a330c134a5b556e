package dev.xlat64.sixrd;

import dev.xlat64.addr.Addresses;
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
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * RFC 5969 sections 7.2 and 8 at the CE: everything goes into the tunnel, to the BR or straight to another CE of the
 * domain; what comes back is checked and handed to the kernel untouched (a tunnel interface, not a router hop).
 */
class Rfc5969CeModeTest
{
    private static final String BR = "203.0.113.1";
    private static final String WAN = "192.0.2.130";
    private static final String OTHER_CE = "192.0.2.5";

    /** 2001:db8:100::/40 + 192.0.2.0/24: delegated /48s; this CE has 2001:db8:182::/48. */
    private final SixRdDomain domain = SixRdDomain.builder("2001:db8:100::/40", "192.0.2.0/24", BR)
        .ceIpv4(Addresses.parse4(WAN)).build();
    private final EngineHarness engine = new EngineHarness(SixRdTestConfigs.of(domain));

    private static byte[] udp6(final String src, final String dst, final int size)
    {
        return ipv6(src, dst, UDP, 64, 0, 0, udp(src, dst, 7000, 7001, bytes(size - 48, 5)));
    }

    @Test
    void delegatedPrefixFollowsTheWanAddress()
    {
        assertEquals("2001:db8:182::/48", domain.delegatedPrefix(domain.ceIpv4()).toString());
    }

    @Test
    void outsideThe6rdPrefixGoesToTheBr()
    {
        final byte[] in = udp6("2001:db8:182::10", "2001:db8:ffff::1", 100);
        assertEquals(Outcome.SIXRD_ENCAPSULATED, engine.translate(in));
        assertEquals(hex(sixInFour(WAN, BR, 64, 0, in)), hex(engine.single()));
    }

    @Test
    void insideThe6rdPrefixGoesStraightToTheOtherCe()
    {
        final byte[] in = udp6("2001:db8:182::10", "2001:db8:105::1", 100);
        assertEquals(Outcome.SIXRD_ENCAPSULATED, engine.translate(in));
        assertEquals(hex(sixInFour(WAN, OTHER_CE, 64, 0, in)), hex(engine.single()));
    }

    @Test
    void fromTheBrAnySourceIsAccepted()
    {
        final byte[] inner = udp6("2001:db8:ffff::1", "2001:db8:182::10", 100);
        assertEquals(Outcome.SIXRD_DECAPSULATED, engine.translate(sixInFour(BR, WAN, 60, 0, inner)));
        assertEquals(hex(inner), hex(engine.single()));
    }

    @Test
    void fromAnotherCeOnlyItsDelegatedPrefix()
    {
        final byte[] good = udp6("2001:db8:105::1", "2001:db8:182::10", 100);
        assertEquals(Outcome.SIXRD_DECAPSULATED, engine.translate(sixInFour(OTHER_CE, WAN, 60, 0, good)));
        assertEquals(hex(good), hex(engine.single()));
        final byte[] spoofed = udp6("2001:db8:ffff::1", "2001:db8:182::10", 100);
        assertEquals(Outcome.SIXRD_SPOOFED_INNER_SOURCE, engine.translate(sixInFour(OTHER_CE, WAN, 60, 0, spoofed)));
    }

    @Test
    void fromOutsideTheDomainIsDropped()
    {
        final byte[] inner = udp6("2001:db8:105::1", "2001:db8:182::10", 100);
        assertEquals(Outcome.SIXRD_SOURCE_NOT_IN_DOMAIN, engine.translate(sixInFour("198.51.100.9", WAN, 60, 0,
            inner)));
    }

    @Test
    void tooBigIsAnsweredFromTheCesOwnSubnetRouterAnycast()
    {
        final byte[] in = udp6("2001:db8:182::10", "2001:db8:ffff::1", 1500);
        assertEquals(Outcome.SIXRD_TOO_BIG, engine.translate(in));
        final byte[] expected = ipv6("2001:db8:182::", "2001:db8:182::10", ICMPV6, 64, 0, 0,
            icmp6("2001:db8:182::", "2001:db8:182::10", 2, 0, 1480, head(in, 1232)));
        assertEquals(hex(expected), hex(engine.single()));
    }

    @Test
    void ownDelegatedPrefixIsNotSentIntoTheTunnel()
    {
        assertEquals(Outcome.SIXRD_INVALID_CE_ADDRESS, engine.translate(udp6("2001:db8:182::10", "2001:db8:182::11",
            100)));
    }

    @Test
    void routerSolicitationsAndMldStayOffTheTunnel()
    {
        final byte[] rs = ipv6("fe80::1", "ff02::2", ICMPV6, 255, 0, 0, icmp6("fe80::1", "ff02::2", 133, 0, 0,
            new byte[0]));
        assertEquals(Outcome.SIXRD_LINK_SCOPE_NOT_TUNNELLED, engine.translate(rs));
        final byte[] linkLocalSource = udp6("fe80::1", "2001:db8:ffff::1", 100);
        assertEquals(Outcome.SIXRD_LINK_SCOPE_NOT_TUNNELLED, engine.translate(linkLocalSource));
        assertEquals(0, engine.emitted().size());
    }
}
