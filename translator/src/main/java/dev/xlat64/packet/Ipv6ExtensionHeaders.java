package dev.xlat64.packet;

import org.agrona.DirectBuffer;

/**
 * Walks an IPv6 extension-header chain (RFC 8200 section 4) up to the upper-layer header or the Fragment Header, after
 * which nothing is parsed (the rest is the fragmentable part). Used on the outer packet, on a quoted (inner) packet and
 * by the ICMPv6 error originator; the results are fields, so one instance serves every packet without allocating.
 * Checks structure only (lengths), never policy.
 */
public final class Ipv6ExtensionHeaders
{
    /** Every extension header (other than the fragment header) is at least 8 bytes: next header, length, 6 more. */
    private static final int MIN_EXTENSION_LENGTH = 8;
    private static final int ROUTING_SEGMENTS_LEFT = 3;

    private int upperLayerProtocol;
    private int upperLayerOffset;
    private int fragmentHeaderOffset;
    private int routingHeaderOffset;

    /**
     * Walks the chain whose first header, of type {@code firstNextHeader}, starts at {@code start}; false when it runs
     * past {@code end}. Hop-by-hop, destination options and routing headers are skipped; the walk stops after a
     * Fragment Header.
     */
    public boolean walk(final DirectBuffer buffer, final int start, final int firstNextHeader, final int end)
    {
        int nextHeader = firstNextHeader;
        int at = start;
        fragmentHeaderOffset = -1;
        routingHeaderOffset = -1;
        while (isSkippable(nextHeader))
        {
            if (at + MIN_EXTENSION_LENGTH > end)
            {
                return false;
            }
            if (nextHeader == Ipv6Header.NEXT_HEADER_FRAGMENT)
            {
                fragmentHeaderOffset = at;
                nextHeader = buffer.getByte(at) & 0xFF;
                at += FragmentHeader.LENGTH;
                break;
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
        return nextHeader == Ipv6Header.NEXT_HEADER_HOP_BY_HOP || nextHeader == Ipv6Header.NEXT_HEADER_DESTINATION_OPTIONS ||
            nextHeader == Ipv6Header.NEXT_HEADER_ROUTING || nextHeader == Ipv6Header.NEXT_HEADER_FRAGMENT;
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
