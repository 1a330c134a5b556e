package dev.xlat64.addr;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The Explicit Address Mapping Table (RFC 7757). Lookups are longest-prefix match in both directions (section 3.2);
 * entries are kept sorted by prefix length, longest first, so the first hit is the longest. A linear scan is the
 * right cost for the tens of entries SIIT-DC deployments use; the table is immutable and shared by all agents.
 */
public final class Eamt
{
    public static final Eamt EMPTY = new Eamt(List.of());

    /** One entry: an IPv4 prefix and an IPv6 prefix whose suffix is at least as long (RFC 7757 section 3.2). */
    public static final class Entry
    {
        public final Ipv4Prefix ipv4;
        public final Ipv6Prefix ipv6;
        final int suffixBits;
        // RFC 7757 section 3.3's bit arithmetic, precomputed so a lookup reads only this object's fields.
        private final long suffixMask;
        private final int shift;
        private final long ipv6High;
        private final long ipv6Low;

        public Entry(final Ipv4Prefix ipv4, final Ipv6Prefix ipv6)
        {
            if (128 - ipv6.length() < 32 - ipv4.length())
            {
                throw new IllegalArgumentException("EAM " + ipv4 + " = " + ipv6 + ": the IPv6 suffix (" +
                    (128 - ipv6.length()) + " bits) is shorter than the IPv4 suffix (" + (32 - ipv4.length()) +
                    " bits); RFC 7757 section 3.2 requires it to be at least as long");
            }
            this.ipv4 = ipv4;
            this.ipv6 = ipv6;
            this.suffixBits = 32 - ipv4.length();
            this.suffixMask = (1L << suffixBits) - 1;
            this.shift = 128 - ipv6.length() - suffixBits;
            this.ipv6High = ipv6.high();
            this.ipv6Low = ipv6.low();
        }

        /** Parses {@code 192.0.2.0/24=2001:db8:aaaa::/120}. */
        public static Entry parse(final String text)
        {
            final int eq = text.indexOf('=');
            if (eq < 0)
            {
                throw new IllegalArgumentException("'" + text + "' is not an EAM entry: expected IPV4PREFIX=IPV6PREFIX");
            }
            return new Entry(Ipv4Prefix.parse(text.substring(0, eq).trim()), Ipv6Prefix.parse(text.substring(eq + 1).trim()));
        }

        @Override
        public String toString()
        {
            return ipv4 + "=" + ipv6;
        }
    }

    private final Entry[] byIpv4;
    private final Entry[] byIpv6;
    // The match keys of byIpv4 and byIpv6 in flat arrays, so a scan touches no entry until it hits.
    private final int[] ipv4Addresses;
    private final int[] ipv4Masks;
    /** Per byIpv6 entry, four longs: address high, address low, mask high, mask low (one array: one bounds check). */
    private final long[] ipv6Keys;

    public Eamt(final List<Entry> entries)
    {
        for (int i = 0; i < entries.size(); i++)
        {
            for (int j = i + 1; j < entries.size(); j++)
            {
                final Entry a = entries.get(i);
                final Entry b = entries.get(j);
                // RFC 7757 section 3.2: overlap is fine (longest match wins) but an identical key maps two ways.
                if (a.ipv4.equals(b.ipv4))
                {
                    throw new IllegalArgumentException("EAM entries " + a + " and " + b + " have the same IPv4 prefix");
                }
                if (a.ipv6.equals(b.ipv6))
                {
                    throw new IllegalArgumentException("EAM entries " + a + " and " + b + " have the same IPv6 prefix");
                }
            }
        }
        final List<Entry> v4 = new ArrayList<>(entries);
        v4.sort(Comparator.comparingInt((Entry e) -> e.ipv4.length()).reversed());
        final List<Entry> v6 = new ArrayList<>(entries);
        v6.sort(Comparator.comparingInt((Entry e) -> e.ipv6.length()).reversed());
        this.byIpv4 = v4.toArray(new Entry[0]);
        this.byIpv6 = v6.toArray(new Entry[0]);
        final int n = byIpv4.length;
        ipv4Addresses = new int[n];
        ipv4Masks = new int[n];
        ipv6Keys = new long[4 * n];
        for (int i = 0; i < n; i++)
        {
            ipv4Addresses[i] = byIpv4[i].ipv4.address();
            ipv4Masks[i] = byIpv4[i].ipv4.mask();
            ipv6Keys[4 * i] = byIpv6[i].ipv6.high();
            ipv6Keys[4 * i + 1] = byIpv6[i].ipv6.low();
            ipv6Keys[4 * i + 2] = byIpv6[i].ipv6.maskHigh();
            ipv6Keys[4 * i + 3] = byIpv6[i].ipv6.maskLow();
        }
    }

    public boolean isEmpty()
    {
        return byIpv4.length == 0;
    }

    public List<Entry> entries()
    {
        return List.of(byIpv4);
    }

    /** The entry whose IPv4 prefix is the longest match for {@code ipv4}, or null. */
    public Entry findByIpv4(final int ipv4)
    {
        final int index = indexByIpv4(ipv4);
        return index < 0 ? null : byIpv4[index];
    }

    /** The position (for {@link #byIpv4(int)}) of the longest match for {@code ipv4}, or -1. */
    public int indexByIpv4(final int ipv4)
    {
        final int[] addresses = ipv4Addresses;
        final int[] masks = ipv4Masks;
        for (int i = 0; i < addresses.length; i++)
        {
            if ((ipv4 & masks[i]) == addresses[i])
            {
                return i;
            }
        }
        return -1;
    }

    /** The entry at a position returned by {@link #indexByIpv4(int)}. */
    public Entry byIpv4(final int index)
    {
        return byIpv4[index];
    }

    /** The entry whose IPv6 prefix is the longest match for the address, or null. */
    public Entry findByIpv6(final long high, final long low)
    {
        final long[] keys = ipv6Keys;
        for (int i = 0; i + 3 < keys.length; i += 4)
        {
            if (((high ^ keys[i]) & keys[i + 2]) == 0 && ((low ^ keys[i + 1]) & keys[i + 3]) == 0)
            {
                return byIpv6[i >>> 2];
            }
        }
        return null;
    }

    /** RFC 7757 section 3.3 (IPv4 to IPv6): the IPv4 suffix follows the IPv6 prefix; remaining bits zero. High half. */
    public static long ipv6High(final Entry e, final int ipv4)
    {
        final long suffix = ipv4 & e.suffixMask;
        final int shift = e.shift;
        if (shift >= 64)
        {
            return e.ipv6High | (suffix << (shift - 64));
        }
        return shift + e.suffixBits <= 64 ? e.ipv6High : e.ipv6High | (suffix >>> (64 - shift));
    }

    /** Low half of the IPv6 address for {@code ipv4} under entry {@code e}. */
    public static long ipv6Low(final Entry e, final int ipv4)
    {
        final long suffix = ipv4 & e.suffixMask;
        final int shift = e.shift;
        return shift >= 64 ? e.ipv6Low : e.ipv6Low | (suffix << shift);
    }

    /** RFC 7757 section 3.3 (IPv6 to IPv4): the IPv4 prefix plus the suffix bits right after the IPv6 prefix. */
    public static int ipv4(final Entry e, final long high, final long low)
    {
        if (e.suffixBits == 0)
        {
            return e.ipv4.address();
        }
        final long mask = e.suffixMask;
        final int shift = e.shift;
        final long suffix;
        if (shift >= 64)
        {
            suffix = (high >>> (shift - 64)) & mask;
        }
        else if (shift + e.suffixBits <= 64)
        {
            suffix = (low >>> shift) & mask;
        }
        else
        {
            suffix = ((low >>> shift) | (high << (64 - shift))) & mask;
        }
        return e.ipv4.address() | (int)suffix;
    }
}
