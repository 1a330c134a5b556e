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
import static dev.xlat64.testing.TestPackets.concat;
import static dev.xlat64.testing.TestPackets.hex;
import static dev.xlat64.testing.TestPackets.icmp4;
import static dev.xlat64.testing.TestPackets.icmp6;
import static dev.xlat64.testing.TestPackets.ipv4;
import static dev.xlat64.testing.TestPackets.ipv4WithOptions;
import static dev.xlat64.testing.TestPackets.ipv6;
import static dev.xlat64.testing.TestPackets.udp;
import static dev.xlat64.testing.TestPackets.udpNoChecksum;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * RFC 7915 s.4.1 (IPv4 options ignored, but an unexpired source route refused with ICMPv4 3/5), s.5.1 (routing header
 * with segments left refused with Parameter Problem pointing at Segments Left, RFC 8200 s.4.4) and s.4.5 (a zero UDP
 * checksum dropped by policy is answered with ICMPv4 3/13).
 */
class Rfc7915OptionsAndExtensionHeadersTest
{
    private static final String A4 = "192.0.2.33";
    private static final String B4 = "198.51.100.7";
    private static final String A6 = "2001:db8:64::c000:221";
    private static final String B6 = "2001:db8:6::7";
    private static final String SELF4 = "192.0.2.1";
    private static final String SELF6 = "2001:db8:64::1";

    private final EngineHarness engine = new EngineHarness(SiitTestConfigs.builder()
        .ipv4Address(Addresses.parse4(SELF4)).ipv6Address(Ipv6Prefix.parse(SELF6 + "/128")).build());
    private final EngineHarness silent = new EngineHarness(SiitTestConfigs.standard());

    private static int identification(final byte[] ipv4)
    {
        return ((ipv4[4] & 0xff) << 8) | (ipv4[5] & 0xff);
    }

    /** Loose (131) or strict (137) source route with one hop and the given pointer, padded with EOL. */
    private static byte[] sourceRoute(final int type, final int pointer)
    {
        return new byte[] {(byte)type, 7, (byte)pointer, (byte)203, 0, 113, 9, 0};
    }

    @Test
    void unexpiredSourceRouteIsAnsweredWithSourceRouteFailed()
    {
        for (final int type : new int[] {131, 137})
        {
            final byte[] in =
                ipv4WithOptions(A4, B4, UDP, 64, 1, 0, sourceRoute(type, 4), udp(A4, B4, 1, 2, bytes(8, 0)));
            assertEquals(Outcome.ICMPV4_ERROR_SENT, engine.translate(in));
            final byte[] out = engine.single();
            assertEquals(hex(ipv4(SELF4, A4, ICMP, 64, 0xc0, identification(out), 0, icmp4(3, 5, 0, in))), hex(out));
            assertEquals(Outcome.IPV4_SOURCE_ROUTE, silent.translate(in));
        }
    }

    @Test
    void expiredSourceRouteAndOtherOptionsAreIgnored()
    {
        final byte[] data = bytes(8, 0);
        final byte[] expired = ipv4WithOptions(A4, B4, UDP, 64, 1, 0, sourceRoute(131, 8), udp(A4, B4, 1, 2, data));
        assertEquals(Outcome.TRANSLATED_4TO6, engine.translate(expired));
        assertEquals(hex(ipv6(A6, B6, UDP, 63, 0, 0, udp(A6, B6, 1, 2, data))), hex(engine.single()));
        // Record route (7) followed by NOPs: ignored.
        final byte[] recordRoute = {7, 7, 4, 0, 0, 0, 0, 1};
        assertEquals(Outcome.TRANSLATED_4TO6,
            engine.translate(ipv4WithOptions(A4, B4, UDP, 64, 1, 0, recordRoute, udp(A4, B4, 1, 2, data))));
        assertEquals(hex(ipv6(A6, B6, UDP, 63, 0, 0, udp(A6, B6, 1, 2, data))), hex(engine.single()));
    }

    @Test
    void routingHeaderWithSegmentsLeftIsAnsweredWithParameterProblem()
    {
        // Routing header type 0-style layout: next header, length 2 (24 bytes), type 4, segments left 1, ...
        final byte[] routing = concat(new byte[] {(byte)UDP, 2, 4, 1, 0, 0, 0, 0}, bytes(16, 0));
        final byte[] in = ipv6(B6, A6, 43, 64, 0, 0, concat(routing, udp(B6, A6, 1, 2, bytes(8, 0))));
        assertEquals(Outcome.ICMPV6_ERROR_SENT, engine.translate(in));
        // Pointer: 40 (fixed header) + 3 (segments left within the routing header).
        assertEquals(hex(ipv6(SELF6, B6, ICMPV6, 64, 0, 0, icmp6(SELF6, B6, 4, 0, 43, in))), hex(engine.single()));
        assertEquals(Outcome.IPV6_EXTENSION_HEADER_UNSUPPORTED, silent.translate(in));
    }

    @Test
    void routingHeaderWithoutSegmentsLeftIsRemoved()
    {
        final byte[] data = bytes(8, 0);
        final byte[] routing = concat(new byte[] {(byte)UDP, 2, 4, 0, 0, 0, 0, 0}, bytes(16, 0));
        final byte[] in = ipv6(B6, A6, 43, 64, 0, 0, concat(routing, udp(B6, A6, 1, 2, data)));
        assertEquals(Outcome.TRANSLATED_6TO4, engine.translate(in));
        final byte[] out = engine.single();
        assertEquals(hex(ipv4(B4, A4, UDP, 63, 0, identification(out), 0, udp(B4, A4, 1, 2, data))), hex(out));
    }

    @Test
    void zeroUdpChecksumDroppedByPolicyIsAnsweredWithCommunicationProhibited()
    {
        final EngineHarness strict = new EngineHarness(SiitTestConfigs.builder()
            .udpZeroChecksum(TranslatorConfig.UdpZeroChecksum.DROP).ipv4Address(Addresses.parse4(SELF4)).build());
        final byte[] in = ipv4(A4, B4, UDP, 64, 0, 1, 0, udpNoChecksum(7, 9, bytes(4, 4)));
        assertEquals(Outcome.ICMPV4_ERROR_SENT, strict.translate(in));
        final byte[] out = strict.single();
        assertEquals(hex(ipv4(SELF4, A4, ICMP, 64, 0xc0, identification(out), 0, icmp4(3, 13, 0, in))), hex(out));
    }

    @Test
    void untranslatableAddressesAreAnsweredWithAdministrativelyProhibited()
    {
        // RFC 7915 s.4.4 / s.5.4: discarded packets SHOULD be answered (3/13 in IPv4, 1/1 in IPv6), quoted intact.
        final EngineHarness wkp = new EngineHarness(TranslatorConfig.builder(new dev.xlat64.addr.AddressMapper(
                dev.xlat64.addr.Rfc6052Prefix.parse("64:ff9b::/96"), dev.xlat64.addr.Eamt.EMPTY, true))
            .ipv4Address(Addresses.parse4(SELF4)).ipv6Address(Ipv6Prefix.parse(SELF6 + "/128")).build());
        final byte[] in4 = ipv4("8.8.8.8", "10.0.0.1", UDP, 64, 0, 1, 0, udp("8.8.8.8", "10.0.0.1", 1, 2, bytes(8, 0)));
        assertEquals(Outcome.ICMPV4_ERROR_SENT, wkp.translate(in4));
        final byte[] out = wkp.single();
        assertEquals(hex(ipv4(SELF4, "8.8.8.8", ICMP, 64, 0xc0, identification(out), 0, icmp4(3, 13, 0, in4))),
            hex(out));

        final String src6 = "2001:db8:1::1";
        final String dst6 = "64:ff9b::a00:1";
        final byte[] in6 = ipv6(src6, dst6, UDP, 64, 0, 0, udp(src6, dst6, 1, 2, bytes(8, 0)));
        assertEquals(Outcome.ICMPV6_ERROR_SENT, wkp.translate(in6));
        assertEquals(hex(ipv6(SELF6, src6, ICMPV6, 64, 0, 0, icmp6(SELF6, src6, 1, 1, 0, in6))), hex(wkp.single()));
    }

    @Test
    void trafficClassIsCopiedAndFlowLabelIgnored()
    {
        final byte[] data = bytes(8, 0);
        final byte[] in = ipv6(B6, A6, UDP, 64, 0xb8, 0xfffff, udp(B6, A6, 1, 2, data));
        assertEquals(Outcome.TRANSLATED_6TO4, engine.translate(in));
        final byte[] out = engine.single();
        assertEquals(hex(ipv4(B4, A4, UDP, 63, 0xb8, identification(out), 0, udp(B4, A4, 1, 2, data))), hex(out));

        final EngineHarness noTos = new EngineHarness(SiitTestConfigs.builder().copyTos(false).build());
        assertEquals(Outcome.TRANSLATED_6TO4, noTos.translate(in));
        final byte[] zeroed = noTos.single();
        assertEquals(hex(ipv4(B4, A4, UDP, 63, 0, identification(zeroed), 0, udp(B4, A4, 1, 2, data))), hex(zeroed));
    }

    @Test
    void echoThroughIpv6EchoReplyKeepsIdentifierAndData()
    {
        final byte[] body = bytes(8, 1);
        assertEquals(Outcome.TRANSLATED_4TO6,
            engine.translate(ipv4(A4, B4, ICMP, 64, 0, 1, 0, icmp4(8, 0, 0x00090002, body))));
        assertEquals(hex(ipv6(A6, B6, ICMPV6, 63, 0, 0, icmp6(A6, B6, 128, 0, 0x00090002, body))),
            hex(engine.single()));
    }
}
