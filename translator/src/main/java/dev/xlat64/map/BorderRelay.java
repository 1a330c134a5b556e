package dev.xlat64.map;

import dev.xlat64.core.PacketContext;
import dev.xlat64.core.Verdict;
import dev.xlat64.packet.Ipv4Header;
import dev.xlat64.packet.Ipv6Header;

/**
 * What the MAP-T BR ({@link MapTBorderRelay}) and the MAP-E/lw4o6 BR ({@link SoftwireBorderRelay}) share: the domains
 * of its mechanisms out of the configured list (with their positions, for per-domain counters), and the dispatch of a
 * packet by IP version: IPv6 comes from a CE, IPv4 goes toward one (RFC 7597 s.8). Not thread safe: one per engine.
 */
abstract class BorderRelay
{
    /** The domains this relay serves, in configuration order. */
    MapDomain[] domains = new MapDomain[0];
    /** Each domain's position in the list the owner gave. */
    int[] positions = new int[0];
    /** The position of the domain that claimed the last packet, -1 for none. */
    int domainIndex = -1;

    /** Whether this relay serves the domain (by its mechanism). */
    abstract boolean serves(MapDomain d);

    /** Called with the new {@link #domains} (already set) so that a relay can derive its per-domain data. */
    void domainsChanged()
    {
    }

    /** RFC 7597 s.8.1, RFC 7599 s.7.2: an IPv6 packet (at least a header long), from a CE if it is ours. */
    abstract Verdict fromCe(PacketContext ctx);

    /** RFC 7597 s.8.2, RFC 7599 s.7.1: an IPv4 packet (at least a minimal header long), toward a CE if it is ours. */
    abstract Verdict towardCe(PacketContext ctx);

    /** The domains to serve (the others in the array are ignored); called by the owner between packets. */
    public final void domains(final MapDomain[] all)
    {
        int n = 0;
        for (final MapDomain d : all)
        {
            n += serves(d) ? 1 : 0;
        }
        final MapDomain[] mine = new MapDomain[n];
        final int[] at = new int[n];
        n = 0;
        for (int i = 0; i < all.length; i++)
        {
            if (serves(all[i]))
            {
                at[n] = i;
                mine[n++] = all[i];
            }
        }
        positions = at;
        domains = mine;
        domainsChanged();
    }

    /**
     * Claims the packets of this relay's domains: {@link Verdict#DONE} with the outcome in {@code ctx}, or
     * {@link Verdict#CONTINUE} (a MAP-T packet whose addresses were mapped into {@code ctx}, or a packet of no domain).
     */
    public final Verdict relay(final PacketContext ctx, final int version)
    {
        domainIndex = -1;
        if (domains.length == 0)
        {
            return Verdict.CONTINUE;
        }
        if (version == 6 && ctx.length >= Ipv6Header.LENGTH)
        {
            return fromCe(ctx);
        }
        if (version == 4 && ctx.length >= Ipv4Header.MIN_LENGTH)
        {
            return towardCe(ctx);
        }
        return Verdict.CONTINUE;
    }

    /** The position of the domain that claimed the last packet, -1 for none. */
    public final int domainIndex()
    {
        return domainIndex;
    }
}
