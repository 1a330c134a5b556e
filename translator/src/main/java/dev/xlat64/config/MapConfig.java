package dev.xlat64.config;

import dev.xlat64.addr.Addresses;
import dev.xlat64.addr.Eamt;
import dev.xlat64.addr.Ipv4Prefix;
import dev.xlat64.addr.Ipv6Prefix;
import dev.xlat64.addr.Rfc6052Prefix;
import dev.xlat64.map.Lw4o6BindingTable;
import dev.xlat64.map.MapDomain;
import dev.xlat64.map.MapRule;
import dev.xlat64.map.MapRuleTable;
import dev.xlat64.map.Mechanism;
import dev.xlat64.map.PortSet;
import org.tomlj.TomlArray;
import org.tomlj.TomlPosition;
import org.tomlj.TomlTable;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The A+P domains of a config file: {@code [[mapt.domain]]}, {@code [[mape.domain]]} (each with
 * {@code [[...domain.rule]]} tables) and {@code [[lw4o6.domain]]} (with a binding-table file). Every error is
 * reported as {@code file:line: key: message}; domains are checked against each other and against the SIIT and 6rd
 * prefixes they would shadow. Validated and reported by {@code check-config}; {@code run} serves them as a BR.
 */
public final class MapConfig
{
    private static final String[] RULE_KEYS =
        {"ipv6-prefix", "ipv4-prefix", "ea-bits", "psid-offset", "psid-length", "psid", "forwarding"};
    private static final String[] MAPT_KEYS = {"dmr", "rule", "icmp-spoofed", "icmp-unreachable"};
    private static final String[] MAPE_KEYS = {"br", "rule", "icmp-spoofed", "icmp-unreachable"};
    private static final String[] LW4O6_KEYS =
        {"br", "binding-table", "psid-offset", "hairpinning", "icmp-spoofed", "icmp-unreachable"};

    private MapConfig()
    {
    }

    /**
     * Reads and validates the domains of {@code file} (null: none); errors go to {@code errors}.
     *
     * @param siitPrefix   the RFC 6052 prefix, or null: no Rule IPv6 prefix or DMR may overlap it
     * @param eamt         no Rule IPv6 prefix may overlap an EAM entry's IPv6 side
     * @param sixRdPrefixes the 6rd prefixes: no Rule IPv6 prefix may overlap one
     */
    public static List<MapDomain> domains(final ConfigFile file, final Rfc6052Prefix siitPrefix, final Eamt eamt,
        final List<Ipv6Prefix> sixRdPrefixes, final List<String> errors)
    {
        final List<MapDomain> found = new ArrayList<>();
        if (file == null || file.hasErrors())
        {
            return found;
        }
        final int before = file.errors().size();
        for (final Mechanism m : new Mechanism[] {Mechanism.MAP_T, Mechanism.MAP_E, Mechanism.LW4O6})
        {
            final String table = table(m);
            if (!file.toml().contains(table))
            {
                continue;
            }
            if (!file.toml().isTable(table))
            {
                file.error(table, "expected [[" + table + ".domain]] tables");
                continue;
            }
            final TomlTable t = file.toml().getTable(table);
            file.rejectUnknownKeys(t, table, "domain");
            final TomlArray domains = tables(file, t, "domain", table + ".domain");
            for (int i = 0; domains != null && i < domains.size(); i++)
            {
                final String path = table + ".domain[" + (i + 1) + "]";
                final TomlTable domainTable = domains.getTable(i);
                final MapDomain d = icmpAnswers(file, domainTable, path, domain(file, m, domainTable, path));
                if (d != null)
                {
                    found.add(d);
                }
            }
        }
        errors.addAll(file.errors().subList(before, file.errors().size()));
        crossCheck(found, siitPrefix, eamt, sixRdPrefixes, errors);
        MapCeConfig.customerEdge(file, errors, found);  // CE mode ([map-ce]): after every BR domain
        return List.copyOf(found);
    }

    /**
     * The optional ICMP answers of a BR (off by default, rate-limited by icmp-errors-per-second): {@code icmp-spoofed}
     * (ICMPv6 1/5 to a CE whose source is not its own; RFC 7599 s.8.3, RFC 7597 s.8.1, RFC 7596 s.6.2) and
     * {@code icmp-unreachable} (ICMPv4 3/1 for IPv4 to an address/port in no port set; RFC 7597 s.8.2).
     */
    private static MapDomain icmpAnswers(final ConfigFile file, final TomlTable t, final String path, final MapDomain d)
    {
        final boolean spoofed = file.bool(t, "icmp-spoofed", path + ".icmp-spoofed", false);
        final boolean unreachable = file.bool(t, "icmp-unreachable", path + ".icmp-unreachable", false);
        return d != null && (spoofed || unreachable) ? d.withIcmpAnswers(spoofed, unreachable) : d;
    }

    private static String table(final Mechanism m)
    {
        return m == Mechanism.MAP_T ? "mapt" : m == Mechanism.MAP_E ? "mape" : "lw4o6";
    }

    /** The array of tables under {@code key}, or null (absent, or an error reported). */
    static TomlArray tables(final ConfigFile file, final TomlTable t, final String key, final String display)
    {
        final Object v = t.get(key);
        if (v == null)
        {
            return null;
        }
        if (v instanceof TomlArray)
        {
            final TomlArray array = (TomlArray)v;
            boolean tables = true;
            for (int i = 0; i < array.size(); i++)
            {
                tables &= array.get(i) instanceof TomlTable;
            }
            if (tables)
            {
                return array;
            }
        }
        file.error(t, key, display, "expected [[" + display + "]] tables");
        return null;
    }

    private static MapDomain domain(final ConfigFile file, final Mechanism m, final TomlTable t, final String path)
    {
        final String where = file.name() + ":" + line(t) + ": " + path;
        final int before = file.errors().size();
        if (m == Mechanism.LW4O6)
        {
            return lw4o6(file, t, path, where);
        }
        file.rejectUnknownKeys(t, path, m == Mechanism.MAP_T ? MAPT_KEYS : MAPE_KEYS);
        Rfc6052Prefix dmr = null;
        byte[] br = null;
        if (m == Mechanism.MAP_T)
        {
            dmr = parse(file, t, "dmr", path, MapConfig::dmr);
            if (!t.contains("dmr"))
            {
                file.errors().add(where + ": needs dmr, the BR's RFC 6052 prefix (RFC 7599 s.5.1)");
            }
        }
        else
        {
            br = parse(file, t, "br", path, Addresses::parse6);
            if (!t.contains("br"))
            {
                file.errors().add(where + ": needs br, the BR's IPv6 address (RFC 7597 s.5.4)");
            }
        }
        final TomlArray ruleTables = tables(file, t, "rule", path + ".rule");
        final List<MapRule> rules = new ArrayList<>();
        for (int i = 0; ruleTables != null && i < ruleTables.size(); i++)
        {
            final MapRule r = rule(file, ruleTables.getTable(i), path + ".rule[" + (i + 1) + "]");
            if (r != null)
            {
                rules.add(r);
            }
        }
        if (ruleTables == null && file.errors().size() == before)
        {
            file.errors().add(where + ": needs at least one [[" + path.replaceAll("\\[\\d+]$", "") + ".rule]] " +
                "(the BMR; RFC 7597 s.5)");
        }
        if (file.errors().size() > before)
        {
            return null;
        }
        final List<String> conflicts = new ArrayList<>();
        final MapRuleTable table = MapRuleTable.of(rules, conflicts);
        for (final String c : conflicts)
        {
            file.errors().add(where + ": " + c);
        }
        return conflicts.isEmpty() ? new MapDomain(m, where, table, dmr, br, null, false) : null;
    }

    /** RFC 7599 s.5.1: the DMR is an RFC 6052 prefix; /64 recommended, never longer than /96. */
    private static Rfc6052Prefix dmr(final String text)
    {
        return Rfc6052Prefix.parse(text);
    }

    static MapRule rule(final ConfigFile file, final TomlTable t, final String path)
    {
        final int before = file.errors().size();
        file.rejectUnknownKeys(t, path, RULE_KEYS);
        final Ipv6Prefix v6 = parse(file, t, "ipv6-prefix", path, Ipv6Prefix::parse);
        final Ipv4Prefix v4 = parse(file, t, "ipv4-prefix", path, Ipv4Prefix::parse);
        final long ea = file.integer(t, "ea-bits", path + ".ea-bits", -1, 0, MapRule.MAX_EA_BITS);
        final long offset = file.integer(t, "psid-offset", path + ".psid-offset", PortSet.DEFAULT_MAP_OFFSET, 0, 15);
        final long k = file.integer(t, "psid-length", path + ".psid-length", -1, 0, 16);
        final long psid = file.integer(t, "psid", path + ".psid", MapRule.NO_PSID, 0, 65535);
        final boolean forwarding = file.bool(t, "forwarding", path + ".forwarding", true);
        final String where = file.name() + ":" + line(t) + ": " + path;
        if (!t.contains("ipv6-prefix") || !t.contains("ipv4-prefix") || !t.contains("ea-bits"))
        {
            file.errors().add(where + ": needs ipv6-prefix, ipv4-prefix and ea-bits (RFC 7597 s.5)");
            return null;
        }
        if (file.errors().size() > before)
        {
            return null;
        }
        try
        {
            return new MapRule(v6, v4, (int)ea, (int)offset, (int)k, (int)psid, forwarding);
        }
        catch (final IllegalArgumentException ex)
        {
            file.errors().add(where + ": " + ex.getMessage());
            return null;
        }
    }

    private static MapDomain lw4o6(final ConfigFile file, final TomlTable t, final String path, final String where)
    {
        final int before = file.errors().size();
        file.rejectUnknownKeys(t, path, LW4O6_KEYS);
        final byte[] br = parse(file, t, "br", path, Addresses::parse6);
        final String bindings = file.string(t, "binding-table", path + ".binding-table", null);
        final int offset =
            (int)file.integer(t, "psid-offset", path + ".psid-offset", PortSet.DEFAULT_LW4O6_OFFSET, 0, 15);
        final boolean hairpinning = file.bool(t, "hairpinning", path + ".hairpinning", true);
        if (br == null || bindings == null)
        {
            if (file.errors().size() == before)
            {
                file.errors().add(where + ": needs br (the lwAFTR's IPv6 address) and binding-table (a file)");
            }
            return null;
        }
        if (file.errors().size() > before)
        {
            return null;
        }
        final Path parent = Path.of(file.name()).toAbsolutePath().getParent();
        final Path bindingFile = parent == null ? Path.of(bindings) : parent.resolve(bindings);
        try
        {
            final Lw4o6BindingTable table = Lw4o6BindingTable.load(bindingFile, offset, file.errors());
            return file.errors().size() > before ? null : new MapDomain(Mechanism.LW4O6, where, null, null, br, table,
                hairpinning);
        }
        catch (final IOException ex)
        {
            file.error(t, "binding-table", path + ".binding-table",
                "cannot read " + bindingFile + ": " + ex.getMessage());
            return null;
        }
    }

    interface Parser<T>
    {
        T parse(String text);
    }

    static <T> T parse(final ConfigFile file, final TomlTable t, final String key, final String path,
        final Parser<T> parser)
    {
        final String text = file.string(t, key, path + "." + key, null);
        if (text == null)
        {
            return null;
        }
        try
        {
            return parser.parse(text.trim());
        }
        catch (final IllegalArgumentException ex)
        {
            file.error(t, key, path + "." + key, ex.getMessage());
            return null;
        }
    }

    static String line(final TomlTable t)
    {
        int line = Integer.MAX_VALUE;
        for (final String key : t.keySet())
        {
            try
            {
                final TomlPosition p = t.inputPositionOf("\"" + key + "\"");
                if (p != null)
                {
                    line = Math.min(line, p.line());
                }
            }
            catch (final IllegalArgumentException ignored)
            {
                // no position for this key
            }
        }
        return line == Integer.MAX_VALUE ? "?" : String.valueOf(line);
    }

    private static void crossCheck(final List<MapDomain> found, final Rfc6052Prefix siitPrefix, final Eamt eamt,
        final List<Ipv6Prefix> sixRdPrefixes, final List<String> errors)
    {
        if (found.isEmpty())
        {
            return; // nothing to check, and a million EAM entries must not cost a million strings on every reload
        }
        final List<Ipv6Prefix> ipv6 = new ArrayList<>();
        final List<String> ipv6Where = new ArrayList<>();
        final List<Ipv4Prefix> ipv4 = new ArrayList<>();
        final List<String> ipv4Where = new ArrayList<>();
        if (siitPrefix != null)
        {
            ipv6.add(siitPrefix.prefix());
            ipv6Where.add("the RFC 6052 prefix");
        }
        for (final Eamt.Entry e : eamt.entries())
        {
            ipv6.add(e.ipv6);
            ipv6Where.add("the EAM entry " + e);
        }
        for (final Ipv6Prefix p : sixRdPrefixes)
        {
            ipv6.add(p);
            ipv6Where.add("the 6rd prefix");
        }
        for (final MapDomain d : found)
        {
            final List<Ipv6Prefix> own = new ArrayList<>();
            final List<Ipv4Prefix> own4 = new ArrayList<>();
            if (d.rules != null)
            {
                for (final MapRule r : d.rules.rules())
                {
                    own.add(r.ipv6Prefix());
                    own4.add(r.ipv4Prefix());
                }
            }
            if (d.dmr != null)
            {
                own.add(d.dmr.prefix());
            }
            for (final Ipv6Prefix p : own)
            {
                for (int i = 0; i < ipv6.size(); i++)
                {
                    if (p.overlaps(ipv6.get(i)))
                    {
                        errors.add(d.origin + ": " + p + " overlaps " + ipv6.get(i) + " of " + ipv6Where.get(i) +
                            ": a packet could not tell its mechanism");
                    }
                }
            }
            for (final Ipv4Prefix p : own4)
            {
                for (int i = 0; i < ipv4.size(); i++)
                {
                    if (p.overlaps(ipv4.get(i)))
                    {
                        errors.add(d.origin + ": Rule IPv4 prefix " + p + " overlaps " + ipv4.get(i) + " of " +
                            ipv4Where.get(i) + ": an IPv4 address would belong to two domains");
                    }
                }
            }
            if (d.bindings != null)
            {
                checkBindings(d, ipv4, ipv4Where, errors);
            }
            for (final Ipv6Prefix p : own)
            {
                ipv6.add(p);
                ipv6Where.add(d.origin);
            }
            for (final Ipv4Prefix p : own4)
            {
                ipv4.add(p);
                ipv4Where.add(d.origin);
            }
        }
    }

    /** An lw4o6 address inside a MAP rule's IPv4 prefix would belong to two domains (first one reported). */
    private static void checkBindings(final MapDomain d, final List<Ipv4Prefix> ipv4, final List<String> where,
        final List<String> errors)
    {
        for (int i = 0; i < ipv4.size(); i++)
        {
            for (int b = 0; b < d.bindings.size(); b++)
            {
                if (ipv4.get(i).contains(d.bindings.ipv4(b)))
                {
                    errors.add(d.origin + ": binding of " + Addresses.format4(d.bindings.ipv4(b)) + " lies in " +
                        ipv4.get(i) + " of " + where.get(i) + ": an IPv4 address would belong to two domains");
                    break;
                }
            }
        }
    }
}
