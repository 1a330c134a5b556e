package dev.xlat64.dns64;

import dev.xlat64.addr.Ipv4Prefix;
import dev.xlat64.addr.Ipv6Prefix;
import dev.xlat64.addr.Rfc6052Prefix;
import dev.xlat64.config.ConfigFile;
import org.tomlj.TomlTable;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code [dns64]} section (plus {@code [translator].prefix}) as an immutable model. {@link #load} collects every
 * error into the {@link ConfigFile} (file:line: key: message) and returns null when there is any.
 */
public final class Dns64Config
{
    static final String SECTION = "dns64";
    static final String DEFAULT_EXCLUDE = "::ffff:0:0/96";
    private static final String[] KEYS = {
        "listen", "upstream", "prefixes", "exclude", "allow-clients", "timeout-ms", "attempts", "cache-entries",
        "edns-payload", "mapped", "max-pending", "max-tcp-clients", "tcp-idle-timeout-ms", "cache-bytes",
        "tcp-output-bytes", "tcp-connection-output-bytes", "ratelimit", "ratelimit-slip", "ratelimit-ipv4-prefix",
        "ratelimit-ipv6-prefix", "cookies", "cookie-secret", "threads"};

    /** Command-line values that replace the file's (null or empty = keep the file's). */
    public static final class Overrides
    {
        public List<String> listen = List.of();
        public List<String> upstream = List.of();
        public List<String> prefixes = List.of();
        public List<String> allowClients = List.of();
        /** --threads; null = the file's. */
        public Integer threads;
    }

    public final List<InetSocketAddress> listen;
    public final List<InetSocketAddress> upstreams;
    public final Policy policy;
    public final int timeoutMs;
    public final int attempts;
    public final int cacheEntries;
    /** The cache's bound in bytes (answers' wire bytes plus a fixed cost per entry), evicting least recently used. */
    public final long cacheBytes;
    /** Answers queued for client TCP connections, all connections together; beyond it the connection is closed. */
    public final long tcpOutputBytes;
    /** Answers queued for one client TCP connection; reading stops at half, the connection is closed beyond it. */
    public final int tcpConnectionOutputBytes;
    /** Abuse controls: response rate limiting (0 = off) and DNS cookies (docs/dns64-defences.md). */
    public final Abuse abuse;

    /** Response rate limiting and DNS cookies. */
    public static final class Abuse
    {
        /** UDP answers a second per client network; 0 = no limit (the default). */
        public final int ratelimit;
        public final int slip;
        public final int ipv4Prefix;
        public final int ipv6Prefix;
        /** Null: no cookies. */
        final byte[] cookieSecret;

        Abuse(final int ratelimit, final int slip, final int ipv4Prefix, final int ipv6Prefix,
            final byte[] cookieSecret)
        {
            this.ratelimit = ratelimit;
            this.slip = slip;
            this.ipv4Prefix = ipv4Prefix;
            this.ipv6Prefix = ipv6Prefix;
            this.cookieSecret = cookieSecret;
        }

        static final Abuse NONE = new Abuse(0, 2, 24, 56, null);
    }
    public final int ednsPayload;
    /** Upstream look-ups in flight at most; queries beyond get SERVFAIL at once (counted as overload). */
    public final int maxPending;
    /** Client TCP connections open at most; at the bound the longest-idle one is closed for a new one. */
    public final int maxTcpClients;
    /** RFC 7766 section 6.2.3: a client TCP connection with nothing in flight for this long is closed. */
    public final int tcpIdleTimeoutMs;
    /** Event loops (docs/dns64.md, "Threads"); each gets its share of the bounds above ({@link #share}). */
    public final int threads;

    Dns64Config(
        final List<InetSocketAddress> listen, final List<InetSocketAddress> upstreams, final Policy policy,
        final int timeoutMs, final int attempts, final int cacheEntries, final int ednsPayload, final int maxPending,
        final int maxTcpClients, final int tcpIdleTimeoutMs, final long cacheBytes, final long tcpOutputBytes,
        final int tcpConnectionOutputBytes, final Abuse abuse, final int threads)
    {
        this.threads = threads;
        this.abuse = abuse;
        this.tcpOutputBytes = tcpOutputBytes;
        this.tcpConnectionOutputBytes = tcpConnectionOutputBytes;
        this.cacheBytes = cacheBytes;
        this.maxPending = maxPending;
        this.maxTcpClients = maxTcpClients;
        this.tcpIdleTimeoutMs = tcpIdleTimeoutMs;
        this.listen = List.copyOf(listen);
        this.upstreams = List.copyOf(upstreams);
        this.policy = policy;
        this.timeoutMs = timeoutMs;
        this.attempts = attempts;
        this.cacheEntries = cacheEntries;
        this.ednsPayload = ednsPayload;
    }

    /** This configuration with another policy (tests). */
    Dns64Config withPolicy(final Policy other)
    {
        return new Dns64Config(listen, upstreams, other, timeoutMs, attempts, cacheEntries, ednsPayload, maxPending,
            maxTcpClients, tcpIdleTimeoutMs, cacheBytes, tcpOutputBytes, tcpConnectionOutputBytes, abuse, threads);
    }

    /** This configuration with {@code n} threads. */
    Dns64Config withThreads(final int n)
    {
        return new Dns64Config(listen, upstreams, policy, timeoutMs, attempts, cacheEntries, ednsPayload, maxPending,
            maxTcpClients, tcpIdleTimeoutMs, cacheBytes, tcpOutputBytes, tcpConnectionOutputBytes, abuse, n);
    }

    /**
     * One event loop's share when {@code n} loops run: the totals (cache entries and bytes, look-ups in flight, TCP
     * clients and output, the rate limit) divided so that all loops together keep the configured bounds.
     */
    Dns64Config share(final int n)
    {
        if (n == 1)
        {
            return this;
        }
        final Abuse a = abuse.ratelimit == 0 ? abuse :
            new Abuse(ceil(abuse.ratelimit, n), abuse.slip, abuse.ipv4Prefix, abuse.ipv6Prefix, abuse.cookieSecret);
        return new Dns64Config(listen, upstreams, policy, timeoutMs, attempts, cacheEntries == 0 ? 0 :
            ceil(cacheEntries, n), ednsPayload, ceil(maxPending, n), ceil(maxTcpClients, n), tcpIdleTimeoutMs,
            cacheBytes / n, Math.max(65537, tcpOutputBytes / n), tcpConnectionOutputBytes, a, 1);
    }

    private static int ceil(final int total, final int n)
    {
        return (total + n - 1) / n;
    }

    /** Reads {@code [dns64]} of {@code file} with {@code overrides} applied; errors go to {@code file}. */
    public static Dns64Config load(final ConfigFile file, final Overrides overrides)
    {
        final TomlTable section = section(file);
        final List<InetSocketAddress> listen = listen(file, section, overrides);
        final List<InetSocketAddress> upstreams = upstreams(file, section, overrides);
        final List<Rfc6052Prefix> prefixes = prefixes(file, section, overrides);
        final List<Ipv6Prefix> excluded = excluded(file, section);
        final List<String> allow = allowed(file, section, overrides);
        final List<Policy.Mapping> mappings = MappedConfig.mappings(file, section);
        final int timeoutMs = (int)file.integer(section, "timeout-ms", "dns64.timeout-ms", 1000, 10, 60_000);
        final int attempts = (int)file.integer(section, "attempts", "dns64.attempts", 2, 1, 10);
        final int cacheEntries = (int)file.integer(section, "cache-entries", "dns64.cache-entries", 10_000, 0,
            10_000_000);
        final long cacheBytes = file.integer(section, "cache-bytes", "dns64.cache-bytes", Cache.DEFAULT_BYTES, 0,
            1L << 40);
        final int ednsPayload = (int)file.integer(section, "edns-payload", "dns64.edns-payload", 1232, 512, 4096);
        final int maxPending = (int)file.integer(section, "max-pending", "dns64.max-pending", 10_000, 1, 1_000_000);
        final int maxTcpClients = (int)file.integer(section, "max-tcp-clients", "dns64.max-tcp-clients", 1000, 1,
            100_000);
        final int tcpIdleTimeoutMs = (int)file.integer(section, "tcp-idle-timeout-ms", "dns64.tcp-idle-timeout-ms",
            10_000, 100, 600_000);
        // One answer (up to 64 KiB and its length) always fits.
        final long tcpOutputBytes = file.integer(section, "tcp-output-bytes", "dns64.tcp-output-bytes", 32L << 20,
            65537, 1L << 40);
        final int tcpConnectionOutputBytes = (int)file.integer(section, "tcp-connection-output-bytes",
            "dns64.tcp-connection-output-bytes", 256 << 10, 65537, 1 << 30);
        final Abuse abuse = abuse(file, section);
        final int threads = threads(file, section, overrides);
        if (file.hasErrors())
        {
            return null;
        }
        return new Dns64Config(listen, upstreams, new Policy(prefixes, mappings, excluded, allow), timeoutMs,
            attempts, cacheEntries, ednsPayload, maxPending, maxTcpClients, tcpIdleTimeoutMs, cacheBytes,
            tcpOutputBytes, tcpConnectionOutputBytes, abuse, threads);
    }

    /** The {@code [dns64]} table (empty when absent), its unknown keys reported. */
    private static TomlTable section(final ConfigFile file)
    {
        final TomlTable root = file.toml();
        TomlTable dns64 = null;
        if (root.contains(SECTION))
        {
            if (root.isTable(SECTION))
            {
                dns64 = root.getTable(SECTION);
            }
            else
            {
                file.error(SECTION, "expected a table [dns64]");
            }
        }
        if (dns64 == null)
        {
            return org.tomlj.Toml.parse("");
        }
        file.rejectUnknownKeys(dns64, SECTION, KEYS);
        return dns64;
    }

    private static List<InetSocketAddress> listen(final ConfigFile file, final TomlTable section,
        final Overrides overrides)
    {
        final List<InetSocketAddress> listen = new ArrayList<>();
        if (!overrides.listen.isEmpty())
        {
            addresses(file, overrides.listen, "--listen", listen);
        }
        else
        {
            final List<String> texts = strings(file, section, "listen", "dns64.listen");
            addresses(file, section, "listen", texts.isEmpty() ? List.of("127.0.0.1:53", "[::1]:53") : texts, listen);
        }
        return listen;
    }

    private static List<InetSocketAddress> upstreams(final ConfigFile file, final TomlTable section,
        final Overrides overrides)
    {
        final List<InetSocketAddress> upstreams = new ArrayList<>();
        if (!overrides.upstream.isEmpty())
        {
            addresses(file, overrides.upstream, "--upstream", upstreams);
        }
        else
        {
            addresses(file, section, "upstream", strings(file, section, "upstream", "dns64.upstream"), upstreams);
            if (upstreams.isEmpty() && !section.contains("upstream"))
            {
                file.error(SECTION, "no upstream: set dns64.upstream (host:port, IPv6 in brackets) or --upstream");
            }
        }
        return upstreams;
    }

    /** The synthesis prefixes: --prefix, else dns64.prefixes, else [translator].prefix. */
    private static List<Rfc6052Prefix> prefixes(final ConfigFile file, final TomlTable section,
        final Overrides overrides)
    {
        final TomlTable root = file.toml();
        final List<Rfc6052Prefix> prefixes = new ArrayList<>();
        if (!overrides.prefixes.isEmpty())
        {
            for (final String p : overrides.prefixes)
            {
                prefix(file, null, "--prefix", "--prefix", p, prefixes);
            }
        }
        else if (section.contains("prefixes"))
        {
            for (final String p : strings(file, section, "prefixes", "dns64.prefixes"))
            {
                prefix(file, section, "prefixes", "dns64.prefixes", p, prefixes);
            }
            if (prefixes.isEmpty())
            {
                file.error(section, "prefixes", "dns64.prefixes", "must list at least one prefix");
            }
        }
        else if (root.isTable("translator") && root.getTable("translator").contains("prefix"))
        {
            final TomlTable translator = root.getTable("translator");
            final String p = file.string(translator, "prefix", "translator.prefix", null);
            if (p != null)
            {
                prefix(file, translator, "prefix", "translator.prefix", p, prefixes);
            }
        }
        else
        {
            file.error(SECTION, "no prefix: set [translator].prefix");
        }
        return prefixes;
    }

    private static List<Ipv6Prefix> excluded(final ConfigFile file, final TomlTable section)
    {
        final List<Ipv6Prefix> excluded = new ArrayList<>();
        final List<String> excludeTexts = section.contains("exclude") ?
            strings(file, section, "exclude", "dns64.exclude") : List.of(DEFAULT_EXCLUDE);
        for (final String e : excludeTexts)
        {
            try
            {
                excluded.add(Ipv6Prefix.parse(e));
            }
            catch (final IllegalArgumentException ex)
            {
                file.error(section, "exclude", "dns64.exclude", ex.getMessage());
            }
        }
        return excluded;
    }

    /** The client networks allowed besides loopback, checked here (the Policy parses them again). */
    private static List<String> allowed(final ConfigFile file, final TomlTable section, final Overrides overrides)
    {
        final List<String> allow = new ArrayList<>();
        final List<String> allowTexts = overrides.allowClients.isEmpty() ?
            strings(file, section, "allow-clients", "dns64.allow-clients") : overrides.allowClients;
        for (final String a : allowTexts)
        {
            try
            {
                if (a.indexOf(':') >= 0)
                {
                    Ipv6Prefix.parse(a);
                }
                else
                {
                    Ipv4Prefix.parse(a);
                }
                allow.add(a);
            }
            catch (final IllegalArgumentException ex)
            {
                if (overrides.allowClients.isEmpty())
                {
                    file.error(section, "allow-clients", "dns64.allow-clients", ex.getMessage());
                }
                else
                {
                    file.errors().add("--allow-client: " + ex.getMessage());
                }
            }
        }
        return allow;
    }

    /** dns64.threads or --threads; 0 = one per CPU; the default is 1 (docs/dns64.md, "Threads"). */
    private static int threads(final ConfigFile file, final TomlTable section, final Overrides overrides)
    {
        int threads = overrides.threads != null ? overrides.threads :
            (int)file.integer(section, "threads", "dns64.threads", 1, 0, 256);
        if (overrides.threads != null && (threads < 0 || threads > 256))
        {
            file.errors().add("--threads: expected 0 (one per CPU) to 256, got " + threads);
        }
        if (threads == 0)
        {
            threads = Runtime.getRuntime().availableProcessors();
        }
        return threads;
    }

    private static Abuse abuse(final ConfigFile file, final TomlTable section)
    {
        final int ratelimit = (int)file.integer(section, "ratelimit", "dns64.ratelimit", 0, 0, 10_000_000);
        final int slip = (int)file.integer(section, "ratelimit-slip", "dns64.ratelimit-slip", 2, 0, 10);
        final int v4 = (int)file.integer(section, "ratelimit-ipv4-prefix", "dns64.ratelimit-ipv4-prefix", 24, 0, 32);
        final int v6 = (int)file.integer(section, "ratelimit-ipv6-prefix", "dns64.ratelimit-ipv6-prefix", 56, 0, 64);
        final boolean cookies = file.bool(section, "cookies", "dns64.cookies", true);
        final String secretText = file.string(section, "cookie-secret", "dns64.cookie-secret", null);
        byte[] secret = null;
        if (secretText != null)
        {
            if (!secretText.matches("[0-9a-fA-F]{32}"))
            {
                file.error(section, "cookie-secret", "dns64.cookie-secret",
                    "expected 32 hex digits (a 16-byte SipHash key, RFC 9018 section 4.4)");
            }
            else
            {
                secret = java.util.HexFormat.of().parseHex(secretText);
            }
        }
        if (cookies && secret == null)
        {
            // RFC 9018 section 4.4: random per start unless shared by configuration (anycast).
            secret = new byte[16];
            new java.security.SecureRandom().nextBytes(secret);
        }
        return new Abuse(ratelimit, slip, v4, v6, cookies ? secret : null);
    }

    /** A list of strings (a single string is a list of one), read the same way as the translator's keys. */
    static List<String> strings(final ConfigFile file, final TomlTable table, final String key, final String displayKey)
    {
        return file.strings(table, key, displayKey);
    }

    private static void prefix(
        final ConfigFile file, final TomlTable table, final String key, final String displayKey, final String text,
        final List<Rfc6052Prefix> out)
    {
        try
        {
            out.add(Rfc6052Prefix.parse(text));
        }
        catch (final IllegalArgumentException ex)
        {
            if (table == null)
            {
                file.errors().add(displayKey + ": " + ex.getMessage());
            }
            else
            {
                file.error(table, key, displayKey, ex.getMessage());
            }
        }
    }

    private static void addresses(
        final ConfigFile file, final TomlTable table, final String key, final List<String> texts,
        final List<InetSocketAddress> out)
    {
        for (final String t : texts)
        {
            try
            {
                out.add(HostPort.parse(t));
            }
            catch (final IllegalArgumentException ex)
            {
                file.error(table, key, "dns64." + key, ex.getMessage());
            }
        }
    }

    private static void addresses(
        final ConfigFile file, final List<String> texts, final String flag, final List<InetSocketAddress> out)
    {
        for (final String t : texts)
        {
            try
            {
                out.add(HostPort.parse(t));
            }
            catch (final IllegalArgumentException ex)
            {
                file.errors().add(flag + ": " + ex.getMessage());
            }
        }
    }
}
