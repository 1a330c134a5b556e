package dev.xlat64.addr;

import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * RFC 6791: source addresses for translated ICMP errors whose original source (a router) has no mapping. Section 3
 * suggests a random pick to keep traceroute readable; we hash the flow instead, so every instance behind ECMP picks
 * the same address for the same packet and no state or random source is needed.
 */
public final class Rfc6791Pool
{
    private Rfc6791Pool()
    {
    }

    /** Mixes a flow hash (murmur3 finalizer) so neighbouring flows spread over the pool. */
    public static int mix(final int hash)
    {
        int h = hash;
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h;
    }

    /** An address of the IPv4 pool chosen by {@code hash}. */
    public static int ipv4(final Ipv4Prefix pool, final int hash)
    {
        return pool.address() | (mix(hash) & ~pool.mask());
    }

    /**
     * Writes an address of the IPv6 pool chosen by {@code hash} (varying at most its last 32 bits) at {@code offset}.
     */
    public static void ipv6(final Ipv6Prefix pool, final int hash, final MutableDirectBuffer buffer, final int offset)
    {
        final int hostBits = Math.min(32, 128 - pool.length());
        final long hostMask = hostBits == 0 ? 0 : (hostBits == 32 ? 0xFFFF_FFFFL : (1L << hostBits) - 1);
        buffer.putLong(offset, pool.high(), ByteOrder.BIG_ENDIAN);
        buffer.putLong(offset + 8, pool.low() | (mix(hash) & hostMask), ByteOrder.BIG_ENDIAN);
    }
}
