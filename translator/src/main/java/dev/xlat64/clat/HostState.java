package dev.xlat64.clat;

import dev.xlat64.addr.Addresses;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What the CLAT reads about the host from {@code /proc}: the uplink (the device of the IPv6 default route), its
 * global addresses and IPv6 MTU, and whether a native IPv4 default route exists. Read only, at start and on each
 * discovery tick; never on the packet path.
 */
public final class HostState
{
    /** /proc/net/if_inet6 flags: temporary (RFC 8981), deprecated, tentative, DAD failed. */
    private static final int IFA_F_TEMPORARY = 0x01;
    private static final int IFA_F_DADFAILED = 0x08;
    private static final int IFA_F_DEPRECATED = 0x20;
    private static final int IFA_F_TENTATIVE = 0x40;

    private HostState()
    {
    }

    /** The device of the IPv6 default route (e.g. learned from an RA), or null when there is none. */
    public static String ipv6DefaultDevice() throws IOException
    {
        return ipv6DefaultDevice(Files.readAllLines(Path.of("/proc/net/ipv6_route")));
    }

    static String ipv6DefaultDevice(final List<String> lines)
    {
        for (final String line : lines)
        {
            final String[] f = line.trim().split("\\s+");
            if (f.length >= 10 && f[0].equals("00000000000000000000000000000000") && f[1].equals("00")
                && !f[9].equals("lo") && Long.parseLong(f[8], 16) != 0x200 /* RTF_REJECT */)
            {
                return f[9];
            }
        }
        return null;
    }

    /** A usable global /64 address of {@code device} (not temporary, deprecated, tentative), or null. */
    public static byte[] global64(final String device) throws IOException
    {
        return global64(Files.readAllLines(Path.of("/proc/net/if_inet6")), device);
    }

    static byte[] global64(final List<String> lines, final String device)
    {
        for (final String line : lines)
        {
            // address, ifindex, prefix length, scope, flags, name (all hex but the name)
            final String[] f = line.trim().split("\\s+");
            if (f.length < 6 || !f[5].equals(device)
                || Integer.parseInt(f[2], 16) != 64 || Integer.parseInt(f[3], 16) != 0)
            {
                continue;
            }
            final int flags = Integer.parseInt(f[4], 16);
            if ((flags & (IFA_F_TEMPORARY | IFA_F_DADFAILED | IFA_F_DEPRECATED | IFA_F_TENTATIVE)) == 0)
            {
                return hex(f[0]);
            }
        }
        return null;
    }

    /** Whether {@code address} sits on {@code device} and what state DAD left it in: null when it is not there. */
    public static String dadState(final String device, final byte[] address) throws IOException
    {
        final String hex = hex(address);
        for (final String line : Files.readAllLines(Path.of("/proc/net/if_inet6")))
        {
            final String[] f = line.trim().split("\\s+");
            if (f.length >= 6 && f[5].equals(device) && f[0].equals(hex))
            {
                final int flags = Integer.parseInt(f[4], 16);
                return (flags & IFA_F_DADFAILED) != 0 ? "dadfailed"
                    : (flags & IFA_F_TENTATIVE) != 0 ? "tentative" : "ok";
            }
        }
        return null;
    }

    /** The IPv6 MTU of {@code device} (what RAs set, else the link MTU). */
    public static int ipv6Mtu(final String device) throws IOException
    {
        return Integer.parseInt(sysctl("net/ipv6/conf/" + device + "/mtu"));
    }

    /**
     * A sysctl's value, e.g. {@code net/ipv6/conf/all/forwarding}. Read by lines: on procfs, Files.readString of
     * JDK 17 trusts the reported size and returns a truncated value ("6" for 65536).
     */
    public static String sysctl(final String key) throws IOException
    {
        final List<String> lines = Files.readAllLines(Path.of("/proc/sys", key));
        return lines.isEmpty() ? "" : lines.get(0).trim();
    }

    /** Whether an IPv4 default route exists in the main table through another device than {@code ours}. */
    public static boolean nativeIpv4Default(final String ours) throws IOException
    {
        return nativeIpv4Default(Files.readAllLines(Path.of("/proc/net/route")), ours);
    }

    static boolean nativeIpv4Default(final List<String> lines, final String ours)
    {
        for (final String line : lines.subList(Math.min(1, lines.size()), lines.size()))
        {
            final String[] f = line.trim().split("\\s+");
            if (f.length >= 8 && !f[0].equals(ours) && f[1].equals("00000000") && f[7].equals("00000000")
                && (Integer.parseInt(f[3], 16) & 0x0200 /* RTF_REJECT */) == 0)
            {
                return true;
            }
        }
        return false;
    }

    static byte[] hex(final String hex)
    {
        final byte[] out = new byte[16];
        for (int i = 0; i < 16; i++)
        {
            out[i] = (byte)Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
        }
        return out;
    }

    static String hex(final byte[] address)
    {
        final StringBuilder s = new StringBuilder(32);
        for (final byte b : address)
        {
            s.append(String.format("%02x", b & 0xff));
        }
        return s.toString();
    }

    /** For messages: the address in its usual text form. */
    static String format(final byte[] address)
    {
        return Addresses.format6(address);
    }
}
