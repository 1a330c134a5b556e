package dev.xlat64.map;

import dev.xlat64.addr.PrefixTable;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The mapping rules of a MAP domain, selected by longest match (RFC 7597 s.5: the BMR by the End-user IPv6 prefix,
 * s.8.1: a BR's rule by the IPv6 source; RFC 7599 s.8.4: the FMR by the IPv4 destination and port) in two
 * {@link PrefixTable}s, the longest-prefix-match table every address table shares (docs/tables.md). Rules are checked
 * against each other when built, in O(n log n): no two share a Rule IPv6 prefix, and Rule IPv4 prefixes do not overlap
 * except /32 rules with explicit, distinct PSIDs of the same a and k. Immutable; lookups allocate nothing and return
 * null when no rule matches.
 */
public final class MapRuleTable
{
    private final MapRule[] rules;
    private final List<MapRule> list;
    private final PrefixTable byIpv6;
    private final PrefixTable byIpv4;
    /** The next rule (configuration order) with the same Rule IPv4 prefix as rule i (a shared /32), or -1. */
    private final int[] sameIpv4;

    private MapRuleTable(final List<MapRule> rules, final PrefixTable byIpv6, final PrefixTable byIpv4,
        final int[] sameIpv4)
    {
        this.list = List.copyOf(rules);
        this.rules = list.toArray(new MapRule[0]);
        this.byIpv6 = byIpv6;
        this.byIpv4 = byIpv4;
        this.sameIpv4 = sameIpv4;
    }

    /** Builds the table; each conflict is added to {@code errors} as text naming both rules (1-based). */
    public static MapRuleTable of(final List<MapRule> rules, final List<String> errors)
    {
        final int n = rules.size();
        final long[] high = new long[n];
        final long[] low = new long[n];
        final byte[] length = new byte[n];
        final long[] key4 = new long[n];
        final byte[] length4 = new byte[n];
        for (int i = 0; i < n; i++)
        {
            final MapRule r = rules.get(i);
            high[i] = r.ipv6Prefix().high();
            low[i] = r.ipv6Prefix().low();
            length[i] = (byte)r.ipv6Prefix().length();
            key4[i] = PrefixTable.ipv4Key(r.ipv4Prefix().address());
            length4[i] = (byte)r.ipv4Prefix().length();
        }
        final List<int[]> pairs = new ArrayList<>();
        // Nested Rule IPv6 prefixes are fine (the longest wins); the same one twice makes a CE's rule ambiguous.
        final PrefixTable v6 = PrefixTable.build(high, low, length, n, true,
            (earlier, later) -> pairs.add(new int[] {later, earlier, 0}));
        final int[] same = new int[n];
        Arrays.fill(same, -1);
        final int[] lastOfGroup = new int[n];
        final Map<Long, Integer> psids = new HashMap<>();
        final PrefixTable v4 = PrefixTable.build(key4, null, length4, n, false, new PrefixTable.Conflicts()
        {
            @Override
            public void duplicate(final int first, final int later)
            {
                // The table keeps the first; the others follow it in configuration order (callbacks come in it).
                final int tail = same[first] < 0 ? first : lastOfGroup[first];
                same[tail] = later;
                lastOfGroup[first] = later;
                final int kind = ipv4Conflict(rules.get(first), rules.get(later));
                if (kind != 0)
                {
                    pairs.add(new int[] {later, first, kind});
                }
                else
                {
                    final int psid = rules.get(later).explicitPsid();
                    final Integer holder = psids.putIfAbsent((long)first << 16 | psid, later);
                    if (holder != null || rules.get(first).explicitPsid() == psid)
                    {
                        pairs.add(new int[] {later, holder != null ? holder : first, 3});
                    }
                }
            }

            @Override
            public void nested(final int outer, final int inner)
            {
                pairs.add(new int[] {Math.max(outer, inner), Math.min(outer, inner), 1});
            }
        });
        report(rules, pairs, errors);
        return new MapRuleTable(rules, v6, v4, same);
    }

    /** A table that must be consistent (tools, tests): throws on the first conflict. */
    public static MapRuleTable of(final MapRule... rules)
    {
        final List<String> errors = new ArrayList<>();
        final MapRuleTable t = of(List.of(rules), errors);
        if (!errors.isEmpty())
        {
            throw new IllegalArgumentException(errors.get(0));
        }
        return t;
    }

    /** 0 when two rules of one Rule IPv4 prefix may share it (RFC 7597 s.5.1: /32, explicit PSIDs, same a and k). */
    private static int ipv4Conflict(final MapRule a, final MapRule b)
    {
        final boolean sharedByPsid = a.ipv4Prefix().length() == 32 && a.explicitPsid() != MapRule.NO_PSID &&
            b.explicitPsid() != MapRule.NO_PSID && a.offset() == b.offset() && a.psidLength() == b.psidLength();
        return sharedByPsid ? 0 : 1;
    }

    /** Errors in rule order (the later rule of each pair first), as the pairwise check gave them. */
    private static void report(final List<MapRule> rules, final List<int[]> pairs, final List<String> errors)
    {
        pairs.sort((x, y) -> x[0] != y[0] ? Integer.compare(x[0], y[0]) :
            x[1] != y[1] ? Integer.compare(x[1], y[1]) : Integer.compare(x[2], y[2]));
        int[] previous = null;
        for (final int[] p : pairs)
        {
            final int i = p[0];
            final int j = p[1];
            if (previous != null && previous[0] == i && previous[1] == j)
            {
                continue; // one error a pair, the IPv6 one first
            }
            previous = p;
            final String conflict;
            switch (p[2])
            {
                case 0:
                    conflict = "the same Rule IPv6 prefix: the rule for a CE would be ambiguous (RFC 7597 s.5)";
                    break;
                case 1:
                    conflict = "overlapping Rule IPv4 prefixes: an IPv4 address would map to two CEs (port sets " +
                        "sharing an address need /32 rules with explicit PSIDs of the same offset and length, " +
                        "RFC 7597 s.5.1)";
                    break;
                default:
                    conflict = "the same IPv4 address and PSID " + rules.get(i).explicitPsid() +
                        ": two CEs would own one port set";
                    break;
            }
            errors.add("rule " + (i + 1) + " " + rules.get(i) + " and rule " + (j + 1) + " " + rules.get(j) + ": " +
                conflict);
        }
    }

    /** The rule with the longest Rule IPv6 prefix containing the address, or null. */
    public MapRule ruleForIpv6(final long high, final long low)
    {
        final int i = byIpv6.lookup(high, low);
        return i < 0 ? null : rules[i];
    }

    /** The rule with the longest Rule IPv4 prefix containing the address (the first of a shared /32), or null. */
    public MapRule ruleForIpv4(final int ipv4)
    {
        final int i = byIpv4.lookup4(ipv4);
        return i < 0 ? null : rules[i];
    }

    /**
     * The longest IPv4 match whose port set can hold the port (rules with an explicit PSID share an address and are
     * told apart by the port; a port with A = 0 belongs to no CE), or null.
     */
    public MapRule ruleForIpv4(final int ipv4, final int port)
    {
        return ruleForPort(byIpv4.lookup4(ipv4), port);
    }

    /**
     * The index of {@link #ruleForIpv4(int)}'s rule, or -1: with {@link #rule} and {@link #ruleForPort} a BR looks
     * an address up once, then the port only when the rule has a port set.
     */
    public int indexForIpv4(final int ipv4)
    {
        return byIpv4.lookup4(ipv4);
    }

    /** The rule at an index from {@link #indexForIpv4}. */
    public MapRule rule(final int index)
    {
        return rules[index];
    }

    /** {@link #ruleForIpv4(int, int)} from the address's index ({@link #indexForIpv4}, -1 for none). */
    public MapRule ruleForPort(final int first, final int port)
    {
        for (int i = first; i >= 0; i = sameIpv4[i])
        {
            if (rules[i].portAllowed(port))
            {
                return rules[i];
            }
        }
        return null;
    }

    /** Every rule, for tools and config reports. */
    public List<MapRule> rules()
    {
        return list;
    }
}
