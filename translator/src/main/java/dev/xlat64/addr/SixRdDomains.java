package dev.xlat64.addr;


import java.util.AbstractList;
import java.util.List;
import java.util.RandomAccess;

/**
 * The 6rd domains of a config (RFC 5969) as an immutable list that also finds a domain by address in a
 * {@link PrefixTable} (docs/tables.md) instead of a scan: by 6rd prefix (the IPv6 side), and by CE IPv4 prefix (a BR's
 * IPv4 side). Built with the config, off the data path; 10,000 domains cost what one does.
 */
public final class SixRdDomains extends AbstractList<SixRdDomain> implements RandomAccess
{
    private final SixRdDomain[] domains;
    private final PrefixTable byPrefix;
    /** Null when CE IPv4 prefixes repeat or nest: then the list order decides, by scan (SixRdRelay.domainOfLocal). */
    private final PrefixTable byCeIpv4;

    private SixRdDomains(final List<SixRdDomain> list)
    {
        domains = list.toArray(new SixRdDomain[0]);
        final int n = domains.length;
        final long[] high = new long[n];
        final long[] low = new long[n];
        final byte[] length = new byte[n];
        final long[] ceHigh = new long[n];
        final byte[] ceLength = new byte[n];
        for (int i = 0; i < n; i++)
        {
            final Ipv6Prefix p = domains[i].prefix();
            high[i] = p.high();
            low[i] = p.low();
            length[i] = (byte)p.length();
            final Ipv4Prefix ce = domains[i].ipv4Prefix();
            ceHigh[i] = PrefixTable.ipv4Key(ce.address());
            ceLength[i] = (byte)ce.length();
        }
        // 6rd prefixes never overlap (SixRdConfig checks); a repeat would keep the first, as the scan did.
        byPrefix = PrefixTable.build(high, low, length, n, true, (earlier, later) -> { });
        final boolean[] ambiguous = new boolean[1];
        final PrefixTable ce = PrefixTable.build(ceHigh, null, ceLength, n, false, new PrefixTable.Conflicts()
        {
            @Override
            public void duplicate(final int earlier, final int later)
            {
                ambiguous[0] = true;
            }

            @Override
            public void nested(final int outer, final int inner)
            {
                ambiguous[0] = true;
            }
        });
        byCeIpv4 = ambiguous[0] ? null : ce;
    }

    /** The domains of {@code list}, in its order, with their lookup tables. */
    public static SixRdDomains of(final List<SixRdDomain> list)
    {
        return list instanceof SixRdDomains ? (SixRdDomains)list : new SixRdDomains(list);
    }

    @Override
    public SixRdDomain get(final int index)
    {
        return domains[index];
    }

    @Override
    public int size()
    {
        return domains.length;
    }

    /** The position of {@code o} (by identity, found through its 6rd prefix: no scan), or -1. */
    @Override
    public int indexOf(final Object o)
    {
        if (!(o instanceof SixRdDomain))
        {
            return -1;
        }
        final Ipv6Prefix p = ((SixRdDomain)o).prefix();
        final int i = byPrefix.lookup(p.high(), p.low());
        if (i >= 0 && domains[i] == o)
        {
            return i;
        }
        for (int k = 0; k < domains.length; k++)
        {
            if (domains[k] == o)
            {
                return k;
            }
        }
        return -1;
    }

    /** RFC 5969 s.7: the domain whose 6rd prefix holds the IPv6 address, or null. */
    public SixRdDomain byIpv6(final long high, final long low)
    {
        final int i = byPrefix.lookup(high, low);
        return i < 0 ? null : domains[i];
    }

    /** The one domain whose CE IPv4 prefix holds {@code ipv4} (null when none); only when {@link #hasCeIpv4Table}. */
    public SixRdDomain byCeIpv4(final int ipv4)
    {
        final int i = byCeIpv4.lookup4(ipv4);
        return i < 0 ? null : domains[i];
    }

    /** True when CE IPv4 prefixes neither repeat nor nest, so {@link #byCeIpv4} decides alone. */
    public boolean hasCeIpv4Table()
    {
        return byCeIpv4 != null;
    }
}
