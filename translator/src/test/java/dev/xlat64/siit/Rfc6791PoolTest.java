package dev.xlat64.siit;

import dev.xlat64.addr.Addresses;
import dev.xlat64.addr.Ipv4Prefix;
import dev.xlat64.addr.Ipv6Prefix;
import dev.xlat64.addr.Rfc6791Pool;
import dev.xlat64.core.Outcome;
import dev.xlat64.core.TranslatorConfig;
import dev.xlat64.testing.EngineHarness;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static dev.xlat64.testing.TestPackets.ICMPV6;
import static dev.xlat64.testing.TestPackets.UDP;
import static dev.xlat64.testing.TestPackets.bytes;
import static dev.xlat64.testing.TestPackets.icmp6;
import static dev.xlat64.testing.TestPackets.ipv6;
import static dev.xlat64.testing.TestPackets.udp;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * RFC 6791: translated ICMP errors from routers whose addresses do not translate take a source from a pool. The pick
 * is a hash of the quoted flow, so it needs no state and every instance behind ECMP picks the same one.
 */
class Rfc6791PoolTest
{
    @Test
    void ipv4PickStaysInThePoolAndDependsOnlyOnTheHash()
    {
        final Ipv4Prefix pool = Ipv4Prefix.parse("203.0.113.16/28");
        final Set<Integer> seen = new HashSet<>();
        for (int flow = 0; flow < 200; flow++)
        {
            final int a = Rfc6791Pool.ipv4(pool, flow);
            assertTrue(pool.contains(a), Addresses.format4(a));
            assertEquals(a, Rfc6791Pool.ipv4(pool, flow));
            seen.add(a);
        }
        assertEquals(16, seen.size());
        assertEquals(Addresses.parse4("192.0.2.7"), Rfc6791Pool.ipv4(Ipv4Prefix.parse("192.0.2.7/32"), 12345));
    }

    @Test
    void ipv6PickVariesAtMostTheLast32Bits()
    {
        final UnsafeBuffer b = new UnsafeBuffer(new byte[16]);
        final Ipv6Prefix wide = Ipv6Prefix.parse("2001:db8:ffff::/64");
        final Set<String> seen = new HashSet<>();
        for (int flow = 0; flow < 100; flow++)
        {
            Rfc6791Pool.ipv6(wide, flow, b, 0);
            final byte[] a = new byte[16];
            b.getBytes(0, a);
            assertTrue(wide.contains(a));
            assertEquals(0, b.getInt(8));
            seen.add(Addresses.format6(a));
        }
        assertTrue(seen.size() > 90);
        Rfc6791Pool.ipv6(Ipv6Prefix.parse("2001:db8:ffff::9/128"), 77, b, 0);
        final byte[] single = new byte[16];
        b.getBytes(0, single);
        assertArrayEquals(Addresses.parse6("2001:db8:ffff::9"), single);
    }

    @Test
    void twoInstancesPickTheSameSourceForTheSameError()
    {
        final TranslatorConfig config =
            SiitTestConfigs.builder().icmpPool4(Ipv4Prefix.parse("203.0.113.16/28")).build();
        final String router = "2001:db8:ffff::1";
        final String h6 = "2001:db8:64::c000:221";
        final String s6 = "2001:db8:6::7";
        final Set<String> sources = new HashSet<>();
        for (int port = 1; port <= 40; port++)
        {
            final byte[] quoted = ipv6(h6, s6, UDP, 3, 0, 0, udp(h6, s6, port, 53, bytes(8, 0)));
            final byte[] in = ipv6(router, h6, ICMPV6, 64, 0, 0, icmp6(router, h6, 3, 0, 0, quoted));
            final EngineHarness first = new EngineHarness(config);
            final EngineHarness second = new EngineHarness(config);
            assertEquals(Outcome.TRANSLATED_6TO4, first.translate(in));
            assertEquals(Outcome.TRANSLATED_6TO4, second.translate(in));
            final byte[] a = java.util.Arrays.copyOfRange(first.single(), 12, 16);
            assertArrayEquals(a, java.util.Arrays.copyOfRange(second.single(), 12, 16));
            assertTrue(Ipv4Prefix.parse("203.0.113.16/28").contains(Addresses.int4(a)));
            sources.add(Addresses.format4(Addresses.int4(a)));
        }
        // The hash covers the quoted addresses and protocol, not the ports: one flow of hosts, one address.
        assertEquals(1, sources.size());
    }
}
