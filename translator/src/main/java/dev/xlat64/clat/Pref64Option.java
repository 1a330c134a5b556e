package dev.xlat64.clat;

import dev.xlat64.addr.Ipv6Prefix;
import dev.xlat64.addr.Rfc6052Prefix;

/**
 * The PREF64 option of a Router Advertisement (RFC 8781 section 4): the NAT64 prefix a router announces, and how long
 * it stays valid. Parsed from the option's bytes as the kernel hands them up (type, length, then the body).
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     Type      |    Length     |     Scaled Lifetime     | PLC |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                                                               |
 * +                                                               +
 * |              Highest 96 bits of the Prefix                    |
 * +                                                               +
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * @param prefix          the NAT64 prefix (RFC 6052 format)
 * @param lifetimeSeconds how long it is valid; 0 withdraws it (RFC 8781 section 4: Scaled Lifetime times 8)
 */
public record Pref64Option(Rfc6052Prefix prefix, int lifetimeSeconds)
{
    /** RFC 8781 section 4: the option's type, assigned by IANA. */
    public static final int TYPE = 38;
    /** RFC 8781 section 4: the Length field, in units of 8 octets. */
    public static final int LENGTH_UNITS = 2;
    /** The option's size in bytes. */
    public static final int SIZE = 16;
    /** RFC 8781 section 4: Prefix Length Code 0..5 and the prefix length each stands for. */
    private static final int[] PLC_TO_LENGTH = {96, 64, 56, 48, 40, 32};

    /**
     * Parses one option at {@code offset}; throws IllegalArgumentException with the reason when the bytes are not a
     * valid PREF64 option (the receiver then ignores it).
     */
    public static Pref64Option parse(final byte[] bytes, final int offset, final int length)
    {
        if (length < SIZE || offset < 0 || offset + SIZE > bytes.length)
        {
            throw new IllegalArgumentException("PREF64 option truncated: " + length + " bytes, need " + SIZE);
        }
        if ((bytes[offset] & 0xff) != TYPE)
        {
            throw new IllegalArgumentException("not a PREF64 option: type " + (bytes[offset] & 0xff));
        }
        // RFC 8781 section 4: Length is 2; a receiver MUST ignore the option otherwise.
        if ((bytes[offset + 1] & 0xff) != LENGTH_UNITS)
        {
            throw new IllegalArgumentException("PREF64 option length " + (bytes[offset + 1] & 0xff) + ", must be 2");
        }
        final int word = (bytes[offset + 2] & 0xff) << 8 | bytes[offset + 3] & 0xff;
        final int plc = word & 0x7;
        // RFC 8781 section 4: the Scaled Lifetime counts units of 8 seconds.
        final int lifetime = (word >>> 3) * 8;
        // RFC 8781 section 4: a PLC outside 0..5 makes the receiver ignore the option.
        if (plc >= PLC_TO_LENGTH.length)
        {
            throw new IllegalArgumentException("PREF64 option with reserved prefix length code " + plc);
        }
        final int prefixLength = PLC_TO_LENGTH[plc];
        final byte[] address = new byte[16];
        System.arraycopy(bytes, offset + 4, address, 0, 12);
        // RFC 8781 section 4: bits beyond the prefix length are ignored by the receiver.
        for (int bit = prefixLength; bit < 128; bit++)
        {
            address[bit >> 3] &= (byte)~(0x80 >>> (bit & 7));
        }
        return new Pref64Option(new Rfc6052Prefix(new Ipv6Prefix(address, prefixLength)), lifetime);
    }

    @Override
    public String toString()
    {
        return "PREF64 " + prefix.prefix() + " lifetime " + lifetimeSeconds + " s";
    }
}
