package dev.xlat64.packet;

/**
 * ICMPv4 (RFC 792) and ICMPv6 (RFC 4443) share the first 8 bytes' layout; type and code numbers are named here so no
 * bare number appears in the translation rules.
 *
 * <pre>
 *   |     Type      |     Code      |          Checksum             |
 *   |     Identifier / unused / pointer / MTU (type specific)       |
 * </pre>
 */
public final class Icmp
{
    public static final int HEADER_LENGTH = 8;
    public static final int TYPE = 0;
    public static final int CODE = 1;
    public static final int CHECKSUM = 2;
    public static final int REST = 4;

    /** RFC 1812 s.4.3.2.3: an ICMPv4 error quotes as much of the offending packet as fits in 576 bytes. */
    public static final int V4_ERROR_MAX_LENGTH = 576;
    /** RFC 4443 s.2.4(c): an ICMPv6 error quotes as much as fits without exceeding the minimum IPv6 MTU. */
    public static final int V6_ERROR_MAX_LENGTH = Ipv6Header.MINIMUM_MTU;

    // ICMPv4 types (RFC 792, RFC 1191, RFC 1812)
    public static final int V4_ECHO_REPLY = 0;
    public static final int V4_DESTINATION_UNREACHABLE = 3;
    public static final int V4_SOURCE_QUENCH = 4;
    public static final int V4_REDIRECT = 5;
    public static final int V4_ALTERNATE_HOST_ADDRESS = 6;
    public static final int V4_ECHO_REQUEST = 8;
    public static final int V4_ROUTER_ADVERTISEMENT = 9;
    public static final int V4_ROUTER_SOLICITATION = 10;
    public static final int V4_TIME_EXCEEDED = 11;
    public static final int V4_PARAMETER_PROBLEM = 12;
    public static final int V4_TIMESTAMP = 13;
    public static final int V4_TIMESTAMP_REPLY = 14;
    public static final int V4_INFORMATION_REQUEST = 15;
    public static final int V4_INFORMATION_REPLY = 16;
    public static final int V4_ADDRESS_MASK_REQUEST = 17;
    public static final int V4_ADDRESS_MASK_REPLY = 18;

    // ICMPv4 Destination Unreachable codes (RFC 792, RFC 1122, RFC 1812)
    public static final int V4_NET_UNREACHABLE = 0;
    public static final int V4_HOST_UNREACHABLE = 1;
    public static final int V4_PROTOCOL_UNREACHABLE = 2;
    public static final int V4_PORT_UNREACHABLE = 3;
    public static final int V4_FRAGMENTATION_NEEDED = 4;
    public static final int V4_SOURCE_ROUTE_FAILED = 5;
    public static final int V4_NET_UNKNOWN = 6;
    public static final int V4_HOST_UNKNOWN = 7;
    public static final int V4_SOURCE_HOST_ISOLATED = 8;
    public static final int V4_NET_PROHIBITED = 9;
    public static final int V4_HOST_PROHIBITED = 10;
    public static final int V4_NET_TOS_UNREACHABLE = 11;
    public static final int V4_HOST_TOS_UNREACHABLE = 12;
    public static final int V4_COMMUNICATION_PROHIBITED = 13;
    public static final int V4_HOST_PRECEDENCE_VIOLATION = 14;
    public static final int V4_PRECEDENCE_CUTOFF = 15;

    // ICMPv4 Time Exceeded codes
    public static final int V4_TTL_EXCEEDED_IN_TRANSIT = 0;
    public static final int V4_FRAGMENT_REASSEMBLY_TIME_EXCEEDED = 1;

    // ICMPv4 Parameter Problem codes (RFC 792, RFC 1108)
    public static final int V4_POINTER_INDICATES_ERROR = 0;
    public static final int V4_MISSING_REQUIRED_OPTION = 1;
    public static final int V4_BAD_LENGTH = 2;

    // ICMPv6 types (RFC 4443)
    public static final int V6_DESTINATION_UNREACHABLE = 1;
    public static final int V6_PACKET_TOO_BIG = 2;
    public static final int V6_TIME_EXCEEDED = 3;
    public static final int V6_PARAMETER_PROBLEM = 4;
    public static final int V6_ECHO_REQUEST = 128;
    public static final int V6_ECHO_REPLY = 129;

    // ICMPv6 Destination Unreachable codes
    public static final int V6_NO_ROUTE = 0;
    public static final int V6_ADMINISTRATIVELY_PROHIBITED = 1;
    public static final int V6_BEYOND_SCOPE = 2;
    public static final int V6_ADDRESS_UNREACHABLE = 3;
    public static final int V6_PORT_UNREACHABLE = 4;

    // ICMPv6 Time Exceeded codes
    public static final int V6_HOP_LIMIT_EXCEEDED = 0;
    public static final int V6_FRAGMENT_REASSEMBLY_TIME_EXCEEDED = 1;

    // ICMPv6 Parameter Problem codes
    public static final int V6_ERRONEOUS_HEADER_FIELD = 0;
    public static final int V6_UNRECOGNIZED_NEXT_HEADER = 1;
    public static final int V6_UNRECOGNIZED_OPTION = 2;

    private Icmp()
    {
    }

    /**
     * RFC 792 / RFC 1812 s.4.3.2.7: the ICMPv4 types that are not queries or replies are errors (unknown types too).
     */
    public static boolean isV4Error(final int type)
    {
        switch (type)
        {
            case V4_ECHO_REPLY:
            case V4_ECHO_REQUEST:
            case V4_ROUTER_ADVERTISEMENT:
            case V4_ROUTER_SOLICITATION:
            case V4_TIMESTAMP:
            case V4_TIMESTAMP_REPLY:
            case V4_INFORMATION_REQUEST:
            case V4_INFORMATION_REPLY:
            case V4_ADDRESS_MASK_REQUEST:
            case V4_ADDRESS_MASK_REPLY:
                return false;
            default:
                return true;
        }
    }

    /** RFC 4443 s.2.1: ICMPv6 error messages have types 0-127, informational messages 128-255. */
    public static boolean isV6Error(final int type)
    {
        return type < V6_ECHO_REQUEST;
    }
}
