package dev.xlat64.core;

/**
 * The one rate limit on the ICMP errors an engine originates, whatever the mechanism (RFC 4443 s.2.4(f), RFC 1812
 * s.4.3.2.8; docs/architecture.md, Invariants): a token bucket of {@code rate} tokens per second with a burst of
 * {@code rate}, starting full, fed by the data plane's clock. Not thread safe: one per engine.
 */
public final class IcmpRateLimiter
{
    private static final long NANOS_PER_TOKEN = 1_000_000_000L;

    private long now;
    private long lastRefill;
    private long tokens = -1;

    /** The data plane's monotonic clock, once per batch; the engine never reads a clock itself. */
    public void clock(final long nanoTime)
    {
        now = nanoTime;
    }

    /** Takes one token when there is one; {@code rate} is the configured errors per second (positive). */
    public boolean acquire(final int rate)
    {
        final long capacity = rate * NANOS_PER_TOKEN;
        if (tokens < 0)
        {
            tokens = capacity;
            lastRefill = now;
        }
        final long elapsed = Math.min(Math.max(now - lastRefill, 0), NANOS_PER_TOKEN);
        lastRefill = now;
        tokens = Math.min(capacity, tokens + elapsed * rate);
        if (tokens >= NANOS_PER_TOKEN)
        {
            tokens -= NANOS_PER_TOKEN;
            return true;
        }
        return false;
    }
}
