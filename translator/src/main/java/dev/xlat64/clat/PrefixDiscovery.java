package dev.xlat64.clat;

import dev.xlat64.addr.Rfc6052Prefix;

/**
 * Which PLAT prefix the CLAT uses, from the sources in order (RFC 6877 section 6.3, RFC 8781 section 1, RFC 7050):
 * a configured prefix; else the PREF64 option of the last Router Advertisement while its lifetime runs; else what
 * {@code ipv4only.arpa} resolved to. Time is passed in (milliseconds), so the rules are tested without waiting.
 * Not thread-safe: one discovery thread owns it.
 */
public final class PrefixDiscovery
{
    /** Where a prefix came from. */
    public enum Source
    {
        CONFIGURED("configured"),
        PREF64("PREF64 option of a Router Advertisement, RFC 8781"),
        RFC7050("AAAA of ipv4only.arpa, RFC 7050"),
        NONE("none found");

        public final String description;

        Source(final String description)
        {
            this.description = description;
        }
    }

    /** The prefix in use (null: none) and where it came from. */
    public record Choice(Rfc6052Prefix prefix, Source source)
    {
        @Override
        public String toString()
        {
            return prefix == null ? "no PLAT prefix (" + source.description + ")" :
                "PLAT prefix " + prefix.prefix() + " (" + source.description + ")";
        }
    }

    private final Rfc6052Prefix configured;
    private Rfc6052Prefix advertised;
    private long advertisedUntil;
    private Rfc6052Prefix resolved;

    /** @param configured the operator's prefix (it then always wins), or null to discover one */
    public PrefixDiscovery(final Rfc6052Prefix configured)
    {
        this.configured = configured;
    }

    /** A PREF64 option arrived at {@code nowMillis}. */
    public void pref64(final Pref64Option option, final long nowMillis)
    {
        if (option.lifetimeSeconds() == 0)
        {
            // RFC 8781 section 4: a lifetime of 0 says the prefix is no longer valid.
            if (option.prefix().equals(advertised))
            {
                advertised = null;
            }
            return;
        }
        // RFC 8781 section 5: the latest RA's prefix replaces the previous one (one prefix per router here).
        advertised = option.prefix();
        advertisedUntil = nowMillis + option.lifetimeSeconds() * 1000L;
    }

    /** The outcome of an {@code ipv4only.arpa} lookup: the prefix found, or null when none was. */
    public void rfc7050(final Rfc6052Prefix prefix)
    {
        resolved = prefix;
    }

    /** Whether an RFC 7050 lookup can change the choice now (nothing configured or advertised). */
    public boolean needsLookup(final long nowMillis)
    {
        return configured == null && !advertisedValid(nowMillis);
    }

    /** The prefix to use at {@code nowMillis}. */
    public Choice current(final long nowMillis)
    {
        if (configured != null)
        {
            return new Choice(configured, Source.CONFIGURED);
        }
        if (advertisedValid(nowMillis))
        {
            return new Choice(advertised, Source.PREF64);
        }
        if (resolved != null)
        {
            return new Choice(resolved, Source.RFC7050);
        }
        return new Choice(null, Source.NONE);
    }

    private boolean advertisedValid(final long nowMillis)
    {
        return advertised != null && nowMillis < advertisedUntil;
    }
}
