package dev.xlat64.packet;

import org.agrona.DirectBuffer;

/**
 * Walks an IPv6 extension-header chain (RFC 8200 section 4) up to the upper-layer header. In a first fragment (offset
 * 0) the walk goes on past the Fragment Header through the rest of the chain; in a later fragment what follows the
 * Fragment Header is opaque. Whether an extension header follows the Fragment Header is recorded, since no IPv4
 * protocol can carry it. Used on the outer packet, on a quoted (inner) packet and by the ICMPv6 error originator; the
 * results are fields, so one instance serves every packet without allocating. Checks structure only, never policy.
 */
public final class Ipv6ExtensionHeaders
{
    /** Every extension header (other than the fragment header) is at least 8 bytes: next header, length, 6 more. */
    private static final int MIN_EXTENSION_LENGTH = 8;
    private static final int ROUTING_SEGMENTS_LEFT = 3;
    private static final int MOBILITY = 135;
    private static final int HIP = 139;
    private static final int SHIM6 = 140;

    private int upperLayerProtocol;
    private int upperLayerOffset;
    private int fragmentHeaderOffset;
    private int routingHeaderOffset;
    private boolean extensionAfterFragment;

    /**
     * Walks the chain whose first header, of type {@code firstNextHeader}, starts at {@code start}; false when it runs
     * past {@code end}. Hop-by-hop, destination options and routing headers are skipped; after a Fragment Header the
     * walk goes on only in a first fragment.
     */
    public boolean walk(final DirectBuffer buffer, final int start, final int firstNextHeader, final int end)
    {
        int nextHeader = firstNextHeader;
        int at = start;
        fragmentHeaderOffset = -1;
        routingHeaderOffset = -1;
        extensionAfterFragment = false;
        while (isSkippable(nextHeader))
        {
            if (at + MIN_EXTENSION_LENGTH > end)
            {
                return false;
            }
            if (fragmentHeaderOffset >= 0)
            {
                // RFC 8200 s.4.5: this header belongs to the fragmentable part, so later fragments cannot repeat it.
                extensionAfterFragment = true;
            }
            if (nextHeader == Ipv6Header.NEXT_HEADER_FRAGMENT)
            {
                if (fragmentHeaderOffset >= 0)
                {
                    break;
                }
                fragmentHeaderOffset = at;
                nextHeader = buffer.getByte(at) & 0xFF;
                at += FragmentHeader.LENGTH;
                // RFC 8200 s.4.5: past the Fragment Header of a later fragment is data, not headers.
                if (FragmentHeader.fragmentOffset(buffer, fragmentHeaderOffset) != 0)
                {
                    extensionAfterFragment = isIpv6ExtensionHeader(nextHeader);
                    break;
                }
                continue;
            }
            // RFC 8200 s.4.3-4.6: Hdr Ext Len counts 8-octet units, not including the first 8 octets.
            final int extensionLength = ((buffer.getByte(at + 1) & 0xFF) + 1) << 3;
            if (at + extensionLength > end)
            {
                return false;
            }
            if (nextHeader == Ipv6Header.NEXT_HEADER_ROUTING && buffer.getByte(at + ROUTING_SEGMENTS_LEFT) != 0 &&
                routingHeaderOffset < 0)
            {
                routingHeaderOffset = at;
            }
            nextHeader = buffer.getByte(at) & 0xFF;
            at += extensionLength;
        }
        upperLayerProtocol = nextHeader;
        upperLayerOffset = at;
        return true;
    }

    private static boolean isSkippable(final int nextHeader)
    {
        return nextHeader == Ipv6Header.NEXT_HEADER_HOP_BY_HOP ||
            nextHeader == Ipv6Header.NEXT_HEADER_DESTINATION_OPTIONS ||
            nextHeader == Ipv6Header.NEXT_HEADER_ROUTING || nextHeader == Ipv6Header.NEXT_HEADER_FRAGMENT;
    }

    /**
     * RFC 8200 s.4 / RFC 7045 s.4: the numbers IANA lists as IPv6 extension headers that IPv4 has no use for (AH and
     * ESP exist in IPv4 too): never an IPv4 protocol.
     */
    public static boolean isIpv6ExtensionHeader(final int nextHeader)
    {
        return isSkippable(nextHeader) || nextHeader == MOBILITY || nextHeader == HIP || nextHeader == SHIM6;
    }

    /**
     * True when an extension header follows the Fragment Header (or, in a later fragment, the Fragment Header names
     * one): the upper layer of the other fragments cannot be known.
     */
    public boolean extensionAfterFragment()
    {
        return extensionAfterFragment;
    }

    /** The next header value after the chain: the upper-layer protocol (or what follows a Fragment Header). */
    public int upperLayerProtocol()
    {
        return upperLayerProtocol;
    }

    /** Where the upper-layer header (or the fragmentable part) starts. */
    public int upperLayerOffset()
    {
        return upperLayerOffset;
    }

    /** Offset of the Fragment Header, or -1. */
    public int fragmentHeaderOffset()
    {
        return fragmentHeaderOffset;
    }

    /** Offset of the first Routing Header whose Segments Left is non-zero, or -1. */
    public int routingHeaderOffset()
    {
        return routingHeaderOffset;
    }

    /** Offset of the Segments Left field within a Routing Header (RFC 8200 s.4.4). */
    public static int segmentsLeftField(final int routingHeaderOffset)
    {
        return routingHeaderOffset + ROUTING_SEGMENTS_LEFT;
    }
}
