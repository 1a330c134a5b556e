package dev.xlat64.addr;

/**
 * IPv4 ranges that are not global (RFC 6890 registry); RFC 6052 section 3.1 forbids them under the Well-Known Prefix.
 */
public final class SpecialIpv4
{
    private static final Ipv4Prefix[] NON_GLOBAL = {
        Ipv4Prefix.parse("0.0.0.0/8"),        // RFC 1122 "this network"
        Ipv4Prefix.parse("10.0.0.0/8"),       // RFC 1918
        Ipv4Prefix.parse("100.64.0.0/10"),    // RFC 6598 shared address space
        Ipv4Prefix.parse("127.0.0.0/8"),      // RFC 1122 loopback
        Ipv4Prefix.parse("169.254.0.0/16"),   // RFC 3927 link local
        Ipv4Prefix.parse("172.16.0.0/12"),    // RFC 1918
        Ipv4Prefix.parse("192.0.0.0/24"),     // RFC 6890 IETF protocol assignments
        Ipv4Prefix.parse("192.0.2.0/24"),     // RFC 5737 TEST-NET-1
        Ipv4Prefix.parse("192.168.0.0/16"),   // RFC 1918
        Ipv4Prefix.parse("198.18.0.0/15"),    // RFC 2544 benchmarking
        Ipv4Prefix.parse("198.51.100.0/24"),  // RFC 5737 TEST-NET-2
        Ipv4Prefix.parse("203.0.113.0/24"),   // RFC 5737 TEST-NET-3
        Ipv4Prefix.parse("224.0.0.0/4"),      // RFC 5771 multicast
        Ipv4Prefix.parse("240.0.0.0/4"),      // RFC 1112 reserved, incl. limited broadcast
    };

    /** Bit {@code o} (of 256) set when a non-global range holds addresses whose first octet is {@code o}. */
    private static final long[] FIRST_OCTETS = firstOctets();

    /**
     * 192.0.0.8, the IPv4 dummy address of the IANA special-purpose registry (RFC 7600): the source of ICMPv4 errors
     * from a node that has no IPv4 address of its own to give, e.g. a MAP CE whose one IPv4 address is shared and is
     * the error's destination, or an IPv6 router that maps to no IPv4 address (RFC 7915 s.5.3, RFC 6791).
     */
    public static final int DUMMY = 0xC000_0008;

    private SpecialIpv4()
    {
    }

    /** True for addresses RFC 6052 section 3.1 keeps out of the Well-Known Prefix. */
    public static boolean isNonGlobal(final int ipv4)
    {
        // Most global addresses start with an octet no range holds: one bit test (a long shift counts mod 64).
        final int octet = ipv4 >>> 24;
        return (FIRST_OCTETS[octet >>> 6] >>> octet & 1) != 0 && inNonGlobalRange(ipv4);
    }

    private static boolean inNonGlobalRange(final int ipv4)
    {
        for (final Ipv4Prefix p : NON_GLOBAL)
        {
            if (p.contains(ipv4))
            {
                return true;
            }
        }
        return false;
    }

    private static long[] firstOctets()
    {
        final long[] bits = new long[4];
        for (int octet = 0; octet < 256; octet++)
        {
            for (final Ipv4Prefix p : NON_GLOBAL)
            {
                if (p.holdsFirstOctet(octet))
                {
                    bits[octet >>> 6] |= 1L << octet;
                }
            }
        }
        return bits;
    }
}
