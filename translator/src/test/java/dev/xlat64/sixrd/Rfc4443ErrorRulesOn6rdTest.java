package dev.xlat64.sixrd;

import dev.xlat64.addr.AddressMapper;
import dev.xlat64.addr.Addresses;
import dev.xlat64.addr.Eamt;
import dev.xlat64.addr.Ipv6Prefix;
import dev.xlat64.addr.Rfc6052Prefix;
import dev.xlat64.core.Outcome;
import dev.xlat64.core.TranslatorConfig;
import dev.xlat64.testing.EngineHarness;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.xlat64.testing.TestPackets.ICMPV6;
import static dev.xlat64.testing.TestPackets.UDP;
import static dev.xlat64.testing.TestPackets.bytes;
import static dev.xlat64.testing.TestPackets.concat;
import static dev.xlat64.testing.TestPackets.icmp6;
import static dev.xlat64.testing.TestPackets.ipv6;
import static dev.xlat64.testing.TestPackets.sixInFour;
import static dev.xlat64.testing.TestPackets.udp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * RFC 4443 s.2.4(e) and (f) on the 6rd path: 6rd's ICMPv6 errors go through the engine's one originator, so they
 * follow the same rules as SIIT's (the stricter of the two former originators) and draw on the same rate limit.
 */
class Rfc4443ErrorRulesOn6rdTest
{
    private static final int DESTINATION_OPTIONS = 60;

    private final EngineHarness engine = new EngineHarness(SixRdTestConfigs.of(SixRdTestConfigs.vpp()));

    /** A Destination Options header with one PadN option: next header, length 0 (8 bytes), PadN of 4. */
    private static byte[] destinationOptions(final int nextHeader)
    {
        return new byte[] {(byte)nextHeader, 0, 1, 4, 0, 0, 0, 0};
    }

    @Test
    void noErrorAboutAnIcmpv6ErrorBehindAnExtensionHeader()
    {
        // RFC 4443 s.2.4(e.1): the offending packet is an ICMPv6 error; a Destination Options header does not hide it.
        final byte[] error = icmp6("1::1", "2002:ac10:202::1", 1, 4, 0, bytes(48, 9));
        final byte[] in = ipv6("1::1", "2002:ac10:202::1", DESTINATION_OPTIONS, 1, 0, 0,
            concat(destinationOptions(ICMPV6), error));
        assertEquals(Outcome.SIXRD_ICMP_ERROR_SUPPRESSED, engine.translate(in));
        assertTrue(engine.emitted().isEmpty());
    }

    @Test
    void anIcmpv6EchoBehindAnExtensionHeaderIsStillAnswered()
    {
        final byte[] echo = icmp6("1::1", "2002:ac10:202::1", 128, 0, 0x00010001, bytes(16, 4));
        final byte[] in = ipv6("1::1", "2002:ac10:202::1", DESTINATION_OPTIONS, 1, 0, 0,
            concat(destinationOptions(ICMPV6), echo));
        assertEquals(Outcome.SIXRD_HOP_LIMIT_EXPIRED, engine.translate(in));
        assertEquals(1, engine.emitted().size());
    }

    @Test
    void noErrorAboutAPacketToAMulticastAddress()
    {
        // RFC 4443 s.2.4(e.2): a packet destined to a multicast address is not answered with Time Exceeded.
        final byte[] inner = ipv6("2002:ac10:202::1", "ff0e::1", UDP, 1, 0, 0,
            udp("2002:ac10:202::1", "ff0e::1", 4000, 53, bytes(40, 3)));
        assertEquals(Outcome.SIXRD_ICMP_ERROR_SUPPRESSED, engine.translate(sixInFour("172.16.2.2", "172.16.1.1", 60, 0,
            inner)));
        assertTrue(engine.emitted().isEmpty());
    }

    @Test
    void siitAnd6rdErrorsShareOneRateLimit()
    {
        // RFC 4443 s.2.4(f): one limit for the ICMPv6 errors this node originates, whichever mechanism asks.
        final TranslatorConfig config = TranslatorConfig.builder(
                new AddressMapper(Rfc6052Prefix.parse("64:ff9b::/96"), Eamt.EMPTY, true))
            .sixRdDomains(List.of(SixRdTestConfigs.vpp()))
            .ipv6Address(new Ipv6Prefix(Addresses.parse6("2001:db8::64"), 128)).icmpErrorsPerSecond(1).build();
        final EngineHarness shared = new EngineHarness(config);
        shared.translator().clock(5_000_000_000L);
        final byte[] siit = ipv6("2001:db8::1", "64:ff9b::c000:201", UDP, 1, 0, 0,
            udp("2001:db8::1", "64:ff9b::c000:201", 4000, 53, bytes(20, 1)));
        assertEquals(Outcome.ICMPV6_ERROR_SENT, shared.translate(siit));
        final byte[] tooBig = ipv6("1::1", "2002:ac10:202::1", UDP, 7, 0, 0,
            udp("1::1", "2002:ac10:202::1", 4000, 53, bytes(1500, 2)));
        assertEquals(Outcome.SIXRD_ICMP_RATE_LIMITED, shared.translate(tooBig));
        shared.translator().clock(6_000_000_000L);
        assertEquals(Outcome.SIXRD_TOO_BIG, shared.translate(tooBig));
        assertEquals(Outcome.ICMP_ERROR_RATE_LIMITED, shared.translate(siit));
    }
}
