package dev.xlat64.map;

import dev.xlat64.packet.Icmp;
import dev.xlat64.packet.Ipv4Header;
import dev.xlat64.packet.Ipv6Header;
import org.agrona.DirectBuffer;

import java.nio.ByteOrder;

/**
 * The port that decides a packet's port set at a BR: always the CE's side of the flow (RFC 7597 s.8.1, s.8.2; RFC 7599
 * s.9; RFC 7596 s.8.1): TCP/UDP ports, the ICMP echo identifier, and for an ICMP error the port of the quoted packet.
 */
final class Ports
{
    /** The transport header is not all there: left to the transform, which drops it with its reason. */
    static final int TRUNCATED = -2;

    private static final int ECHO_IDENTIFIER = 4;
    private static final int DESTINATION_PORT = 2;

    private Ports()
    {
    }

    /**
     * The CE's port of the packet whose upper-layer header is at {@code l4} (ending at {@code end}): when
     * {@code ceIsSource} (the packet comes from the CE) its source port, otherwise its destination port; the echo
     * identifier; for an ICMP error (ICMPv6 when {@code icmpv6}, ICMPv4 otherwise) the CE's port of the quoted packet,
     * which went the other way. {@link MapTBorderRelay#NO_PORT} for a protocol without ports, {@link #TRUNCATED} for a
     * short header.
     */
    static int ofCeSide(
        final DirectBuffer buffer, final int l4, final int end, final int protocol, final boolean icmpv6,
        final boolean ceIsSource)
    {
        switch (protocol)
        {
            case Ipv4Header.PROTOCOL_TCP:
            case Ipv4Header.PROTOCOL_UDP:
                if (l4 + 4 > end)
                {
                    return TRUNCATED;
                }
                return port(buffer, l4 + (ceIsSource ? 0 : DESTINATION_PORT));
            case Ipv4Header.PROTOCOL_ICMP:
            case Ipv6Header.NEXT_HEADER_ICMPV6:
                if ((protocol == Ipv6Header.NEXT_HEADER_ICMPV6) != icmpv6)
                {
                    return MapTBorderRelay.NO_PORT;  // ICMPv4 in IPv6 or ICMPv6 in IPv4: translated by no rule
                }
                if (l4 + Icmp.HEADER_LENGTH > end)
                {
                    return TRUNCATED;
                }
                return icmp(buffer, l4, end, icmpv6, ceIsSource);
            default:
                return MapTBorderRelay.NO_PORT;
        }
    }

    /** True when the upper layer at {@code l4} is an ICMP error of the packet's family. */
    static boolean isIcmpError(final DirectBuffer buffer, final int l4, final int protocol, final boolean icmpv6)
    {
        final int type = buffer.getByte(l4 + Icmp.TYPE) & 0xFF;
        return icmpv6 ? protocol == Ipv6Header.NEXT_HEADER_ICMPV6 && Icmp.isV6Error(type) :
            protocol == Ipv4Header.PROTOCOL_ICMP && Icmp.isV4Error(type);
    }

    /** RFC 7599 s.9: echo uses the identifier; an error the port of the quoted packet (no port: NO_PORT). */
    private static int icmp(
        final DirectBuffer buffer, final int l4, final int end, final boolean icmpv6, final boolean ceIsSource)
    {
        final int type = buffer.getByte(l4 + Icmp.TYPE) & 0xFF;
        if (icmpv6 ? type == Icmp.V6_ECHO_REQUEST || type == Icmp.V6_ECHO_REPLY :
            type == Icmp.V4_ECHO_REQUEST || type == Icmp.V4_ECHO_REPLY)
        {
            return port(buffer, l4 + ECHO_IDENTIFIER);
        }
        if (!(icmpv6 ? Icmp.isV6Error(type) : Icmp.isV4Error(type)))
        {
            return MapTBorderRelay.NO_PORT;
        }
        final int quoted = l4 + Icmp.HEADER_LENGTH;
        final int quotedL4;
        final int quotedProtocol;
        if (icmpv6)
        {
            // The quoted IPv6 packet (no extension headers) went the other way.
            if (quoted + Ipv6Header.LENGTH > end)
            {
                return MapTBorderRelay.NO_PORT;
            }
            quotedProtocol = buffer.getByte(quoted + Ipv6Header.NEXT_HEADER) & 0xFF;
            quotedL4 = quoted + Ipv6Header.LENGTH;
        }
        else
        {
            if (quoted + Ipv4Header.MIN_LENGTH > end)
            {
                return MapTBorderRelay.NO_PORT;
            }
            quotedProtocol = buffer.getByte(quoted + Ipv4Header.PROTOCOL) & 0xFF;
            quotedL4 = quoted + (buffer.getByte(quoted) & 0x0F) * 4;
        }
        if (quotedL4 + 8 > end)
        {
            return MapTBorderRelay.NO_PORT;
        }
        switch (quotedProtocol)
        {
            case Ipv4Header.PROTOCOL_TCP:
            case Ipv4Header.PROTOCOL_UDP:
                // RFC 7596 s.8.1 step 3: the quoted packet went the other way: toward the CE its source port.
                return port(buffer, quotedL4 + (ceIsSource ? DESTINATION_PORT : 0));
            case Ipv4Header.PROTOCOL_ICMP:
            case Ipv6Header.NEXT_HEADER_ICMPV6:
                return port(buffer, quotedL4 + ECHO_IDENTIFIER);
            default:
                return MapTBorderRelay.NO_PORT;
        }
    }

    private static int port(final DirectBuffer buffer, final int at)
    {
        return buffer.getShort(at, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }
}
