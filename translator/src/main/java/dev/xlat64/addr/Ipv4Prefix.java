package dev.xlat64.addr;

/** An IPv4 prefix (host bits zero), as an int and a mask. */
public final class Ipv4Prefix
{
    private final int address;
    private final int mask;
    private final int length;

    public Ipv4Prefix(final int address, final int length)
    {
        if (length < 0 || length > 32)
        {
            throw new IllegalArgumentException("IPv4 prefix length must be 0..32, not " + length);
        }
        this.length = length;
        this.mask = length == 0 ? 0 : -1 << (32 - length);
        if ((address & ~mask) != 0)
        {
            throw new IllegalArgumentException(
                "IPv4 prefix " + Addresses.format4(address) + "/" + length + " has bits set beyond its length");
        }
        this.address = address;
    }

    /** Parses {@code 192.0.2.0/24}; a bare address is a /32. */
    public static Ipv4Prefix parse(final String text)
    {
        final int length = PrefixText.length(text, 32, "IPv4");
        return new Ipv4Prefix(Addresses.parse4(PrefixText.address(text)), length);
    }

    public boolean contains(final int ipv4)
    {
        return (ipv4 & mask) == address;
    }

    /** True when the prefix holds some address whose first octet is {@code octet} (0..255): a quick pre-test. */
    public boolean holdsFirstOctet(final int octet)
    {
        return ((octet << 24) & mask & 0xFF00_0000) == (address & 0xFF00_0000);
    }

    public boolean covers(final Ipv4Prefix other)
    {
        return other.length >= length && contains(other.address);
    }

    public boolean overlaps(final Ipv4Prefix other)
    {
        return covers(other) || other.covers(this);
    }

    public int address()
    {
        return address;
    }

    public int mask()
    {
        return mask;
    }

    public int length()
    {
        return length;
    }

    @Override
    public boolean equals(final Object o)
    {
        return o instanceof Ipv4Prefix && ((Ipv4Prefix)o).address == address && ((Ipv4Prefix)o).length == length;
    }

    @Override
    public int hashCode()
    {
        return address * 31 + length;
    }

    @Override
    public String toString()
    {
        return Addresses.format4(address) + "/" + length;
    }
}
