package dev.xlat64.map;

import dev.xlat64.addr.Addresses;
import dev.xlat64.addr.Ipv6Prefix;
import dev.xlat64.addr.Rfc6052Prefix;

/**
 * One validated A+P domain: MAP-E (rules + BR address), MAP-T (rules + DMR) or lw4o6 (binding table + lwAFTR
 * address). Immutable; what a BR needs to map addresses and the answers it gives (docs/map.md).
 */
public final class MapDomain
{
    public final Mechanism mechanism;
    /** Where it was configured ({@code file:line: mapt.domain[1]}). */
    public final String origin;
    /** MAP-E and MAP-T: the BMR/FMRs; null for lw4o6. */
    public final MapRuleTable rules;
    /** MAP-T: the Default Mapping Rule (RFC 7599 s.5.1); null otherwise. */
    public final Rfc6052Prefix dmr;
    /** MAP-E and lw4o6: the BR (lwAFTR) IPv6 address, tunnel end point (RFC 7597 s.5.4, RFC 7596 s.6.2). */
    public final byte[] br;
    /** lw4o6: the binding table; null otherwise. */
    public final Lw4o6BindingTable bindings;
    /** lw4o6: hairpinning between B4s (RFC 7596 s.6.2: MUST be configurable). */
    public final boolean hairpinning;
    /**
     * Answer a CE's spoofed source (address or port not its own) with ICMPv6 1/5 (RFC 7599 s.8.3 SHOULD, RFC 7597
     * s.8.1, RFC 7596 s.6.2 MAY); off by default, rate-limited.
     */
    public final boolean icmpSpoofed;
    /** Answer IPv4 to an address/port in no port set with ICMPv4 3/1 (RFC 7597 s.8.2); off by default, rate-limited. */
    public final boolean icmpUnreachable;
    /**
     * CE mode (MAP-T or MAP-E): this node is the CE of this End-user IPv6 prefix (RFC 7597 s.5.2), not a BR; null for
     * a BR's domain. A CE domain is served by {@link MapCustomerEdge} only and listed after every BR domain.
     */
    public final Ipv6Prefix endUserPrefix;

    public MapDomain(final Mechanism mechanism, final String origin, final MapRuleTable rules, final Rfc6052Prefix dmr,
        final byte[] br, final Lw4o6BindingTable bindings, final boolean hairpinning)
    {
        this(mechanism, origin, rules, dmr, br, bindings, hairpinning, false, false, null);
    }

    /** A CE's domain (CE mode): its rules, the DMR (MAP-T) or BR address (MAP-E), and its End-user prefix. */
    public static MapDomain customerEdge(final Mechanism mechanism, final String origin, final MapRuleTable rules,
        final Rfc6052Prefix dmr, final byte[] br, final Ipv6Prefix endUserPrefix)
    {
        return new MapDomain(mechanism, origin, rules, dmr, br, null, false, false, false, endUserPrefix);
    }

    private MapDomain(final Mechanism mechanism, final String origin, final MapRuleTable rules,
        final Rfc6052Prefix dmr, final byte[] br, final Lw4o6BindingTable bindings, final boolean hairpinning,
        final boolean icmpSpoofed, final boolean icmpUnreachable, final Ipv6Prefix endUserPrefix)
    {
        this.endUserPrefix = endUserPrefix;
        this.mechanism = mechanism;
        this.origin = origin;
        this.rules = rules;
        this.dmr = dmr;
        this.br = br == null ? null : br.clone();
        this.bindings = bindings;
        this.hairpinning = hairpinning;
        this.icmpSpoofed = icmpSpoofed;
        this.icmpUnreachable = icmpUnreachable;
    }

    /** This domain with the optional ICMP answers (config keys {@code icmp-spoofed}, {@code icmp-unreachable}). */
    public MapDomain withIcmpAnswers(final boolean spoofed, final boolean unreachable)
    {
        return new MapDomain(mechanism, origin, rules, dmr, br, bindings, hairpinning, spoofed, unreachable,
            endUserPrefix);
    }

    /** True for this node's own CE domain (CE mode, {@code [map-ce]}): the one domain with an End-user prefix. */
    public boolean isCustomerEdge()
    {
        return endUserPrefix != null;
    }

    /** One line for operators, e.g. {@code map-t: 2 rules, DMR 2001:db8:ffff::/64}. */
    public String summary()
    {
        if (isCustomerEdge())
        {
            return mechanism.id + " CE of " + endUserPrefix + ": " + rules.rules().size() + " rule(s), " +
                (dmr != null ? "DMR " + dmr.prefix() : "BR " + Addresses.format6(br));
        }
        switch (mechanism)
        {
            case MAP_T:
                return mechanism.id + ": " + rules.rules().size() + " rule(s), DMR " + dmr.prefix() + answers();
            case MAP_E:
                return mechanism.id + ": " + rules.rules().size() + " rule(s), BR " + Addresses.format6(br) + answers();
            default:
                return mechanism.id + ": " + bindings.size() + " binding(s), lwAFTR " + Addresses.format6(br) +
                    answers();
        }
    }

    private String answers()
    {
        return icmpSpoofed || icmpUnreachable ? ", ICMP answers:" + (icmpSpoofed ? " spoofed 1/5" : "") +
            (icmpUnreachable ? " unreachable 3/1" : "") : "";
    }
}
