package dev.xlat64.dns64;

import org.agrona.DirectBuffer;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * A native {@code struct sockaddr_in} / {@code sockaddr_in6} (Linux: family in host order, port and address in network
 * order, then the IPv6 scope id) as recvmmsg(2) fills it for {@link UdpBatch}.
 */
final class SockAddr
{
    /** sizeof(struct sockaddr_in6), the larger of the two. */
    static final int SIZE = 28;
    static final int AF_INET = 2;
    static final int AF_INET6 = 10;

    private SockAddr()
    {
    }

    /**
     * The address bytes of the sockaddr at {@code at} into {@code out} (16 bytes long at least); their count (4 or 16),
     * or 0 for another family. Allocates nothing.
     */
    static int address(final DirectBuffer b, final int at, final byte[] out)
    {
        final int family = b.getShort(at) & 0xffff;
        if (family == AF_INET)
        {
            b.getBytes(at + 4, out, 0, 4);
            return 4;
        }
        if (family == AF_INET6)
        {
            b.getBytes(at + 8, out, 0, 16);
            return 16;
        }
        return 0;
    }

    /**
     * The sockaddr at {@code at} as the JDK would report it (an IPv4-mapped IPv6 sender as an Inet4Address, a scoped
     * one with its scope id), or null for another family. Allocates: the full path only.
     */
    static InetSocketAddress toInet(final DirectBuffer b, final int at)
    {
        final byte[] raw = new byte[16];
        final int length = address(b, at, raw);
        if (length == 0)
        {
            return null;
        }
        final int port = ((b.getByte(at + 2) & 0xff) << 8) | (b.getByte(at + 3) & 0xff);
        try
        {
            final byte[] bytes = length == 4 ? java.util.Arrays.copyOf(raw, 4) : raw;
            final int scope = length == 16 ? b.getInt(at + 24) : 0;
            final InetAddress address = scope != 0 && !mapped(bytes) ? Inet6Address.getByAddress(null, bytes, scope) :
                InetAddress.getByAddress(bytes);
            return new InetSocketAddress(address, port);
        }
        catch (final UnknownHostException ex)
        {
            return null; // not for 4 or 16 bytes
        }
    }

    private static boolean mapped(final byte[] a)
    {
        for (int i = 0; i < 10; i++)
        {
            if (a[i] != 0)
            {
                return false;
            }
        }
        return a[10] == (byte)0xff && a[11] == (byte)0xff;
    }
}
