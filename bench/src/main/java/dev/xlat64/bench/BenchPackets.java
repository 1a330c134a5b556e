package dev.xlat64.bench;

import dev.xlat64.addr.AddressMapper;
import dev.xlat64.addr.Eamt;
import dev.xlat64.addr.Rfc6052Prefix;
import dev.xlat64.core.TranslatorConfig;

import java.util.List;

import static dev.xlat64.testing.TestPackets.ICMP;
import static dev.xlat64.testing.TestPackets.ICMPV6;
import static dev.xlat64.testing.TestPackets.TCP;
import static dev.xlat64.testing.TestPackets.UDP;
import static dev.xlat64.testing.TestPackets.bytes;
import static dev.xlat64.testing.TestPackets.icmp4;
import static dev.xlat64.testing.TestPackets.icmp6;
import static dev.xlat64.testing.TestPackets.ipv4;
import static dev.xlat64.testing.TestPackets.ipv6;
import static dev.xlat64.testing.TestPackets.tcp;
import static dev.xlat64.testing.TestPackets.udp;

/**
 * The packets and the config the benchmarks and the allocation probe translate: the demo topology (prefix
 * 2001:db8:64::/96, one EAM entry 192.0.2.2=2001:db8:1::2, h4 at 198.51.100.2), built with the translator's test-only
 * packet builder so the inputs never come from the code under test.
 */
public final class BenchPackets
{
    public static final String PREFIX = "2001:db8:64::/96";
    public static final String H6 = "2001:db8:1::2";
    public static final String H6_AS_IPV4 = "192.0.2.2";
    public static final String H4 = "198.51.100.2";
    public static final String H4_AS_IPV6 = "2001:db8:64::c633:6402";

    /** The kinds of packet benchmarked, one per common path and direction. */
    public enum Kind
    {
        TCP_6TO4, UDP_6TO4, ECHO_6TO4, TCP_4TO6, UDP_4TO6, ECHO_4TO6
    }

    private BenchPackets()
    {
    }

    public static TranslatorConfig config()
    {
        return TranslatorConfig.builder(new AddressMapper(Rfc6052Prefix.parse(PREFIX),
            new Eamt(List.of(Eamt.Entry.parse(H6_AS_IPV4 + "=" + H6))), true)).build();
    }

    /**
     * The IP header plus the TCP/UDP/ICMP header of a packet built by {@link #packet}: the bytes the common paths
     * rewrite in place (addresses, lengths, checksums, ICMP type). No extension headers or options in these packets.
     */
    public static int headerLength(final byte[] packet)
    {
        final boolean ipv6 = (packet[0] & 0xF0) == 0x60;
        final int l4 = ipv6 ? 40 : (packet[0] & 0x0F) * 4;
        final int protocol = packet[ipv6 ? 6 : 9];
        return l4 + (protocol == TCP ? ((packet[l4 + 12] & 0xF0) >>> 4) * 4 : 8);
    }

    /** One packet of the given kind whose L4 payload (after the TCP/UDP/ICMP header) is {@code payload} bytes. */
    public static byte[] packet(final Kind kind, final int payload)
    {
        final byte[] data = bytes(payload, kind.ordinal());
        switch (kind)
        {
            case TCP_6TO4:
                return ipv6(H6, H4_AS_IPV6, TCP, 64, 0, 0, tcp(H6, H4_AS_IPV6, 40000, 5201, 1, 2, 0x18, data));
            case UDP_6TO4:
                return ipv6(H6, H4_AS_IPV6, UDP, 64, 0, 0, udp(H6, H4_AS_IPV6, 40000, 5201, data));
            case ECHO_6TO4:
                return ipv6(H6, H4_AS_IPV6, ICMPV6, 64, 0, 0, icmp6(H6, H4_AS_IPV6, 128, 0, 0x00420001, data));
            case TCP_4TO6:
                return ipv4(H4, H6_AS_IPV4, TCP, 64, 0, 0x1234, 0x4000,
                    tcp(H4, H6_AS_IPV4, 5201, 40000, 1, 2, 0x18, data));
            case UDP_4TO6:
                return ipv4(H4, H6_AS_IPV4, UDP, 64, 0, 0x1234, 0x4000, udp(H4, H6_AS_IPV4, 5201, 40000, data));
            case ECHO_4TO6:
                return ipv4(H4, H6_AS_IPV4, ICMP, 64, 0, 0x1234, 0x4000, icmp4(0, 0, 0x00420001, data));
            default:
                throw new IllegalArgumentException(kind.name());
        }
    }
}
