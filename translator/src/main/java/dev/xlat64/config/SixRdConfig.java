package dev.xlat64.config;

import dev.xlat64.addr.Addresses;
import dev.xlat64.addr.Eamt;
import dev.xlat64.addr.Ipv6Prefix;
import dev.xlat64.addr.PrefixTable;
import dev.xlat64.addr.Rfc6052Prefix;
import dev.xlat64.addr.SixRdDomain;
import dev.xlat64.config.Settings.Key;
import org.tomlj.TomlArray;
import org.tomlj.TomlTable;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/**
 * The 6rd domains of a config: one from the {@code --6rd-*} flags (which then replace the file's), or the file's
 * {@code [[sixrd.domain]]} tables. Every error is reported with its origin ({@code file:line: key} or the flag);
 * domains are checked against each other and against the SIIT prefixes they would shadow.
 */
public final class SixRdConfig
{
    static final String TABLE = "sixrd";
    static final String DOMAIN = "domain";
    static final String DOMAIN_FILE = "domain-file";
    /** Errors listed per domain file before the rest are only counted. */
    static final int MAX_FILE_ERRORS = 20;
    private static final String[] DOMAIN_KEYS =
        {"prefix", "ipv4-prefix", "br", "mtu", "ttl", "allow-foreign-inner-source", "br-ipv6"};
    private static final Key[] FLAG_KEYS = {Key.SIXRD_PREFIX, Key.SIXRD_IPV4_PREFIX, Key.SIXRD_BR, Key.SIXRD_MTU,
        Key.SIXRD_TTL, Key.SIXRD_BR_IPV6, Key.SIXRD_ALLOW_FOREIGN_INNER_SOURCE};

    private SixRdConfig()
    {
    }

    /** A domain with the text that names where it came from, for cross-domain errors. */
    private record Origin(SixRdDomain domain, String where)
    {
    }

    /**
     * Reads and validates the domains; errors go to {@code errors}.
     *
     * @param tunMtu      the TUN device MTU: an encapsulated packet (tunnel MTU + 20) must fit it
     * @param siitPrefix  the RFC 6052 prefix, or null: a 6rd prefix must not overlap it (6rd is matched first)
     * @param eamt        the EAM table: no 6rd prefix may overlap an entry's IPv6 side
     */
    public static List<SixRdDomain> domains(
        final Settings s, final int tunMtu, final Rfc6052Prefix siitPrefix, final Eamt eamt, final List<String> errors)
    {
        final List<Origin> found = new ArrayList<>();
        boolean flags = false;
        for (final Key k : FLAG_KEYS)
        {
            flags |= s.has(k);
        }
        if (flags)
        {
            final SixRdDomain d = fromFlags(s, errors);
            if (d != null)
            {
                found.add(new Origin(d, s.origin(Key.SIXRD_PREFIX)));
            }
        }
        else if (s.file() != null && s.file().toml().contains(TABLE))
        {
            fromFile(s.file(), found, errors);
        }
        if (s.has(Key.SIXRD_WAN_IPV4))
        {
            ceMode(s, found, errors);
        }
        crossCheck(found, tunMtu, siitPrefix, eamt, errors);
        final List<SixRdDomain> out = new ArrayList<>();
        for (final Origin o : found)
        {
            out.add(o.domain);
        }
        return List.copyOf(out);
    }

    private static SixRdDomain fromFlags(final Settings s, final List<String> errors)
    {
        final int before = errors.size();
        for (final Key required : new Key[] {Key.SIXRD_PREFIX, Key.SIXRD_IPV4_PREFIX, Key.SIXRD_BR})
        {
            if (!s.has(required))
            {
                errors.add(required.flag
                    + ": missing: a 6rd domain needs --6rd-prefix, --6rd-ipv4-prefix and --6rd-br");
            }
        }
        if (errors.size() > before)
        {
            return null;
        }
        try
        {
            final SixRdDomain.Builder b = SixRdDomain.builder(s.get(Key.SIXRD_PREFIX).trim(),
                s.get(Key.SIXRD_IPV4_PREFIX).trim(), s.get(Key.SIXRD_BR).trim());
            if (s.has(Key.SIXRD_MTU))
            {
                b.mtu(number(s.get(Key.SIXRD_MTU), s.origin(Key.SIXRD_MTU)));
            }
            if (s.has(Key.SIXRD_TTL))
            {
                b.ttl(number(s.get(Key.SIXRD_TTL), s.origin(Key.SIXRD_TTL)));
            }
            if (s.has(Key.SIXRD_BR_IPV6))
            {
                b.brIpv6(new Ipv6Prefix(Addresses.parse6(s.get(Key.SIXRD_BR_IPV6)), 128));
            }
            if (s.has(Key.SIXRD_ALLOW_FOREIGN_INNER_SOURCE))
            {
                b.allowForeignInnerSource(bool(s.get(Key.SIXRD_ALLOW_FOREIGN_INNER_SOURCE),
                    s.origin(Key.SIXRD_ALLOW_FOREIGN_INNER_SOURCE)));
            }
            return b.build();
        }
        catch (final IllegalArgumentException ex)
        {
            errors.add("--6rd-prefix/--6rd-ipv4-prefix/--6rd-br: " + ex.getMessage());
            return null;
        }
    }

    private static void fromFile(final ConfigFile file, final List<Origin> found, final List<String> errors)
    {
        final int before = file.errors().size();
        if (!file.toml().isTable(TABLE))
        {
            file.error(TABLE, "expected [[sixrd.domain]] tables");
        }
        else
        {
            final TomlTable sixrd = file.toml().getTable(TABLE);
            file.rejectUnknownKeys(sixrd, TABLE, DOMAIN, DOMAIN_FILE);
            final Object domains = sixrd.get(DOMAIN);
            if (domains != null && !isArrayOfTables(domains))
            {
                file.error(sixrd, DOMAIN, "sixrd.domain", "expected [[sixrd.domain]] tables");
            }
            else if (domains != null)
            {
                final TomlArray array = (TomlArray)domains;
                for (int i = 0; i < array.size(); i++)
                {
                    final Origin o = domain(file, array.getTable(i), "sixrd.domain[" + (i + 1) + "]");
                    if (o != null)
                    {
                        found.add(o);
                    }
                }
            }
            final String domainFile = file.string(sixrd, DOMAIN_FILE, TABLE + "." + DOMAIN_FILE, null);
            if (domainFile != null)
            {
                final Path path = Path.of(file.name()).resolveSibling(Path.of(domainFile.trim()));
                domainFile(path, file.name() + ":" + line(sixrd, DOMAIN_FILE) + ": " + TABLE + "." + DOMAIN_FILE,
                    found, file.errors());
            }
        }
        errors.addAll(file.errors().subList(before, file.errors().size()));
    }

    /**
     * {@code sixrd.domain-file}: many domains without the cost of TOML (tomlj takes seconds for 10,000 tables), one a
     * line: {@code PREFIX IPV4-PREFIX BR [mtu=N] [ttl=N] [br-ipv6=ADDRESS] [allow-foreign-inner-source=true]},
     * {@code #} comments and blank lines allowed; errors as {@code file:line: message} (docs/tables.md).
     */
    private static void domainFile(final Path path, final String origin, final List<Origin> found,
        final List<String> errors)
    {
        final List<String> lines;
        try
        {
            lines = Files.readAllLines(path, StandardCharsets.UTF_8);
        }
        catch (final IOException | UncheckedIOException ex)
        {
            errors.add(origin + ": cannot read the 6rd domain file " + path + ": " + ex.getMessage());
            return;
        }
        int bad = 0;
        for (int i = 0; i < lines.size(); i++)
        {
            final String where = path + ":" + (i + 1);
            final String line = lines.get(i);
            final int hash = line.indexOf('#');
            final String text = (hash < 0 ? line : line.substring(0, hash)).trim();
            if (text.isEmpty())
            {
                continue;
            }
            try
            {
                found.add(new Origin(domainLine(text.split("\\s+")), where));
            }
            catch (final IllegalArgumentException ex)
            {
                if (bad++ < MAX_FILE_ERRORS)
                {
                    errors.add(where + ": " + ex.getMessage());
                }
            }
        }
        if (bad > MAX_FILE_ERRORS)
        {
            errors.add(path + ": " + (bad - MAX_FILE_ERRORS) + " more lines with errors");
        }
    }

    private static SixRdDomain domainLine(final String[] f)
    {
        if (f.length < 3)
        {
            throw new IllegalArgumentException("expected PREFIX IPV4-PREFIX BR [mtu=N] [ttl=N] [br-ipv6=ADDRESS] " +
                "[allow-foreign-inner-source=true|false]");
        }
        final SixRdDomain.Builder b = SixRdDomain.builder(f[0], f[1], f[2]);
        for (int k = 3; k < f.length; k++)
        {
            final int eq = f[k].indexOf('=');
            final String key = eq < 0 ? f[k] : f[k].substring(0, eq);
            final String value = eq < 0 ? "" : f[k].substring(eq + 1);
            switch (key)
            {
                case "mtu":
                    b.mtu(range(number(value, key), key, SixRdDomain.MIN_MTU, SixRdDomain.MAX_MTU));
                    break;
                case "ttl":
                    b.ttl(range(number(value, key), key, 1, 255));
                    break;
                case "br-ipv6":
                    b.brIpv6(new Ipv6Prefix(Addresses.parse6(value), 128));
                    break;
                case "allow-foreign-inner-source":
                    b.allowForeignInnerSource(bool(value, key));
                    break;
                default:
                    throw new IllegalArgumentException("unknown option '" + f[k] + "' (known: mtu, ttl, br-ipv6, " +
                        "allow-foreign-inner-source)");
            }
        }
        return b.build();
    }

    private static int range(final int value, final String key, final int min, final int max)
    {
        if (value < min || value > max)
        {
            throw new IllegalArgumentException(key + ": must be between " + min + " and " + max + ", not " + value);
        }
        return value;
    }

    private static Origin domain(final ConfigFile file, final TomlTable t, final String path)
    {
        file.rejectUnknownKeys(t, path, DOMAIN_KEYS);
        final String prefix = file.string(t, "prefix", path + ".prefix", null);
        final String ipv4Prefix = file.string(t, "ipv4-prefix", path + ".ipv4-prefix", null);
        final String br = file.string(t, "br", path + ".br", null);
        final int mtu = (int)file.integer(t, "mtu", path + ".mtu", SixRdDomain.DEFAULT_MTU, SixRdDomain.MIN_MTU,
            SixRdDomain.MAX_MTU);
        final int ttl = (int)file.integer(t, "ttl", path + ".ttl", SixRdDomain.DEFAULT_TTL, 1, 255);
        final boolean foreign = file.bool(t, "allow-foreign-inner-source", path + ".allow-foreign-inner-source", false);
        final String brIpv6 = file.string(t, "br-ipv6", path + ".br-ipv6", null);
        final String where = file.name() + ":" + line(t) + ": " + path;
        if (prefix == null || ipv4Prefix == null || br == null)
        {
            file.errors().add(where + ": needs prefix, ipv4-prefix and br");
            return null;
        }
        try
        {
            final SixRdDomain.Builder b = SixRdDomain.builder(prefix.trim(), ipv4Prefix.trim(), br.trim())
                .mtu(mtu).ttl(ttl).allowForeignInnerSource(foreign);
            if (brIpv6 != null)
            {
                b.brIpv6(new Ipv6Prefix(Addresses.parse6(brIpv6), 128));
            }
            return new Origin(b.build(), where);
        }
        catch (final IllegalArgumentException ex)
        {
            file.errors().add(where + ": " + ex.getMessage());
            return null;
        }
    }

    private static boolean isArrayOfTables(final Object value)
    {
        if (!(value instanceof TomlArray))
        {
            return false;
        }
        final TomlArray array = (TomlArray)value;
        for (int i = 0; i < array.size(); i++)
        {
            if (!(array.get(i) instanceof TomlTable))
            {
                return false;
            }
        }
        return true;
    }

    private static String line(final TomlTable t)
    {
        return line(t, "prefix");
    }

    private static String line(final TomlTable t, final String key)
    {
        try
        {
            final var p = t.inputPositionOf(List.of(key));
            return p == null ? "?" : String.valueOf(p.line());
        }
        catch (final IllegalArgumentException ex)
        {
            return "?";
        }
    }

    /** RFC 5969 s.7.2: a CE's WAN address lies in the domain's common IPv4 prefix; the domain becomes CE mode. */
    private static void ceMode(final Settings s, final List<Origin> found, final List<String> errors)
    {
        if (found.size() != 1)
        {
            errors.add(s.origin(Key.SIXRD_WAN_IPV4) + ": CE mode needs exactly one 6rd domain, not " + found.size());
            return;
        }
        try
        {
            final int wan = Addresses.parse4(s.get(Key.SIXRD_WAN_IPV4));
            final SixRdDomain d = found.get(0).domain;
            if (!d.isCeIpv4(wan))
            {
                errors.add(s.origin(Key.SIXRD_WAN_IPV4) + ": " + Addresses.format4(wan) +
                    " is outside the domain's IPv4 prefix " + d.ipv4Prefix());
                return;
            }
            final SixRdDomain.Builder b = SixRdDomain.builder(d.prefix(), d.ipv4Prefix(), d.brIpv4()).mtu(d.mtu())
                .ttl(d.ttl()).ceIpv4(wan);
            if (s.has(Key.SIXRD_BR_IPV6))
            {
                b.brIpv6(d.brIpv6());
            }
            found.set(0, new Origin(b.build(), found.get(0).where));
        }
        catch (final IllegalArgumentException ex)
        {
            errors.add(s.origin(Key.SIXRD_WAN_IPV4) + ": " + ex.getMessage());
        }
    }

    /**
     * Checks each domain against the TUN MTU, the SIIT prefix, the EAM entries and the other domains, in O(n log n)
     * with {@link PrefixTable}s (10,000 domains and a million EAM entries check in well under a second); each domain's
     * errors are listed in domain order, as the pairwise check gave them.
     */
    private static void crossCheck(
        final List<Origin> found, final int tunMtu, final Rfc6052Prefix siitPrefix, final Eamt eamt,
        final List<String> errors)
    {
        final int n = found.size();
        final TreeMap<Integer, List<String>> byDomain = new TreeMap<>();
        for (int i = 0; i < n; i++)
        {
            final SixRdDomain d = found.get(i).domain;
            if (d.mtu() + 20 > tunMtu)
            {
                add(byDomain, i, found.get(i).where + ": tunnel MTU " + d.mtu() + " + 20 (outer header) exceeds the " +
                    "TUN MTU " + tunMtu + ": lower the 6rd mtu or raise tun.mtu");
            }
            if (siitPrefix != null && d.prefix().overlaps(siitPrefix.prefix()))
            {
                add(byDomain, i, found.get(i).where + ": 6rd prefix " + d.prefix() + " overlaps the RFC 6052 prefix " +
                    siitPrefix.prefix());
            }
        }
        final long[] high = new long[n];
        final long[] low = new long[n];
        final byte[] length = new byte[n];
        final long[] brKey = new long[n];
        final byte[] brLength = new byte[n];
        for (int i = 0; i < n; i++)
        {
            final SixRdDomain d = found.get(i).domain;
            high[i] = d.prefix().high();
            low[i] = d.prefix().low();
            length[i] = (byte)d.prefix().length();
            // (BR, CE IPv4 prefix) as one 64-bit key: two domains overlap there only if they share the BR address
            brKey[i] = (long)d.brIpv4() << 32 | d.ipv4Prefix().address() & 0xffffffffL;
            brLength[i] = (byte)(32 + d.ipv4Prefix().length());
        }
        final PrefixTable prefixes = PrefixTable.build(high, low, length, n, false, overlaps((i, j) ->
            add(byDomain, i, found.get(i).where + ": 6rd prefix " + found.get(i).domain.prefix() + " overlaps " +
                found.get(j).domain.prefix() + " of " + found.get(j).where)));
        PrefixTable.build(brKey, null, brLength, n, false, overlaps((i, j) ->
            add(byDomain, i, found.get(i).where + ": shares BR " + Addresses.format4(found.get(i).domain.brIpv4()) +
                " with " + found.get(j).where + " and their IPv4 prefixes overlap (" +
                found.get(i).domain.ipv4Prefix() + ", " + found.get(j).domain.ipv4Prefix() +
                "): a 6in4 packet could not tell its domain")));
        // A 6rd prefix and an EAM IPv6 prefix overlap when one holds the other's first address; one error a domain.
        final int[] eam = new int[n];
        for (int i = 0; i < n; i++)
        {
            eam[i] = eamt.indexByIpv6(high[i], low[i]);
        }
        for (int e = 0; n > 0 && e < eamt.size(); e++)
        {
            final int i = prefixes.lookup(eamt.ipv6PrefixHigh(e), eamt.ipv6PrefixLow(e));
            if (i >= 0 && eam[i] < 0)
            {
                eam[i] = e;
            }
        }
        for (int i = 0; i < n; i++)
        {
            if (eam[i] >= 0)
            {
                add(byDomain, i, found.get(i).where + ": 6rd prefix " + found.get(i).domain.prefix() +
                    " overlaps the EAM entry " + eamt.entry(eam[i]));
            }
        }
        byDomain.values().forEach(errors::addAll);
    }

    /** Reports each overlapping pair once as (later, earlier) in config order. */
    private static PrefixTable.Conflicts overlaps(final BiConsumer<Integer, Integer> pair)
    {
        return new PrefixTable.Conflicts()
        {
            @Override
            public void duplicate(final int earlier, final int later)
            {
                pair.accept(later, earlier);
            }

            @Override
            public void nested(final int outer, final int inner)
            {
                pair.accept(Math.max(outer, inner), Math.min(outer, inner));
            }
        };
    }

    private static void add(final TreeMap<Integer, List<String>> byDomain, final int domain, final String error)
    {
        byDomain.computeIfAbsent(domain, k -> new ArrayList<>()).add(error);
    }

    private static int number(final String text, final String origin)
    {
        try
        {
            return Integer.parseInt(text.trim());
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException(origin + ": '" + text + "' is not a whole number");
        }
    }

    private static boolean bool(final String text, final String origin)
    {
        final String v = text.trim().toLowerCase(Locale.ROOT);
        if (v.equals("true") || v.equals("yes") || v.equals("on"))
        {
            return true;
        }
        if (v.equals("false") || v.equals("no") || v.equals("off"))
        {
            return false;
        }
        throw new IllegalArgumentException(origin + ": '" + text + "' is not true or false");
    }
}
