package dev.xlat64.service;

import dev.xlat64.addr.Addresses;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads the kernel's routes from {@code /proc/net/route} (IPv4, main table) and {@code /proc/net/ipv6_route} to tell
 * whether a prefix already has a home: a non-default, non-reject route through some other device than ours.
 */
final class KernelRoutes
{
    private static final int RTF_REJECT = 0x0200;
    private static final int RTF_LOCAL = 0x80000000;

    private KernelRoutes()
    {
    }

    /** True when a route other than the default, a reject route or one through {@code device} covers {@code prefix}. */
    static boolean coveredElsewhere(final String prefix, final String device)
    {
        final int slash = prefix.indexOf('/');
        final String address = slash < 0 ? prefix : prefix.substring(0, slash);
        try
        {
            if (address.indexOf(':') < 0)
            {
                final int length = slash < 0 ? 32 : Integer.parseInt(prefix.substring(slash + 1));
                return covered4(Files.readAllLines(Path.of("/proc/net/route")), Addresses.parse4(address), length,
                    device);
            }
            final int length = slash < 0 ? 128 : Integer.parseInt(prefix.substring(slash + 1));
            return covered6(Files.readAllLines(Path.of("/proc/net/ipv6_route")), Addresses.parse6(address), length,
                device);
        }
        catch (final IOException ex)
        {
            return false;
        }
    }

    static boolean covered4(final List<String> lines, final int address, final int length, final String device)
    {
        for (final String line : lines.subList(Math.min(1, lines.size()), lines.size()))
        {
            final String[] f = line.trim().split("\\s+");
            if (f.length < 8 || f[0].equals(device) || f[0].equals("lo"))
            {
                continue;
            }
            final int flags = Integer.parseInt(f[3], 16);
            // The fields are the network-order words printed as host-order hex.
            final int destination = host((int)Long.parseLong(f[1], 16));
            final int mask = host((int)Long.parseLong(f[7], 16));
            final int maskLength = Integer.bitCount(mask);
            if ((flags & RTF_REJECT) == 0 && maskLength > 0 && maskLength <= length && (address & mask) == destination)
            {
                return true;
            }
        }
        return false;
    }

    static boolean covered6(final List<String> lines, final byte[] address, final int length, final String device)
    {
        for (final String line : lines)
        {
            final String[] f = line.trim().split("\\s+");
            if (f.length < 10 || f[9].equals(device) || f[9].equals("lo"))
            {
                continue;
            }
            final int routeLength = Integer.parseInt(f[1], 16);
            final int flags = (int)Long.parseLong(f[8], 16);
            if (routeLength == 0 || routeLength > length || (flags & (RTF_REJECT | RTF_LOCAL)) != 0)
            {
                continue;
            }
            final byte[] destination = new byte[16];
            for (int i = 0; i < 16; i++)
            {
                destination[i] = (byte)Integer.parseInt(f[0].substring(2 * i, 2 * i + 2), 16);
            }
            if (samePrefix(address, destination, routeLength))
            {
                return true;
            }
        }
        return false;
    }

    private static boolean samePrefix(final byte[] a, final byte[] b, final int bits)
    {
        for (int i = 0; i < bits; i++)
        {
            final int mask = 0x80 >>> (i & 7);
            if ((a[i >> 3] & mask) != (b[i >> 3] & mask))
            {
                return false;
            }
        }
        return true;
    }

    private static int host(final int printed)
    {
        return ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN ? Integer.reverseBytes(printed) : printed;
    }
}
