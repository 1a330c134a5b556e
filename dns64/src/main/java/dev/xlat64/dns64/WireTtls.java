package dev.xlat64.dns64;

import java.util.Arrays;

/**
 * A DNS message's wire form with the offset of every record's TTL (RFC 1035 section 4.1.3), so that an aged copy is a
 * byte copy and a few 32-bit writes instead of a parse and a re-serialisation. The OPT pseudo-record's TTL field holds
 * flags (RFC 6891 section 6.1.3), not a TTL, and is left alone. Immutable after {@link #of}.
 */
final class WireTtls
{
    private static final int HEADER = 12;
    private static final int TYPE_OPT = 41;

    private final byte[] wire;
    private final int[] offsets;
    private final long[] ttls;

    private WireTtls(final byte[] wire, final int[] offsets, final long[] ttls)
    {
        this.wire = wire;
        this.offsets = offsets;
        this.ttls = ttls;
    }

    /** Indexes {@code wire} (kept, not copied); null when it is not a well-formed message. */
    static WireTtls of(final byte[] wire)
    {
        if (wire.length < HEADER)
        {
            return null;
        }
        final int qd = u16(wire, 4);
        final int records = u16(wire, 6) + u16(wire, 8) + u16(wire, 10);
        int at = HEADER;
        for (int i = 0; i < qd; i++)
        {
            at = skipName(wire, at);
            if (at < 0 || at + 4 > wire.length)
            {
                return null;
            }
            at += 4;
        }
        final int[] offsets = new int[records];
        final long[] ttls = new long[records];
        int n = 0;
        for (int i = 0; i < records; i++)
        {
            at = skipName(wire, at);
            if (at < 0 || at + 10 > wire.length)
            {
                return null;
            }
            if (u16(wire, at) != TYPE_OPT)
            {
                offsets[n] = at + 4;
                ttls[n] = ((long)u16(wire, at + 4) << 16) | u16(wire, at + 6);
                n++;
            }
            at += 10 + u16(wire, at + 8);
            if (at > wire.length)
            {
                return null;
            }
        }
        return new WireTtls(wire, Arrays.copyOf(offsets, n), Arrays.copyOf(ttls, n));
    }

    /** The number of TTLs indexed. */
    int count()
    {
        return offsets.length;
    }

    int length()
    {
        return wire.length;
    }

    /** A copy with every TTL lowered by {@code ageSeconds} (not below 0). */
    byte[] aged(final long ageSeconds)
    {
        final byte[] out = wire.clone();
        patchTtls(out, 0, ageSeconds);
        return out;
    }

    /** Copies the message into {@code dst} at {@code at} with aged TTLs; no allocation. */
    void copyAged(final byte[] dst, final int at, final long ageSeconds)
    {
        System.arraycopy(wire, 0, dst, at, wire.length);
        patchTtls(dst, at, ageSeconds);
    }

    private void patchTtls(final byte[] dst, final int base, final long ageSeconds)
    {
        for (int i = 0; i < offsets.length; i++)
        {
            final long ttl = Math.max(0, ttls[i] - ageSeconds);
            final int o = base + offsets[i];
            dst[o] = (byte)(ttl >>> 24);
            dst[o + 1] = (byte)(ttl >>> 16);
            dst[o + 2] = (byte)(ttl >>> 8);
            dst[o + 3] = (byte)ttl;
        }
    }

    /** The smallest TTL in the message (0 when it has none). */
    long minTtl()
    {
        long min = offsets.length == 0 ? 0 : Long.MAX_VALUE;
        for (final long t : ttls)
        {
            min = Math.min(min, t);
        }
        return min;
    }

    /** RFC 1035 section 4.1.4: labels up to a zero byte or a compression pointer; the offset after it, or -1. */
    static int skipName(final byte[] wire, final int from)
    {
        int at = from;
        while (at < wire.length)
        {
            final int len = wire[at] & 0xff;
            if (len == 0)
            {
                return at + 1;
            }
            if ((len & 0xc0) == 0xc0)
            {
                return at + 2 <= wire.length ? at + 2 : -1;
            }
            if ((len & 0xc0) != 0)
            {
                return -1;
            }
            at += 1 + len;
        }
        return -1;
    }

    static int u16(final byte[] b, final int at)
    {
        return ((b[at] & 0xff) << 8) | (b[at + 1] & 0xff);
    }
}
