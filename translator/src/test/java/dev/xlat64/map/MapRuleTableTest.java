package dev.xlat64.map;

import dev.xlat64.addr.Addresses;
import dev.xlat64.addr.Ipv4Prefix;
import dev.xlat64.addr.Ipv6Prefix;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link MapRuleTable} on the shared prefix table: thousands of rules answer as a scan of every rule would (RFC 7597
 * s.5 longest match; RFC 7599 s.8.4 by port), and the conflicts of the pairwise check are still found.
 */
class MapRuleTableTest
{
    /** RFC 7597 s.5: a /32 shared by explicit PSIDs (a = 6, k = 2) of one CE each. */
    private static MapRule ce(final int n, final String ipv4, final int psid)
    {
        return new MapRule(Ipv6Prefix.parse("2001:db8:ff00:" + Integer.toHexString(n) + "00::/56"),
            Ipv4Prefix.parse(ipv4 + "/32"), 0, 6, 2, psid, true);
    }

    /** The answer of a scan of every rule, longest prefix first, configuration order among equals. */
    private static MapRule scan6(final List<MapRule> rules, final long high, final long low)
    {
        MapRule best = null;
        for (final MapRule r : rules)
        {
            if (r.containsIpv6(high, low) && (best == null || r.ipv6Prefix().length() > best.ipv6Prefix().length()))
            {
                best = r;
            }
        }
        return best;
    }

    private static MapRule scan4(final List<MapRule> rules, final int ipv4, final int port)
    {
        MapRule best = null;
        for (final MapRule r : rules)
        {
            if (r.containsIpv4(ipv4) && (port < 0 || r.portAllowed(port)) &&
                (best == null || r.ipv4Prefix().length() > best.ipv4Prefix().length()))
            {
                best = r;
            }
        }
        return best;
    }

    @Test
    void tenThousandRulesAnswerAsTheScan()
    {
        // FMRs 2001:db8:XXXX::/48 (some /56 inside them) for disjoint IPv4 /24s in 10.0.0.0/8, and shared /32s
        final List<MapRule> rules = new ArrayList<>();
        for (int i = 0; i < 10_000; i++)
        {
            final String v4 = "10." + (i >>> 8) + "." + (i & 255) + ".0/24";
            final String v6 = "2001:db8:" + Integer.toHexString(0x4000 + i) + (i % 7 == 0 ? ":ab00::/56" : "::/48");
            rules.add(MapRule.of(v6, v4, 16));
        }
        for (int psid = 1; psid < 4; psid++)
        {
            rules.add(ce(psid, "203.0.113.7", psid));
        }
        final List<String> errors = new ArrayList<>();
        final MapRuleTable t = MapRuleTable.of(rules, errors);
        assertEquals(List.of(), errors);
        final Random random = new Random(7597);
        for (int k = 0; k < 20_000; k++)
        {
            final int i = random.nextInt(10_400);
            final long high = Addresses.high(Addresses.parse6("2001:db8:" + Integer.toHexString(0x4000 + i) + ":ab" +
                Integer.toHexString(random.nextInt(256)) + "::"));
            assertSame(scan6(rules, high, 0), t.ruleForIpv6(high, 0));
            final int ipv4 = random.nextInt(8) == 0 ? Addresses.parse4("203.0.113.7")
                : 0x0A000000 + random.nextInt(1 << 22);
            final int port = random.nextInt(65536);
            assertSame(scan4(rules, ipv4, -1), t.ruleForIpv4(ipv4));
            assertSame(scan4(rules, ipv4, port), t.ruleForIpv4(ipv4, port));
        }
    }

    @Test
    void conflictsNameBothRulesLaterFirst()
    {
        final List<String> errors = new ArrayList<>();
        MapRuleTable.of(List.of(ce(1, "203.0.113.7", 1), ce(2, "203.0.113.7", 2), ce(3, "203.0.113.7", 2),
            MapRule.of("2001:db8::/40", "198.51.100.0/24", 16),
            MapRule.of("2001:db8:100::/40", "198.51.100.128/25", 15),
            MapRule.of("2001:db8::/40", "192.0.2.0/24", 16)), errors);
        assertEquals(3, errors.size(), errors.toString());
        assertTrue(errors.get(0).startsWith("rule 3 ") && errors.get(0).contains(" and rule 2 ") &&
            errors.get(0).endsWith("the same IPv4 address and PSID 2: two CEs would own one port set"), errors.get(0));
        assertTrue(errors.get(1).startsWith("rule 5 ") && errors.get(1).contains(" and rule 4 ") &&
            errors.get(1).contains("overlapping Rule IPv4 prefixes"), errors.get(1));
        assertTrue(errors.get(2).startsWith("rule 6 ") && errors.get(2).contains(" and rule 4 ") &&
            errors.get(2).contains("the same Rule IPv6 prefix"), errors.get(2));
    }
}
