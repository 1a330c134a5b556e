package dev.xlat64.addr;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/** An IPv6 prefix (address bits beyond the length are zero), held as two longs so matching is two masked compares. */
public final class Ipv6Prefix
{
    private final long high;
    private final long low;
    private final long maskHigh;
    private final long maskLow;
    private final int length;

    public Ipv6Prefix(final byte[] address, final int length)
    {
        if (address.length != 16)
        {
            throw new IllegalArgumentException("an IPv6 address has 16 bytes, not " + address.length);
        }
        if (length < 0 || length > 128)
        {
            throw new IllegalArgumentException("IPv6 prefix length must be 0..128, not " + length);
        }
        this.length = length;
        this.maskHigh = length == 0 ? 0 : (length >= 64 ? -1L : -1L << (64 - length));
        this.maskLow = length <= 64 ? 0 : (length == 128 ? -1L : -1L << (128 - length));
        final long h = Addresses.high(address);
        final long l = Addresses.low(address);
        if ((h & ~maskHigh) != 0 || (l & ~maskLow) != 0)
        {
            throw new IllegalArgumentException(
                "IPv6 prefix " + Addresses.format6(address) + "/" + length + " has bits set beyond its length");
        }
        this.high = h;
        this.low = l;
    }

    /** Parses {@code 2001:db8::/32}; a bare address is a /128. */
    public static Ipv6Prefix parse(final String text)
    {
        final int length = PrefixText.length(text, 128, "IPv6");
        return new Ipv6Prefix(Addresses.parse6(PrefixText.address(text)), length);
    }

    public boolean contains(final long addressHigh, final long addressLow)
    {
        return ((addressHigh ^ high) & maskHigh) == 0 && ((addressLow ^ low) & maskLow) == 0;
    }

    public boolean contains(final byte[] address)
    {
        return contains(Addresses.high(address), Addresses.low(address));
    }

    /** True when every address of {@code other} is inside this prefix. */
    public boolean covers(final Ipv6Prefix other)
    {
        return other.length >= length && contains(other.high, other.low);
    }

    public boolean overlaps(final Ipv6Prefix other)
    {
        return covers(other) || other.covers(this);
    }

    public long high()
    {
        return high;
    }

    public long low()
    {
        return low;
    }

    /** The length as a mask over the high half. */
    public long maskHigh()
    {
        return maskHigh;
    }

    /** The length as a mask over the low half. */
    public long maskLow()
    {
        return maskLow;
    }

    public int length()
    {
        return length;
    }

    public byte[] address()
    {
        return Addresses.bytes6(high, low);
    }

    public InetAddress inetAddress()
    {
        try
        {
            return Inet6Address.getByAddress(address());
        }
        catch (final UnknownHostException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    @Override
    public boolean equals(final Object o)
    {
        return o instanceof Ipv6Prefix && ((Ipv6Prefix)o).high == high && ((Ipv6Prefix)o).low == low &&
            ((Ipv6Prefix)o).length == length;
    }

    @Override
    public int hashCode()
    {
        return Arrays.hashCode(new long[] {high, low, length});
    }

    @Override
    public String toString()
    {
        return Addresses.format6(address()) + "/" + length;
    }
}
