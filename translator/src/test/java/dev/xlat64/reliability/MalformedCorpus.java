package dev.xlat64.reliability;

import dev.xlat64.core.Outcome;
import dev.xlat64.testing.TestPackets;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static dev.xlat64.testing.TestPackets.ICMP;
import static dev.xlat64.testing.TestPackets.ICMPV6;
import static dev.xlat64.testing.TestPackets.TCP;
import static dev.xlat64.testing.TestPackets.UDP;
import static dev.xlat64.testing.TestPackets.bytes;
import static dev.xlat64.testing.TestPackets.concat;
import static dev.xlat64.testing.TestPackets.icmp4;
import static dev.xlat64.testing.TestPackets.icmp6;
import static dev.xlat64.testing.TestPackets.ipv4;
import static dev.xlat64.testing.TestPackets.ipv6;
import static dev.xlat64.testing.TestPackets.tcp;
import static dev.xlat64.testing.TestPackets.udp;
import static dev.xlat64.testing.TestPackets.udpNoChecksum;

/**
 * Malformed and hostile packets, built from a pair of translatable addresses per family so that every check past
 * address mapping is reached: truncation at every length, bad IHL / total length / payload length, lengths that
 * disagree with the read size, odd fragments, nested ICMP errors and errors quoting errors, unknown next headers,
 * zero-length and overlong options, extension-header chains, size extremes. Each case says what the RFCs allow.
 */
final class MalformedCorpus
{
    /** What the RFCs allow for a case; {@code exactly}, when set, is the one outcome allowed. */
    enum Expect
    {
        /** Dropped and counted (RFC 1812 s.5.2.2, RFC 8200: malformed input is discarded silently). */
        DROPPED,
        /** Dropped, or answered with an ICMP error (expired TTL, unexhausted source route, ...): never forwarded. */
        NOT_FORWARDED,
        /**
         * Anything but an ICMP error: no error is ever sent about an ICMP error (RFC 1812 s.4.3.2.7, RFC 4443
         * s.2.4(e)).
         */
        NO_ERROR_ABOUT_ERROR,
        /** Translated (e.g. padding after the declared length is ignored). */
        TRANSLATED,
        /** Any outcome; only the engine contract is checked (no exception, consistent output, counted). */
        ANY;

        boolean allows(final Outcome o)
        {
            switch (this)
            {
                case DROPPED:
                    return o.kind == Outcome.Kind.DROPPED;
                case NOT_FORWARDED:
                    return o.kind != Outcome.Kind.FORWARDED;
                case NO_ERROR_ABOUT_ERROR:
                    return o.kind != Outcome.Kind.ICMP_ERROR;
                case TRANSLATED:
                    return o.kind == Outcome.Kind.FORWARDED;
                default:
                    return true;
            }
        }
    }

    /** One corpus entry. */
    record Case(String name, byte[] packet, Expect expect, Outcome exactly)
    {
        boolean allows(final Outcome o)
        {
            return exactly != null ? o == exactly : expect.allows(o);
        }

        @Override
        public String toString()
        {
            return name + " (" + packet.length + " bytes)";
        }
    }

    private final String s4;
    private final String d4;
    private final String s6;
    private final String d6;
    private final List<Case> cases = new ArrayList<>();

    private MalformedCorpus(final ReliabilityConfigs.Addresses4 v4, final ReliabilityConfigs.Addresses6 v6)
    {
        this.s4 = v4.source();
        this.d4 = v4.destination();
        this.s6 = v6.source();
        this.d6 = v6.destination();
    }

    /** The whole corpus for addresses that translate under the config it is run with. */
    static List<Case> build(final ReliabilityConfigs.Addresses4 v4, final ReliabilityConfigs.Addresses6 v6)
    {
        final MalformedCorpus c = new MalformedCorpus(v4, v6);
        c.truncations();
        c.ipv4Lengths();
        c.ipv6Lengths();
        c.versionsAndHopLimits();
        c.fragments();
        c.icmpErrors();
        c.icmpUntranslatable();
        c.unknownProtocols();
        c.options();
        c.extensionHeaders();
        c.addresses();
        c.sizeExtremes();
        return List.copyOf(c.cases);
    }

    /** The well-formed packets of one family ({@code version} 4 or 6) that the cases start from. */
    static List<byte[]> valid(
        final ReliabilityConfigs.Addresses4 v4, final ReliabilityConfigs.Addresses6 v6, final int version)
    {
        final MalformedCorpus c = new MalformedCorpus(v4, v6);
        return version == 4 ? c.validIpv4() : c.validIpv6();
    }

    /** Well-formed packets every family of case starts from. */
    List<byte[]> validIpv4()
    {
        return List.of(
            ipv4(s4, d4, UDP, 64, 0, 1, 0, udp(s4, d4, 1000, 2000, bytes(32, 1))),
            ipv4(s4, d4, TCP, 64, 0, 2, 0x4000, tcp(s4, d4, 40000, 80, 1, 2, 0x18, bytes(40, 2))),
            ipv4(s4, d4, ICMP, 64, 0, 3, 0, icmp4(8, 0, 0x12340001, bytes(24, 3))),
            withIpv4Options(ipv4(s4, d4, UDP, 64, 0, 4, 0, udp(s4, d4, 1000, 2000, bytes(16, 4))),
                new byte[] {1, 1, 1, 0}));
    }

    List<byte[]> validIpv6()
    {
        return List.of(
            ipv6(s6, d6, UDP, 64, 0, 0, udp(s6, d6, 1000, 2000, bytes(32, 5))),
            ipv6(s6, d6, TCP, 64, 0, 0, tcp(s6, d6, 40000, 80, 1, 2, 0x18, bytes(40, 6))),
            ipv6(s6, d6, ICMPV6, 64, 0, 0, icmp6(s6, d6, 128, 0, 0x12340001, bytes(24, 7))),
            ipv6(s6, d6, 0, 64, 0, 0, concat(extension(60, new byte[6]), extension(UDP, new byte[] {1, 4, 0, 0, 0, 0}),
                udp(s6, d6, 1000, 2000, bytes(16, 8)))));
    }

    // Truncated headers at every length: first with the length fields left as they were (read size disagrees),
    // then with the length fields shrunk to match (the transport header itself is cut short).
    private void truncations()
    {
        for (final byte[] p : concatLists(validIpv4(), validIpv6()))
        {
            final String kind = (p[0] >>> 4) == 4 ? "ipv4" : "ipv6";
            for (int len = 0; len < p.length; len++)
            {
                add(kind + " read truncated to " + len, Arrays.copyOf(p, len), Expect.DROPPED,
                    len == 0 ? Outcome.EMPTY_PACKET : null);
                final byte[] shrunk = Arrays.copyOf(p, len);
                if (kind.equals("ipv4") && len >= (p[0] & 0x0F) * 4)
                {
                    put16(shrunk, 2, len);
                    fixIpv4Checksum(shrunk);
                    final int l4 = len - (p[0] & 0x0F) * 4;
                    final int proto = p[9];
                    final int min = proto == TCP ? 20 : 8;
                    add("ipv4 total length shrunk to " + len, shrunk, l4 < min ? Expect.DROPPED : Expect.ANY, null);
                }
                else if (kind.equals("ipv6") && len > 40)
                {
                    put16(shrunk, 4, len - 40);
                    add("ipv6 payload length shrunk to " + (len - 40), shrunk, Expect.ANY, null);
                }
            }
        }
    }

    private void ipv4Lengths()
    {
        final byte[] base = validIpv4().get(0);
        for (int ihl = 0; ihl < 5; ihl++)
        {
            final byte[] p = base.clone();
            p[0] = (byte)(0x40 | ihl);
            fixIpv4Checksum(p);
            add("ipv4 IHL " + ihl, p, Expect.DROPPED, Outcome.IPV4_BAD_IHL);
        }
        for (int ihl = 6; ihl <= 15; ihl++)
        {
            final byte[] p = base.clone();
            p[0] = (byte)(0x40 | ihl);
            fixIpv4Checksum(p);
            // The IHL now swallows the UDP header as options: structurally fine up to the total length.
            add("ipv4 IHL " + ihl + " over the transport header", p,
                ihl * 4 > base.length ? Expect.DROPPED : Expect.ANY, null);
        }
        for (final int total : new int[] {0, 1, 19, 20, 27, base.length - 1, base.length + 1, 1500, 65535})
        {
            final byte[] p = base.clone();
            put16(p, 2, total);
            fixIpv4Checksum(p);
            add("ipv4 total length " + total + " for " + base.length + " bytes read", p,
                total < 28 || total > base.length ? Expect.DROPPED : Expect.ANY,
                total < 20 || total > base.length ? Outcome.IPV4_BAD_TOTAL_LENGTH : null);
        }
        for (final byte[] p : validIpv4())
        {
            for (final int pad : new int[] {1, 6, 7, 100})
            {
                add("ipv4 with " + pad + " bytes after its total length", concat(p, bytes(pad, 0x33)),
                    Expect.TRANSLATED, null);
            }
            final byte[] badSum = p.clone();
            badSum[11] ^= 0x01;
            add("ipv4 header checksum off by one bit", badSum, Expect.DROPPED, Outcome.IPV4_BAD_HEADER_CHECKSUM);
        }
    }

    private void ipv6Lengths()
    {
        final byte[] base = validIpv6().get(0);
        final int payload = base.length - 40;
        for (final int declared : new int[] {0, 1, 7, 8, payload - 1, payload + 1, 1460, 65535})
        {
            final byte[] p = base.clone();
            put16(p, 4, declared);
            add("ipv6 payload length " + declared + " for " + payload + " bytes read", p,
                declared < 8 || declared > payload ? Expect.DROPPED : Expect.ANY,
                // Zero is a jumbogram only behind Hop-by-Hop (RFC 2675); behind UDP it is an empty, truncated payload.
                declared == 0 ? Outcome.IPV6_L4_TRUNCATED
                    : declared > payload ? Outcome.IPV6_BAD_PAYLOAD_LENGTH : null);
        }
        for (final byte[] p : validIpv6())
        {
            for (final int pad : new int[] {1, 6, 7, 100})
            {
                add("ipv6 with " + pad + " bytes after its payload length", concat(p, bytes(pad, 0x44)),
                    Expect.TRANSLATED, null);
            }
        }
    }

    private void versionsAndHopLimits()
    {
        for (int v = 0; v < 16; v++)
        {
            if (v != 4 && v != 6)
            {
                final byte[] p = validIpv4().get(0).clone();
                p[0] = (byte)((v << 4) | 5);
                add("ip version " + v, p, Expect.DROPPED, Outcome.UNKNOWN_IP_VERSION);
            }
        }
        final byte[] six = validIpv6().get(0).clone();
        six[0] = 0x45;
        add("ipv6 packet claiming version 4", six, Expect.ANY, null);
        final byte[] four = validIpv4().get(1).clone();
        four[0] = 0x65;
        add("ipv4 packet claiming version 6", four, Expect.ANY, null);
        for (final int ttl : new int[] {0, 1})
        {
            for (final byte[] p : validIpv4())
            {
                final byte[] q = p.clone();
                q[8] = (byte)ttl;
                fixIpv4Checksum(q);
                add("ipv4 TTL " + ttl, q, Expect.NOT_FORWARDED, null);
            }
            for (final byte[] p : validIpv6())
            {
                final byte[] q = p.clone();
                q[7] = (byte)ttl;
                add("ipv6 hop limit " + ttl, q, Expect.NOT_FORWARDED, null);
            }
        }
    }

    private void fragments()
    {
        final byte[] data = bytes(13, 9);
        final int[][] flagsAndOffsets = {
            {0x2000, 0}, {0x2000, 1}, {0, 1}, {0x2000, 3}, {0, 0x1FFF}, {0x2000, 0x1FFF}, {0x6000, 0}, {0x4000, 5},
            {0x8000, 0}, {0xA000, 2},
        };
        for (final int[] fo : flagsAndOffsets)
        {
            final int field = fo[0] | fo[1];
            add(String.format("ipv4 fragment flags/offset 0x%04x with 21 odd bytes", field),
                ipv4(s4, d4, UDP, 64, 0, 77, field, udpNoChecksum(1, 2, data)), Expect.ANY, null);
            add(String.format("ipv4 fragment flags/offset 0x%04x of a TCP packet", field),
                ipv4(s4, d4, TCP, 64, 0, 78, field, bytes(27, 10)), Expect.ANY, null);
            add(String.format("ipv4 fragment flags/offset 0x%04x of ICMP", field),
                ipv4(s4, d4, ICMP, 64, 0, 79, field, icmp4(8, 0, 1, bytes(5, 11))), Expect.ANY, null);
        }
        add("ipv4 first fragment with a 4-byte transport header", ipv4(s4, d4, UDP, 64, 0, 80, 0x2000, bytes(4, 12)),
            Expect.ANY, null);
        add("ipv4 first fragment with no payload", ipv4(s4, d4, TCP, 64, 0, 81, 0x2000, new byte[0]), Expect.ANY, null);
        final int[] fragmentFields = {0x0001, 0x0008, 0x0009, 0xFFF8, 0xFFF9, 0x0000, 0x0006};
        for (final int field : fragmentFields)
        {
            add(String.format("ipv6 fragment header offset/M 0x%04x with 21 odd bytes", field),
                ipv6(s6, d6, 44, 64, 0, 0, concat(fragmentHeader(UDP, field, 0x1234), udp(s6, d6, 1, 2, data))),
                Expect.ANY, null);
            add(String.format("ipv6 fragment header offset/M 0x%04x of ICMPv6", field),
                ipv6(s6, d6, 44, 64, 0, 0, concat(fragmentHeader(ICMPV6, field, 0x1235), icmp6(s6, d6, 128, 0, 1,
                    data))),
                Expect.ANY, null);
        }
        add("ipv6 fragment header truncated to 4 bytes", ipv6(s6, d6, 44, 64, 0, 0, new byte[] {17, 0, 0, 1}),
            Expect.DROPPED, null);
        add("ipv6 fragment header only", ipv6(s6, d6, 44, 64, 0, 0, fragmentHeader(UDP, 0x0001, 1)),
            Expect.ANY, null);
        add("ipv6 fragment header inside a fragment header",
            ipv6(s6, d6, 44, 64, 0, 0, concat(fragmentHeader(44, 0x0001, 2), fragmentHeader(UDP, 0, 3), bytes(16, 13))),
            Expect.ANY, null);
        add("ipv6 fragment header after hop-by-hop, first fragment without transport header",
            ipv6(s6, d6, 0, 64, 0, 0, concat(extension(44, new byte[6]), fragmentHeader(TCP, 0x0001, 4), bytes(8, 14))),
            Expect.ANY, null);
    }

    private void icmpErrors()
    {
        // Errors travel back: d4 -> s4 quoting s4 -> d4; s6 -> d6 quoting d6 -> s6.
        final byte[] inner4 = ipv4(s4, d4, UDP, 63, 0, 5, 0, udp(s4, d4, 1000, 2000, bytes(20, 15)));
        final byte[] innerErr4 = ipv4(s4, d4, ICMP, 63, 0, 6, 0, icmp4(3, 3, 0, Arrays.copyOf(inner4, 28)));
        final byte[] innerErrErr4 = ipv4(s4, d4, ICMP, 63, 0, 7, 0, icmp4(11, 0, 0, Arrays.copyOf(innerErr4, 48)));
        final int[][] errors4 = {{3, 0}, {3, 1}, {3, 3}, {3, 4}, {3, 13}, {3, 15}, {3, 16}, {11, 0}, {11, 1}, {12, 0},
            {12, 1}, {12, 2}, {4, 0}, {5, 1}};
        for (final int[] tc : errors4)
        {
            final int rest = tc[0] == 3 && tc[1] == 4 ? 1400 : tc[0] == 12 ? 0x0C000000 : 0;
            add("icmp4 error " + tc[0] + "/" + tc[1] + " quoting udp", icmp4Packet(tc, rest, inner4),
                Expect.NO_ERROR_ABOUT_ERROR, null);
            add("icmp4 error " + tc[0] + "/" + tc[1] + " quoting an icmp4 error", icmp4Packet(tc, rest, innerErr4),
                Expect.NO_ERROR_ABOUT_ERROR, null);
            add("icmp4 error " + tc[0] + "/" + tc[1] + " quoting an error quoting an error",
                icmp4Packet(tc, rest, innerErrErr4), Expect.NO_ERROR_ABOUT_ERROR, null);
            add("icmp4 error " + tc[0] + "/" + tc[1] + " quoting 8 bytes", icmp4Packet(tc, rest, Arrays.copyOf(inner4,
                8)),
                Expect.NO_ERROR_ABOUT_ERROR, null);
            add("icmp4 error " + tc[0] + "/" + tc[1] + " quoting nothing", icmp4Packet(tc, rest, new byte[0]),
                Expect.NO_ERROR_ABOUT_ERROR, null);
        }
        final byte[][] badInner4 = {
            withByte(inner4, 0, 0x44), withByte(inner4, 0, 0x4F), withByte(inner4, 0, 0x65), with16(inner4, 2, 65535),
            with16(inner4, 2, 3), Arrays.copyOf(inner4, 20), Arrays.copyOf(inner4, 23), with16(inner4, 6, 0x2001),
            withByte(inner4, 9, 58), withByte(inner4, 9, 1),
        };
        for (int i = 0; i < badInner4.length; i++)
        {
            add("icmp4 unreachable quoting malformed inner #" + i, icmp4Packet(new int[] {3, 1}, 0, badInner4[i]),
                Expect.NO_ERROR_ABOUT_ERROR, null);
            add("icmp4 frag-needed quoting malformed inner #" + i, icmp4Packet(new int[] {3, 4}, 576, badInner4[i]),
                Expect.NO_ERROR_ABOUT_ERROR, null);
        }
        // RFC 4884 length attribute pointing past the end.
        add("icmp4 unreachable with RFC 4884 length beyond the packet", icmp4Packet(new int[] {3, 1}, 0x00FF0000,
            inner4),
            Expect.NO_ERROR_ABOUT_ERROR, null);

        final byte[] inner6 = ipv6(d6, s6, UDP, 63, 0, 0, udp(d6, s6, 2000, 1000, bytes(20, 16)));
        final byte[] innerErr6 = ipv6(d6, s6, ICMPV6, 63, 0, 0, icmp6(d6, s6, 1, 4, 0, Arrays.copyOf(inner6, 48)));
        final byte[] innerErrErr6 = ipv6(d6, s6, ICMPV6, 63, 0, 0, icmp6(d6, s6, 3, 0, 0, Arrays.copyOf(innerErr6,
            88)));
        final int[][] errors6 = {{1, 0}, {1, 1}, {1, 3}, {1, 4}, {1, 7}, {2, 0}, {3, 0}, {3, 1}, {4, 0}, {4, 1}, {4,
            2}};
        for (final int[] tc : errors6)
        {
            final int[] rests = tc[0] == 2 ? new int[] {0, 1, 1279, 1280, 0x7FFFFFFF, -1} :
                tc[0] == 4 ? new int[] {0, 6, 40, 1000, -1} : new int[] {0};
            for (final int rest : rests)
            {
                final String n = "icmp6 error " + tc[0] + "/" + tc[1] + " rest " + rest;
                add(n + " quoting udp", icmp6Packet(tc, rest, inner6), Expect.NO_ERROR_ABOUT_ERROR, null);
                add(n + " quoting an icmp6 error", icmp6Packet(tc, rest, innerErr6), Expect.NO_ERROR_ABOUT_ERROR, null);
                add(n + " quoting an error quoting an error", icmp6Packet(tc, rest, innerErrErr6),
                    Expect.NO_ERROR_ABOUT_ERROR, null);
                add(n + " quoting 8 bytes", icmp6Packet(tc, rest, Arrays.copyOf(inner6, 8)),
                    Expect.NO_ERROR_ABOUT_ERROR, null);
                add(n + " quoting nothing", icmp6Packet(tc, rest, new byte[0]), Expect.NO_ERROR_ABOUT_ERROR, null);
            }
        }
        final byte[][] badInner6 = {
            withByte(inner6, 0, 0x40), with16(inner6, 4, 65535), with16(inner6, 4, 0), Arrays.copyOf(inner6, 40),
            Arrays.copyOf(inner6, 43), withByte(inner6, 6, 44), withByte(inner6, 6, 0), withByte(inner6, 6, 58),
        };
        for (int i = 0; i < badInner6.length; i++)
        {
            add("icmp6 unreachable quoting malformed inner #" + i, icmp6Packet(new int[] {1, 3}, 0, badInner6[i]),
                Expect.NO_ERROR_ABOUT_ERROR, null);
            add("icmp6 packet-too-big quoting malformed inner #" + i, icmp6Packet(new int[] {2, 0}, 1280, badInner6[i]),
                Expect.NO_ERROR_ABOUT_ERROR, null);
        }
    }

    private void icmpUntranslatable()
    {
        // RFC 7915 s.4.2 and s.5.2: single-hop and obsolete types are silently dropped.
        for (final int type : new int[] {6, 9, 10, 13, 14, 15, 16, 17, 18, 19, 30, 37, 40, 41, 42, 43, 253, 255})
        {
            add("icmp4 type " + type, ipv4(s4, d4, ICMP, 64, 0, 8, 0, icmp4(type, 0, 0, bytes(12, type))),
                Expect.DROPPED, null);
        }
        for (final int type : new int[] {130, 131, 132, 133, 134, 135, 136, 137, 138, 139, 140, 141, 142, 143, 200,
            255})
        {
            add("icmp6 type " + type, ipv6(s6, d6, ICMPV6, 64, 0, 0, icmp6(s6, d6, type, 0, 0, bytes(24, type))),
                Expect.DROPPED, null);
        }
        add("icmp4 echo with code 7", ipv4(s4, d4, ICMP, 64, 0, 9, 0, icmp4(8, 7, 1, bytes(8, 17))), Expect.ANY, null);
        add("icmp6 echo with code 9", ipv6(s6, d6, ICMPV6, 64, 0, 0, icmp6(s6, d6, 128, 9, 1, bytes(8, 18))),
            Expect.ANY, null);
        add("icmp4 echo with a wrong checksum", ipv4(s4, d4, ICMP, 64, 0, 10, 0,
            withByte(icmp4(8, 0, 1, bytes(8, 19)), 3, 0)), Expect.ANY, null);
        add("icmp6 echo with a wrong checksum", ipv6(s6, d6, ICMPV6, 64, 0, 0,
            withByte(icmp6(s6, d6, 128, 0, 1, bytes(8, 20)), 3, 0)), Expect.ANY, null);
    }

    private void unknownProtocols()
    {
        for (final int proto : new int[] {0, 2, 4, 41, 43, 44, 47, 50, 51, 58, 59, 60, 132, 135, 136, 139, 143, 253,
            254, 255})
        {
            add("ipv4 protocol " + proto, ipv4(s4, d4, proto, 64, 0, 11, 0, bytes(24, proto)), Expect.ANY, null);
            add("ipv4 protocol " + proto + " with no payload", ipv4(s4, d4, proto, 64, 0, 12, 0, new byte[0]),
                Expect.ANY, null);
        }
        for (final int next : new int[] {2, 4, 41, 47, 50, 51, 59, 132, 135, 136, 139, 140, 143, 253, 254, 255})
        {
            add("ipv6 next header " + next, ipv6(s6, d6, next, 64, 0, 0, bytes(24, next)), Expect.ANY, null);
            add("ipv6 hop-by-hop then next header " + next,
                ipv6(s6, d6, 0, 64, 0, 0, concat(extension(next, new byte[6]), bytes(16, next))), Expect.ANY, null);
        }
    }

    private void options()
    {
        final byte[] udpPacket = validIpv4().get(0);
        final byte[][] optionSets = {
            {7, 0, 0, 0}, {0x44, 0, 0, 0}, {(byte)0x94, 0, 0, 0}, {7, 1, 0, 0}, {7, 40, 0, 0}, {7, (byte)255, 0, 0},
            {0, 7, 0, 0}, {1, 1, 1, 1, 1, 1, 1, 1}, {(byte)0x82, 11, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
            {0x44, 12, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0}, {(byte)0xFF, 2, 0, 0},
        };
        for (final byte[] options : optionSets)
        {
            add("ipv4 options " + TestPackets.hex(options), withIpv4Options(udpPacket, options), Expect.ANY, null);
        }
        final byte[] nops = new byte[40];
        Arrays.fill(nops, (byte)1);
        add("ipv4 with 40 bytes of NOP options", withIpv4Options(udpPacket, nops), Expect.ANY, null);
        // RFC 7915 s.4.1 wants an unexhausted source route answered (3/5), never translated; LSRR 0x83, SSRR 0x89.
        for (final int type : new int[] {0x83, 0x89})
        {
            final byte[] route = {(byte)type, 7, 4, (byte)198, 51, 100, 9, 0};
            add(String.format("ipv4 unexhausted source route 0x%02x", type), withIpv4Options(udpPacket, route),
                Expect.NOT_FORWARDED, Outcome.ICMPV4_ERROR_SENT);
            final byte[] zero = {(byte)type, 0, 0, 0};
            add(String.format("ipv4 source route 0x%02x of length zero", type), withIpv4Options(udpPacket, zero),
                Expect.ANY, null);
        }
        final byte[] inner = udp(s6, d6, 1000, 2000, bytes(16, 21));
        final byte[][] optionBodies = {
            {1, 0, 0, 0, 0, 0}, {0, 0, 0, 0, 0, 0}, {1, 4, 0, 0, 0, 0}, {1, 5, 0, 0, 0, 0}, {1, (byte)255, 0, 0, 0, 0},
            {(byte)0x80, 0, 1, 2, 0, 0}, {(byte)0xC0, 0, 1, 0, 0, 0}, {(byte)0xC2, 4, 0, 1, 0, 0}, {5, 2, 0, 0, 1, 0},
            {(byte)0x3E, 0, 1, 0, 0, 0},
        };
        for (final byte[] body : optionBodies)
        {
            add("ipv6 hop-by-hop options " + TestPackets.hex(body),
                ipv6(s6, d6, 0, 64, 0, 0, concat(extension(UDP, body), inner)), Expect.ANY, null);
            add("ipv6 destination options " + TestPackets.hex(body),
                ipv6(s6, d6, 60, 64, 0, 0, concat(extension(UDP, body), inner)), Expect.ANY, null);
        }
        final byte[] jumbo = ipv6(s6, d6, 0, 64, 0, 0, concat(extension(UDP, new byte[] {(byte)0xC2, 4, 0, 0, 0, 48}),
            inner));
        put16(jumbo, 4, 0);
        add("ipv6 jumbogram (payload length 0, jumbo option)", jumbo, Expect.DROPPED, null);
    }

    private void extensionHeaders()
    {
        final byte[] inner = udp(s6, d6, 1000, 2000, bytes(16, 22));
        add("ipv6 hop-by-hop length byte pointing past the end",
            ipv6(s6, d6, 0, 64, 0, 0, concat(new byte[] {17, 9, 1, 4, 0, 0, 0, 0}, inner)), Expect.DROPPED, null);
        add("ipv6 hop-by-hop cut at 5 bytes", ipv6(s6, d6, 0, 64, 0, 0, new byte[] {17, 0, 1, 0, 0}), Expect.DROPPED,
            null);
        add("ipv6 routing type 0, segments left 1",
            ipv6(s6, d6, 43, 64, 0, 0, concat(new byte[] {17, 2, 0, 1, 0, 0, 0, 0}, new byte[16], inner)),
            Expect.NOT_FORWARDED, null);
        add("ipv6 routing type 4 (SRH), segments left 0",
            ipv6(s6, d6, 43, 64, 0, 0, concat(new byte[] {17, 2, 4, 0, 0, 0, 0, 0}, new byte[16], inner)),
            Expect.ANY, null);
        add("ipv6 routing header of length 0, segments left 0",
            ipv6(s6, d6, 43, 64, 0, 0, concat(new byte[] {17, 0, 0, 0, 0, 0, 0, 0}, inner)), Expect.ANY, null);
        add("ipv6 hop-by-hop not first", ipv6(s6, d6, 60, 64, 0, 0,
            concat(extension(0, new byte[6]), extension(UDP, new byte[6]), inner)), Expect.ANY, null);
        for (final int depth : new int[] {2, 16, 100, 1000})
        {
            final byte[][] chain = new byte[depth + 1][];
            for (int i = 0; i < depth; i++)
            {
                chain[i] = extension(i == depth - 1 ? UDP : 60, new byte[6]);
            }
            chain[depth] = inner;
            add("ipv6 chain of " + depth + " extension headers", ipv6(s6, d6, 60, 64, 0, 0, concat(chain)),
                Expect.ANY, null);
        }
        final byte[][] endless = new byte[200][];
        for (int i = 0; i < endless.length; i++)
        {
            endless[i] = extension(60, new byte[6]);
        }
        add("ipv6 extension header chain that never ends", ipv6(s6, d6, 60, 64, 0, 0, concat(endless)),
            Expect.DROPPED, null);
    }

    private void addresses()
    {
        final byte[] udpData = bytes(8, 23);
        for (final String src : new String[] {"::", "::1", "fe80::1", "ff02::1", "2001:db8:ffff::1", "64:ff9b::a00:1"})
        {
            add("ipv6 from " + src, ipv6(src, d6, UDP, 64, 0, 0, udp(src, d6, 1, 2, udpData)), Expect.ANY, null);
            add("ipv6 to " + src, ipv6(s6, src, UDP, 64, 0, 0, udp(s6, src, 1, 2, udpData)), Expect.ANY, null);
        }
        for (final String a : new String[] {"0.0.0.0", "127.0.0.1", "10.0.0.1", "169.254.1.1", "224.0.0.1",
            "255.255.255.255"})
        {
            add("ipv4 from " + a, ipv4(a, d4, UDP, 64, 0, 13, 0, udp(a, d4, 1, 2, udpData)), Expect.ANY, null);
            add("ipv4 to " + a, ipv4(s4, a, UDP, 64, 0, 14, 0, udp(s4, a, 1, 2, udpData)), Expect.ANY, null);
        }
    }

    private void sizeExtremes()
    {
        add("ipv4 of 65535 bytes", ipv4(s4, d4, UDP, 64, 0, 15, 0, udp(s4, d4, 1, 2, bytes(65535 - 28, 24))),
            Expect.ANY, null);
        add("ipv4 of 65535 bytes, DF", ipv4(s4, d4, UDP, 64, 0, 16, 0x4000, udp(s4, d4, 1, 2, bytes(65535 - 28, 25))),
            Expect.ANY, null);
        add("ipv6 of 65575 bytes (largest payload length)",
            ipv6(s6, d6, UDP, 64, 0, 0, udp(s6, d6, 1, 2, bytes(65535 - 8, 26))), Expect.ANY, null);
        add("ipv6 of 65575 bytes with an 8-byte extension header",
            ipv6(s6, d6, 60, 64, 0, 0, concat(extension(UDP, new byte[6]), udp(s6, d6, 1, 2, bytes(65535 - 16, 27)))),
            Expect.ANY, null);
        add("ipv6 of 1500 bytes", ipv6(s6, d6, UDP, 64, 0, 0, udp(s6, d6, 1, 2, bytes(1452, 28))), Expect.ANY, null);
        add("ipv4 of 1500 bytes, DF", ipv4(s4, d4, UDP, 64, 0, 17, 0x4000, udp(s4, d4, 1, 2, bytes(1472, 29))),
            Expect.ANY, null);
    }

    private byte[] icmp4Packet(final int[] typeCode, final int rest, final byte[] quoted)
    {
        return ipv4(d4, s4, ICMP, 64, 0, 18, 0, icmp4(typeCode[0], typeCode[1], rest, quoted));
    }

    private byte[] icmp6Packet(final int[] typeCode, final int rest, final byte[] quoted)
    {
        return ipv6(s6, d6, ICMPV6, 64, 0, 0, icmp6(s6, d6, typeCode[0], typeCode[1], rest, quoted));
    }

    private void add(final String name, final byte[] packet, final Expect expect, final Outcome exactly)
    {
        cases.add(new Case(name, packet, expect, exactly));
    }

    /** An 8-byte-multiple extension header (hop-by-hop, destination options) with the given 6+8n byte body. */
    static byte[] extension(final int nextHeader, final byte[] body)
    {
        final int length = 2 + body.length;
        if (length % 8 != 0)
        {
            throw new IllegalArgumentException("extension headers are multiples of 8 bytes");
        }
        return concat(new byte[] {(byte)nextHeader, (byte)(length / 8 - 1)}, body);
    }

    static byte[] fragmentHeader(final int nextHeader, final int offsetAndFlags, final int identification)
    {
        return ByteBuffer.allocate(8).put((byte)nextHeader).put((byte)0).putShort((short)offsetAndFlags)
            .putInt(identification).array();
    }

    /** Inserts options (padded to 4 bytes by the caller) after the 20-byte header and fixes IHL, length, checksum. */
    static byte[] withIpv4Options(final byte[] packet, final byte[] options)
    {
        final byte[] out = concat(Arrays.copyOf(packet, 20), options, Arrays.copyOfRange(packet, 20, packet.length));
        out[0] = (byte)(0x40 | ((20 + options.length) / 4));
        put16(out, 2, out.length);
        fixIpv4Checksum(out);
        return out;
    }

    /** Recomputes the IPv4 header checksum over the IHL (or what is there of it). */
    static void fixIpv4Checksum(final byte[] p)
    {
        if (p.length < 12)
        {
            return;
        }
        final int ihl = Math.min(Math.max((p[0] & 0x0F) * 4, 20), p.length);
        p[10] = 0;
        p[11] = 0;
        final int c = TestPackets.checksum(Arrays.copyOf(p, ihl));
        p[10] = (byte)(c >> 8);
        p[11] = (byte)c;
    }

    static void put16(final byte[] p, final int at, final int value)
    {
        p[at] = (byte)(value >> 8);
        p[at + 1] = (byte)value;
    }

    private static byte[] withByte(final byte[] p, final int at, final int value)
    {
        final byte[] q = p.clone();
        q[at] = (byte)value;
        return q;
    }

    private static byte[] with16(final byte[] p, final int at, final int value)
    {
        final byte[] q = p.clone();
        put16(q, at, value);
        return q;
    }

    private static List<byte[]> concatLists(final List<byte[]> a, final List<byte[]> b)
    {
        final List<byte[]> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
