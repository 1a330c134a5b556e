package dev.xlat64.siit;

import dev.xlat64.core.Outcome;
import dev.xlat64.testing.EngineHarness;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static dev.xlat64.testing.TestPackets.ICMP;
import static dev.xlat64.testing.TestPackets.ICMPV6;
import static dev.xlat64.testing.TestPackets.TCP;
import static dev.xlat64.testing.TestPackets.UDP;
import static dev.xlat64.testing.TestPackets.checksum;
import static dev.xlat64.testing.TestPackets.hex;
import static dev.xlat64.testing.TestPackets.icmp4;
import static dev.xlat64.testing.TestPackets.icmp6;
import static dev.xlat64.testing.TestPackets.ipv4;
import static dev.xlat64.testing.TestPackets.ipv6;
import static dev.xlat64.testing.TestPackets.tcp;
import static dev.xlat64.testing.TestPackets.udp;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * docs/architecture.md section 5: for packets translatable both ways (TCP, UDP, ICMP echo; random sizes; addresses
 * under the prefix and in the EAMT), 4->6->4 and 6->4->6 give the original back except for the fields RFC 7915
 * rewrites: TTL/hop limit (two hops), IPv4 identification and DF (s.5.1: DF only above 1260 bytes), flow label
 * (s.4.1: zero).
 */
class RoundTripPropertyTest
{
    private final EngineHarness engine = new EngineHarness(SiitTestConfigs.builder().ipv6Mtu(9000).ipv4Mtu(9000)
        .tunMtu(9000).build());

    private static String randomIpv4(final Random r, final boolean eam)
    {
        // 198.51.100.0/24 is the EAM entry; 9.0.0.0/8 is embedded under the prefix.
        return eam ? "198.51.100." + r.nextInt(256) :
            "9." + r.nextInt(256) + "." + r.nextInt(256) + "." + (1 + r.nextInt(254));
    }

    private static String ipv6Of(final String ipv4)
    {
        final String[] o = ipv4.split("\\.");
        final int a = Integer.parseInt(o[0]);
        final int b = Integer.parseInt(o[1]);
        final int c = Integer.parseInt(o[2]);
        final int d = Integer.parseInt(o[3]);
        if (a == 198 && b == 51 && c == 100)
        {
            return "2001:db8:6::" + Integer.toHexString(d);
        }
        return "2001:db8:64::" + Integer.toHexString(a << 8 | b) + ":" + Integer.toHexString(c << 8 | d);
    }

    private static byte[] data(final Random r)
    {
        final byte[] d = new byte[r.nextInt(1200)];
        r.nextBytes(d);
        return d;
    }

    private static void assertSame(final byte[] expected, final byte[] actual, final int i)
    {
        if (!java.util.Arrays.equals(expected, actual))
        {
            assertEquals(hex(expected), hex(actual), "case " + i);
        }
    }

    private byte[] once(final byte[] in, final Outcome expected)
    {
        assertEquals(expected, engine.translate(in), () -> hex(in));
        return engine.single();
    }

    @Test
    void fourToSixToFourGivesTheOriginalBack()
    {
        final Random r = new Random(6052);
        for (int i = 0; i < 500; i++)
        {
            final String s4 = randomIpv4(r, r.nextBoolean());
            final String d4 = randomIpv4(r, r.nextBoolean());
            final byte[] d = data(r);
            final int kind = r.nextInt(3);
            final int protocol = kind == 0 ? TCP : kind == 1 ? UDP : ICMP;
            final byte[] payload =
                kind == 0 ? tcp(s4, d4, r.nextInt(65536), r.nextInt(65536), r.nextInt(), r.nextInt(), 0x18, d) :
                kind == 1 ? udp(s4, d4, r.nextInt(65536), r.nextInt(65536), d) : icmp4(8, 0, r.nextInt(), d);
            final int ttl = 3 + r.nextInt(250);
            final int tos = r.nextInt(256);
            final boolean dontFragment = r.nextBoolean();
            final byte[] original =
                ipv4(s4, d4, protocol, ttl, tos, r.nextInt(65536), dontFragment ? 0x4000 : 0, payload);

            final byte[] back = once(once(original, Outcome.TRANSLATED_4TO6), Outcome.TRANSLATED_6TO4);

            final int id = ((back[4] & 0xff) << 8) | (back[5] & 0xff);
            final int flags = original.length > 1260 ? 0x4000 : 0;
            assertSame(ipv4(s4, d4, protocol, ttl - 2, tos, id, flags, payload), back, i);
            assertEquals(0, checksum(java.util.Arrays.copyOf(back, 20)));
        }
    }

    @Test
    void sixToFourToSixGivesTheOriginalBack()
    {
        final Random r = new Random(7915);
        for (int i = 0; i < 500; i++)
        {
            // Destinations outside the EAMT: an EAM destination reached through the prefix would be hairpinned.
            final String s6 = ipv6Of(randomIpv4(r, r.nextBoolean()));
            final String d6 = ipv6Of(randomIpv4(r, false));
            final byte[] d = data(r);
            final int kind = r.nextInt(3);
            final int nextHeader = kind == 0 ? TCP : kind == 1 ? UDP : ICMPV6;
            final byte[] payload =
                kind == 0 ? tcp(s6, d6, r.nextInt(65536), r.nextInt(65536), r.nextInt(), r.nextInt(), 0x10, d) :
                kind == 1 ? udp(s6, d6, r.nextInt(65536), r.nextInt(65536), d) : icmp6(s6, d6, 129, 0, r.nextInt(), d);
            final int hopLimit = 3 + r.nextInt(250);
            final int trafficClass = r.nextInt(256);
            final byte[] original = ipv6(s6, d6, nextHeader, hopLimit, trafficClass, r.nextInt(1 << 20), payload);

            final byte[] back = once(once(original, Outcome.TRANSLATED_6TO4), Outcome.TRANSLATED_4TO6);

            assertSame(ipv6(s6, d6, nextHeader, hopLimit - 2, trafficClass, 0, payload), back, i);
        }
    }
}
