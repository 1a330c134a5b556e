package dev.xlat64.addr;

/**
 * Reads an IPv4 or IPv6 prefix ({@code 192.0.2.0/24}, {@code 2001:db8::/120}; a bare address is a /32 or /128) from
 * bytes of text into its fields, without making a String or any object: for loading tables of a million entries.
 * It accepts only well-formed prefixes with host bits zero and says no to anything else; the caller then asks
 * {@link Ipv4Prefix#parse} / {@link Ipv6Prefix#parse} for the precise error. One instance per loading thread.
 */
public final class PrefixParser
{
    /** The IPv4 address after {@link #parse4}. */
    public int ipv4;
    /** The IPv6 address halves after {@link #parse6}. */
    public long high;
    public long low;
    /** The prefix length after either parse. */
    public int length;

    private final int[] groups = new int[8];

    /** Parses {@code text[from, to)} as an IPv4 prefix; false when it is not one (or has host bits set). */
    public boolean parse4(final byte[] text, final int from, final int to)
    {
        final int slash = indexOf(text, from, to, '/');
        final int end = slash < 0 ? to : slash;
        if (!address4(text, from, end))
        {
            return false;
        }
        length = slash < 0 ? 32 : number(text, slash + 1, to, 32);
        if (length < 0)
        {
            return false;
        }
        final int mask = length == 0 ? 0 : -1 << (32 - length);
        return (ipv4 & ~mask) == 0;
    }

    private boolean address4(final byte[] text, final int from, final int to)
    {
        int value = 0;
        int octets = 0;
        int start = from;
        for (int i = from; i <= to; i++)
        {
            if (i == to || text[i] == '.')
            {
                final int octet = i - start <= 3 ? number(text, start, i, 255) : -1;
                if (octet < 0 || ++octets > 4)
                {
                    return false;
                }
                value = (value << 8) | octet;
                start = i + 1;
            }
        }
        ipv4 = value;
        return octets == 4;
    }

    /** Parses {@code text[from, to)} as an IPv6 prefix; false when it is not one (or has host bits set). */
    public boolean parse6(final byte[] text, final int from, final int to)
    {
        final int slash = indexOf(text, from, to, '/');
        final int end = slash < 0 ? to : slash;
        if (!address6(text, from, end))
        {
            return false;
        }
        length = slash < 0 ? 128 : number(text, slash + 1, to, 128);
        if (length < 0)
        {
            return false;
        }
        final long maskHigh = length == 0 ? 0 : (length >= 64 ? -1L : -1L << (64 - length));
        final long maskLow = length <= 64 ? 0 : (length == 128 ? -1L : -1L << (128 - length));
        return (high & ~maskHigh) == 0 && (low & ~maskLow) == 0;
    }

    /** RFC 4291 section 2.2: eight hex groups, one "::" for a run of zeros, optionally a dotted IPv4 tail. */
    private boolean address6(final byte[] text, final int from, final int to)
    {
        if (to - from < 2)
        {
            return false;
        }
        int count = 0;
        int gap = -1;
        int i = from;
        if (text[i] == ':')
        {
            if (text[i + 1] != ':')
            {
                return false;
            }
            gap = 0;
            i += 2;
        }
        while (i < to)
        {
            int j = i;
            int value = 0;
            while (j < to && j - i < 5 && hex(text[j]) >= 0)
            {
                value = (value << 4) | hex(text[j]);
                j++;
            }
            if (j < to && text[j] == '.')
            {
                // The last 32 bits as a dotted IPv4 address.
                if (count > 6 || !address4(text, i, to))
                {
                    return false;
                }
                groups[count++] = ipv4 >>> 16;
                groups[count++] = ipv4 & 0xFFFF;
                i = to;
                break;
            }
            if (j == i || j - i > 4 || count == 8)
            {
                return false;
            }
            groups[count++] = value;
            if (j == to)
            {
                i = to;
                break;
            }
            if (text[j] != ':')
            {
                return false;
            }
            if (j + 1 < to && text[j + 1] == ':')
            {
                if (gap >= 0)
                {
                    return false;
                }
                gap = count;
                i = j + 2;
            }
            else
            {
                if (j + 1 == to)
                {
                    return false;
                }
                i = j + 1;
            }
        }
        return assemble(count, gap);
    }

    /**
     * The address from its {@code count} parsed groups, with the zeros of the "::" at group {@code gap} (-1: none)
     * put back; false when the groups do not make eight.
     */
    private boolean assemble(final int count, final int gap)
    {
        if (gap < 0 ? count != 8 : count > 7)
        {
            return false;
        }
        long h = 0;
        long l = 0;
        final int zeros = 8 - count;
        int g = 0;
        for (int k = 0; k < 8; k++)
        {
            final int v = gap >= 0 && k >= gap && k < gap + zeros ? 0 : groups[g++];
            if (k < 4)
            {
                h = (h << 16) | v;
            }
            else
            {
                l = (l << 16) | v;
            }
        }
        high = h;
        low = l;
        return true;
    }

    private static int hex(final byte c)
    {
        if (c >= '0' && c <= '9')
        {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f')
        {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F')
        {
            return c - 'A' + 10;
        }
        return -1;
    }

    /** A decimal number of 1-3 digits in {@code [from, to)} no greater than {@code max}, else -1. */
    private static int number(final byte[] text, final int from, final int to, final int max)
    {
        if (to <= from || to - from > 3)
        {
            return -1;
        }
        int value = 0;
        for (int i = from; i < to; i++)
        {
            if (text[i] < '0' || text[i] > '9')
            {
                return -1;
            }
            value = value * 10 + text[i] - '0';
        }
        return value <= max ? value : -1;
    }

    private static int indexOf(final byte[] text, final int from, final int to, final char c)
    {
        for (int i = from; i < to; i++)
        {
            if (text[i] == c)
            {
                return i;
            }
        }
        return -1;
    }
}
