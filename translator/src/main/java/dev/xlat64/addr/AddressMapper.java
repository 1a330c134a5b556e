package dev.xlat64.addr;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * Maps addresses between the families: the EAMT first (RFC 7757 section 3.1 gives it precedence), then the embedding
 * format (an RFC 6052 prefix, or the RFC 6219 IVI format). Immutable; part of a config snapshot; no allocation per
 * call.
 */
public final class AddressMapper
{
    /** Returned by {@link #toIpv4} when nothing maps the address. */
    public static final long NO_MAPPING = -1;
    /** Returned by {@link #toIpv4} for a non-global IPv4 address under the Well-Known Prefix (RFC 6052 s.3.1). */
    public static final long NON_GLOBAL_UNDER_WKP = -2;
    /** Returned by {@link #toIpv4} when the IPv4 address is in the {@link Ipv4Denylist}. */
    public static final long DENYLISTED = -3;

    public static final int MAPPED = 0;
    public static final int UNMAPPED = 1;
    public static final int FORBIDDEN_UNDER_WKP = 2;
    public static final int DENYLISTED_IPV4 = 3;

    /** From {@link #ipv6Route}: the address maps through the embedding format. (An EAMT position is >= 0.) */
    public static final int ROUTE_PREFIX = -1;
    /** From {@link #ipv6Route}: nothing maps the address. */
    public static final int ROUTE_UNMAPPED = -2;
    /** From {@link #ipv6Route}: a non-global IPv4 address under the Well-Known Prefix (RFC 6052 s.3.1). */
    public static final int ROUTE_FORBIDDEN_UNDER_WKP = -3;
    /** From {@link #ipv6Route}: the IPv4 address is in the {@link Ipv4Denylist}. */
    public static final int ROUTE_DENYLISTED = -4;
    /** Internal {@code formatRoute}: the Well-Known Prefix's restriction decides (RFC 6052 s.3.1). */
    private static final int CHECK_NON_GLOBAL = Integer.MIN_VALUE;

    private final EmbeddingFormat prefix;
    /** The format's arithmetic (null for EAM-only operation): one final class, so its calls need no type check. */
    private final Ipv4Embedding embedding;
    private final Eamt eamt;
    private final boolean enforceWellKnownRestriction;
    private final Ipv4Denylist denylist;
    // Copies of what the packet path reads through the EAMT and the denylist: one field load less per use.
    private final PrefixTable eamByIpv4;
    private final PrefixTable eamByIpv6;
    private final EamRows eamRows;
    private final long denylistTop6;
    /**
     * True when no EAM IPv6 prefix shares an address with the embedding format: an address the format contains then
     * cannot match the EAMT, so {@link #toIpv4} needs no scan for it (the EAMT's precedence, RFC 7757 s.3.1, cannot
     * decide anything). Saves the 6->4 destination's scan in the usual set-up (prefix and EAM ranges apart).
     */
    private final boolean eamtDisjointFromFormat;
    /**
     * What {@link #prefixRoute} answers, or {@link #CHECK_NON_GLOBAL} when RFC 6052 s.3.1 must look at the address
     * first: one field read decides the usual case.
     */
    private final int formatRoute;

    /**
     * @param prefix                      the RFC 6052 prefix or the IVI format, or null for EAM-only operation
     * @param enforceWellKnownRestriction RFC 6052 section 3.1; false only for labs using documentation addresses
     */
    public AddressMapper(final EmbeddingFormat prefix, final Eamt eamt, final boolean enforceWellKnownRestriction)
    {
        this(prefix, eamt, enforceWellKnownRestriction, Ipv4Denylist.DEFAULT);
    }

    /** As above, with the IPv4 addresses never translated through the prefix or an EAM (RFC 1812 s.5.3.7). */
    public AddressMapper(final EmbeddingFormat prefix, final Eamt eamt, final boolean enforceWellKnownRestriction,
        final Ipv4Denylist denylist)
    {
        this.denylist = denylist;
        this.denylistTop6 = denylist.top6MayMatch();
        this.eamByIpv4 = eamt.byIpv4();
        this.eamByIpv6 = eamt.byIpv6();
        this.eamRows = eamt.rows();
        this.prefix = prefix;
        this.embedding = prefix == null ? null : prefix.embedding();
        this.eamt = eamt;
        this.enforceWellKnownRestriction = enforceWellKnownRestriction && prefix != null && prefix.isWellKnown();
        this.eamtDisjointFromFormat = prefix != null && disjoint(prefix, eamt);
        this.formatRoute = prefix == null ? ROUTE_UNMAPPED :
            (this.enforceWellKnownRestriction ? CHECK_NON_GLOBAL : ROUTE_PREFIX);
    }

    /** Two prefixes share an address exactly when one contains the other's network address. */
    private static boolean disjoint(final EmbeddingFormat format, final Eamt eamt)
    {
        final Ipv6Prefix formatPrefix = format.prefix();
        // An EAM prefix holding the format's network address is its longest match there, or encloses that match.
        if (eamt.indexByIpv6(formatPrefix.high(), formatPrefix.low()) >= 0)
        {
            return false;
        }
        for (int i = 0; i < eamt.size(); i++)
        {
            if (format.contains(eamt.ipv6PrefixHigh(i), eamt.ipv6PrefixLow(i)))
            {
                return false;
            }
        }
        return true;
    }

    /** RFC 1812 s.5.3.7: {@code ipv4} is never translated. */
    private boolean denied(final int ipv4)
    {
        return Ipv4Denylist.mayContain(denylistTop6, ipv4) && denylist.contains(ipv4);
    }

    /** The RFC 6052 prefix, or null when the mapping is EAM-only or uses the IVI format (see {@link #format()}). */
    public Rfc6052Prefix prefix()
    {
        return prefix instanceof Rfc6052Prefix ? (Rfc6052Prefix)prefix : null;
    }

    /** The embedding format in use (RFC 6052 or IVI), or null for EAM-only operation. */
    public EmbeddingFormat format()
    {
        return prefix;
    }

    public Eamt eamt()
    {
        return eamt;
    }

    /** The IPv4 addresses never translated. */
    public Ipv4Denylist denylist()
    {
        return denylist;
    }

    /**
     * The IPv4 address for the IPv6 address at {@code offset} (0..2^32-1), or
     * {@link #NO_MAPPING} / {@link #NON_GLOBAL_UNDER_WKP}.
     */
    public long toIpv4(final DirectBuffer buffer, final int offset)
    {
        return toIpv4(buffer.getLong(offset, ByteOrder.BIG_ENDIAN), buffer.getLong(offset + 8, ByteOrder.BIG_ENDIAN));
    }

    /** {@link #toIpv4(DirectBuffer, int)} for an IPv6 address the caller already holds as two big-endian halves. */
    public long toIpv4(final long high, final long low)
    {
        if (eamtDisjointFromFormat && embedding.contains(high, low))
        {
            return extract(high, low);
        }
        final int e = eamByIpv6.lookup(high, low);
        if (e >= 0)
        {
            final int ipv4 = eamRows.ipv4(e, high, low);
            return denied(ipv4) ? DENYLISTED : ipv4 & 0xFFFF_FFFFL;
        }
        if (embedding != null && embedding.contains(high, low))
        {
            return extract(high, low);
        }
        return NO_MAPPING;
    }

    private long extract(final long high, final long low)
    {
        final int ipv4 = embedding.extract(high, low);
        if (enforceWellKnownRestriction && SpecialIpv4.isNonGlobal(ipv4))
        {
            return NON_GLOBAL_UNDER_WKP;
        }
        return denied(ipv4) ? DENYLISTED : ipv4 & 0xFFFF_FFFFL;
    }

    /**
     * Writes the IPv6 address for {@code ipv4} at {@code offset}; returns {@link #MAPPED}, {@link #UNMAPPED} or
     * {@link #FORBIDDEN_UNDER_WKP}.
     */
    public int toIpv6(final int ipv4, final MutableDirectBuffer buffer, final int offset)
    {
        return write(ipv6Route(ipv4), ipv4, buffer, offset);
    }

    /**
     * RFC 7757 s.4 (hairpinning): writes the IPv6 address for {@code ipv4} with the prefix alone, ignoring the EAMT;
     * returns {@link #MAPPED}, {@link #UNMAPPED} (no prefix: EAM-only operation) or {@link #FORBIDDEN_UNDER_WKP}.
     */
    public int toIpv6WithoutEamt(final int ipv4, final MutableDirectBuffer buffer, final int offset)
    {
        return write(ipv6RouteWithoutEamt(ipv4), ipv4, buffer, offset);
    }

    /**
     * How {@code ipv4} maps to IPv6, decided without writing anything: an EAMT position (>= 0; RFC 7757 s.3.1 gives
     * the EAMT precedence), {@link #ROUTE_PREFIX}, {@link #ROUTE_UNMAPPED} or {@link #ROUTE_FORBIDDEN_UNDER_WKP}.
     * {@link #ipv6High} and {@link #ipv6Low} then give the address.
     */
    public int ipv6Route(final int ipv4)
    {
        if (denied(ipv4))
        {
            return ROUTE_DENYLISTED;
        }
        final int entry = eamByIpv4.lookup4(ipv4);
        return entry >= 0 ? entry : prefixRoute(ipv4);
    }

    /** {@link #ipv6Route} with the prefix alone (RFC 7757 s.4 hairpinning). */
    public int ipv6RouteWithoutEamt(final int ipv4)
    {
        if (prefix == null)
        {
            return ROUTE_UNMAPPED;
        }
        return denied(ipv4) ? ROUTE_DENYLISTED : prefixRoute(ipv4);
    }

    /** The route through the embedding format of an address already checked against the denylist. */
    private int prefixRoute(final int ipv4)
    {
        final int route = formatRoute;
        if (route != CHECK_NON_GLOBAL)
        {
            return route;
        }
        return SpecialIpv4.isNonGlobal(ipv4) ? ROUTE_FORBIDDEN_UNDER_WKP : ROUTE_PREFIX;
    }

    /**
     * First 8 bytes (big-endian) of the IPv6 address for {@code ipv4} along a mapping {@code route} (>= ROUTE_PREFIX).
     */
    public long ipv6High(final int route, final int ipv4)
    {
        return route >= 0 ? eamRows.ipv6High(route, ipv4) : embedding.high(ipv4);
    }

    /**
     * Last 8 bytes (big-endian) of the IPv6 address for {@code ipv4} along a mapping {@code route} (>= ROUTE_PREFIX).
     */
    public long ipv6Low(final int route, final int ipv4)
    {
        return route >= 0 ? eamRows.ipv6Low(route, ipv4) : embedding.low(ipv4);
    }

    private int write(final int route, final int ipv4, final MutableDirectBuffer buffer, final int offset)
    {
        if (route < ROUTE_PREFIX)
        {
            return route == ROUTE_UNMAPPED ? UNMAPPED :
                route == ROUTE_DENYLISTED ? DENYLISTED_IPV4 : FORBIDDEN_UNDER_WKP;
        }
        buffer.putLong(offset, ipv6High(route, ipv4), ByteOrder.BIG_ENDIAN);
        buffer.putLong(offset + 8, ipv6Low(route, ipv4), ByteOrder.BIG_ENDIAN);
        return MAPPED;
    }

    /** True when {@code ipv4} lies in an EAM entry (RFC 7757 s.4: the hairpinning test). */
    public boolean isEamIpv4(final int ipv4)
    {
        return eamByIpv4.lookup4(ipv4) >= 0;
    }

    /** True when the IPv6 address at {@code offset} lies in an EAM entry (so it did not come through the prefix). */
    public boolean isEamIpv6(final DirectBuffer buffer, final int offset)
    {
        return isEamIpv6(buffer.getLong(offset, ByteOrder.BIG_ENDIAN),
            buffer.getLong(offset + 8, ByteOrder.BIG_ENDIAN));
    }

    /** {@link #isEamIpv6(DirectBuffer, int)} for an address held as two big-endian halves. */
    public boolean isEamIpv6(final long high, final long low)
    {
        return eamByIpv6.lookup(high, low) >= 0;
    }
}
