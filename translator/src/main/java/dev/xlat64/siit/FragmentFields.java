package dev.xlat64.siit;

import dev.xlat64.packet.Ipv4Header;

/**
 * The fragmentation fields of the IPv4 packet being translated to IPv6 (RFC 7915 s.4.1), for the {@link Fragmenter}:
 * read before the in-place translation overwrites the header, set only when the packet must be fragmented. Reused.
 */
final class FragmentFields
{
    boolean moreFragments;
    int fragmentOffset;
    int identification;
    /** The upper-layer protocol as IPv6 names it (ICMP becomes 58). */
    int upperLayer;

    /**
     * Sets the fields from values read earlier: {@code flags} is the IPv4 flags-and-offset word, {@code upperLayer}
     * already the IPv6 name of the protocol.
     */
    FragmentFields set(final int flags, final int identification, final int upperLayer)
    {
        moreFragments = (flags & Ipv4Header.FLAG_MF) != 0;
        fragmentOffset = flags & Ipv4Header.FRAGMENT_OFFSET_MASK;
        this.identification = identification;
        this.upperLayer = upperLayer;
        return this;
    }
}
