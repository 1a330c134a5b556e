package dev.xlat64.reliability;

import dev.xlat64.testing.TestPackets;

import java.util.Arrays;

/**
 * Turns fuzzer bytes into a packet that gets past the checks random bytes rarely pass (version, lengths, addresses,
 * checksums), per the mode bits documented on {@link EngineFuzzTest}. Deterministic, so every finding replays.
 */
final class FuzzShaping
{
    static final int VERSION = 0x01;
    static final int VERSION_IS_6 = 0x02;
    static final int LENGTHS = 0x04;
    static final int ADDRESSES = 0x08;
    static final int HEADER_CHECKSUM = 0x10;
    static final int TRANSPORT_CHECKSUM = 0x20;

    private static final byte[][] V4_ADDRESSES = {
        TestPackets.addr("192.0.2.33"), TestPackets.addr("198.51.100.7"), TestPackets.addr("192.0.2.2"),
        TestPackets.addr("203.0.113.5"), TestPackets.addr("10.1.2.3"), TestPackets.addr("198.51.100.255"),
    };
    private static final byte[][] V6_ADDRESSES = {
        TestPackets.addr("2001:db8:6::7"), TestPackets.addr("2001:db8:64::c000:221"), TestPackets.addr("2001:db8:1::2"),
        TestPackets.addr("64:ff9b::c633:6407"), TestPackets.addr("64:ff9b::a01:203"),
            TestPackets.addr("2001:db8:6::ff"),
    };

    private FuzzShaping()
    {
    }

    static byte[] shape(final int mode, final byte[] input, final int from)
    {
        final byte[] p = Arrays.copyOfRange(input, from, Math.min(input.length, from + CheckedEngine.MAX_INPUT));
        if (p.length == 0 || mode == 0)
        {
            return p;
        }
        if ((mode & VERSION) != 0)
        {
            p[0] = (byte)(((mode & VERSION_IS_6) != 0 ? 0x60 : 0x40) | (p[0] & 0x0F));
        }
        final int version = (p[0] & 0xF0) >>> 4;
        if (version == 4 && p.length >= 20)
        {
            shapeIpv4(mode, p);
        }
        else if (version == 6 && p.length >= 40)
        {
            shapeIpv6(mode, p);
        }
        return p;
    }

    private static void shapeIpv4(final int mode, final byte[] p)
    {
        if ((mode & LENGTHS) != 0)
        {
            final int ihl = Math.max(5, p[0] & 0x0F);
            p[0] = (byte)(0x40 | (ihl * 4 <= p.length ? ihl : 5));
            MalformedCorpus.put16(p, 2, Math.min(p.length, 0xFFFF));
        }
        if ((mode & ADDRESSES) != 0)
        {
            // Picked by bytes 12 and 16 themselves, so the fuzzer still steers which pair it gets.
            final byte[] s = V4_ADDRESSES[(p[12] & 0xFF) % V4_ADDRESSES.length];
            final byte[] d = V4_ADDRESSES[(p[16] & 0xFF) % V4_ADDRESSES.length];
            System.arraycopy(s, 0, p, 12, 4);
            System.arraycopy(d, 0, p, 16, 4);
        }
        final int ihl = (p[0] & 0x0F) * 4;
        final int total = PacketOracle.u16(p, 2);
        if ((mode & TRANSPORT_CHECKSUM) != 0 && ihl >= 20 && total <= p.length && total >= ihl)
        {
            final int protocol = p[9] & 0xFF;
            final byte[] pseudo = protocol == PacketOracle.ICMP ? new byte[0] : new byte[] {
                p[12], p[13], p[14], p[15], p[16], p[17], p[18], p[19], 0, (byte)protocol,
                (byte)((total - ihl) >> 8), (byte)(total - ihl)};
            fixTransport(p, ihl, total - ihl, protocol, pseudo);
        }
        if ((mode & HEADER_CHECKSUM) != 0)
        {
            MalformedCorpus.fixIpv4Checksum(p);
        }
    }

    private static void shapeIpv6(final int mode, final byte[] p)
    {
        if ((mode & LENGTHS) != 0)
        {
            MalformedCorpus.put16(p, 4, Math.min(p.length - 40, 0xFFFF));
        }
        if ((mode & ADDRESSES) != 0)
        {
            final byte[] s = V6_ADDRESSES[(p[23] & 0xFF) % V6_ADDRESSES.length];
            final byte[] d = V6_ADDRESSES[(p[39] & 0xFF) % V6_ADDRESSES.length];
            System.arraycopy(s, 0, p, 8, 16);
            System.arraycopy(d, 0, p, 24, 16);
        }
        final int payload = PacketOracle.u16(p, 4);
        if ((mode & TRANSPORT_CHECKSUM) != 0 && 40 + payload <= p.length)
        {
            final int next = p[6] & 0xFF;
            final byte[] pseudo = new byte[40];
            System.arraycopy(p, 8, pseudo, 0, 32);
            pseudo[34] = (byte)(payload >> 8);
            pseudo[35] = (byte)payload;
            pseudo[39] = (byte)next;
            fixTransport(p, 40, payload, next, pseudo);
        }
    }

    private static void fixTransport(final byte[] p, final int l4, final int length, final int protocol,
        final byte[] pseudo)
    {
        final int at = protocol == PacketOracle.TCP ? 16 : protocol == PacketOracle.UDP ? 6 :
            protocol == PacketOracle.ICMP || protocol == PacketOracle.ICMPV6 ? 2 : -1;
        if (at < 0 || length < at + 2)
        {
            return;
        }
        p[l4 + at] = 0;
        p[l4 + at + 1] = 0;
        int c = TestPackets.checksum(pseudo, Arrays.copyOfRange(p, l4, l4 + length));
        if (c == 0 && protocol == PacketOracle.UDP)
        {
            c = 0xFFFF;
        }
        p[l4 + at] = (byte)(c >> 8);
        p[l4 + at + 1] = (byte)c;
    }
}
