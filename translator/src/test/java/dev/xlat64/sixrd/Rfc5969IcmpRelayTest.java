package dev.xlat64.sixrd;

import dev.xlat64.addr.SixRdDomain;
import dev.xlat64.core.Outcome;
import dev.xlat64.testing.EngineHarness;
import org.junit.jupiter.api.Test;

import static dev.xlat64.testing.TestPackets.ICMP;
import static dev.xlat64.testing.TestPackets.ICMPV6;
import static dev.xlat64.testing.TestPackets.UDP;
import static dev.xlat64.testing.TestPackets.bytes;
import static dev.xlat64.testing.TestPackets.head;
import static dev.xlat64.testing.TestPackets.hex;
import static dev.xlat64.testing.TestPackets.icmp4;
import static dev.xlat64.testing.TestPackets.icmp6;
import static dev.xlat64.testing.TestPackets.ipv4;
import static dev.xlat64.testing.TestPackets.ipv6;
import static dev.xlat64.testing.TestPackets.sixInFour;
import static dev.xlat64.testing.TestPackets.udp;
import static dev.xlat64.testing.TestPackets.with;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * RFC 4213 section 3.4 at a 6rd BR (RFC 5969 s.8): ICMPv4 errors from routers between the BR and a CE, quoting one
 * of our 6in4 packets, reach the IPv6 sender as ICMPv6 errors.
 */
class Rfc5969IcmpRelayTest
{
    static final String BR = "172.16.1.1";
    static final String CE = "172.16.2.2";
    static final String ROUTER = "198.51.100.254";

    private final EngineHarness engine = new EngineHarness(SixRdTestConfigs.of(SixRdTestConfigs.vpp()));

    /** What the BR sent: 1::1 -> 2002:ac10:202::1 in 6in4 toward the CE. */
    static byte[] sent()
    {
        final byte[] inner = ipv6("1::1", "2002:ac10:202::1", UDP, 63, 0, 0, udp("1::1", "2002:ac10:202::1", 5, 6,
            bytes(100, 2)));
        return sixInFour(BR, CE, 64, 0, inner);
    }

    @Test
    void hostUnreachableBecomesAddressUnreachable()
    {
        final byte[] quote = head(sent(), 20 + 48);
        final byte[] error = ipv4(ROUTER, BR, ICMP, 250, 0, 1, 0, icmp4(3, 1, 0, quote));
        assertEquals(Outcome.SIXRD_ICMP4_ERROR_RELAYED, engine.translate(error));
        final byte[] innerQuote = head(java.util.Arrays.copyOfRange(sent(), 20, sent().length), 48);
        final byte[] expected = ipv6("2002::", "1::1", ICMPV6, 64, 0, 0, icmp6("2002::", "1::1", 1, 3, 0, innerQuote));
        assertEquals(hex(expected), hex(engine.single()));
    }

    @Test
    void fragmentationNeededBecomesPacketTooBigLess20()
    {
        final byte[] quote = sent();
        final byte[] error = ipv4(ROUTER, BR, ICMP, 250, 0, 1, 0, icmp4(3, 4, 1400, quote));
        assertEquals(Outcome.SIXRD_ICMP4_ERROR_RELAYED, engine.translate(error));
        final byte[] inner = java.util.Arrays.copyOfRange(sent(), 20, sent().length);
        final byte[] expected = ipv6("2002::", "1::1", ICMPV6, 64, 0, 0, icmp6("2002::", "1::1", 2, 0, 1380, inner));
        assertEquals(hex(expected), hex(engine.single()));
    }

    @Test
    void quoteWithoutTheInnerSourceIsNotRelayed()
    {
        // RFC 792 minimum quote: IPv4 header + 8 bytes, not enough to know the IPv6 source.
        final byte[] error = ipv4(ROUTER, BR, ICMP, 250, 0, 1, 0, icmp4(3, 1, 0, head(sent(), 28)));
        assertEquals(Outcome.SIXRD_ICMP4_NOT_RELAYABLE, engine.translate(error));
    }

    @Test
    void quoteOfAPacketWeDidNotSendIsNotRelayed()
    {
        final byte[] notOurs = with(sent(), 15, 2); // source 172.16.1.2, header checksum left stale: irrelevant here
        final byte[] error = ipv4(ROUTER, BR, ICMP, 250, 0, 1, 0, icmp4(3, 1, 0, head(notOurs, 68)));
        assertEquals(Outcome.SIXRD_ICMP4_NOT_RELAYABLE, engine.translate(error));
    }

    @Test
    void echoRequestToTheBrIsNotRelayed()
    {
        final byte[] echo = ipv4(ROUTER, BR, ICMP, 250, 0, 1, 0, icmp4(8, 0, 0x10001, bytes(80, 1)));
        assertEquals(Outcome.SIXRD_ICMP4_NOT_RELAYABLE, engine.translate(echo));
    }

    @Test
    void unknownNextHopMtuIsNotRelayed()
    {
        final byte[] error = ipv4(ROUTER, BR, ICMP, 250, 0, 1, 0, icmp4(3, 4, 0, sent()));
        assertEquals(Outcome.SIXRD_ICMP4_NOT_RELAYABLE, engine.translate(error));
    }

    @Test
    void sharedBrAddressAnswersFromTheQuotedCesDomain()
    {
        final EngineHarness shared = new EngineHarness(SixRdTestConfigs.of(
            SixRdDomain.builder("2001:db8::/32", "192.0.2.0/24", BR).build(),
            SixRdDomain.builder("2002::/16", "172.16.0.0/16", BR).build()));
        final byte[] error = ipv4(ROUTER, BR, ICMP, 250, 0, 1, 0, icmp4(11, 0, 0, head(sent(), 20 + 48)));
        assertEquals(Outcome.SIXRD_ICMP4_ERROR_RELAYED, shared.translate(error));
        final byte[] innerQuote = head(java.util.Arrays.copyOfRange(sent(), 20, sent().length), 48);
        final byte[] expected = ipv6("2002::", "1::1", ICMPV6, 64, 0, 0, icmp6("2002::", "1::1", 1, 3, 0, innerQuote));
        assertEquals(hex(expected), hex(shared.single()));
    }

    @Test
    void badIcmpv4ChecksumIsNotRelayed()
    {
        final byte[] message = icmp4(3, 1, 0, head(sent(), 20 + 48));
        final byte[] error = ipv4(ROUTER, BR, ICMP, 250, 0, 1, 0, with(message, 3, message[3] ^ 0x40));
        assertEquals(Outcome.SIXRD_ICMP4_NOT_RELAYABLE, engine.translate(error));
    }
}
