package dev.xlat64.addr;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * Maps addresses between the families: the EAMT first (RFC 7757 section 3.1 gives it precedence), then the embedding
 * format (an RFC 6052 prefix, or the RFC 6219 IVI format). Immutable; part of a config snapshot; no allocation per call.
 */
public final class AddressMapper
{
    /** Returned by {@link #toIpv4} when nothing maps the address. */
    public static final long NO_MAPPING = -1;
    /** Returned by {@link #toIpv4} for a non-global IPv4 address under the Well-Known Prefix (RFC 6052 s.3.1). */
    public static final long NON_GLOBAL_UNDER_WKP = -2;

    public static final int MAPPED = 0;
    public static final int UNMAPPED = 1;
    public static final int FORBIDDEN_UNDER_WKP = 2;

    private final EmbeddingFormat prefix;
    private final Eamt eamt;
    private final boolean enforceWellKnownRestriction;

    /**
     * @param prefix                      the RFC 6052 prefix or the IVI format, or null for EAM-only operation
     * @param enforceWellKnownRestriction RFC 6052 section 3.1; false only for labs using documentation addresses
     */
    public AddressMapper(final EmbeddingFormat prefix, final Eamt eamt, final boolean enforceWellKnownRestriction)
    {
        this.prefix = prefix;
        this.eamt = eamt;
        this.enforceWellKnownRestriction = enforceWellKnownRestriction && prefix != null && prefix.isWellKnown();
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

    /** The IPv4 address for the IPv6 address at {@code offset} (0..2^32-1), or {@link #NO_MAPPING} / {@link #NON_GLOBAL_UNDER_WKP}. */
    public long toIpv4(final DirectBuffer buffer, final int offset)
    {
        final long high = buffer.getLong(offset, ByteOrder.BIG_ENDIAN);
        final long low = buffer.getLong(offset + 8, ByteOrder.BIG_ENDIAN);
        if (!eamt.isEmpty())
        {
            final Eamt.Entry e = eamt.findByIpv6(high, low);
            if (e != null)
            {
                return Eamt.ipv4(e, high, low) & 0xFFFF_FFFFL;
            }
        }
        if (prefix != null && prefix.prefix().contains(high, low))
        {
            final int ipv4 = prefix.extract(buffer, offset);
            if (enforceWellKnownRestriction && SpecialIpv4.isNonGlobal(ipv4))
            {
                return NON_GLOBAL_UNDER_WKP;
            }
            return ipv4 & 0xFFFF_FFFFL;
        }
        return NO_MAPPING;
    }

    /** Writes the IPv6 address for {@code ipv4} at {@code offset}; returns {@link #MAPPED}, {@link #UNMAPPED} or {@link #FORBIDDEN_UNDER_WKP}. */
    public int toIpv6(final int ipv4, final MutableDirectBuffer buffer, final int offset)
    {
        if (!eamt.isEmpty())
        {
            final Eamt.Entry e = eamt.findByIpv4(ipv4);
            if (e != null)
            {
                buffer.putLong(offset, Eamt.ipv6High(e, ipv4), ByteOrder.BIG_ENDIAN);
                buffer.putLong(offset + 8, Eamt.ipv6Low(e, ipv4), ByteOrder.BIG_ENDIAN);
                return MAPPED;
            }
        }
        if (prefix == null)
        {
            return UNMAPPED;
        }
        if (enforceWellKnownRestriction && SpecialIpv4.isNonGlobal(ipv4))
        {
            return FORBIDDEN_UNDER_WKP;
        }
        prefix.embed(ipv4, buffer, offset);
        return MAPPED;
    }

    /**
     * RFC 7757 s.4 (hairpinning): writes the IPv6 address for {@code ipv4} with the prefix alone, ignoring the EAMT;
     * returns {@link #MAPPED}, {@link #UNMAPPED} (no prefix: EAM-only operation) or {@link #FORBIDDEN_UNDER_WKP}.
     */
    public int toIpv6WithoutEamt(final int ipv4, final MutableDirectBuffer buffer, final int offset)
    {
        if (prefix == null)
        {
            return UNMAPPED;
        }
        if (enforceWellKnownRestriction && SpecialIpv4.isNonGlobal(ipv4))
        {
            return FORBIDDEN_UNDER_WKP;
        }
        prefix.embed(ipv4, buffer, offset);
        return MAPPED;
    }

    /** True when {@code ipv4} lies in an EAM entry (RFC 7757 s.4: the hairpinning test). */
    public boolean isEamIpv4(final int ipv4)
    {
        return !eamt.isEmpty() && eamt.findByIpv4(ipv4) != null;
    }

    /** True when the IPv6 address at {@code offset} lies in an EAM entry (so it did not come through the prefix). */
    public boolean isEamIpv6(final DirectBuffer buffer, final int offset)
    {
        return !eamt.isEmpty() && eamt.findByIpv6(
            buffer.getLong(offset, ByteOrder.BIG_ENDIAN), buffer.getLong(offset + 8, ByteOrder.BIG_ENDIAN)) != null;
    }
}
