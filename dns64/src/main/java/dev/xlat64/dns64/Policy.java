package dev.xlat64.dns64;

import dev.xlat64.addr.Addresses;
import dev.xlat64.addr.Ipv4Prefix;
import dev.xlat64.addr.Ipv6Prefix;
import dev.xlat64.addr.Rfc6052Prefix;
import dev.xlat64.addr.SpecialIpv4;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Who may ask and what is synthesized: the Pref64::/n list, BIND-style per-IPv4-range mapping ("mapped"), the RFC 6147
 * section 5.1.4 exclusion list and the client ACL. Immutable.
 */
public final class Policy
{
    /** One {@code [[dns64.mapped]]} entry: IPv4 addresses in {@code range} use {@code prefix}, or none when null. */
    public static final class Mapping
    {
        final Ipv4Prefix range;
        final Rfc6052Prefix prefix;

        public Mapping(final Ipv4Prefix range, final Rfc6052Prefix prefix)
        {
            this.range = range;
            this.prefix = prefix;
        }
    }

    private static final Ipv4Prefix LOOPBACK4 = Ipv4Prefix.parse("127.0.0.0/8");
    private static final Ipv6Prefix LOOPBACK6 = Ipv6Prefix.parse("::1/128");

    private final List<Rfc6052Prefix> prefixes;
    private final List<Mapping> mappings;
    private final List<Ipv6Prefix> excluded;
    private final List<Ipv4Prefix> allowed4 = new ArrayList<>();
    private final List<Ipv6Prefix> allowed6 = new ArrayList<>();
    /** Always true in service; false only in tests, which have nothing but loopback to play a stranger with. */
    private final boolean loopbackAdmitted;

    public Policy(
        final List<Rfc6052Prefix> prefixes,
        final List<Mapping> mappings,
        final List<Ipv6Prefix> excluded,
        final List<String> allowClients)
    {
        this(prefixes, mappings, excluded, allowClients, true);
    }

    Policy(
        final List<Rfc6052Prefix> prefixes,
        final List<Mapping> mappings,
        final List<Ipv6Prefix> excluded,
        final List<String> allowClients,
        final boolean loopbackAdmitted)
    {
        this.loopbackAdmitted = loopbackAdmitted;
        if (prefixes.isEmpty())
        {
            throw new IllegalArgumentException("no prefix: set [translator].prefix");
        }
        this.prefixes = List.copyOf(prefixes);
        this.mappings = List.copyOf(mappings);
        this.excluded = List.copyOf(excluded);
        for (final String client : allowClients)
        {
            if (client.indexOf(':') >= 0)
            {
                allowed6.add(Ipv6Prefix.parse(client));
            }
            else
            {
                allowed4.add(Ipv4Prefix.parse(client));
            }
        }
    }

    public List<Rfc6052Prefix> prefixes()
    {
        return prefixes;
    }

    /** Every prefix this DNS64 synthesizes with: the configured ones, then the {@code [[dns64.mapped]]} ones. */
    public List<Rfc6052Prefix> allPrefixes()
    {
        final List<Rfc6052Prefix> out = new ArrayList<>(prefixes);
        for (final Mapping m : mappings)
        {
            if (m.prefix != null && !out.contains(m.prefix))
            {
                out.add(m.prefix);
            }
        }
        return out;
    }

    /** RFC 6147 section 5.1.4: an AAAA address in an excluded range counts as no AAAA at all. */
    public boolean isExcluded(final byte[] ipv6)
    {
        for (final Ipv6Prefix p : excluded)
        {
            if (p.contains(ipv6))
            {
                return true;
            }
        }
        return false;
    }

    /**
     * RFC 6147 section 5.1.7: the prefixes to synthesize {@code ipv4} with. A mapping (longest range first) picks one
     * prefix or none; otherwise every configured prefix. The Well-Known Prefix is never used for non-global IPv4
     * (RFC 6052 section 3.1), not even through a mapping.
     */
    public List<Rfc6052Prefix> synthesisPrefixes(final int ipv4)
    {
        Mapping best = null;
        for (final Mapping m : mappings)
        {
            if (m.range.contains(ipv4) && (best == null || m.range.length() > best.range.length()))
            {
                best = m;
            }
        }
        if (best != null)
        {
            final boolean forbidden = best.prefix != null && best.prefix.isWellKnown() && SpecialIpv4.isNonGlobal(ipv4);
            return best.prefix == null || forbidden ? List.of() : List.of(best.prefix);
        }
        final List<Rfc6052Prefix> out = new ArrayList<>(prefixes.size());
        for (final Rfc6052Prefix p : prefixes)
        {
            if (!(p.isWellKnown() && SpecialIpv4.isNonGlobal(ipv4)))
            {
                out.add(p);
            }
        }
        return out;
    }

    /** The embedded IPv4 address when {@code ipv6} lies under a configured prefix (RFC 6147 section 5.3.1), or -1L. */
    public long extract(final byte[] ipv6)
    {
        for (final Rfc6052Prefix p : prefixes)
        {
            final byte[] v4 = p.extract(ipv6);
            if (v4 != null)
            {
                return Addresses.int4(v4) & 0xffffffffL;
            }
        }
        for (final Mapping m : mappings)
        {
            if (m.prefix != null)
            {
                final byte[] v4 = m.prefix.extract(ipv6);
                if (v4 != null)
                {
                    return Addresses.int4(v4) & 0xffffffffL;
                }
            }
        }
        return -1L;
    }

    /** The ACL: loopback always, then the configured client prefixes; everybody else is REFUSED. */
    public boolean admits(final InetAddress client)
    {
        final byte[] a = client.getAddress();
        return admits(a, a.length);
    }

    /**
     * {@link #admits(InetAddress)} for the address bytes {@code a[0..length)} (4 or 16) as a socket gives them, without
     * allocating: an IPv4-mapped IPv6 address is judged as its IPv4 address, as InetAddress.getByAddress turns it into
     * one.
     */
    boolean admits(final byte[] a, final int length)
    {
        if (length == 4)
        {
            return admits4(Addresses.int4(a));
        }
        if (length != 16)
        {
            return false;
        }
        if (a[10] == (byte)0xff && a[11] == (byte)0xff && isZero(a, 0, 10))
        {
            return admits4(((a[12] & 0xff) << 24) | ((a[13] & 0xff) << 16) | ((a[14] & 0xff) << 8) | (a[15] & 0xff));
        }
        if (loopbackAdmitted && LOOPBACK6.contains(a))
        {
            return true;
        }
        for (int i = 0; i < allowed6.size(); i++)
        {
            if (allowed6.get(i).contains(a))
            {
                return true;
            }
        }
        return false;
    }

    private boolean admits4(final int v4)
    {
        if (loopbackAdmitted && LOOPBACK4.contains(v4))
        {
            return true;
        }
        for (int i = 0; i < allowed4.size(); i++)
        {
            if (allowed4.get(i).contains(v4))
            {
                return true;
            }
        }
        return false;
    }

    private static boolean isZero(final byte[] a, final int from, final int to)
    {
        for (int i = from; i < to; i++)
        {
            if (a[i] != 0)
            {
                return false;
            }
        }
        return true;
    }
}
