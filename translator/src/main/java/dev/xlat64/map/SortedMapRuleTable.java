package dev.xlat64.map;

import dev.xlat64.addr.Ipv4Prefix;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * A {@link MapRuleTable} as two arrays sorted by prefix length, longest first, scanned linearly: a MAP domain has a
 * handful of rules. It moves onto the shared longest-prefix-match table of {@code addr} when that lands; the
 * interface stays. Rules are checked against each other when built: no two share a Rule IPv6 prefix, and Rule IPv4
 * prefixes do not overlap except /32 rules with explicit, distinct PSIDs of the same a and k.
 */
public final class SortedMapRuleTable implements MapRuleTable
{
    private final MapRule[] byIpv6;
    private final MapRule[] byIpv4;
    private final List<MapRule> rules;

    private SortedMapRuleTable(final List<MapRule> rules)
    {
        this.rules = List.copyOf(rules);
        this.byIpv6 = rules.toArray(new MapRule[0]);
        this.byIpv4 = rules.toArray(new MapRule[0]);
        Arrays.sort(byIpv6, Comparator.comparingInt((MapRule r) -> r.ipv6Prefix().length()).reversed());
        Arrays.sort(byIpv4, Comparator.comparingInt((MapRule r) -> r.ipv4Prefix().length()).reversed());
    }

    /** Builds the table; each conflict is added to {@code errors} as text naming both rules (1-based). */
    public static SortedMapRuleTable of(final List<MapRule> rules, final List<String> errors)
    {
        for (int i = 0; i < rules.size(); i++)
        {
            for (int j = 0; j < i; j++)
            {
                final String conflict = conflict(rules.get(j), rules.get(i));
                if (conflict != null)
                {
                    errors.add("rule " + (i + 1) + " " + rules.get(i) + " and rule " + (j + 1) + " " + rules.get(j) +
                        ": " + conflict);
                }
            }
        }
        return new SortedMapRuleTable(rules);
    }

    /** A table that must be consistent (tools, tests): throws on the first conflict. */
    public static SortedMapRuleTable of(final MapRule... rules)
    {
        final List<String> errors = new ArrayList<>();
        final SortedMapRuleTable t = of(List.of(rules), errors);
        if (!errors.isEmpty())
        {
            throw new IllegalArgumentException(errors.get(0));
        }
        return t;
    }

    private static String conflict(final MapRule a, final MapRule b)
    {
        if (a.ipv6Prefix().equals(b.ipv6Prefix()))
        {
            return "the same Rule IPv6 prefix: the rule for a CE would be ambiguous (RFC 7597 s.5)";
        }
        final Ipv4Prefix x = a.ipv4Prefix();
        final Ipv4Prefix y = b.ipv4Prefix();
        if (!x.overlaps(y))
        {
            return null;
        }
        final boolean sharedByPsid = x.equals(y) && x.length() == 32 && a.explicitPsid() != MapRule.NO_PSID &&
            b.explicitPsid() != MapRule.NO_PSID && a.offset() == b.offset() && a.psidLength() == b.psidLength();
        if (sharedByPsid && a.explicitPsid() != b.explicitPsid())
        {
            return null;
        }
        if (sharedByPsid)
        {
            return "the same IPv4 address and PSID " + a.explicitPsid() + ": two CEs would own one port set";
        }
        return "overlapping Rule IPv4 prefixes: an IPv4 address would map to two CEs (port sets sharing an address " +
            "need /32 rules with explicit PSIDs of the same offset and length, RFC 7597 s.5.1)";
    }

    @Override
    public MapRule ruleForIpv6(final long high, final long low)
    {
        for (final MapRule r : byIpv6)
        {
            if (r.containsIpv6(high, low))
            {
                return r;
            }
        }
        return null;
    }

    @Override
    public MapRule ruleForIpv4(final int ipv4)
    {
        for (final MapRule r : byIpv4)
        {
            if (r.containsIpv4(ipv4))
            {
                return r;
            }
        }
        return null;
    }

    @Override
    public MapRule ruleForIpv4(final int ipv4, final int port)
    {
        for (final MapRule r : byIpv4)
        {
            if (r.containsIpv4(ipv4) && r.portAllowed(port))
            {
                return r;
            }
        }
        return null;
    }

    @Override
    public List<MapRule> rules()
    {
        return rules;
    }
}
