package dev.xlat64.siit;

import dev.xlat64.addr.Addresses;
import dev.xlat64.addr.Ipv6Prefix;
import dev.xlat64.core.Outcome;
import dev.xlat64.testing.EngineHarness;
import org.junit.jupiter.api.Test;

import static dev.xlat64.testing.TestPackets.ICMPV6;
import static dev.xlat64.testing.TestPackets.UDP;
import static dev.xlat64.testing.TestPackets.bytes;
import static dev.xlat64.testing.TestPackets.concat;
import static dev.xlat64.testing.TestPackets.fragmentHeader;
import static dev.xlat64.testing.TestPackets.hex;
import static dev.xlat64.testing.TestPackets.icmp6;
import static dev.xlat64.testing.TestPackets.ipv4;
import static dev.xlat64.testing.TestPackets.ipv6;
import static dev.xlat64.testing.TestPackets.slice;
import static dev.xlat64.testing.TestPackets.udp;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * RFC 7915 s.5.1 with RFC 8200 s.4 / s.4.5: the whole extension-header chain of a first fragment is walked; an
 * extension header after the Fragment Header (the upper layer of the later fragments cannot be known) or an IPv6-only
 * extension header as upper layer is refused with ICMPv6 Destination Unreachable code 1, as a kernel SIIT does, so no
 * IPv4 packet ever carries an IPv6 extension-header number as its protocol; a routing header with Segments Left
 * anywhere gets Parameter Problem pointing at the field; Next Header 59 becomes IPv4 protocol 59.
 */
class Rfc7915ExtensionHeaderChainTest
{
    private static final String A4 = "192.0.2.33";
    private static final String A6 = "2001:db8:64::c000:221";
    private static final String B4 = "198.51.100.7";
    private static final String B6 = "2001:db8:6::7";
    private static final String SELF6 = "2001:db8:64::1";
    private static final int HOP_BY_HOP = 0;
    private static final int ROUTING = 43;
    private static final int FRAGMENT = 44;
    private static final int NO_NEXT_HEADER = 59;
    private static final int DESTINATION_OPTIONS = 60;

    private final EngineHarness engine = new EngineHarness(SiitTestConfigs.builder()
        .ipv4Address(Addresses.parse4("192.0.2.1")).ipv6Address(Ipv6Prefix.parse(SELF6 + "/128")).build());
    private final EngineHarness silent = new EngineHarness(SiitTestConfigs.standard());

    /** RFC 8200 s.4.6 Destination Options (or s.4.3 Hop-by-Hop): 8 bytes, one PadN option of 4 bytes. */
    private static byte[] options(final int nextHeader)
    {
        return new byte[] {(byte)nextHeader, 0, 1, 4, 0, 0, 0, 0};
    }

    /** RFC 8200 s.4.4 Routing header: 24 bytes (Hdr Ext Len 2), routing type 4, the given Segments Left. */
    private static byte[] routing(final int nextHeader, final int segmentsLeft)
    {
        return concat(new byte[] {(byte)nextHeader, 2, 4, (byte)segmentsLeft, 0, 0, 0, 0}, bytes(16, 0));
    }

    private void assertRefusedWithAdministrativelyProhibited(final byte[] in)
    {
        assertEquals(Outcome.ICMPV6_ERROR_SENT, engine.translate(in));
        assertEquals(hex(ipv6(SELF6, B6, ICMPV6, 64, 0, 0, icmp6(SELF6, B6, 1, 1, 0, in))), hex(engine.single()));
        assertEquals(Outcome.IPV6_EXTENSION_HEADER_AFTER_FRAGMENT, silent.translate(in));
    }

    @Test
    void firstFragmentWithDestinationOptionsAfterTheFragmentHeaderIsRefused()
    {
        final byte[] udp6 = udp(B6, A6, 1000, 2000, bytes(100, 5));
        assertRefusedWithAdministrativelyProhibited(ipv6(B6, A6, FRAGMENT, 64, 0, 0,
            concat(fragmentHeader(DESTINATION_OPTIONS, 0, true, 0x77), options(UDP), slice(udp6, 0, 48))));
    }

    @Test
    void chainsAfterTheFragmentHeaderAreRefused()
    {
        final byte[] udp6 = udp(B6, A6, 1000, 2000, bytes(100, 5));
        // Fragment -> Routing (segments left 0) -> Destination Options -> UDP.
        assertRefusedWithAdministrativelyProhibited(ipv6(B6, A6, FRAGMENT, 64, 0, 0, concat(
            fragmentHeader(ROUTING, 0, true, 0x78), routing(DESTINATION_OPTIONS, 0), options(UDP),
            slice(udp6, 0, 48))));
        // Hop-by-Hop -> Fragment -> Hop-by-Hop (misplaced) -> UDP.
        assertRefusedWithAdministrativelyProhibited(ipv6(B6, A6, HOP_BY_HOP, 64, 0, 0, concat(
            options(FRAGMENT), fragmentHeader(HOP_BY_HOP, 0, true, 0x79), options(UDP), slice(udp6, 0, 48))));
        // Atomic fragment (offset 0, M 0) with Destination Options after its Fragment Header.
        assertRefusedWithAdministrativelyProhibited(ipv6(B6, A6, FRAGMENT, 64, 0, 0,
            concat(fragmentHeader(DESTINATION_OPTIONS, 0, false, 0x7a), options(UDP), udp6)));
        // Two Fragment Headers.
        assertRefusedWithAdministrativelyProhibited(ipv6(B6, A6, FRAGMENT, 64, 0, 0,
            concat(fragmentHeader(FRAGMENT, 0, false, 0x7b), fragmentHeader(UDP, 0, false, 0x7c), udp6)));
    }

    @Test
    void laterFragmentWhoseFragmentHeaderNamesAnExtensionHeaderIsRefused()
    {
        final byte[] rest = bytes(64, 8);
        for (final int header : new int[] {HOP_BY_HOP, ROUTING, FRAGMENT, DESTINATION_OPTIONS, 135, 139, 140})
        {
            assertRefusedWithAdministrativelyProhibited(ipv6(B6, A6, FRAGMENT, 64, 0, 0,
                concat(fragmentHeader(header, 6, false, 0x1234), rest)));
        }
    }

    @Test
    void ipv6OnlyExtensionHeaderAsUpperLayerIsRefused()
    {
        // RFC 6275 Mobility header (135): an IPv6 extension header, never an IPv4 protocol.
        assertRefusedWithAdministrativelyProhibited(ipv6(B6, A6, 135, 64, 0, 0, concat(options(NO_NEXT_HEADER))));
    }

    @Test
    void routingHeaderWithSegmentsLeftAfterTheFragmentHeaderGetsParameterProblem()
    {
        final byte[] udp6 = udp(B6, A6, 1000, 2000, bytes(100, 5));
        final byte[] in = ipv6(B6, A6, FRAGMENT, 64, 0, 0,
            concat(fragmentHeader(ROUTING, 0, true, 0x7d), routing(UDP, 1), slice(udp6, 0, 48)));
        assertEquals(Outcome.ICMPV6_ERROR_SENT, engine.translate(in));
        // Pointer: 40 (fixed header) + 8 (Fragment Header) + 3 (Segments Left).
        assertEquals(hex(ipv6(SELF6, B6, ICMPV6, 64, 0, 0, icmp6(SELF6, B6, 4, 0, 51, in))), hex(engine.single()));
        assertEquals(Outcome.IPV6_EXTENSION_HEADER_UNSUPPORTED, silent.translate(in));
    }

    @Test
    void extensionHeadersBeforeTheFragmentHeaderAreRemoved()
    {
        final byte[] data = bytes(100, 5);
        final byte[] udp6 = udp(B6, A6, 1000, 2000, data);
        final byte[] in = ipv6(B6, A6, DESTINATION_OPTIONS, 64, 0, 0,
            concat(options(FRAGMENT), fragmentHeader(UDP, 0, true, 0xabcd1234), slice(udp6, 0, 48)));
        assertEquals(Outcome.TRANSLATED_6TO4, engine.translate(in));
        final byte[] udp4 = udp(B4, A4, 1000, 2000, data);
        assertEquals(hex(ipv4(B4, A4, UDP, 63, 0, 0x1234, 0x2000, slice(udp4, 0, 48))), hex(engine.single()));
    }

    @Test
    void noNextHeaderBecomesIpv4Protocol59WithoutPayload()
    {
        // RFC 8200 s.4.7 / RFC 7915 s.5.1: Protocol copied from the last Next Header; Total Length 20.
        final byte[] in = ipv6(B6, A6, NO_NEXT_HEADER, 64, 0, 0, new byte[0]);
        assertEquals(Outcome.TRANSLATED_6TO4, engine.translate(in));
        final byte[] out = engine.single();
        final int id = ((out[4] & 0xff) << 8) | (out[5] & 0xff);
        assertEquals(hex(ipv4(B4, A4, NO_NEXT_HEADER, 63, 0, id, 0, new byte[0])), hex(out));
        // Behind Destination Options too.
        final byte[] behind = ipv6(B6, A6, DESTINATION_OPTIONS, 64, 0, 0, options(NO_NEXT_HEADER));
        assertEquals(Outcome.TRANSLATED_6TO4, engine.translate(behind));
        final byte[] out2 = engine.single();
        final int id2 = ((out2[4] & 0xff) << 8) | (out2[5] & 0xff);
        assertEquals(hex(ipv4(B4, A4, NO_NEXT_HEADER, 63, 0, id2, 0, new byte[0])), hex(out2));
    }
}
