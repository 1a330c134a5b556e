package dev.xlat64.addr;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The Explicit Address Mapping Table (RFC 7757). Lookups are longest-prefix match in both directions (section 3.2),
 * each through a {@link PrefixTable}; the entries live in flat arrays (no object per entry), so a million of them load
 * in seconds and cost tens of bytes each. Immutable and shared by all agents; a lookup allocates nothing. An entry is
 * named by its position (0..size-1, the order it was added in).
 */
public final class Eamt
{
    public static final Eamt EMPTY = new Builder().build();

    /** One entry: an IPv4 prefix and an IPv6 prefix whose suffix is at least as long (RFC 7757 section 3.2). */
    public static final class Entry
    {
        public final Ipv4Prefix ipv4;
        public final Ipv6Prefix ipv6;

        public Entry(final Ipv4Prefix ipv4, final Ipv6Prefix ipv6)
        {
            final String problem = suffixProblem(ipv4.length(), ipv6.length());
            if (problem != null)
            {
                throw new IllegalArgumentException("EAM " + ipv4 + " = " + ipv6 + ": " + problem);
            }
            this.ipv4 = ipv4;
            this.ipv6 = ipv6;
        }

        /** Parses {@code 192.0.2.0/24=2001:db8:aaaa::/120}. */
        public static Entry parse(final String text)
        {
            final int eq = text.indexOf('=');
            if (eq < 0)
            {
                throw new IllegalArgumentException("'" + text +
                    "' is not an EAM entry: expected IPV4PREFIX=IPV6PREFIX");
            }
            return new Entry(Ipv4Prefix.parse(text.substring(0, eq).trim()),
                Ipv6Prefix.parse(text.substring(eq + 1).trim()));
        }

        @Override
        public String toString()
        {
            return ipv4 + "=" + ipv6;
        }
    }

    /** RFC 7757 section 3.2: null when the lengths pair up, else why not. */
    public static String suffixProblem(final int ipv4Length, final int ipv6Length)
    {
        if (128 - ipv6Length < 32 - ipv4Length)
        {
            return "the IPv6 suffix (" + (128 - ipv6Length) + " bits) is shorter than the IPv4 suffix (" +
                (32 - ipv4Length) + " bits); RFC 7757 section 3.2 requires it to be at least as long";
        }
        return null;
    }

    /** Collects entries as columns (no object per entry) and builds the table. */
    public static final class Builder
    {
        private int size;
        private int[] ipv4;
        private byte[] ipv4Length;
        private long[] ipv6High;
        private long[] ipv6Low;
        private byte[] ipv6Length;

        public Builder()
        {
            this(16);
        }

        /** A builder sized for {@code expected} entries (no regrowing: less garbage for a large table). */
        public Builder(final int expected)
        {
            final int n = Math.max(1, expected);
            ipv4 = new int[n];
            ipv4Length = new byte[n];
            ipv6High = new long[n];
            ipv6Low = new long[n];
            ipv6Length = new byte[n];
        }

        /** Adds an entry whose prefixes are valid (host bits zero) and whose lengths satisfy {@link #suffixProblem}. */
        public Builder add(final int ipv4Address, final int ipv4Len, final long high, final long low, final int ipv6Len)
        {
            if (size == ipv4.length)
            {
                final int n = size * 2;
                ipv4 = Arrays.copyOf(ipv4, n);
                ipv4Length = Arrays.copyOf(ipv4Length, n);
                ipv6High = Arrays.copyOf(ipv6High, n);
                ipv6Low = Arrays.copyOf(ipv6Low, n);
                ipv6Length = Arrays.copyOf(ipv6Length, n);
            }
            ipv4[size] = ipv4Address;
            ipv4Length[size] = (byte)ipv4Len;
            ipv6High[size] = high;
            ipv6Low[size] = low;
            ipv6Length[size] = (byte)ipv6Len;
            size++;
            return this;
        }

        public Builder add(final Entry e)
        {
            return add(e.ipv4.address(), e.ipv4.length(), e.ipv6.high(), e.ipv6.low(), e.ipv6.length());
        }

        public int size()
        {
            return size;
        }

        /**
         * Builds the table (once: the builder is spent); an IPv4 or IPv6 prefix given twice is reported to
         * {@code duplicates} as (earlier, later) positions and the table is then not for use (RFC 7757 section 3.2: a
         * key that maps two ways).
         */
        public Eamt build(final Duplicates duplicates)
        {
            final long started = System.nanoTime();
            final long[] v4Keys = new long[size];
            for (int i = 0; i < size; i++)
            {
                v4Keys[i] = PrefixTable.ipv4Key(ipv4[i]);
            }
            final PrefixTable by4 = PrefixTable.build(v4Keys, null, ipv4Length, size, true,
                (earlier, later) -> duplicates.duplicate(earlier, later, true));
            final PrefixTable by6 = PrefixTable.build(ipv6High, ipv6Low, ipv6Length, size, true,
                (earlier, later) -> duplicates.duplicate(earlier, later, false));
            final Eamt table = new Eamt(EamRows.pack(size, ipv4, ipv4Length, ipv6High, ipv6Low, ipv6Length), by4, by6,
                System.currentTimeMillis(), System.nanoTime() - started);
            ipv4 = null;
            ipv4Length = null;
            ipv6High = null;
            ipv6Low = null;
            ipv6Length = null;
            return table;
        }

        /** Builds the table, throwing on the first duplicate (the message names both entries). */
        public Eamt build()
        {
            final int[] first = {-1, -1, 0};
            final Eamt built = build((earlier, later, ipv4Side) ->
            {
                if (first[0] < 0)
                {
                    first[0] = earlier;
                    first[1] = later;
                    first[2] = ipv4Side ? 1 : 0;
                }
            });
            if (first[0] >= 0)
            {
                throw new IllegalArgumentException(duplicateMessage(built, first[0], first[1], first[2] == 1));
            }
            return built;
        }
    }

    /** Told about an IPv4 (or IPv6) prefix that two entries share. */
    public interface Duplicates
    {
        void duplicate(int earlier, int later, boolean ipv4Side);
    }

    /** The entries' prefixes and RFC 7757 s.3.3's arithmetic on them. */
    private final EamRows rows;
    private final PrefixTable byIpv4;
    private final PrefixTable byIpv6;
    private final long builtAtMillis;
    private final long buildNanos;

    private Eamt(final EamRows rows, final PrefixTable byIpv4, final PrefixTable byIpv6, final long builtAtMillis,
        final long buildNanos)
    {
        this.builtAtMillis = builtAtMillis;
        this.buildNanos = buildNanos;
        this.rows = rows;
        this.byIpv4 = byIpv4;
        this.byIpv6 = byIpv6;
    }

    /** The table of {@code entries}; throws when two share an IPv4 or an IPv6 prefix. */
    public Eamt(final List<Entry> entries)
    {
        this(fromList(entries));
    }

    private Eamt(final Eamt built)
    {
        this(built.rows, built.byIpv4, built.byIpv6, built.builtAtMillis, built.buildNanos);
    }

    private static Eamt fromList(final List<Entry> entries)
    {
        final Builder b = new Builder();
        entries.forEach(b::add);
        return b.build();
    }

    /** The message for two entries sharing a prefix, as the config reports it. */
    public static String duplicateMessage(final Eamt table, final int earlier, final int later, final boolean ipv4Side)
    {
        return "EAM entries " + table.entry(earlier) + " and " + table.entry(later) + " have the same " +
            (ipv4Side ? "IPv4" : "IPv6") + " prefix";
    }

    public boolean isEmpty()
    {
        return rows.size() == 0;
    }

    /** How many entries. */
    public int size()
    {
        return rows.size();
    }

    /** The two lookup structures' approximate size in bytes plus the entries' rows (24 bytes each). */
    public long bytes()
    {
        return byIpv4.bytes() + byIpv6.bytes() + 24L * rows.size();
    }

    /** When the lookup structures were built (epoch milliseconds). */
    public long builtAtMillis()
    {
        return builtAtMillis;
    }

    /** How long building the lookup structures took (sort, duplicate scan, ranges, index), in nanoseconds. */
    public long buildNanos()
    {
        return buildNanos;
    }

    /** The entry at a position, as objects (for display and config checks, not the data path). */
    public Entry entry(final int index)
    {
        return new Entry(new Ipv4Prefix(ipv4Address(index), rows.ipv4Length(index)),
            new Ipv6Prefix(Addresses.bytes6(ipv6PrefixHigh(index), ipv6PrefixLow(index)), ipv6Length(index)));
    }

    /** The entries in the order they were added, made on demand (a view: no copy of a large table). */
    public List<Entry> entries()
    {
        return new AbstractList<>()
        {
            @Override
            public Entry get(final int index)
            {
                return entry(index);
            }

            @Override
            public int size()
            {
                return Eamt.this.size();
            }
        };
    }

    /** The entry whose IPv4 prefix is the longest match for {@code ipv4}, or null (allocates: not the data path). */
    public Entry findByIpv4(final int address)
    {
        final int index = indexByIpv4(address);
        return index < 0 ? null : entry(index);
    }

    /** The entry whose IPv6 prefix is the longest match for the address, or null (allocates: not the data path). */
    public Entry findByIpv6(final long high, final long low)
    {
        final int index = indexByIpv6(high, low);
        return index < 0 ? null : entry(index);
    }

    /** RFC 7757 s.3.2: the position of the entry whose IPv4 prefix is the longest match for {@code ipv4}, or -1. */
    public int indexByIpv4(final int address)
    {
        return byIpv4.lookup4(address);
    }

    /** RFC 7757 s.3.2: the position of the entry whose IPv6 prefix is the longest match for the address, or -1. */
    public int indexByIpv6(final long high, final long low)
    {
        return byIpv6.lookup(high, low);
    }

    /** The lookup by IPv4 address ({@link #indexByIpv4}), for a caller that keeps it at hand. */
    PrefixTable byIpv4()
    {
        return byIpv4;
    }

    /** The lookup by IPv6 address ({@link #indexByIpv6}), likewise. */
    PrefixTable byIpv6()
    {
        return byIpv6;
    }

    /** The entries' rows ({@link #ipv6High}, {@link #ipv6Low}, {@link #ipv4}), likewise. */
    EamRows rows()
    {
        return rows;
    }

    /** The IPv4 prefix's network address of entry {@code index}. */
    public int ipv4Address(final int index)
    {
        return rows.ipv4Address(index);
    }

    /** The IPv6 prefix's network address (high half) of entry {@code index}. */
    public long ipv6PrefixHigh(final int index)
    {
        return rows.ipv6PrefixHigh(index);
    }

    /** The IPv6 prefix's network address (low half) of entry {@code index}. */
    public long ipv6PrefixLow(final int index)
    {
        return rows.ipv6PrefixLow(index);
    }

    /** The IPv6 prefix length of entry {@code index}. */
    public int ipv6Length(final int index)
    {
        return rows.ipv6Length(index);
    }

    /** RFC 7757 section 3.3 (IPv4 to IPv6): the IPv4 suffix follows the IPv6 prefix; remaining bits zero. High half. */
    public long ipv6High(final int index, final int address)
    {
        return rows.ipv6High(index, address);
    }

    /** Low half of the IPv6 address for {@code address} under entry {@code index}. */
    public long ipv6Low(final int index, final int address)
    {
        return rows.ipv6Low(index, address);
    }

    /** RFC 7757 section 3.3 (IPv6 to IPv4): the IPv4 prefix plus the suffix bits right after the IPv6 prefix. */
    public int ipv4(final int index, final long high, final long low)
    {
        return rows.ipv4(index, high, low);
    }
}
