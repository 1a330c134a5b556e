package dev.xlat64.siit;

import dev.xlat64.addr.Addresses;
import dev.xlat64.addr.Ipv6Prefix;
import dev.xlat64.core.Outcome;
import dev.xlat64.core.TranslatorConfig;
import dev.xlat64.testing.EngineHarness;
import org.junit.jupiter.api.Test;

import static dev.xlat64.testing.TestPackets.ICMP;
import static dev.xlat64.testing.TestPackets.ICMPV6;
import static dev.xlat64.testing.TestPackets.UDP;
import static dev.xlat64.testing.TestPackets.bytes;
import static dev.xlat64.testing.TestPackets.hex;
import static dev.xlat64.testing.TestPackets.icmp4;
import static dev.xlat64.testing.TestPackets.icmp6;
import static dev.xlat64.testing.TestPackets.ipv4;
import static dev.xlat64.testing.TestPackets.ipv6;
import static dev.xlat64.testing.TestPackets.slice;
import static dev.xlat64.testing.TestPackets.udp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * TTL / hop limit expiry (RFC 7915 s.4.1, s.5.1; RFC 792, RFC 1812 s.4.3.2, RFC 4443 s.3.3): xlat64 is a hop and
 * answers with Time Exceeded from its own address, so traceroute shows it; the errors it originates are rate-limited.
 */
class Rfc7915TimeExceededTest
{
    private static final String A4 = "192.0.2.33";
    private static final String B4 = "198.51.100.7";
    private static final String A6 = "2001:db8:64::c000:221";
    private static final String B6 = "2001:db8:6::7";
    private static final String SELF4 = "192.0.2.1";
    private static final String SELF6 = "2001:db8:64::1";

    private static TranslatorConfig.Builder withOwnAddresses()
    {
        return SiitTestConfigs.builder().ipv4Address(Addresses.parse4(SELF4))
            .ipv6Address(Ipv6Prefix.parse(SELF6 + "/128"));
    }

    private static int identification(final byte[] ipv4)
    {
        return ((ipv4[4] & 0xff) << 8) | (ipv4[5] & 0xff);
    }

    private final EngineHarness engine = new EngineHarness(withOwnAddresses().build());

    @Test
    void ipv4TtlOfOneIsAnsweredWithTimeExceededQuotingThePacket()
    {
        final byte[] in = ipv4(A4, B4, UDP, 1, 0, 7, 0, udp(A4, B4, 33434, 33435, bytes(32, 0)));
        assertEquals(Outcome.ICMPV4_ERROR_SENT, engine.translate(in));
        final byte[] out = engine.single();
        assertEquals(hex(ipv4(SELF4, A4, ICMP, 64, 0xc0, identification(out), 0, icmp4(11, 0, 0, in))), hex(out));
    }

    @Test
    void ipv4TimeExceededQuotesAtMost576BytesInAll()
    {
        final byte[] in = ipv4(A4, B4, UDP, 0, 0, 7, 0, udp(A4, B4, 1, 2, bytes(1000, 0)));
        assertEquals(Outcome.ICMPV4_ERROR_SENT, engine.translate(in));
        final byte[] out = engine.single();
        assertEquals(576, out.length);
        assertEquals(hex(ipv4(SELF4, A4, ICMP, 64, 0xc0, identification(out), 0, icmp4(11, 0, 0, slice(in, 0, 548)))),
            hex(out));
    }

    @Test
    void ipv6HopLimitOfOneIsAnsweredWithTimeExceeded()
    {
        final byte[] in = ipv6(B6, A6, UDP, 1, 0, 0, udp(B6, A6, 33434, 33435, bytes(32, 0)));
        assertEquals(Outcome.ICMPV6_ERROR_SENT, engine.translate(in));
        assertEquals(hex(ipv6(SELF6, B6, ICMPV6, 64, 0, 0, icmp6(SELF6, B6, 3, 0, 0, in))), hex(engine.single()));
    }

    @Test
    void ipv6TimeExceededIsAtMost1280Bytes()
    {
        final byte[] in = ipv6(B6, A6, UDP, 1, 0, 0, udp(B6, A6, 1, 2, bytes(1400, 0)));
        assertEquals(Outcome.ICMPV6_ERROR_SENT, engine.translate(in));
        assertEquals(hex(ipv6(SELF6, B6, ICMPV6, 64, 0, 0, icmp6(SELF6, B6, 3, 0, 0, slice(in, 0, 1232)))),
            hex(engine.single()));
    }

    @Test
    void withoutOwnAddressesExpiryIsDroppedAndCounted()
    {
        final EngineHarness silent = new EngineHarness(SiitTestConfigs.standard());
        assertEquals(Outcome.IPV4_TTL_EXPIRED,
            silent.translate(ipv4(A4, B4, UDP, 1, 0, 7, 0, udp(A4, B4, 1, 2, bytes(4, 0)))));
        assertEquals(Outcome.IPV6_HOP_LIMIT_EXPIRED,
            silent.translate(ipv6(B6, A6, UDP, 1, 0, 0, udp(B6, A6, 1, 2, bytes(4, 0)))));
        assertTrue(silent.emitted().isEmpty());
    }

    @Test
    void errorsAreNotAnsweredWithErrors()
    {
        // RFC 1812 s.4.3.2.7 / RFC 4443 s.2.4(e): never an error about an error, nor about a non-first fragment.
        final byte[] error4 = ipv4(A4, B4, ICMP, 1, 0, 7, 0, icmp4(3, 3, 0, bytes(28, 0)));
        assertEquals(Outcome.IPV4_TTL_EXPIRED, engine.translate(error4));
        final byte[] laterFragment = ipv4(A4, B4, UDP, 1, 0, 7, 10, bytes(16, 0));
        assertEquals(Outcome.IPV4_TTL_EXPIRED, engine.translate(laterFragment));
        final byte[] error6 = ipv6(B6, A6, ICMPV6, 1, 0, 0, icmp6(B6, A6, 1, 4, 0, bytes(48, 0)));
        assertEquals(Outcome.IPV6_HOP_LIMIT_EXPIRED, engine.translate(error6));
        // Multicast destinations are not answered either.
        final byte[] multicast = ipv4(A4, "224.0.0.9", UDP, 1, 0, 7, 0, udp(A4, "224.0.0.9", 520, 520, bytes(4, 0)));
        assertEquals(Outcome.IPV4_TTL_EXPIRED, engine.translate(multicast));
        assertTrue(engine.emitted().isEmpty());
        // An echo request is a query: it is answered.
        assertEquals(Outcome.ICMPV4_ERROR_SENT,
            engine.translate(ipv4(A4, B4, ICMP, 1, 0, 7, 0, icmp4(8, 0, 1, bytes(8, 0)))));
    }

    @Test
    void originatedErrorsAreRateLimitedByATokenBucketOnTheDataPlaneClock()
    {
        final EngineHarness limited = new EngineHarness(withOwnAddresses().icmpErrorsPerSecond(2).build());
        final byte[] in = ipv4(A4, B4, UDP, 1, 0, 7, 0, udp(A4, B4, 1, 2, bytes(4, 0)));
        limited.translator().clock(1_000_000_000L);
        assertEquals(Outcome.ICMPV4_ERROR_SENT, limited.translate(in));
        assertEquals(Outcome.ICMPV4_ERROR_SENT, limited.translate(in));
        assertEquals(Outcome.ICMP_ERROR_RATE_LIMITED, limited.translate(in));
        assertTrue(limited.emitted().isEmpty());
        // Half a second later one token has come back (2 per second).
        limited.translator().clock(1_500_000_000L);
        assertEquals(Outcome.ICMPV4_ERROR_SENT, limited.translate(in));
        assertEquals(Outcome.ICMP_ERROR_RATE_LIMITED, limited.translate(in));
        // A long pause refills the bucket to its burst (2), not more.
        limited.translator().clock(60_000_000_000L);
        assertEquals(Outcome.ICMPV4_ERROR_SENT, limited.translate(in));
        assertEquals(Outcome.ICMPV6_ERROR_SENT,
            limited.translate(ipv6(B6, A6, UDP, 1, 0, 0, udp(B6, A6, 1, 2, bytes(4, 0)))));
        assertEquals(Outcome.ICMP_ERROR_RATE_LIMITED, limited.translate(in));
    }

    @Test
    void zeroRateDisablesOriginatedErrors()
    {
        final EngineHarness off = new EngineHarness(withOwnAddresses().icmpErrorsPerSecond(0).build());
        assertEquals(Outcome.IPV4_TTL_EXPIRED,
            off.translate(ipv4(A4, B4, UDP, 1, 0, 7, 0, udp(A4, B4, 1, 2, bytes(4, 0)))));
    }

    @Test
    void ttlOfTwoIsForwardedWithOne()
    {
        final byte[] data = bytes(4, 0);
        assertEquals(Outcome.TRANSLATED_4TO6, engine.translate(ipv4(A4, B4, UDP, 2, 0, 7, 0, udp(A4, B4, 1, 2, data))));
        assertEquals(hex(ipv6(A6, B6, UDP, 1, 0, 0, udp(A6, B6, 1, 2, data))), hex(engine.single()));
    }
}
