package dev.xlat64.config;

import org.tomlj.TomlTable;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Raw settings gathered from the config file and then the flags (flags override), each remembering where it came
 * from ({@code file:line: table.key} or {@code --flag}) so validation can say exactly what is wrong and where.
 */
public final class Settings
{
    /** A known setting: its TOML table and key, its flag, and whether it is a list. */
    public enum Key
    {
        TUN_NAME("tun", "name", "--tun", false),
        TUN_QUEUES("tun", "queues", "--queues", false),
        TUN_MTU("tun", "mtu", "--mtu", false),
        TUN_IDLE("tun", "idle", "--idle", false),
        TUN_OFFLOAD("tun", "offload", "--offload", false),
        TUN_IO_URING("tun", "io-uring", "--io-uring", false),
        PREFIX("translator", "prefix", "--prefix", false),
        IVI_PREFIX("translator", "ivi-prefix", "--ivi-prefix", false),
        EAM("translator", "eam", "--eam", true),
        EAM_FILE("translator", "eam-file", "--eam-file", false),
        IPV4_ADDR("translator", "ipv4-addr", "--ipv4-addr", false),
        IPV6_ADDR("translator", "ipv6-addr", "--ipv6-addr", false),
        ICMP_POOL4("translator", "icmp-pool4", "--icmp-pool4", false),
        ICMP_POOL6("translator", "icmp-pool6", "--icmp-pool6", false),
        LOWEST_IPV6_MTU("translator", "lowest-ipv6-mtu", "--lowest-ipv6-mtu", false),
        IPV4_MTU("translator", "ipv4-mtu", "--ipv4-mtu", false),
        IPV6_MTU("translator", "ipv6-mtu", "--ipv6-mtu", false),
        UDP_ZERO_CHECKSUM("translator", "udp-zero-checksum", "--udp-zero-checksum", false),
        COPY_TOS("translator", "copy-tos", "--copy-tos", false),
        WKP_STRICT("translator", "wkp-strict", "--wkp-strict", false),
        ICMP_ERRORS_PER_SECOND("translator", "icmp-errors-per-second", "--icmp-errors-per-second", false),
        EAM_HAIRPINNING("translator", "eam-hairpinning", "--eam-hairpinning", false),
        METRICS("metrics", "listen", "--metrics", false),
        // One 6rd domain from flags (RFC 5969); the file's form is [[sixrd.domain]] tables, read by SixRdConfig.
        SIXRD_PREFIX("sixrd", "prefix", "--6rd-prefix", false),
        SIXRD_IPV4_PREFIX("sixrd", "ipv4-prefix", "--6rd-ipv4-prefix", false),
        SIXRD_BR("sixrd", "br", "--6rd-br", false),
        SIXRD_MTU("sixrd", "mtu", "--6rd-mtu", false),
        SIXRD_TTL("sixrd", "ttl", "--6rd-ttl", false),
        SIXRD_BR_IPV6("sixrd", "br-ipv6", "--6rd-br-ipv6", false),
        SIXRD_ALLOW_FOREIGN_INNER_SOURCE("sixrd", "allow-foreign-inner-source", "--6rd-allow-foreign-inner-source",
            false),
        SIXRD_WAN_IPV4("sixrd", "wan-ipv4", "--wan-ipv4", false),
        TUN_MANAGE_ROUTES("tun", "manage-routes", "--manage-routes", false),
        IPV4_DENYLIST("translator", "ipv4-denylist", "--ipv4-denylist", true);

        public final String table;
        public final String key;
        public final String flag;
        public final boolean list;

        Key(final String table, final String key, final String flag, final boolean list)
        {
            this.table = table;
            this.key = key;
            this.flag = flag;
            this.list = list;
        }

        public String dotted()
        {
            return table + "." + key;
        }
    }

    /** Tables of the file this class reads; other modules (e.g. [dns64]) validate their own. */
    private static final String[] OWN_TABLES = {"tun", "translator", "metrics"};

    private final Map<Key, List<String>> values = new LinkedHashMap<>();
    private final Map<Key, String> origins = new LinkedHashMap<>();
    private ConfigFile file;

    /** Reads every known key from {@code file}, reporting unknown keys and wrong types into the file's errors. */
    public Settings fromFile(final ConfigFile file)
    {
        this.file = file;
        if (file.hasErrors())
        {
            return this;
        }
        for (final String table : OWN_TABLES)
        {
            if (!file.toml().contains(table))
            {
                continue;
            }
            if (!file.toml().isTable(table))
            {
                file.error(table, "expected a table [" + table + "]");
                continue;
            }
            final TomlTable t = file.toml().getTable(table);
            final List<String> known = new ArrayList<>();
            for (final Key k : Key.values())
            {
                if (!k.table.equals(table))
                {
                    continue;
                }
                known.add(k.key);
                if (!t.contains("\"" + k.key + "\""))
                {
                    continue;
                }
                final String quoted = "\"" + k.key + "\"";
                final Object v = t.get(quoted);
                final List<String> out = new ArrayList<>();
                if (k.list)
                {
                    out.addAll(file.strings(t, quoted, k.dotted()));
                }
                else if (v instanceof String || v instanceof Long || v instanceof Boolean)
                {
                    out.add(String.valueOf(v));
                }
                else
                {
                    file.error(t, quoted, k.dotted(), "expected a string, number or boolean");
                    continue;
                }
                values.put(k, out);
                origins.put(k, file.name() + ":" + line(t, quoted) + ": " + k.dotted());
            }
            file.rejectUnknownKeys(t, table, known.toArray(new String[0]));
        }
        return this;
    }

    private static String line(final TomlTable t, final String key)
    {
        try
        {
            final var p = t.inputPositionOf(key);
            return p == null ? "?" : String.valueOf(p.line());
        }
        catch (final IllegalArgumentException ex)
        {
            return "?";
        }
    }

    /** A flag overrides the file's value. */
    public Settings flag(final Key key, final String value)
    {
        if (value != null)
        {
            values.put(key, List.of(value));
            origins.put(key, key.flag);
        }
        return this;
    }

    /** A repeatable flag; when given at all, it replaces the file's list. */
    public Settings flag(final Key key, final List<String> list)
    {
        if (list != null && !list.isEmpty())
        {
            values.put(key, List.copyOf(list));
            origins.put(key, key.flag);
        }
        return this;
    }

    public boolean has(final Key key)
    {
        return values.containsKey(key);
    }

    public String get(final Key key)
    {
        final List<String> v = values.get(key);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    public List<String> list(final Key key)
    {
        return values.getOrDefault(key, List.of());
    }

    /** Where a value came from: {@code file:line: table.key} or {@code --flag}; the flag name when unset. */
    public String origin(final Key key)
    {
        return origins.getOrDefault(key, key.flag);
    }

    /** The config file, or null when running from flags alone. */
    public ConfigFile file()
    {
        return file;
    }
}
