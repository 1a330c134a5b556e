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
    void unknownNextHopMtuUsesTheRfc1191Plateau()
    {
        // RFC 1191 s.7: MTU 0 from the router; the quoted 6in4 packet was 1500 bytes: plateau 1492, less 20 = 1472.
        final byte[] inner =
            ipv6("1::1", "2002:ac10:202::1", UDP, 63, 0, 0, udp("1::1", "2002:ac10:202::1", 5, 6, bytes(1432, 2)));
        final byte[] sent = sixInFour(BR, CE, 64, 0, inner);
        assertEquals(1500, sent.length);
        final byte[] error = ipv4(ROUTER, BR, ICMP, 250, 0, 1, 0, icmp4(3, 4, 0, head(sent, 548)));
        assertEquals(Outcome.SIXRD_ICMP4_ERROR_RELAYED, engine.translate(error));
        final byte[] expected =
            ipv6("2002::", "1::1", ICMPV6, 64, 0, 0, icmp6("2002::", "1::1", 2, 0, 1472, head(inner, 528)));
        assertEquals(hex(expected), hex(engine.single()));
    }

    @Test
    void forgedQuoteIsNotRelayed()
    {
        // A 6in4 "from the BR" to a CE whose delegated prefix does not hold the inner destination: the BR never sent
        // it (it would steer an ICMPv6 error at 2001:db8::99 from anyone who can reach the BR).
        final byte[] inner = ipv6("2001:db8::99", "2002:ac10:303::1", UDP, 63, 0, 0,
            udp("2001:db8::99", "2002:ac10:303::1", 5, 6, bytes(20, 2)));
        final byte[] forged = sixInFour(BR, CE, 64, 0, inner);
        assertEquals(Outcome.SIXRD_ICMP4_NOT_RELAYABLE,
            engine.translate(ipv4(ROUTER, BR, ICMP, 250, 0, 1, 0, icmp4(3, 1, 0, forged))));
        // Not protocol 41.
        final byte[] notSixInFour = with(with(sent(), 9, 17), 11, 0);
        assertEquals(Outcome.SIXRD_ICMP4_NOT_RELAYABLE,
            engine.translate(ipv4(ROUTER, BR, ICMP, 250, 0, 1, 0, icmp4(3, 1, 0, head(notSixInFour, 68)))));
        // Less than the whole inner IPv6 header quoted: the destination cannot be checked.
        assertEquals(Outcome.SIXRD_ICMP4_NOT_RELAYABLE,
            engine.translate(ipv4(ROUTER, BR, ICMP, 250, 0, 1, 0, icmp4(3, 1, 0, head(sent(), 20 + 39)))));
    }

    @Test
    void sharedBrAddressAnswersFromTheQuotedCesDomain()
    {
        final EngineHarness shared = new EngineHarness(SixRdTestConfigs.of(
            SixRdDomain.builder("2001:db8::/32", "192.0.2.0/24", BR).build(),
            SixRdDomain.builder("2002::/16", "172.16.0.0/16", BR).build()));
        // In 2002::/16 with the 172.16.0.0/16 IPv4 prefix, CE 172.16.2.2 delegates 2002:202::/32 (RFC 5969 s.4).
        final byte[] inner =
            ipv6("1::1", "2002:202::1", UDP, 63, 0, 0, udp("1::1", "2002:202::1", 5, 6, bytes(100, 2)));
        final byte[] error =
            ipv4(ROUTER, BR, ICMP, 250, 0, 1, 0, icmp4(11, 0, 0, head(sixInFour(BR, CE, 64, 0, inner), 20 + 48)));
        assertEquals(Outcome.SIXRD_ICMP4_ERROR_RELAYED, shared.translate(error));
        final byte[] innerQuote = head(inner, 48);
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
