package dev.xlat64.siit;

import dev.xlat64.addr.Addresses;
import dev.xlat64.addr.Ipv6Prefix;
import dev.xlat64.core.Outcome;
import dev.xlat64.testing.EngineHarness;
import org.agrona.concurrent.UnsafeBuffer;
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
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * RFC 8200 s.4.5: "If the length and offset of a fragment are such that the Payload Length of the packet reassembled
 * from that fragment would exceed 65,535 octets, then ICMP Parameter Problem, Code 0, message should be sent to the
 * source of the fragment, pointing to the Fragment Offset field"; RFC 791 bounds an IPv4 datagram to 65535 bytes the
 * same way. Such fragments are discarded (never cut again, where the offset would spill into the IPv4 flags or wrap the
 * 13-bit IPv6 offset to land at offset 0), and the Fragmenter refuses them itself.
 */
class Rfc8200FragmentBoundsTest
{
    private static final String A4 = "192.0.2.33";
    private static final String A6 = "2001:db8:64::c000:221";
    private static final String B4 = "198.51.100.7";
    private static final String B6 = "2001:db8:6::7";
    private static final String SELF6 = "2001:db8:64::1";
    private static final int LAST_OFFSET_UNIT = 8190;

    private final EngineHarness engine = new EngineHarness(SiitTestConfigs.builder()
        .ipv4Address(Addresses.parse4("192.0.2.1")).ipv6Address(Ipv6Prefix.parse(SELF6 + "/128")).build());
    private final EngineHarness silent = new EngineHarness(SiitTestConfigs.standard());

    @Test
    void ipv6FragmentEndingBeyond65535GetsParameterProblemPointingAtTheOffset()
    {
        // 8190 * 8 = 65520, plus 16 bytes of fragment data = 65536.
        final byte[] in =
            ipv6(B6, A6, 44, 64, 0, 0, concat(fragmentHeader(UDP, LAST_OFFSET_UNIT, false, 0x42), bytes(16, 1)));
        assertEquals(Outcome.ICMPV6_ERROR_SENT, engine.translate(in));
        // Pointer 42: the Fragment Offset field, 2 bytes into the Fragment Header after the 40-byte IPv6 header.
        assertEquals(hex(ipv6(SELF6, B6, ICMPV6, 64, 0, 0, icmp6(SELF6, B6, 4, 0, 42, in))), hex(engine.single()));
        assertEquals(Outcome.FRAGMENT_BEYOND_65535, silent.translate(in));
    }

    @Test
    void ipv6FragmentEndingAt65535IsTranslated()
    {
        final byte[] data = bytes(15, 1);
        final byte[] in = ipv6(B6, A6, 44, 64, 0, 0, concat(fragmentHeader(UDP, LAST_OFFSET_UNIT, false, 0x42), data));
        assertEquals(Outcome.TRANSLATED_6TO4, engine.translate(in));
        assertEquals(hex(ipv4(B4, A4, UDP, 63, 0, 0x42, LAST_OFFSET_UNIT, data)), hex(engine.single()));
    }

    @Test
    void ipv4FragmentEndingBeyond65535IsDiscarded()
    {
        // 65520 + 20 + 16 = 65556 > 65535; a later fragment is never answered with ICMPv4 (RFC 1812 s.4.3.2.7).
        final byte[] in = ipv4(A4, B4, UDP, 64, 0, 7, LAST_OFFSET_UNIT, bytes(16, 1));
        assertEquals(Outcome.FRAGMENT_BEYOND_65535, engine.translate(in));
        assertEquals(Outcome.FRAGMENT_BEYOND_65535, silent.translate(in));
    }

    @Test
    void fragmenterNeverWrapsTheOffset()
    {
        final UnsafeBuffer scratch = new UnsafeBuffer(new byte[70000]);
        final int[] emitted = {0};
        final Fragmenter fragmenter = new Fragmenter(scratch);
        // IPv4: offset 8180 units (65440) with 1400 bytes of data: the second fragment's offset would pass 8191.
        final byte[] ip4 = ipv4(B4, A4, UDP, 63, 0, 9, 8180, bytes(1400, 2));
        final UnsafeBuffer buffer4 = new UnsafeBuffer(ip4);
        assertFalse(fragmenter.fragmentIpv4(buffer4, 0, ip4.length, 1280, (b, o, l) -> emitted[0]++));
        // IPv6: the same fragment fields, 1400 bytes after a Fragment Header.
        final byte[] ip6 = ipv6(A6, B6, 44, 63, 0, 0, concat(fragmentHeader(UDP, 8180, false, 9), bytes(1400, 2)));
        final FragmentFields fields = new FragmentFields();
        fields.fragmentOffset = 8180;
        fields.identification = 9;
        fields.upperLayer = UDP;
        assertFalse(fragmenter.fragmentIpv6(new UnsafeBuffer(ip6), 0, ip6.length, true, fields, 1280,
            (b, o, l) -> emitted[0]++));
        assertEquals(0, emitted[0]);
    }
}
