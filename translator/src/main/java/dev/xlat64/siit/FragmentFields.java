package dev.xlat64.siit;

import dev.xlat64.packet.Ipv4Header;

/**
 * The fragmentation fields of the IPv4 packet being translated to IPv6 (RFC 7915 s.4.1): read once from its header,
 * which the in-place translation overwrites, and used for the Fragment Header and for fragmenting. Reused per packet.
 */
final class FragmentFields
{
    boolean dontFragment;
    boolean moreFragments;
    int fragmentOffset;
    int identification;
    /** The upper-layer protocol as IPv6 names it (ICMP becomes 58). */
    int upperLayer;

    /** Reads the fields from the IPv4 header {@code in}. */
    FragmentFields read(final Ipv4Header in)
    {
        final int flags = in.flagsAndFragmentOffset();
        dontFragment = (flags & Ipv4Header.FLAG_DF) != 0;
        moreFragments = (flags & Ipv4Header.FLAG_MF) != 0;
        fragmentOffset = flags & Ipv4Header.FRAGMENT_OFFSET_MASK;
        identification = in.identification();
        upperLayer = TranslatedHeaders.ipv6NextHeader(in.protocol());
        return this;
    }

    /** RFC 791: a packet with MF set or a non-zero offset is a fragment. */
    boolean isFragment()
    {
        return moreFragments || fragmentOffset != 0;
    }
}
