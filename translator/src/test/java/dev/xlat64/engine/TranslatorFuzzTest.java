package dev.xlat64.engine;

import dev.xlat64.addr.AddressMapper;
import dev.xlat64.addr.Addresses;
import dev.xlat64.addr.Eamt;
import dev.xlat64.addr.Ipv4Prefix;
import dev.xlat64.addr.Ipv6Prefix;
import dev.xlat64.addr.Rfc6052Prefix;
import dev.xlat64.core.Outcome;
import dev.xlat64.core.PacketSink;
import dev.xlat64.core.TranslatorConfig;
import dev.xlat64.testing.TestPackets;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

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
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * docs/architecture.md invariants 2 and 3, fuzz-style: random, truncated and mutated packets (with their checksums
 * repaired so the mutations reach the deep paths) never make the engine throw or read past the packet (the buffer
 * ends exactly there, and Agrona's bounds checks are on), and each gets exactly one outcome consistent with what was
 * emitted.
 */
class TranslatorFuzzTest
{
    private static final String A4 = "192.0.2.33";
    private static final String B4 = "198.51.100.7";
    private static final String A6 = "2001:db8:64::c000:221";
    private static final String B6 = "2001:db8:6::7";

    private static TranslatorConfig config()
    {
        return TranslatorConfig.builder(new AddressMapper(Rfc6052Prefix.parse("2001:db8:64::/96"),
                new Eamt(List.of(Eamt.Entry.parse("198.51.100.0/24=2001:db8:6::/120"))), true))
            .ipv4Address(Addresses.parse4("192.0.2.1")).ipv6Address(Ipv6Prefix.parse("2001:db8:64::1/128"))
            .icmpPool4(Ipv4Prefix.parse("203.0.113.0/28")).icmpPool6(Ipv6Prefix.parse("2001:db8:ffff::/112"))
            .icmpErrorsPerSecond(1_000_000).build();
    }

    private static List<byte[]> seeds()
    {
        final List<byte[]> s = new ArrayList<>();
        final byte[] udp4 = ipv4(A4, B4, UDP, 64, 0, 1, 0, udp(A4, B4, 1, 2, bytes(40, 1)));
        final byte[] udp6 = ipv6(B6, A6, UDP, 64, 0, 0, udp(B6, A6, 1, 2, bytes(40, 1)));
        s.add(udp4);
        s.add(udp6);
        s.add(ipv4(A4, B4, TCP, 64, 0, 1, 0x4000, tcp(A4, B4, 1, 2, 3, 4, 0x10, bytes(30, 2))));
        s.add(ipv6(B6, A6, TCP, 64, 0, 0, tcp(B6, A6, 1, 2, 3, 4, 0x10, bytes(30, 2))));
        s.add(ipv4(A4, B4, ICMP, 64, 0, 1, 0, icmp4(8, 0, 1, bytes(20, 3))));
        s.add(ipv6(B6, A6, ICMPV6, 64, 0, 0, icmp6(B6, A6, 128, 0, 1, bytes(20, 3))));
        s.add(ipv4(A4, B4, ICMP, 64, 0, 1, 0, icmp4(3, 4, 1400, udp4)));
        s.add(ipv4(A4, B4, ICMP, 64, 0, 1, 0, icmp4(11, 0, 32 << 16, concat(TestPackets.pad(udp4, 128), bytes(12,
            1)))));
        s.add(ipv4(A4, B4, ICMP, 64, 0, 1, 0, icmp4(12, 0, 9 << 24, udp4)));
        s.add(ipv6(B6, A6, ICMPV6, 64, 0, 0, icmp6(B6, A6, 2, 0, 1400, udp6)));
        s.add(ipv6(B6, A6, ICMPV6, 64, 0, 0, icmp6(B6, A6, 3, 0, 17 << 24, concat(TestPackets.pad(udp6, 136),
            bytes(12, 1)))));
        s.add(ipv6(B6, A6, ICMPV6, 64, 0, 0, icmp6(B6, A6, 4, 0, 7, udp6)));
        s.add(ipv4(A4, B4, UDP, 64, 0, 1, 0x2000, bytes(48, 4)));
        s.add(ipv6(B6, A6, 44, 64, 0, 0, concat(fragmentHeader(UDP, 3, true, 9), bytes(48, 4))));
        s.add(ipv6(B6, A6, 0, 64, 0, 0, concat(new byte[] {43, 0, 1, 4, 0, 0, 0, 0},
            new byte[] {(byte)UDP, 0, 0, 1, 0, 0, 0, 0}, udp(B6, A6, 1, 2, bytes(8, 1)))));
        s.add(ipv4(A4, B4, UDP, 64, 0, 1, 0, udp(A4, B4, 1, 2, bytes(1400, 1))));
        s.add(ipv4(A4, B4, UDP, 1, 0, 1, 0, udp(A4, B4, 1, 2, bytes(8, 1))));
        return s;
    }

    /** Recomputes the IPv4 header checksum and the ICMP/ICMPv6 checksum where the layout still allows it. */
    private static void repair(final byte[] p)
    {
        if (p.length >= 20 && (p[0] & 0xF0) == 0x40)
        {
            final int ihl = (p[0] & 0x0F) * 4;
            if (ihl >= 20 && ihl <= p.length)
            {
                p[10] = 0;
                p[11] = 0;
                final int c = TestPackets.checksum(java.util.Arrays.copyOf(p, ihl));
                p[10] = (byte)(c >> 8);
                p[11] = (byte)c;
                final int total = ((p[2] & 0xff) << 8) | (p[3] & 0xff);
                if (p[9] == ICMP && total <= p.length && total >= ihl + 4)
                {
                    p[ihl + 2] = 0;
                    p[ihl + 3] = 0;
                    final int ic = TestPackets.checksum(java.util.Arrays.copyOfRange(p, ihl, total));
                    p[ihl + 2] = (byte)(ic >> 8);
                    p[ihl + 3] = (byte)ic;
                }
            }
        }
        else if (p.length >= 48 && (p[0] & 0xF0) == 0x60 && p[6] == ICMPV6)
        {
            final int payload = ((p[4] & 0xff) << 8) | (p[5] & 0xff);
            if (payload >= 4 && 40 + payload <= p.length)
            {
                p[42] = 0;
                p[43] = 0;
                final byte[] pseudo = java.nio.ByteBuffer.allocate(40).put(p, 8,
                    32).putInt(payload).putInt(ICMPV6).array();
                final int c = TestPackets.checksum(pseudo, java.util.Arrays.copyOfRange(p, 40, 40 + payload));
                p[42] = (byte)(c >> 8);
                p[43] = (byte)c;
            }
        }
    }

    private static final class CountingSink implements PacketSink
    {
        int count;
        int bad;

        @Override
        public void emit(final MutableDirectBuffer buffer, final int offset, final int length)
        {
            count++;
            if (length <= 0 || offset < 0 || offset + length > buffer.capacity())
            {
                bad++;
            }
        }
    }

    private static void check(final Translator translator, final byte[] packet)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[Translator.HEADROOM + packet.length]);
        buffer.putBytes(Translator.HEADROOM, packet);
        final CountingSink sink = new CountingSink();
        final Outcome outcome;
        try
        {
            outcome = translator.translate(buffer, Translator.HEADROOM, packet.length, sink);
        }
        catch (final RuntimeException ex)
        {
            throw new AssertionError("engine threw on " + TestPackets.hex(packet), ex);
        }
        assertNotNull(outcome);
        assertEquals(0, sink.bad);
        switch (outcome.kind)
        {
            case DROPPED:
                if (sink.count != 0)
                {
                    fail(outcome + " emitted " + sink.count + " packets for " + TestPackets.hex(packet));
                }
                break;
            case ICMP_ERROR:
                assertEquals(1, sink.count, outcome.toString());
                break;
            default:
                assertTrue(sink.count >= 1, outcome.toString());
                break;
        }
    }

    @Test
    void randomBytesNeverThrow()
    {
        final Translator translator = new Translator(config());
        final Random random = new Random(7915);
        for (int i = 0; i < 20_000; i++)
        {
            final byte[] p = new byte[random.nextInt(120)];
            random.nextBytes(p);
            if (p.length > 0)
            {
                p[0] = (byte)((random.nextBoolean() ? 0x40 : 0x60) | (p[0] & 0x0F));
            }
            repair(p);
            check(translator, p);
        }
    }

    @Test
    void truncatedAndMutatedValidPacketsNeverThrow()
    {
        final Translator translator = new Translator(config());
        final Random random = new Random(6145);
        final List<byte[]> seeds = seeds();
        for (int i = 0; i < 60_000; i++)
        {
            final byte[] seed = seeds.get(random.nextInt(seeds.size()));
            byte[] p = seed.clone();
            final int mutations = random.nextInt(4);
            for (int m = 0; m < mutations; m++)
            {
                p[random.nextInt(p.length)] = (byte)random.nextInt(256);
            }
            if (random.nextInt(3) == 0)
            {
                p = java.util.Arrays.copyOf(p, random.nextInt(p.length + 1));
            }
            if (random.nextInt(4) != 0)
            {
                repair(p);
            }
            translator.clock(i * 1_000L);
            check(translator, p);
        }
    }

    @Test
    void everyPrefixOfEverySeedNeverThrows()
    {
        final Translator translator = new Translator(config());
        for (final byte[] seed : seeds())
        {
            for (int n = 0; n <= seed.length; n++)
            {
                check(translator, java.util.Arrays.copyOf(seed, n));
            }
        }
    }
}
