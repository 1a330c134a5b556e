package dev.xlat64.siit;

import dev.xlat64.addr.AddressMapper;
import dev.xlat64.addr.Addresses;
import dev.xlat64.addr.Eamt;
import dev.xlat64.addr.Rfc6052Prefix;
import dev.xlat64.core.Outcome;
import dev.xlat64.core.TranslatorConfig;
import dev.xlat64.testing.EngineHarness;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.xlat64.testing.TestPackets.ICMPV6;
import static dev.xlat64.testing.TestPackets.TCP;
import static dev.xlat64.testing.TestPackets.UDP;
import static dev.xlat64.testing.TestPackets.bytes;
import static dev.xlat64.testing.TestPackets.hex;
import static dev.xlat64.testing.TestPackets.icmp4;
import static dev.xlat64.testing.TestPackets.icmp6;
import static dev.xlat64.testing.TestPackets.ipv4;
import static dev.xlat64.testing.TestPackets.ipv6;
import static dev.xlat64.testing.TestPackets.tcp;
import static dev.xlat64.testing.TestPackets.udp;
import static dev.xlat64.testing.TestPackets.udpNoChecksum;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * RFC 7757 section 4 (hairpinning) and EAM-only operation. Client C (2001:db8:6::2) and server S (2001:db8:6::7) are
 * both IPv6 hosts with EAM entries (198.51.100.0/24 = 2001:db8:6::/120). C learned S's IPv4 address from DNS64 and
 * sends to 2001:db8:64::198.51.100.7. xlat64 translates to IPv4 (198.51.100.2 -> 198.51.100.7), sees an EAM
 * destination, and translates back to IPv6 itself: destination via the EAMT, source via the prefix, so that S answers
 * to 2001:db8:64::198.51.100.2 and C gets replies from the address it wrote to.
 */
class Rfc7757HairpinTest
{
    private static final String C6 = "2001:db8:6::2";
    private static final String S6 = "2001:db8:6::7";
    private static final String C_VIA_PREFIX = "2001:db8:64::c633:6402";
    private static final String S_VIA_PREFIX = "2001:db8:64::c633:6407";

    private final EngineHarness engine = new EngineHarness(SiitTestConfigs.standard());

    @Test
    void requestToAnEamHostThroughThePrefixComesBackAsIpv6WithThePrefixSource()
    {
        final byte[] data = bytes(24, 1);
        final byte[] in = ipv6(C6, S_VIA_PREFIX, UDP, 64, 0x10, 0x777, udp(C6, S_VIA_PREFIX, 5000, 53, data));
        assertEquals(Outcome.EAM_HAIRPINNED, engine.translate(in));
        // Two translations, two hops: hop limit 64 -> TTL 63 -> hop limit 62; flow label zero (RFC 7915 s.4.1).
        assertEquals(hex(ipv6(C_VIA_PREFIX, S6, UDP, 62, 0x10, 0, udp(C_VIA_PREFIX, S6, 5000, 53, data))),
            hex(engine.single()));
    }

    @Test
    void replyTakesTheSamePathBack()
    {
        final byte[] data = bytes(40, 2);
        final byte[] in = ipv6(S6, C_VIA_PREFIX, TCP, 64, 0, 0, tcp(S6, C_VIA_PREFIX, 80, 40000, 9, 10, 0x12, data));
        assertEquals(Outcome.EAM_HAIRPINNED, engine.translate(in));
        assertEquals(hex(ipv6(S_VIA_PREFIX, C6, TCP, 62, 0, 0, tcp(S_VIA_PREFIX, C6, 80, 40000, 9, 10, 0x12, data))),
            hex(engine.single()));
    }

    @Test
    void echoIsHairpinnedWithItsChecksum()
    {
        final byte[] body = bytes(16, 3);
        final byte[] in = ipv6(C6, S_VIA_PREFIX, ICMPV6, 64, 0, 0, icmp6(C6, S_VIA_PREFIX, 128, 0, 0x00050001, body));
        assertEquals(Outcome.EAM_HAIRPINNED, engine.translate(in));
        assertEquals(hex(ipv6(C_VIA_PREFIX, S6, ICMPV6, 62, 0, 0, icmp6(C_VIA_PREFIX, S6, 128, 0, 0x00050001, body))),
            hex(engine.single()));
    }

    @Test
    void errorAboutHairpinnedTrafficIsHairpinnedToo()
    {
        // S answers C's hairpinned datagram with port unreachable; C must see it from, and quoting, what it sent.
        final byte[] data = bytes(16, 4);
        final byte[] quotedByS = ipv6(C_VIA_PREFIX, S6, UDP, 62, 0, 0, udp(C_VIA_PREFIX, S6, 5000, 53, data));
        final byte[] in = ipv6(S6, C_VIA_PREFIX, ICMPV6, 64, 0, 0, icmp6(S6, C_VIA_PREFIX, 1, 4, 0, quotedByS));
        assertEquals(Outcome.EAM_HAIRPINNED, engine.translate(in));
        final byte[] quotedForC = ipv6(C6, S_VIA_PREFIX, UDP, 62, 0, 0, udp(C6, S_VIA_PREFIX, 5000, 53, data));
        assertEquals(hex(ipv6(S_VIA_PREFIX, C6, ICMPV6, 62, 0, 0, icmp6(S_VIA_PREFIX, C6, 1, 4, 0, quotedForC))),
            hex(engine.single()));
    }

    @Test
    void packetTheIpv4HalfRefusesIsAnsweredAndCountedThere()
    {
        // An IPv6 UDP datagram without checksum keeps it zero as IPv4 (RFC 768: none). Hairpinned, it meets the IPv4
        // half's s.4.5 policy: by default the checksum is computed, under 'drop' the IPv4 half refuses it with ICMPv4
        // 3/13 to the IPv4 (EAM) source, counted as an IPv4 error (the kernel brings it back to C as ICMPv6).
        final byte[] data = bytes(16, 3);
        final byte[] in = ipv6(C6, S_VIA_PREFIX, UDP, 64, 0, 0, udpNoChecksum(5000, 53, data));
        assertEquals(Outcome.EAM_HAIRPINNED, engine.translate(in));
        assertEquals(hex(ipv6(C_VIA_PREFIX, S6, UDP, 62, 0, 0, udp(C_VIA_PREFIX, S6, 5000, 53, data))),
            hex(engine.single()));

        final EngineHarness strict = new EngineHarness(
            SiitTestConfigs.builder().udpZeroChecksum(TranslatorConfig.UdpZeroChecksum.DROP)
                .ipv4Address(Addresses.parse4("203.0.113.1")).build());
        assertEquals(Outcome.ICMPV4_ERROR_SENT, strict.translate(in));
        assertEquals(Outcome.IPV4_UDP_ZERO_CHECKSUM, strict.translator().icmpErrorReason());
        final byte[] error = strict.single();
        assertEquals(0x45, error[0] & 0xFF);
        assertEquals("198.51.100.2", (error[16] & 0xFF) + "." + (error[17] & 0xFF) + "." + (error[18] & 0xFF) + "." +
            (error[19] & 0xFF), "to C's EAM IPv4 address");
        assertEquals(3, error[20], "destination unreachable");
        assertEquals(13, error[21], "communication administratively prohibited");
    }

    @Test
    void hairpinningOffSendsThePacketToIpv4()
    {
        final EngineHarness off = new EngineHarness(SiitTestConfigs.builder().eamHairpinning(false).build());
        final byte[] data = bytes(24, 1);
        assertEquals(Outcome.TRANSLATED_6TO4,
            off.translate(ipv6(C6, S_VIA_PREFIX, UDP, 64, 0, 0, udp(C6, S_VIA_PREFIX, 5000, 53, data))));
        final byte[] out = off.single();
        final int id = ((out[4] & 0xff) << 8) | (out[5] & 0xff);
        assertEquals(hex(ipv4("198.51.100.2", "198.51.100.7", UDP, 63, 0, id, 0,
            udp("198.51.100.2", "198.51.100.7", 5000, 53, data))), hex(out));
    }

    @Test
    void destinationReachedThroughItsEamIpv6AddressIsNotHairpinned()
    {
        // An IPv4-side host with an EAM entry (203.0.113.0/24 = 2001:db8:7::/120) is reached at its EAM IPv6 address.
        final EngineHarness h = new EngineHarness(TranslatorConfig.builder(
            new AddressMapper(Rfc6052Prefix.parse("2001:db8:64::/96"),
                new Eamt(List.of(Eamt.Entry.parse("198.51.100.0/24=2001:db8:6::/120"),
                    Eamt.Entry.parse("203.0.113.0/24=2001:db8:7::/120"))), true)).build());
        final byte[] data = bytes(8, 1);
        assertEquals(Outcome.TRANSLATED_6TO4, h.translate(ipv6(C6, "2001:db8:7::9", UDP, 64, 0, 0,
            udp(C6, "2001:db8:7::9", 1, 2, data))));
        final byte[] out = h.single();
        final int id = ((out[4] & 0xff) << 8) | (out[5] & 0xff);
        assertEquals(hex(ipv4("198.51.100.2", "203.0.113.9", UDP, 63, 0, id, 0,
            udp("198.51.100.2", "203.0.113.9", 1, 2, data))), hex(out));
    }

    @Test
    void eamOnlyOperationTranslatesBothWays()
    {
        final EngineHarness eamOnly = new EngineHarness(TranslatorConfig.builder(new AddressMapper(null,
            new Eamt(List.of(Eamt.Entry.parse("198.51.100.0/24=2001:db8:6::/120"),
                Eamt.Entry.parse("203.0.113.0/24=2001:db8:7::/120"))), true)).build());
        final byte[] data = bytes(12, 5);
        assertEquals(Outcome.TRANSLATED_4TO6, eamOnly.translate(ipv4("203.0.113.9", "198.51.100.7", UDP, 64, 0, 1, 0,
            udp("203.0.113.9", "198.51.100.7", 1, 2, data))));
        assertEquals(hex(ipv6("2001:db8:7::9", S6, UDP, 63, 0, 0, udp("2001:db8:7::9", S6, 1, 2, data))),
            hex(eamOnly.single()));

        assertEquals(Outcome.TRANSLATED_6TO4, eamOnly.translate(ipv6(S6, "2001:db8:7::9", UDP, 64, 0, 0,
            udp(S6, "2001:db8:7::9", 2, 1, data))));
        final byte[] out = eamOnly.single();
        final int id = ((out[4] & 0xff) << 8) | (out[5] & 0xff);
        assertEquals(hex(ipv4("198.51.100.7", "203.0.113.9", UDP, 63, 0, id, 0,
            udp("198.51.100.7", "203.0.113.9", 2, 1, data))), hex(out));

        // Addresses outside every entry do not translate.
        assertEquals(Outcome.IPV4_SOURCE_UNTRANSLATABLE,
            eamOnly.translate(ipv4("192.0.2.1", "198.51.100.7", UDP, 64, 0, 1, 0,
                udp("192.0.2.1", "198.51.100.7", 1, 2, data))));
        assertEquals(Outcome.IPV4_DESTINATION_UNTRANSLATABLE,
            eamOnly.translate(ipv4("198.51.100.7", "192.0.2.1", UDP, 64, 0, 1, 0, icmp4(8, 0, 0, data))));
    }
}
