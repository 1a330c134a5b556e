package dev.xlat64.dns64;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Response rate limiting per client network (like BIND's RRL and Unbound's ip-ratelimit): at most {@code rate} UDP
 * answers a second per IPv4 /{@code v4Prefix} or IPv6 /{@code v6Prefix}; of the answers over the rate every
 * {@code slip}-th goes out truncated (TC=1, so a real client behind a spoofed flood retries over TCP) and the rest
 * are dropped. A spoofed-source flood makes many entries: they are bounded, least recently used first. Loop thread.
 */
final class RateLimiter
{
    /** What to do with one answer. */
    enum Verdict
    {
        SEND, DROP, SLIP
    }

    /** Client networks remembered at most (about 100 bytes each). */
    static final int MAX_CLIENTS = 100_000;

    private static final class Bucket
    {
        long second;
        int count;
        int limited;
    }

    private final int rate;
    private final int slip;
    private final int v4Mask;
    private final long v6Mask;
    private final LinkedHashMap<Long, Bucket> v4 = lru();
    private final LinkedHashMap<Long, Bucket> v6 = lru();

    RateLimiter(final int rate, final int slip, final int v4Prefix, final int v6Prefix)
    {
        this.rate = rate;
        this.slip = slip;
        this.v4Mask = v4Prefix == 0 ? 0 : -1 << (32 - v4Prefix);
        this.v6Mask = v6Prefix == 0 ? 0 : -1L << (64 - v6Prefix);
    }

    private static LinkedHashMap<Long, Bucket> lru()
    {
        return new LinkedHashMap<>(1024, 0.75f, true)
        {
            @Override
            protected boolean removeEldestEntry(final Map.Entry<Long, Bucket> eldest)
            {
                return size() > MAX_CLIENTS;
            }
        };
    }

    Verdict check(final InetAddress client, final long nowNanos)
    {
        final byte[] a = client.getAddress();
        final Bucket b;
        if (a.length == 4)
        {
            b = v4.computeIfAbsent((long)(dev.xlat64.addr.Addresses.int4(a) & v4Mask), k -> new Bucket());
        }
        else
        {
            long high = 0;
            for (int i = 0; i < 8; i++)
            {
                high = (high << 8) | (a[i] & 0xffL);
            }
            b = v6.computeIfAbsent(high & v6Mask, k -> new Bucket());
        }
        final long second = nowNanos / 1_000_000_000L;
        if (b.second != second)
        {
            b.second = second;
            b.count = 0;
        }
        if (++b.count <= rate)
        {
            return Verdict.SEND;
        }
        b.limited++;
        return slip > 0 && b.limited % slip == 0 ? Verdict.SLIP : Verdict.DROP;
    }
}
