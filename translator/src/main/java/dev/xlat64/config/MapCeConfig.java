package dev.xlat64.config;

import dev.xlat64.addr.Addresses;
import dev.xlat64.addr.Ipv6Prefix;
import dev.xlat64.addr.Rfc6052Prefix;
import dev.xlat64.map.MapDomain;
import dev.xlat64.map.MapRule;
import dev.xlat64.map.Mechanism;
import dev.xlat64.map.MapRuleTable;
import org.tomlj.TomlArray;
import org.tomlj.TomlTable;

import java.util.ArrayList;
import java.util.List;

/**
 * CE mode's {@code [map-ce]} table: this node is the MAP-T (RFC 7599) or MAP-E (RFC 7597) CE of an End-user IPv6
 * prefix, with the domain's rules ({@code [[map-ce.rule]]}, the same keys as a BR domain's), and the DMR (MAP-T) or
 * the BR address (MAP-E). Errors read {@code file:line: key: message}; the domain is listed after the BR domains.
 */
final class MapCeConfig
{
    static final String TABLE = "map-ce";
    private static final String[] KEYS = {"mechanism", "end-user-prefix", "dmr", "br", "rule"};

    private MapCeConfig()
    {
    }

    /** Adds the CE domain of {@code [map-ce]} to {@code found} when the table is there and valid. */
    static void customerEdge(final ConfigFile file, final List<String> errors, final List<MapDomain> found)
    {
        if (file == null || !file.toml().contains(TABLE))
        {
            return;
        }
        final int before = file.errors().size();
        final MapDomain ce = parse(file);
        errors.addAll(file.errors().subList(before, file.errors().size()));
        if (ce != null)
        {
            found.add(ce);
        }
    }

    private static MapDomain parse(final ConfigFile file)
    {
        if (!file.toml().isTable(TABLE))
        {
            file.error(TABLE, "expected a [" + TABLE + "] table");
            return null;
        }
        final TomlTable t = file.toml().getTable(TABLE);
        final String where = file.name() + ":" + MapConfig.line(t) + ": " + TABLE;
        final int before = file.errors().size();
        file.rejectUnknownKeys(t, TABLE, KEYS);
        final String name = file.string(t, "mechanism", TABLE + ".mechanism", null);
        final Mechanism m = "map-t".equals(name) ? Mechanism.MAP_T : "map-e".equals(name) ? Mechanism.MAP_E : null;
        if (name != null && m == null)
        {
            file.error(t, "mechanism", TABLE + ".mechanism", "'" + name + "': expected \"map-t\" or \"map-e\"");
        }
        final Ipv6Prefix endUser = MapConfig.parse(file, t, "end-user-prefix", TABLE, Ipv6Prefix::parse);
        final Rfc6052Prefix dmr = MapConfig.parse(file, t, "dmr", TABLE, Rfc6052Prefix::parse);
        final byte[] br = MapConfig.parse(file, t, "br", TABLE, Addresses::parse6);
        if (name == null || !t.contains("end-user-prefix"))
        {
            file.errors().add(where + ": needs mechanism (\"map-t\" or \"map-e\") and end-user-prefix (this CE's "
                + "delegated IPv6 prefix, RFC 7597 s.5.2)");
        }
        if (m == Mechanism.MAP_T && (!t.contains("dmr") || t.contains("br")))
        {
            file.errors().add(where + ": a MAP-T CE needs dmr, the BR's RFC 6052 prefix (RFC 7599 s.5.1), and no br");
        }
        if (m == Mechanism.MAP_E && (!t.contains("br") || t.contains("dmr")))
        {
            file.errors().add(where + ": a MAP-E CE needs br, the BR's IPv6 address (RFC 7597 s.5.4), and no dmr");
        }
        final List<MapRule> rules = rules(file, t, where);
        if (file.errors().size() > before || m == null)
        {
            return null;
        }
        final List<String> conflicts = new ArrayList<>();
        final MapRuleTable table = MapRuleTable.of(rules, conflicts);
        conflicts.forEach(c -> file.errors().add(where + ": " + c));
        final MapRule bmr = table.ruleForIpv6(endUser.high(), endUser.low());
        if (bmr == null)
        {
            file.error(t, "end-user-prefix", TABLE + ".end-user-prefix",
                endUser + " is under no rule's IPv6 prefix: no Basic Mapping Rule (RFC 7597 s.5)");
        }
        else if (endUser.length() < bmr.endUserPrefixLength())
        {
            file.error(t, "end-user-prefix", TABLE + ".end-user-prefix", endUser + " is shorter than the BMR's "
                + "n + o = /" + bmr.endUserPrefixLength() + ": the EA bits are not all in it (RFC 7597 s.5.2)");
        }
        return file.errors().size() > before ? null :
            MapDomain.customerEdge(m, where, table, dmr, br, endUser);
    }

    private static List<MapRule> rules(final ConfigFile file, final TomlTable t, final String where)
    {
        final List<MapRule> rules = new ArrayList<>();
        final TomlArray ruleTables = MapConfig.tables(file, t, "rule", TABLE + ".rule");
        if (ruleTables == null)
        {
            file.errors().add(where + ": needs at least one [[" + TABLE + ".rule]] (the BMR; RFC 7597 s.5)");
            return rules;
        }
        for (int i = 0; i < ruleTables.size(); i++)
        {
            final MapRule r = MapConfig.rule(file, ruleTables.getTable(i), TABLE + ".rule[" + (i + 1) + "]");
            if (r != null)
            {
                rules.add(r);
            }
        }
        return rules;
    }
}
