package dev.xlat64.addr;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** Parsing and formatting of literal IPv4/IPv6 addresses without DNS look-ups, and their long/int forms. */
public final class Addresses
{
    private Addresses()
    {
    }

    public static int parse4(final String text)
    {
        final String[] parts = text.trim().split("\\.", -1);
        if (parts.length != 4)
        {
            throw new IllegalArgumentException("'" + text + "' is not an IPv4 address");
        }
        int value = 0;
        for (final String part : parts)
        {
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(Character::isDigit))
            {
                throw new IllegalArgumentException("'" + text + "' is not an IPv4 address");
            }
            final int octet = Integer.parseInt(part);
            if (octet > 255)
            {
                throw new IllegalArgumentException("'" + text + "' is not an IPv4 address: " + octet + " > 255");
            }
            value = (value << 8) | octet;
        }
        return value;
    }

    public static byte[] parse6(final String text)
    {
        final String t = text.trim();
        if (t.isEmpty() || t.indexOf(':') < 0 ||
            !t.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.'))
        {
            throw new IllegalArgumentException("'" + text + "' is not an IPv6 address");
        }
        try
        {
            final InetAddress address = InetAddress.getByName(t);
            if (address instanceof Inet6Address)
            {
                return address.getAddress();
            }
            if (address instanceof Inet4Address)
            {
                // Java folds ::ffff:a.b.c.d into an Inet4Address; keep it as the IPv4-mapped IPv6 address it is.
                final byte[] mapped = new byte[16];
                mapped[10] = (byte)0xff;
                mapped[11] = (byte)0xff;
                System.arraycopy(address.getAddress(), 0, mapped, 12, 4);
                return mapped;
            }
        }
        catch (final UnknownHostException ex)
        {
            // fall through
        }
        throw new IllegalArgumentException("'" + text + "' is not an IPv6 address");
    }

    public static String format4(final int ipv4)
    {
        return ((ipv4 >>> 24) & 0xff) + "." + ((ipv4 >>> 16) & 0xff) + "." + ((ipv4 >>> 8) & 0xff) + "." +
            (ipv4 & 0xff);
    }

    /** RFC 5952 text form (lower case, longest zero run compressed). */
    public static String format6(final byte[] address)
    {
        final int[] groups = new int[8];
        for (int i = 0; i < 8; i++)
        {
            groups[i] = ((address[2 * i] & 0xff) << 8) | (address[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLength = 0;
        for (int i = 0; i < 8; )
        {
            if (groups[i] == 0)
            {
                int j = i;
                while (j < 8 && groups[j] == 0)
                {
                    j++;
                }
                if (j - i > bestLength && j - i > 1)
                {
                    bestStart = i;
                    bestLength = j - i;
                }
                i = j;
            }
            else
            {
                i++;
            }
        }
        final StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++)
        {
            if (i == bestStart)
            {
                sb.append("::");
                i += bestLength - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':')
            {
                sb.append(':');
            }
            sb.append(Integer.toHexString(groups[i]));
        }
        return sb.toString();
    }

    public static String format6(final long high, final long low)
    {
        return format6(bytes6(high, low));
    }

    public static long high(final byte[] address)
    {
        long v = 0;
        for (int i = 0; i < 8; i++)
        {
            v = (v << 8) | (address[i] & 0xff);
        }
        return v;
    }

    public static long low(final byte[] address)
    {
        long v = 0;
        for (int i = 8; i < 16; i++)
        {
            v = (v << 8) | (address[i] & 0xff);
        }
        return v;
    }

    public static byte[] bytes6(final long high, final long low)
    {
        final byte[] out = new byte[16];
        for (int i = 0; i < 8; i++)
        {
            out[i] = (byte)(high >>> (56 - 8 * i));
            out[8 + i] = (byte)(low >>> (56 - 8 * i));
        }
        return out;
    }

    public static byte[] bytes4(final int ipv4)
    {
        return new byte[] {(byte)(ipv4 >>> 24), (byte)(ipv4 >>> 16), (byte)(ipv4 >>> 8), (byte)ipv4};
    }

    public static int int4(final byte[] address)
    {
        return ((address[0] & 0xff) << 24) | ((address[1] & 0xff) << 16) | ((address[2] & 0xff) << 8) |
            (address[3] & 0xff);
    }
}
