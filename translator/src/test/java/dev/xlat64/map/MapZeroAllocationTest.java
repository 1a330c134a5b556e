package dev.xlat64.map;

import dev.xlat64.addr.AddressMapper;
import dev.xlat64.addr.Addresses;
import dev.xlat64.addr.Eamt;
import dev.xlat64.addr.Ipv6Prefix;
import dev.xlat64.addr.Rfc6052Prefix;
import dev.xlat64.core.Outcome;
import dev.xlat64.core.TranslatorConfig;
import dev.xlat64.engine.Translator;
import dev.xlat64.testing.AllocationProbe;
import dev.xlat64.testing.AllocationProbe.ByteCountingSink;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import static dev.xlat64.testing.TestPackets.ICMP;
import static dev.xlat64.testing.TestPackets.ICMPV6;
import static dev.xlat64.testing.TestPackets.UDP;
import static dev.xlat64.testing.TestPackets.addr;
import static dev.xlat64.testing.TestPackets.bytes;
import static dev.xlat64.testing.TestPackets.concat;
import static dev.xlat64.testing.TestPackets.icmp4;
import static dev.xlat64.testing.TestPackets.icmp6;
import static dev.xlat64.testing.TestPackets.ipv4;
import static dev.xlat64.testing.TestPackets.ipv6;
import static dev.xlat64.testing.TestPackets.udp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/architecture.md invariant 1 for the BR paths: after warm-up, MAP-T translation, MAP-E and lw4o6 encapsulation,
 * decapsulation, hairpinning, outer fragmentation, ICMP errors through MAP-T, RFC 2473 s.8 relays, the optional ICMP
 * answers and every drop allocate nothing on the calling thread (the JVM's
 * per-thread allocation counter, not a time).
 */
class MapZeroAllocationTest
{
    private static final String HOST4 = "198.51.100.9";
    private static final String DMR_HOST = "2001:db8:ffff:0:c6:3364:900:0";
    /** 192.0.2.18 PSID 0x34 under {2001:db8::/40, 192.0.2.0/25, 15}: EA bits 0x1234 in 15 bits, prefix /55. */
    private static final String CE = "2001:db8:24:6800:0:c000:212:34";
    private static final String CE4 = "192.0.2.18";
    private static final String E_CE = "2001:db8:112:3400:0:cb00:7112:34";
    private static final String E_CE4 = "203.0.113.18";
    private static final String BR = "2001:db8:fffd::1";
    private static final String AFTR = "2001:db8:fffe::1";
    private static final String B4 = "2001:db8:99:3400::1";
    private static final String LW4 = "192.0.2.200";
    /** 192.0.2.18 under the DMR: a CE-to-CE destination (RFC 7599 s.12.2). */
    private static final String CE4_UNDER_DMR = "2001:db8:ffff:0:c0:2:1200:0";
    private static final String ROUTER = "2001:db8:1::1";

    @Test
    void borderRelaysAllocateNothingAfterWarmUp() throws IOException
    {
        final List<String> errors = new ArrayList<>();
        final Lw4o6BindingTable bindings = Lw4o6BindingTable.parse("b.txt",
            new StringReader(LW4 + " 0x34/8 " + B4 + "\n"), 0, errors);
        assertEquals(List.of(), errors);
        final List<MapDomain> domains = List.of(
            new MapDomain(Mechanism.MAP_T, "t", MapRuleTable.of(MapRule.of("2001:db8::/40", "192.0.2.0/25", 15)),
                Rfc6052Prefix.parse("2001:db8:ffff::/64"), null, null, false).withIcmpAnswers(true, true),
            new MapDomain(Mechanism.MAP_E, "e", MapRuleTable.of(MapRule.of("2001:db8:100::/40", "203.0.113.0/24",
                16)), null, addr(BR), null, false).withIcmpAnswers(true, true),
            new MapDomain(Mechanism.LW4O6, "l", null, null, addr(AFTR), bindings, true));
        final TranslatorConfig config = TranslatorConfig.builder(new AddressMapper(Rfc6052Prefix.parse(
            "2001:db8:64::/96"), Eamt.EMPTY, true)).ipv4Address(Addresses.parse4("192.0.0.1"))
            .ipv6Address(Ipv6Prefix.parse("2001:db8:fff0::1/128"))
            .icmpErrorsPerSecond(Integer.MAX_VALUE / 2).ipv6Mtu(1280).build();
        final byte[] fromLw = ipv4(LW4, LW4, UDP, 64, 0, 5, 0, udp(LW4, LW4, 0x3410, 0x3411, bytes(20, 2)));
        final byte[][] packets = {
            ipv4(HOST4, CE4, UDP, 64, 0, 1, 0, udp(HOST4, CE4, 53, 1232, bytes(40, 1))),
            ipv6(CE, DMR_HOST, UDP, 64, 0, 0, udp(CE, DMR_HOST, 1232, 53, bytes(40, 1))),
            ipv6(CE, DMR_HOST, ICMPV6, 64, 0, 0, icmp6(CE, DMR_HOST, 128, 0, 1233 << 16 | 1, bytes(40, 1))),
            ipv6(CE, DMR_HOST, UDP, 64, 0, 0, udp(CE, DMR_HOST, 80, 53, bytes(4, 1))),
            ipv4(HOST4, CE4, ICMP, 64, 0, 1, 0, icmp4(0, 0, 5 << 16, bytes(8, 1))),
            ipv4(HOST4, E_CE4, UDP, 64, 0, 1, 0, udp(HOST4, E_CE4, 53, 1232, bytes(40, 1))),
            ipv4(HOST4, E_CE4, UDP, 64, 0, 1, 0, udp(HOST4, E_CE4, 53, 1232, bytes(1400, 1))),
            ipv4(HOST4, E_CE4, UDP, 64, 0, 1, 0x4000, udp(HOST4, E_CE4, 53, 1232, bytes(1400, 1))),
            ipv6(E_CE, BR, 4, 64, 0, 0, ipv4(E_CE4, HOST4, UDP, 64, 0, 1, 0, udp(E_CE4, HOST4, 1232, 53, bytes(9, 1)))),
            ipv6(E_CE, BR, 4, 64, 0, 0, ipv4(E_CE4, HOST4, UDP, 64, 0, 1, 0, udp(E_CE4, HOST4, 1236, 53, bytes(9, 1)))),
            ipv4(HOST4, LW4, UDP, 64, 0, 1, 0, udp(HOST4, LW4, 53, 0x3410, bytes(40, 1))),
            ipv6(B4, AFTR, 4, 64, 0, 0, fromLw),
            ipv4(HOST4, CE4, ICMP, 64, 0, 1, 0, icmp4(3, 3, 0,
                ipv4(CE4, HOST4, UDP, 63, 0, 9, 0, udp(CE4, HOST4, 1232, 53, bytes(8, 1))))),
            ipv6(CE, DMR_HOST, ICMPV6, 64, 0, 0, icmp6(CE, DMR_HOST, 1, 4, 0,
                ipv6(DMR_HOST, CE, UDP, 63, 0, 0, udp(DMR_HOST, CE, 53, 1232, bytes(8, 1))))),
            ipv6(CE, CE4_UNDER_DMR, UDP, 64, 0, 0, udp(CE, CE4_UNDER_DMR, 1232, 1236, bytes(40, 1))),
            ipv6(ROUTER, BR, ICMPV6, 64, 0, 0, icmp6(ROUTER, BR, 2, 0, 1400, ipv6(BR, E_CE, 4, 64, 0, 0,
                ipv4(HOST4, E_CE4, UDP, 63, 0, 1, 0x4000, udp(HOST4, E_CE4, 53, 1232, bytes(100, 1)))))),
            ipv6(E_CE, BR, 60, 64, 0, 0, concat(new byte[] {4, 0, 4, 1, 5, 1, 1, 0},
                ipv4(E_CE4, HOST4, UDP, 64, 0, 1, 0, udp(E_CE4, HOST4, 1232, 53, bytes(9, 1))))),
        };
        final Translator translator = new Translator(config).mapDomains(domains);
        final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(Translator.HEADROOM + 4096));
        final ByteCountingSink sink = new ByteCountingSink();
        final Outcome[] expected = {
            Outcome.TRANSLATED_4TO6, Outcome.TRANSLATED_6TO4, Outcome.TRANSLATED_6TO4, Outcome.MAPT_SPOOFED_ANSWERED,
            Outcome.MAPT_NO_PORT_SET_ANSWERED, Outcome.SOFTWIRE_ENCAPSULATED, Outcome.SOFTWIRE_ENCAPSULATED,
            Outcome.ICMPV4_ERROR_SENT, Outcome.SOFTWIRE_DECAPSULATED, Outcome.SOFTWIRE_SPOOFED_ANSWERED,
            Outcome.SOFTWIRE_ENCAPSULATED, Outcome.SOFTWIRE_HAIRPINNED, Outcome.TRANSLATED_4TO6,
            Outcome.TRANSLATED_6TO4, Outcome.MAPT_HAIRPINNED, Outcome.SOFTWIRE_ICMP_RELAYED,
            Outcome.SOFTWIRE_DECAPSULATED,
        };
        for (int i = 0; i < packets.length; i++)
        {
            assertEquals(expected[i], run(translator, buffer, packets[i], sink, i), "packet " + i);
        }
        final long allocated = AllocationProbe.allocatedBytes(translator, buffer, packets, sink);
        assertTrue(allocated < 16 * 1024, "allocated " + allocated + " bytes over 200000 packets");
        assertTrue(sink.bytes > 0);
    }

    private static Outcome run(final Translator translator, final UnsafeBuffer buffer, final byte[] packet,
        final ByteCountingSink sink, final int i)
    {
        translator.clock(i * 1_000L);
        buffer.putBytes(Translator.HEADROOM, packet);
        return translator.translate(buffer, Translator.HEADROOM, packet.length, sink);
    }
}
