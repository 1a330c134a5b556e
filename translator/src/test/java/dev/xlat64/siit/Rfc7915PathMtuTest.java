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
import static dev.xlat64.testing.TestPackets.fragmentHeader;
import static dev.xlat64.testing.TestPackets.hex;
import static dev.xlat64.testing.TestPackets.icmp4;
import static dev.xlat64.testing.TestPackets.icmp6;
import static dev.xlat64.testing.TestPackets.ipv4;
import static dev.xlat64.testing.TestPackets.ipv6;
import static dev.xlat64.testing.TestPackets.slice;
import static dev.xlat64.testing.TestPackets.udp;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Path MTU (RFC 7915 s.4.1, s.5.1, RFC 1191, RFC 4443 s.3.2): DF=0 IPv4 packets are fragmented to the lowest IPv6
 * MTU; DF=1 ones too big for the IPv6 next hop get Fragmentation Needed; IPv6 packets that leave with DF=1 and are too
 * big for the IPv4 next hop get Packet Too Big, those with DF=0 are fragmented in IPv4 (RFC 1812 s.5.2.6).
 */
class Rfc7915PathMtuTest
{
    private static final String A4 = "192.0.2.33";
    private static final String A6 = "2001:db8:64::c000:221";
    private static final String B4 = "198.51.100.7";
    private static final String B6 = "2001:db8:6::7";
    private static final String SELF4 = "192.0.2.1";
    private static final String SELF6 = "2001:db8:64::1";

    private static int identification(final byte[] ipv4)
    {
        return ((ipv4[4] & 0xff) << 8) | (ipv4[5] & 0xff);
    }

    private static TranslatorConfig.Builder withOwnAddresses()
    {
        return SiitTestConfigs.builder().ipv4Address(Addresses.parse4(SELF4))
            .ipv6Address(Ipv6Prefix.parse(SELF6 + "/128"));
    }

    @Test
    void dontFragmentClearPacketIsFragmentedToTheLowestIpv6Mtu()
    {
        final EngineHarness engine = new EngineHarness(SiitTestConfigs.standard());
        final byte[] data = bytes(1372, 2);
        final byte[] in = ipv4(A4, B4, UDP, 64, 0, 0x5555, 0, udp(A4, B4, 1, 2, data));   // 1400 bytes
        assertEquals(Outcome.TRANSLATED_4TO6, engine.translate(in));
        // 1280 - 40 - 8 = 1232 bytes per fragment (a multiple of 8), then the remaining 148.
        final byte[] udp6 = udp(A6, B6, 1, 2, data);
        assertEquals(2, engine.emitted().size());
        assertEquals(
            hex(ipv6(A6, B6, 44, 63, 0, 0, concat(fragmentHeader(UDP, 0, true, 0x5555), slice(udp6, 0, 1232)))),
            hex(engine.emitted().get(0)));
        assertEquals(
            hex(ipv6(A6, B6, 44, 63, 0, 0, concat(fragmentHeader(UDP, 154, false, 0x5555), slice(udp6, 1232, 1380)))),
            hex(engine.emitted().get(1)));
    }

    @Test
    void largeFragmentIsFragmentedFurtherKeepingItsOffsetAndMoreFlag()
    {
        final EngineHarness engine = new EngineHarness(SiitTestConfigs.standard());
        final byte[] chunk = bytes(1400, 6);
        final byte[] in = ipv4(A4, B4, UDP, 64, 0, 0x0101, 0x2000 | 100, chunk);
        assertEquals(Outcome.TRANSLATED_4TO6, engine.translate(in));
        assertEquals(2, engine.emitted().size());
        assertEquals(
            hex(ipv6(A6, B6, 44, 63, 0, 0, concat(fragmentHeader(UDP, 100, true, 0x0101), slice(chunk, 0, 1232)))),
            hex(engine.emitted().get(0)));
        assertEquals(
            hex(ipv6(A6, B6, 44, 63, 0, 0, concat(fragmentHeader(UDP, 254, true, 0x0101), slice(chunk, 1232, 1400)))),
            hex(engine.emitted().get(1)));
    }

    @Test
    void dontFragmentSetPacketThatFitsTheNextHopIsNotFragmented()
    {
        final EngineHarness engine = new EngineHarness(SiitTestConfigs.standard());
        final byte[] data = bytes(1372, 2);
        assertEquals(Outcome.TRANSLATED_4TO6,
            engine.translate(ipv4(A4, B4, UDP, 64, 0, 1, 0x4000, udp(A4, B4, 1, 2, data))));
        assertEquals(hex(ipv6(A6, B6, UDP, 63, 0, 0, udp(A6, B6, 1, 2, data))), hex(engine.single()));
    }

    @Test
    void largerLowestIpv6MtuAvoidsFragmentation()
    {
        final EngineHarness engine = new EngineHarness(SiitTestConfigs.builder().lowestIpv6Mtu(1500).build());
        final byte[] data = bytes(1372, 2);
        assertEquals(Outcome.TRANSLATED_4TO6,
            engine.translate(ipv4(A4, B4, UDP, 64, 0, 1, 0, udp(A4, B4, 1, 2, data))));
        assertEquals(hex(ipv6(A6, B6, UDP, 63, 0, 0, udp(A6, B6, 1, 2, data))), hex(engine.single()));
    }

    @Test
    void dontFragmentSetPacketTooBigForTheIpv6NextHopGetsFragmentationNeeded()
    {
        final EngineHarness engine = new EngineHarness(withOwnAddresses().ipv6Mtu(1300).build());
        final byte[] in = ipv4(A4, B4, UDP, 64, 0, 1, 0x4000, udp(A4, B4, 1, 2, bytes(1372, 2)));
        assertEquals(Outcome.ICMPV4_ERROR_SENT, engine.translate(in));
        final byte[] out = engine.single();
        // MTU 1300 - 20: the IPv4 packet that becomes a 1300-byte IPv6 packet. Quote: 576 - 28 bytes.
        assertEquals(hex(ipv4(SELF4, A4, ICMP, 64, 0xc0, identification(out), 0, icmp4(3, 4, 1280, slice(in, 0, 548)))),
            hex(out));

        final EngineHarness silent = new EngineHarness(SiitTestConfigs.builder().ipv6Mtu(1300).build());
        assertEquals(Outcome.IPV4_PACKET_TOO_BIG, silent.translate(in));
        assertEquals(0, silent.emitted().size());
    }

    @Test
    void ipv6PacketTooBigForTheIpv4NextHopGetsPacketTooBig()
    {
        final EngineHarness engine = new EngineHarness(withOwnAddresses().ipv4Mtu(1400).build());
        final byte[] in = ipv6(B6, A6, UDP, 64, 0, 0, udp(B6, A6, 1, 2, bytes(1452, 1)));   // 1500 bytes, 1480 in IPv4
        assertEquals(Outcome.ICMPV6_ERROR_SENT, engine.translate(in));
        // MTU 1400 + 20: the IPv6 packet that becomes a 1400-byte IPv4 packet. Quote: 1280 - 48 bytes.
        assertEquals(hex(ipv6(SELF6, B6, ICMPV6, 64, 0, 0, icmp6(SELF6, B6, 2, 0, 1420, slice(in, 0, 1232)))),
            hex(engine.single()));

        final EngineHarness silent = new EngineHarness(SiitTestConfigs.builder().ipv4Mtu(1400).build());
        assertEquals(Outcome.IPV6_PACKET_TOO_BIG, silent.translate(in));
    }

    @Test
    void packetTooBigNeverAdvertisesLessThan1280()
    {
        final EngineHarness engine = new EngineHarness(withOwnAddresses().ipv4Mtu(1000).build());
        final byte[] in = ipv6(B6, A6, UDP, 64, 0, 0, udp(B6, A6, 1, 2, bytes(1300, 1)));   // DF in IPv4: 1328 > 1260
        assertEquals(Outcome.ICMPV6_ERROR_SENT, engine.translate(in));
        // RFC 8200 s.5: 1000 + 20 is below the IPv6 minimum; the host's 1280-byte packets then leave with DF=0 (below).
        assertEquals(hex(ipv6(SELF6, B6, ICMPV6, 64, 0, 0, icmp6(SELF6, B6, 2, 0, 1280, slice(in, 0, 1232)))),
            hex(engine.single()));
    }

    @Test
    void ipv6PacketWithoutDfTooBigForTheIpv4NextHopIsFragmentedInIpv4()
    {
        // 1200 bytes in IPv4: DF clear (<= 1260, RFC 7915 s.5.1), so xlat64 fragments it for the 1000-byte next hop.
        final EngineHarness engine = new EngineHarness(withOwnAddresses().ipv4Mtu(1000).build());
        final byte[] data = bytes(1172, 4);
        assertEquals(Outcome.TRANSLATED_6TO4, engine.translate(ipv6(B6, A6, UDP, 64, 0, 0, udp(B6, A6, 1, 2, data))));
        assertEquals(2, engine.emitted().size());
        final byte[] first = engine.emitted().get(0);
        final int id = identification(first);
        final byte[] udp4 = udp(B4, A4, 1, 2, data);
        // (1000 - 20) rounded down to 8 = 976 bytes, then 204 at offset 122.
        assertEquals(hex(ipv4(B4, A4, UDP, 63, 0, id, 0x2000, slice(udp4, 0, 976))), hex(first));
        assertEquals(hex(ipv4(B4, A4, UDP, 63, 0, id, 122, slice(udp4, 976, 1180))), hex(engine.emitted().get(1)));
    }

    @Test
    void ipv6FragmentTooBigForTheIpv4NextHopIsFragmentedFurther()
    {
        final EngineHarness engine = new EngineHarness(SiitTestConfigs.builder().ipv4Mtu(1000).build());
        final byte[] chunk = bytes(1400, 5);
        final byte[] in = ipv6(B6, A6, 44, 64, 0, 0, concat(fragmentHeader(UDP, 50, true, 0x00017777), chunk));
        assertEquals(Outcome.TRANSLATED_6TO4, engine.translate(in));
        assertEquals(2, engine.emitted().size());
        assertEquals(hex(ipv4(B4, A4, UDP, 63, 0, 0x7777, 0x2000 | 50, slice(chunk, 0, 976))),
            hex(engine.emitted().get(0)));
        assertEquals(hex(ipv4(B4, A4, UDP, 63, 0, 0x7777, 0x2000 | 172, slice(chunk, 976, 1400))),
            hex(engine.emitted().get(1)));
    }
}
