package dev.xlat64.addr;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * How an IPv4 address is carried inside an IPv6 address under a prefix: RFC 6052 ({@link Rfc6052Prefix}) or IVI
 * ({@link IviFormat}, RFC 6219). The {@link AddressMapper} uses it after the EAMT; the buffer forms are the packet
 * path (no allocation), the byte-array forms the control plane's.
 */
public interface EmbeddingFormat
{
    /** The bits every address of this format starts with. */
    Ipv6Prefix prefix();

    /** RFC 6052 section 3.1 (non-global IPv4 forbidden) applies only to the Well-Known Prefix. */
    boolean isWellKnown();

    /** True when the 16 bytes at {@code offset} lie under this format's prefix. */
    boolean contains(DirectBuffer buffer, int offset);

    /** The embedded IPv4 address of the IPv6 address at {@code offset} (suffix ignored). */
    int extract(DirectBuffer buffer, int offset);

    /** Writes the IPv6 address embedding {@code ipv4} at {@code offset}: its two halves, big-endian. */
    default void embed(final int ipv4, final MutableDirectBuffer buffer, final int offset)
    {
        buffer.putLong(offset, high(ipv4), ByteOrder.BIG_ENDIAN);
        buffer.putLong(offset + 8, low(ipv4), ByteOrder.BIG_ENDIAN);
    }

    /** The format's arithmetic on addresses held as two big-endian halves (the packet path's form). */
    Ipv4Embedding embedding();

    /** True when the address given as two big-endian halves lies under this format's prefix. */
    default boolean contains(final long high, final long low)
    {
        return embedding().contains(high, low);
    }

    /** The embedded IPv4 address of the address given as two big-endian halves (suffix ignored). */
    default int extract(final long high, final long low)
    {
        return embedding().extract(high, low);
    }

    /** The first 8 bytes (big-endian) of the IPv6 address embedding {@code ipv4}. */
    default long high(final int ipv4)
    {
        return embedding().high(ipv4);
    }

    /** The last 8 bytes (big-endian) of the IPv6 address embedding {@code ipv4}. */
    default long low(final int ipv4)
    {
        return embedding().low(ipv4);
    }

    /** 16 bytes from a 4-byte IPv4 address. */
    byte[] embed(byte[] ipv4);

    /** The 4-byte IPv4 address embedded in {@code ipv6}, or null when it is not under the prefix. */
    byte[] extract(byte[] ipv6);
}
