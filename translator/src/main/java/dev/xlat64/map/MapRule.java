package dev.xlat64.map;

import dev.xlat64.addr.Addresses;
import dev.xlat64.addr.Ipv4Prefix;
import dev.xlat64.addr.Ipv6Prefix;

/**
 * A MAP mapping rule (RFC 7597 s.5): Rule IPv6 prefix (n bits), Rule IPv4 prefix (r bits), EA-bits length o, PSID
 * offset a. The EA bits after the Rule IPv6 prefix hold p = min(o, 32 - r) IPv4 suffix bits, then q = o - p PSID bits
 * (s.5.2, figures 4-6); with o + r = 32 and no PSID bits, RFC 7598 s.4.5 / RFC 7618's port parameters may give the
 * PSID length and an explicit PSID instead (appendix A example 5). Immutable; the getters used per packet allocate
 * nothing.
 */
public final class MapRule
{
    /** RFC 7597 s.5.2 / RFC 7598 s.4.1: the EA-bits length is 0..48. */
    public static final int MAX_EA_BITS = 48;
    /** No explicit PSID: it comes from the EA bits, or there is no port set. */
    public static final int NO_PSID = -1;

    private final Ipv6Prefix ipv6Prefix;
    private final Ipv4Prefix ipv4Prefix;
    private final int eaBits;
    private final int offset;
    private final int psidLength;
    private final int explicitPsid;
    private final boolean forwarding;
    private final int suffixBits;
    private final int psidBits;
    // Per-packet arithmetic of the CE address, worked out once (addressHigh/addressLow run for every MAP packet).
    /** The Rule IPv6 prefix's halves. */
    private final long prefixHigh;
    private final long prefixLow;
    /** eaBitsFor: the right shift that brings the p suffix bits of an IPv4 address down, and their mask. */
    private final int suffixShift;
    private final long suffixMask;
    /** eaBitsFor: the mask of the q PSID bits. */
    private final long psidMask;
    /** Bits128.placeHigh/placeLow at position n, length o, as shifts and all-or-nothing masks. */
    private final int eaHighLeft;
    private final int eaHighRight;
    private final long eaHighMask;
    private final int eaLowLeft;
    private final long eaLowMask;
    /** interfaceId: the CE's IPv4 prefix mask (r + p bits) and the mask of the PSID field (0 without a port set). */
    private final int ceIpv4Mask;
    private final long iidPsidMask;
    /** addressLow: the bits of the low half that an End-user prefix longer than 64 covers. */
    private final long endUserLowMask;

    /**
     * @param psidLength the PSID length k when given (port parameters), or -1 to derive it from the EA bits
     * @param psid       the explicit PSID (RFC 7598 s.4.5) or {@link #NO_PSID}
     * @param forwarding whether the rule is also an FMR (RFC 7598 s.4.1 F-flag)
     */
    public MapRule(final Ipv6Prefix ipv6Prefix, final Ipv4Prefix ipv4Prefix, final int eaBits, final int offset,
        final int psidLength, final int psid, final boolean forwarding)
    {
        final int n = ipv6Prefix.length();
        final int r = ipv4Prefix.length();
        if (eaBits < 0 || eaBits > MAX_EA_BITS)
        {
            throw new IllegalArgumentException("EA-bits length must be 0..48 (RFC 7597 s.5.2), not " + eaBits);
        }
        if (n + eaBits > 128)
        {
            throw new IllegalArgumentException("Rule IPv6 prefix length " + n + " + EA-bits " + eaBits +
                " exceed 128 bits (RFC 7597 s.5.2)");
        }
        this.suffixBits = Math.min(eaBits, 32 - r);
        this.psidBits = eaBits - suffixBits;
        if (psidBits > 16)
        {
            throw new IllegalArgumentException("EA-bits " + eaBits + " with Rule IPv4 prefix /" + r + " leave " +
                psidBits + " PSID bits (q = o - (32 - r)), more than the 16 bits of a port (RFC 7597 s.5.2)");
        }
        final int k = psidLengthOf(psidBits, psidLength, psid, r, eaBits);
        if (k > 0)
        {
            PortSet.check(offset, k);
            if (psid != NO_PSID && (psid < 0 || psid >= 1 << k))
            {
                throw new IllegalArgumentException("PSID " + psid + " does not fit in " + k + " bits");
            }
        }
        else if (offset < 0 || offset > 15)
        {
            throw new IllegalArgumentException("PSID offset a must be 0..15 (RFC 7598 s.4.5), not " + offset);
        }
        this.ipv6Prefix = ipv6Prefix;
        this.ipv4Prefix = ipv4Prefix;
        this.eaBits = eaBits;
        this.offset = offset;
        this.psidLength = k;
        this.explicitPsid = psid;
        this.forwarding = forwarding;
        this.prefixHigh = ipv6Prefix.high();
        this.prefixLow = ipv6Prefix.low();
        this.suffixShift = 32 - r - suffixBits;
        this.suffixMask = (1L << suffixBits) - 1;
        this.psidMask = (1L << psidBits) - 1;
        final int end = n + eaBits;
        final boolean inHigh = eaBits > 0 && n < 64;
        this.eaHighLeft = inHigh && end <= 64 ? 64 - end : 0;
        this.eaHighRight = inHigh && end > 64 ? end - 64 : 0;
        this.eaHighMask = inHigh ? -1L : 0;
        this.eaLowLeft = eaBits > 0 && end > 64 ? 128 - end : 0;
        this.eaLowMask = eaBits > 0 && end > 64 ? -1L : 0;
        final int ceLength = r + suffixBits;
        this.ceIpv4Mask = ceLength == 0 ? 0 : -1 << (32 - ceLength);
        this.iidPsidMask = k == 0 ? 0 : 0xffff;
        this.endUserLowMask = end <= 64 ? 0 : -1L << (128 - end);
    }

    /** k: the q PSID bits of the EA bits, or the given PSID length when there are none (RFC 7597 s.5.2, RFC 7598). */
    private static int psidLengthOf(final int psidBits, final int psidLength, final int psid, final int r,
        final int eaBits)
    {
        if (psidBits > 0)
        {
            if (psidLength >= 0 && psidLength != psidBits)
            {
                throw new IllegalArgumentException("PSID length " + psidLength + " contradicts the EA bits: k = o - " +
                    "(32 - r) = " + eaBits + " - " + (32 - r) + " = " + psidBits + " (RFC 7597 s.5.2)");
            }
            if (psid != NO_PSID)
            {
                throw new IllegalArgumentException("the PSID comes from the EA bits of the End-user IPv6 prefix; an " +
                    "explicit PSID needs a rule without PSID bits (o + r = 32, RFC 7598 s.4.5)");
            }
            return psidBits;
        }
        else
        {
            final int k = Math.max(psidLength, 0);
            if (k > 0 && r + eaBits < 32)
            {
                throw new IllegalArgumentException("this rule assigns an IPv4 prefix (/" + (r + eaBits) +
                    ", o + r < 32, RFC 7597 s.5.2 figure 4): a prefix has no port set, so no PSID length");
            }
            if (k > 0 && psid == NO_PSID)
            {
                throw new IllegalArgumentException("no PSID bits in the EA bits (o + r = 32): a PSID length " + k +
                    " needs an explicit PSID (port parameters, RFC 7598 s.4.5 / RFC 7618)");
            }
            if (k == 0 && psid != NO_PSID)
            {
                throw new IllegalArgumentException("an explicit PSID needs a PSID length (port parameters)");
            }
            return k;
        }
    }

    /** A BMR/FMR with the PSID length derived from the EA bits and the default offset 6. */
    public static MapRule of(final String ipv6Prefix, final String ipv4Prefix, final int eaBits)
    {
        return new MapRule(Ipv6Prefix.parse(ipv6Prefix), Ipv4Prefix.parse(ipv4Prefix), eaBits,
            PortSet.DEFAULT_MAP_OFFSET, -1, NO_PSID, true);
    }

    public Ipv6Prefix ipv6Prefix()
    {
        return ipv6Prefix;
    }

    public Ipv4Prefix ipv4Prefix()
    {
        return ipv4Prefix;
    }

    /** o */
    public int eaBits()
    {
        return eaBits;
    }

    /** a */
    public int offset()
    {
        return offset;
    }

    /** k: the PSID length (q when the EA bits carry it); 0 when the CE gets a full address or a prefix. */
    public int psidLength()
    {
        return psidLength;
    }

    /** The explicit PSID, or {@link #NO_PSID}. */
    public int explicitPsid()
    {
        return explicitPsid;
    }

    public boolean forwarding()
    {
        return forwarding;
    }

    /** p: the IPv4 suffix bits in the EA bits. */
    public int suffixBits()
    {
        return suffixBits;
    }

    /** n + o: the shortest End-user IPv6 prefix this rule maps (RFC 7597 s.5.2). */
    public int endUserPrefixLength()
    {
        return ipv6Prefix.length() + eaBits;
    }

    /** r + p: the length of the IPv4 prefix a CE gets (32 for a full or shared address). */
    public int ceIpv4PrefixLength()
    {
        return ipv4Prefix.length() + suffixBits;
    }

    /** 2^k CEs share one IPv4 address. */
    public int sharingRatio()
    {
        return 1 << psidLength;
    }

    public boolean containsIpv6(final long high, final long low)
    {
        return ipv6Prefix.contains(high, low);
    }

    public boolean containsIpv4(final int ipv4)
    {
        return ipv4Prefix.contains(ipv4);
    }

    /** The EA bits of an address under the rule. */
    public long eaBitsOf(final long high, final long low)
    {
        return Bits128.get(high, low, ipv6Prefix.length(), eaBits);
    }

    /** RFC 7597 s.5.2: the Rule IPv4 prefix followed by the p suffix bits (a CE's prefix is zero-padded). */
    public int ipv4Of(final long high, final long low)
    {
        final long suffix = eaBitsOf(high, low) >>> psidBits;
        return ipv4Prefix.address() | (int)(suffix << (32 - ipv4Prefix.length() - suffixBits));
    }

    /** RFC 7597 s.5.2: the q low EA bits, or the explicit PSID, or 0 without a port set. */
    public int psidOf(final long high, final long low)
    {
        if (psidBits > 0)
        {
            return (int)(eaBitsOf(high, low) & ((1L << psidBits) - 1));
        }
        return explicitPsid == NO_PSID ? 0 : explicitPsid;
    }

    /** RFC 7597 s.5.1: the PSID a port maps to under this rule's a and k. */
    public int psidOfPort(final int port)
    {
        return PortSet.psidOf(port, offset, psidLength);
    }

    /** Whether the port belongs to a port set at all (A > 0 when a > 0) and, for an explicit PSID, to that one. */
    public boolean portAllowed(final int port)
    {
        if (psidLength == 0)
        {
            return true;
        }
        if (PortSet.isExcluded(port, offset, psidLength))
        {
            return false;
        }
        return explicitPsid == NO_PSID || psidOfPort(port) == explicitPsid;
    }

    /** The port set of a CE of this rule. */
    public PortSet portSet(final int psid)
    {
        return new PortSet(offset, psidLength, psid);
    }

    /** RFC 7597 s.5.3 figure 7: the EA bits for an IPv4 address and PSID: p suffix bits, then q PSID bits. */
    public long eaBitsFor(final int ipv4, final int psid)
    {
        final long suffix = ((ipv4 & 0xffffffffL) >>> suffixShift) & suffixMask;
        return suffix << psidBits | (psid & psidMask);
    }

    /** The high half of the End-user IPv6 prefix (n + o bits, the rest zero) for an IPv4 address and PSID. */
    public long endUserHigh(final int ipv4, final int psid)
    {
        // Bits128.placeHigh(eaBitsFor(ipv4, psid), n, o), with its cases worked out in the constructor.
        return prefixHigh | (eaBitsFor(ipv4, psid) << eaHighLeft >>> eaHighRight) & eaHighMask;
    }

    /** The low half of the End-user IPv6 prefix. */
    public long endUserLow(final int ipv4, final int psid)
    {
        // Bits128.placeLow(eaBitsFor(ipv4, psid), n, o).
        return prefixLow | (eaBitsFor(ipv4, psid) << eaLowLeft) & eaLowMask;
    }

    /**
     * RFC 7597 s.6: the interface ID {@code 0 (16) | IPv4 (32) | PSID (16)}; {@code fullIpv4} (MAP-T) keeps the whole
     * address, otherwise a CE's IPv4 prefix is right-padded with zeros.
     */
    public long interfaceId(final int ipv4, final int psid, final boolean fullIpv4)
    {
        final int v4 = fullIpv4 ? ipv4 : ipv4 & ceIpv4Mask;
        return (v4 & 0xffffffffL) << 16 | (psid & iidPsidMask);
    }

    /** The high half of the MAP IPv6 address (s.5.2: End-user prefix, subnet ID 0, interface ID). */
    public long addressHigh(final int ipv4, final int psid)
    {
        return endUserHigh(ipv4, psid);
    }

    /** The low half of the MAP IPv6 address; s.6: an End-user prefix longer than 64 overwrites the ID's top bits. */
    public long addressLow(final int ipv4, final int psid, final boolean fullIpv4)
    {
        // addressLow(endUserLow, n + o, interfaceId) below, with the prefix mask worked out in the constructor.
        return endUserLow(ipv4, psid) & endUserLowMask | interfaceId(ipv4, psid, fullIpv4) & ~endUserLowMask;
    }

    /**
     * RFC 7597 s.6 (and RFC 7596 s.5.1 figure 3): the low half of a prefix (zero after its length: subnet ID 0)
     * followed by the interface ID, whose top bits a prefix longer than 64 overwrites.
     */
    public static long addressLow(final long prefixLow, final int prefixLength, final long interfaceId)
    {
        final long prefixMask = prefixLength <= 64 ? 0 : -1L << (128 - prefixLength);
        return prefixLow & prefixMask | interfaceId & ~prefixMask;
    }

    @Override
    public String toString()
    {
        return "{" + ipv6Prefix + ", " + ipv4Prefix + ", ea-bits " + eaBits +
            (psidLength > 0 ? ", psid-offset " + offset + ", psid-length " + psidLength : "") +
            (explicitPsid != NO_PSID ? ", psid " + explicitPsid : "") + "}";
    }

    /** The address as text, for tools. */
    public static String format(final long high, final long low)
    {
        return Addresses.format6(high, low);
    }
}
