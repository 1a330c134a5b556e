package dev.xlat64.siit;

import dev.xlat64.packet.Icmp;
import dev.xlat64.packet.Ipv4Header;
import dev.xlat64.packet.Ipv6Header;

/**
 * The ICMP error tables of RFC 7915: type and code (s.4.2 for ICMPv4 to ICMPv6, s.5.2 for ICMPv6 to ICMPv4) and the
 * Parameter Problem pointer (Figures 3 and 6). Pure functions; {@link #NOT_TRANSLATABLE} where the RFC says drop.
 */
final class IcmpTypeMapping
{
    /** What the tables answer for an error, code or pointer the RFC does not translate. */
    static final int NOT_TRANSLATABLE = -1;

    private IcmpTypeMapping()
    {
    }

    /**
     * RFC 7915 s.4.2: ICMPv4 error type and code to ICMPv6 ({@code type << 8 | code}), or {@link #NOT_TRANSLATABLE}.
     */
    static int ipv4ErrorToIpv6(final int type, final int code)
    {
        switch (type)
        {
            case Icmp.V4_DESTINATION_UNREACHABLE:
                return ipv4UnreachableToIpv6(code);
            case Icmp.V4_TIME_EXCEEDED:
                return code <= Icmp.V4_FRAGMENT_REASSEMBLY_TIME_EXCEEDED ? Icmp.V6_TIME_EXCEEDED << 8 | code :
                    NOT_TRANSLATABLE;
            case Icmp.V4_PARAMETER_PROBLEM:
                return code == Icmp.V4_POINTER_INDICATES_ERROR || code == Icmp.V4_BAD_LENGTH ?
                    Icmp.V6_PARAMETER_PROBLEM << 8 | Icmp.V6_ERRONEOUS_HEADER_FIELD : NOT_TRANSLATABLE;
            default:
                // Source quench, redirect, alternate host address and unknown errors have no ICMPv6 counterpart.
                return NOT_TRANSLATABLE;
        }
    }

    /** RFC 7915 s.4.2: the Destination Unreachable codes. */
    private static int ipv4UnreachableToIpv6(final int code)
    {
        switch (code)
        {
            case Icmp.V4_NET_UNREACHABLE:
            case Icmp.V4_HOST_UNREACHABLE:
            case Icmp.V4_SOURCE_ROUTE_FAILED:
            case Icmp.V4_NET_UNKNOWN:
            case Icmp.V4_HOST_UNKNOWN:
            case Icmp.V4_SOURCE_HOST_ISOLATED:
            case Icmp.V4_NET_TOS_UNREACHABLE:
            case Icmp.V4_HOST_TOS_UNREACHABLE:
                return Icmp.V6_DESTINATION_UNREACHABLE << 8 | Icmp.V6_NO_ROUTE;
            case Icmp.V4_PROTOCOL_UNREACHABLE:
                return Icmp.V6_PARAMETER_PROBLEM << 8 | Icmp.V6_UNRECOGNIZED_NEXT_HEADER;
            case Icmp.V4_PORT_UNREACHABLE:
                return Icmp.V6_DESTINATION_UNREACHABLE << 8 | Icmp.V6_PORT_UNREACHABLE;
            case Icmp.V4_FRAGMENTATION_NEEDED:
                return Icmp.V6_PACKET_TOO_BIG << 8;
            case Icmp.V4_NET_PROHIBITED:
            case Icmp.V4_HOST_PROHIBITED:
            case Icmp.V4_COMMUNICATION_PROHIBITED:
            case Icmp.V4_PRECEDENCE_CUTOFF:
                return Icmp.V6_DESTINATION_UNREACHABLE << 8 | Icmp.V6_ADMINISTRATIVELY_PROHIBITED;
            default:
                // Code 14 (host precedence violation) is silently dropped, as are unknown codes.
                return NOT_TRANSLATABLE;
        }
    }

    /** RFC 7915 s.4.2 Figure 3: IPv4 header byte offsets to IPv6 ones, or {@link #NOT_TRANSLATABLE}. */
    static int ipv4PointerToIpv6(final int pointer)
    {
        switch (pointer)
        {
            case 0: return 0;                                   // Version/IHL -> Version/Traffic Class
            case 1: return 1;                                   // Type Of Service -> Traffic Class
            case 2: case 3: return Ipv6Header.PAYLOAD_LENGTH;   // Total Length -> Payload Length
            case 8: return Ipv6Header.HOP_LIMIT;                // Time to Live -> Hop Limit
            case 9: return Ipv6Header.NEXT_HEADER;              // Protocol -> Next Header
            case 12: case 13: case 14: case 15: return Ipv6Header.SOURCE;
            case 16: case 17: case 18: case 19: return Ipv6Header.DESTINATION;
            default: return NOT_TRANSLATABLE;                   // identification, flags, checksum, options
        }
    }

    /**
     * RFC 7915 s.5.2: ICMPv6 error type and code to ICMPv4 ({@code type << 8 | code}), or {@link #NOT_TRANSLATABLE}.
     */
    static int ipv6ErrorToIpv4(final int type, final int code)
    {
        switch (type)
        {
            case Icmp.V6_DESTINATION_UNREACHABLE:
                switch (code)
                {
                    case Icmp.V6_NO_ROUTE:
                    case Icmp.V6_BEYOND_SCOPE:
                    case Icmp.V6_ADDRESS_UNREACHABLE:
                        return Icmp.V4_DESTINATION_UNREACHABLE << 8 | Icmp.V4_HOST_UNREACHABLE;
                    case Icmp.V6_ADMINISTRATIVELY_PROHIBITED:
                        return Icmp.V4_DESTINATION_UNREACHABLE << 8 | Icmp.V4_HOST_PROHIBITED;
                    case Icmp.V6_PORT_UNREACHABLE:
                        return Icmp.V4_DESTINATION_UNREACHABLE << 8 | Icmp.V4_PORT_UNREACHABLE;
                    default:
                        return NOT_TRANSLATABLE;
                }
            case Icmp.V6_PACKET_TOO_BIG:
                return Icmp.V4_DESTINATION_UNREACHABLE << 8 | Icmp.V4_FRAGMENTATION_NEEDED;
            case Icmp.V6_TIME_EXCEEDED:
                return code <= Icmp.V6_FRAGMENT_REASSEMBLY_TIME_EXCEEDED ? Icmp.V4_TIME_EXCEEDED << 8 | code :
                    NOT_TRANSLATABLE;
            case Icmp.V6_PARAMETER_PROBLEM:
                switch (code)
                {
                    case Icmp.V6_ERRONEOUS_HEADER_FIELD:
                        return Icmp.V4_PARAMETER_PROBLEM << 8 | Icmp.V4_POINTER_INDICATES_ERROR;
                    case Icmp.V6_UNRECOGNIZED_NEXT_HEADER:
                        return Icmp.V4_DESTINATION_UNREACHABLE << 8 | Icmp.V4_PROTOCOL_UNREACHABLE;
                    default:
                        // Code 2 (unrecognized IPv6 option) and unknown codes have no ICMPv4 counterpart.
                        return NOT_TRANSLATABLE;
                }
            default:
                return NOT_TRANSLATABLE;
        }
    }

    /** RFC 7915 s.5.2 Figure 6: IPv6 header byte offsets to IPv4 ones, or {@link #NOT_TRANSLATABLE}. */
    static int ipv6PointerToIpv4(final int pointer)
    {
        if (pointer < 0 || pointer >= Ipv6Header.LENGTH)
        {
            return NOT_TRANSLATABLE;                            // beyond the fixed header (extension headers)
        }
        if (pointer >= Ipv6Header.DESTINATION)
        {
            return Ipv4Header.DESTINATION;
        }
        if (pointer >= Ipv6Header.SOURCE)
        {
            return Ipv4Header.SOURCE;
        }
        switch (pointer)
        {
            case 0: return 0;                                   // Version/Traffic Class -> Version/IHL
            case 1: return Ipv4Header.TOS;                      // Traffic Class/Flow Label -> Type Of Service
            case 4: case 5: return Ipv4Header.TOTAL_LENGTH;     // Payload Length -> Total Length
            case 6: return Ipv4Header.PROTOCOL;                 // Next Header -> Protocol
            case 7: return Ipv4Header.TTL;                      // Hop Limit -> Time to Live
            default: return NOT_TRANSLATABLE;                   // flow label
        }
    }
}
