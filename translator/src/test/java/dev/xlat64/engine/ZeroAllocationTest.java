package dev.xlat64.engine;

import dev.xlat64.addr.AddressMapper;
import dev.xlat64.addr.Addresses;
import dev.xlat64.addr.Eamt;
import dev.xlat64.addr.Ipv4Prefix;
import dev.xlat64.addr.Ipv6Prefix;
import dev.xlat64.addr.Rfc6052Prefix;
import dev.xlat64.core.TranslatorConfig;
import dev.xlat64.testing.AllocationProbe;
import dev.xlat64.testing.AllocationProbe.ByteCountingSink;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.List;

import static dev.xlat64.testing.TestPackets.ICMP;
import static dev.xlat64.testing.TestPackets.ICMPV6;
import static dev.xlat64.testing.TestPackets.TCP;
import static dev.xlat64.testing.TestPackets.UDP;
import static dev.xlat64.testing.TestPackets.bytes;
import static dev.xlat64.testing.TestPackets.concat;
import static dev.xlat64.testing.TestPackets.fragmentHeader;
import static dev.xlat64.testing.TestPackets.icmp4;
import static dev.xlat64.testing.TestPackets.icmp6;
import static dev.xlat64.testing.TestPackets.ipv4;
import static dev.xlat64.testing.TestPackets.ipv6;
import static dev.xlat64.testing.TestPackets.tcp;
import static dev.xlat64.testing.TestPackets.udp;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/architecture.md invariant 1 as a property: after warm-up, translating (common case, fragments, ICMP errors
 * translated and originated, hairpinning) allocates nothing on the calling thread. Measured with the JVM's per-thread
 * allocation counter, not a time.
 */
class ZeroAllocationTest
{
    private static final String A4 = "192.0.2.33";
    private static final String B4 = "198.51.100.7";
    private static final String A6 = "2001:db8:64::c000:221";
    private static final String B6 = "2001:db8:6::7";

    @Test
    void translationAllocatesNothingAfterWarmUp()
    {
        final TranslatorConfig config = TranslatorConfig.builder(new AddressMapper(
                Rfc6052Prefix.parse("2001:db8:64::/96"),
                new Eamt(List.of(Eamt.Entry.parse("198.51.100.0/24=2001:db8:6::/120"))), true))
            .ipv4Address(Addresses.parse4("192.0.2.1")).ipv6Address(Ipv6Prefix.parse("2001:db8:64::1/128"))
            .icmpPool4(Ipv4Prefix.parse("203.0.113.0/28")).icmpErrorsPerSecond(Integer.MAX_VALUE / 2).ipv4Mtu(1000)
            .build();
        final byte[] udp4 = ipv4(A4, B4, UDP, 64, 0, 1, 0, udp(A4, B4, 1, 2, bytes(40, 1)));
        final byte[] udp6 = ipv6(B6, A6, UDP, 64, 0, 0, udp(B6, A6, 1, 2, bytes(40, 1)));
        final byte[][] packets = {
            udp4,
            udp6,
            ipv4(A4, B4, TCP, 64, 0, 1, 0x4000, tcp(A4, B4, 1, 2, 3, 4, 0x10, bytes(300, 2))),
            ipv6(B6, A6, ICMPV6, 64, 0, 0, icmp6(B6, A6, 128, 0, 1, bytes(56, 3))),
            ipv4(A4, B4, ICMP, 64, 0, 1, 0, icmp4(3, 4, 1400, udp4)),
            ipv6(B6, A6, ICMPV6, 64, 0, 0, icmp6(B6, A6, 1, 4, 0, udp6)),
            ipv4(A4, B4, UDP, 64, 0, 1, 0, udp(A4, B4, 1, 2, bytes(2000, 1))),
            ipv6(B6, A6, 44, 64, 0, 0, concat(fragmentHeader(UDP, 3, true, 9), bytes(48, 4))),
            ipv6(B6, A6, UDP, 64, 0, 0, udp(B6, A6, 1, 2, bytes(1172, 1))),
            ipv6(B6, A6, UDP, 64, 0, 0, udp(B6, A6, 1, 2, bytes(1400, 1))),
            ipv4(A4, B4, UDP, 1, 0, 1, 0, udp(A4, B4, 1, 2, bytes(8, 1))),
            ipv6(B6, A6, UDP, 1, 0, 0, udp(B6, A6, 1, 2, bytes(8, 1))),
            ipv6(B6, "2001:db8:64::c633:6409", UDP, 64, 0, 0, udp(B6, "2001:db8:64::c633:6409", 1, 2, bytes(8, 1))),
        };
        final Translator translator = new Translator(config);
        final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(Translator.HEADROOM + 4096));
        final ByteCountingSink sink = new ByteCountingSink();
        final long allocated = AllocationProbe.allocatedBytes(translator, buffer, packets, sink);
        assertTrue(allocated < 16 * 1024, "allocated " + allocated + " bytes over 200000 packets");
        assertTrue(sink.bytes > 0);
    }

}
