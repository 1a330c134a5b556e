package dev.xlat64.testing;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;

/**
 * Test-only packet builder. Builds packets field by field from the RFCs' layouts with its own naive RFC 1071 checksum,
 * so expected packets never come from the code under test.
 */
public final class TestPackets
{
    public static final int TCP = 6;
    public static final int UDP = 17;
    public static final int ICMP = 1;
    public static final int ICMPV6 = 58;
    public static final int IPV6_IN_IPV4 = 41;
    public static final int DF = 0x4000;
    public static final int MF = 0x2000;

    private TestPackets()
    {
    }

    public static byte[] addr(final String literal)
    {
        try
        {
            final byte[] a = InetAddress.getByName(literal).getAddress();
            return a;
        }
        catch (final UnknownHostException ex)
        {
            throw new IllegalArgumentException(ex);
        }
    }

    /** RFC 1071, the slow obvious way: sum of 16-bit words, end-around carry, complement. */
    public static int checksum(final byte[]... parts)
    {
        final ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (final byte[] p : parts)
        {
            all.writeBytes(p);
        }
        final byte[] b = all.toByteArray();
        long sum = 0;
        for (int i = 0; i < b.length; i += 2)
        {
            final int hi = b[i] & 0xff;
            final int lo = i + 1 < b.length ? b[i + 1] & 0xff : 0;
            sum += (hi << 8) | lo;
        }
        while ((sum >> 16) != 0)
        {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        return (int)(~sum & 0xffff);
    }

    public static byte[] ipv4Header(
        final String src, final String dst, final int protocol, final int ttl, final int tos, final int id,
        final int flagsFrag, final int payloadLength)
    {
        final ByteBuffer h = ByteBuffer.allocate(20);
        h.put((byte)0x45).put((byte)tos).putShort((short)(20 + payloadLength)).putShort((short)id)
            .putShort((short)flagsFrag).put((byte)ttl).put((byte)protocol).putShort((short)0)
            .put(addr(src)).put(addr(dst));
        final byte[] bytes = h.array();
        final int c = checksum(bytes);
        bytes[10] = (byte)(c >> 8);
        bytes[11] = (byte)c;
        return bytes;
    }

    /** An IPv4 header with options (padded by the caller to a multiple of 4 bytes) and a payload. */
    public static byte[] ipv4WithOptions(
        final String src, final String dst, final int protocol, final int ttl, final int id, final int flagsFrag,
        final byte[] options, final byte[] payload)
    {
        final int headerLength = 20 + options.length;
        final ByteBuffer h = ByteBuffer.allocate(headerLength);
        h.put((byte)(0x40 | (headerLength / 4))).put((byte)0).putShort((short)(headerLength + payload.length))
            .putShort((short)id).putShort((short)flagsFrag).put((byte)ttl).put((byte)protocol).putShort((short)0)
            .put(addr(src)).put(addr(dst)).put(options);
        final byte[] bytes = h.array();
        final int c = checksum(bytes);
        bytes[10] = (byte)(c >> 8);
        bytes[11] = (byte)c;
        return concat(bytes, payload);
    }

    /** RFC 8200 s.4.5 Fragment Header: next header, offset in 8-byte units, M flag, 32-bit identification. */
    public static byte[] fragmentHeader(final int nextHeader, final int offsetUnits, final boolean more, final int id)
    {
        return ByteBuffer.allocate(8).put((byte)nextHeader).put((byte)0)
            .putShort((short)((offsetUnits << 3) | (more ? 1 : 0))).putInt(id).array();
    }

    /** Bytes {@code from} (inclusive) to {@code to} (exclusive) of {@code b}. */
    public static byte[] slice(final byte[] b, final int from, final int to)
    {
        return java.util.Arrays.copyOfRange(b, from, to);
    }

    /** {@code b} zero-padded (or cut) to {@code length} bytes. */
    public static byte[] pad(final byte[] b, final int length)
    {
        return java.util.Arrays.copyOf(b, length);
    }

    public static byte[] ipv4(
        final String src, final String dst, final int protocol, final int ttl, final int tos, final int id,
        final int flagsFrag, final byte[] payload)
    {
        return concat(ipv4Header(src, dst, protocol, ttl, tos, id, flagsFrag, payload.length), payload);
    }

    public static byte[] ipv6(
        final String src, final String dst, final int nextHeader, final int hopLimit, final int trafficClass,
        final int flowLabel, final byte[] payload)
    {
        final ByteBuffer h = ByteBuffer.allocate(40 + payload.length);
        h.putInt((6 << 28) | (trafficClass << 20) | flowLabel).putShort((short)payload.length).put((byte)nextHeader)
            .put((byte)hopLimit).put(addr(src)).put(addr(dst)).put(payload);
        return h.array();
    }

    private static byte[] pseudo4(final String src, final String dst, final int protocol, final int length)
    {
        return ByteBuffer.allocate(12).put(addr(src)).put(addr(dst)).put((byte)0).put((byte)protocol)
            .putShort((short)length).array();
    }

    private static byte[] pseudo6(final String src, final String dst, final int nextHeader, final int length)
    {
        return ByteBuffer.allocate(40).put(addr(src)).put(addr(dst)).putInt(length).putInt(nextHeader).array();
    }

    /** A UDP datagram with the checksum computed over the pseudo-header of the given family (v6 if src has ':'). */
    public static byte[] udp(final String src, final String dst, final int sport, final int dport, final byte[] data)
    {
        final byte[] u = ByteBuffer.allocate(8 + data.length).putShort((short)sport).putShort((short)dport)
            .putShort((short)(8 + data.length)).putShort((short)0).put(data).array();
        int c = checksum(pseudo(src, dst, UDP, u.length), u);
        if (c == 0)
        {
            c = 0xffff;
        }
        u[6] = (byte)(c >> 8);
        u[7] = (byte)c;
        return u;
    }

    /** A UDP datagram with checksum zero ("none", IPv4 only). */
    public static byte[] udpNoChecksum(final int sport, final int dport, final byte[] data)
    {
        return ByteBuffer.allocate(8 + data.length).putShort((short)sport).putShort((short)dport)
            .putShort((short)(8 + data.length)).putShort((short)0).put(data).array();
    }

    /** A 20-byte TCP header (flags as given, window 65535) plus data, checksum over the family's pseudo-header. */
    public static byte[] tcp(
        final String src, final String dst, final int sport, final int dport, final long seq, final long ack,
        final int flags, final byte[] data)
    {
        final byte[] t = ByteBuffer.allocate(20 + data.length).putShort((short)sport).putShort((short)dport)
            .putInt((int)seq).putInt((int)ack).put((byte)(5 << 4)).put((byte)flags).putShort((short)0xffff)
            .putShort((short)0).putShort((short)0).put(data).array();
        final int c = checksum(pseudo(src, dst, TCP, t.length), t);
        t[16] = (byte)(c >> 8);
        t[17] = (byte)c;
        return t;
    }

    /** ICMPv4 message: type, code, 4 bytes of rest, body; checksum over the message only. */
    public static byte[] icmp4(final int type, final int code, final int rest, final byte[] body)
    {
        final byte[] m = ByteBuffer.allocate(8 + body.length).put((byte)type).put((byte)code).putShort((short)0)
            .putInt(rest).put(body).array();
        final int c = checksum(m);
        m[2] = (byte)(c >> 8);
        m[3] = (byte)c;
        return m;
    }

    /** ICMPv6 message: checksum over the IPv6 pseudo-header and the message. */
    public static byte[] icmp6(
        final String src, final String dst, final int type, final int code, final int rest, final byte[] body)
    {
        final byte[] m = ByteBuffer.allocate(8 + body.length).put((byte)type).put((byte)code).putShort((short)0)
            .putInt(rest).put(body).array();
        final int c = checksum(pseudo6(src, dst, ICMPV6, m.length), m);
        m[2] = (byte)(c >> 8);
        m[3] = (byte)c;
        return m;
    }

    private static byte[] pseudo(final String src, final String dst, final int protocol, final int length)
    {
        return src.indexOf(':') >= 0 ? pseudo6(src, dst, protocol, length) : pseudo4(src, dst, protocol, length);
    }

    /** RFC 4213 s.3.5 / RFC 5969: an IPv6 packet in IPv4 (protocol 41), DF set, identification 0. */
    public static byte[] sixInFour(final String src, final String dst, final int ttl, final int tos, final byte[] inner)
    {
        return ipv4(src, dst, IPV6_IN_IPV4, ttl, tos, 0, DF, inner);
    }

    /** The first {@code n} bytes of {@code b}. */
    public static byte[] head(final byte[] b, final int n)
    {
        return java.util.Arrays.copyOf(b, Math.min(n, b.length));
    }

    /** A copy of {@code packet} with byte {@code index} set to {@code value} (e.g. an IPv6 hop limit). */
    public static byte[] with(final byte[] packet, final int index, final int value)
    {
        final byte[] copy = packet.clone();
        copy[index] = (byte)value;
        return copy;
    }

    public static byte[] concat(final byte[]... parts)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (final byte[] p : parts)
        {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    public static byte[] bytes(final int n, final int seed)
    {
        final byte[] b = new byte[n];
        for (int i = 0; i < n; i++)
        {
            b[i] = (byte)(i * 31 + seed);
        }
        return b;
    }

    public static String hex(final byte[] b)
    {
        final StringBuilder sb = new StringBuilder();
        for (int i = 0; i < b.length; i++)
        {
            if (i > 0 && i % 4 == 0)
            {
                sb.append(i % 16 == 0 ? '\n' : ' ');
            }
            sb.append(String.format("%02x", b[i] & 0xff));
        }
        return sb.toString();
    }
}
