package dev.xlat64.dns64;

/**
 * An answer kept by {@link Cache} or {@link AnswerCache}: its wire bytes with their TTL offsets, when it was stored,
 * when it expires (RFC 1035 section 3.2.1: its smallest TTL, at most {@link Cache#MAX_TTL}), and what it costs against
 * the cache's byte bound.
 */
final class CachedWire
{
    final WireTtls wire;
    final long storedNanos;
    final long expiresNanos;
    final long cost;

    CachedWire(final WireTtls wire, final long storedNanos, final long ttl, final long cost)
    {
        this.wire = wire;
        this.storedNanos = storedNanos;
        this.expiresNanos = storedNanos + ttl * 1_000_000_000L;
        this.cost = cost;
    }
}
