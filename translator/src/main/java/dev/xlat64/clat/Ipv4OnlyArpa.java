package dev.xlat64.clat;

import dev.xlat64.addr.Addresses;
import dev.xlat64.addr.Ipv6Prefix;
import dev.xlat64.addr.Rfc6052Prefix;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Discovery of the NAT64 prefix by RFC 7050: ask the system's resolvers for the AAAA records of {@code ipv4only.arpa}
 * and find the well-known IPv4 addresses 192.0.0.170 and 192.0.0.171 in the synthesized answers; where they sit gives
 * the prefix and its length (RFC 7050 section 3, the positions of RFC 6052 section 2.2).
 */
public final class Ipv4OnlyArpa
{
    /** RFC 7050 section 2.1: the well-known name. */
    public static final String NAME = "ipv4only.arpa";
    /** RFC 7050 section 2.2: the well-known IPv4 addresses of ipv4only.arpa. */
    static final int WKA_1 = Addresses.parse4("192.0.0.170");
    static final int WKA_2 = Addresses.parse4("192.0.0.171");
    /** RFC 6052 section 2.2: the prefix lengths, longest first. */
    private static final int[] LENGTHS = {96, 64, 56, 48, 40, 32};

    private Ipv4OnlyArpa()
    {
    }

    /**
     * The Pref64::/n found in {@code answers} (16-byte AAAA addresses), or null when none embeds a well-known address.
     * RFC 7050 section 3: every position where 192.0.0.170 or .171 sits is a candidate; a candidate seen in more
     * answers wins (both well-known addresses in one answer set pin the length when one address alone is ambiguous);
     * among equally supported ones the first answer's longest candidate is taken. Answers that embed no well-known
     * address are ignored (RFC 7050 section 3: they are not synthesized).
     */
    public static Rfc6052Prefix prefixFrom(final List<byte[]> answers)
    {
        final Map<Ipv6Prefix, Integer> support = new LinkedHashMap<>();
        for (final byte[] address : answers)
        {
            for (final Rfc6052Prefix candidate : candidates(address))
            {
                support.merge(candidate.prefix(), 1, Integer::sum);
            }
        }
        Ipv6Prefix best = null;
        int bestCount = 0;
        for (final Map.Entry<Ipv6Prefix, Integer> e : support.entrySet())
        {
            if (e.getValue() > bestCount)
            {
                best = e.getKey();
                bestCount = e.getValue();
            }
        }
        return best == null ? null : new Rfc6052Prefix(best);
    }

    /** Every RFC 6052 prefix under which {@code address} embeds 192.0.0.170 or 192.0.0.171, longest first. */
    static List<Rfc6052Prefix> candidates(final byte[] address)
    {
        final List<Rfc6052Prefix> out = new ArrayList<>();
        if (address.length != 16)
        {
            return out;
        }
        for (final int length : LENGTHS)
        {
            final Rfc6052Prefix prefix;
            try
            {
                prefix = Rfc6052Prefix.parse(Addresses.format6(masked(address, length)) + "/" + length);
            }
            catch (final IllegalArgumentException ex)
            {
                continue; // RFC 6052 section 2.2: bits 64-71 must be zero for prefixes shorter than /64
            }
            final byte[] ipv4 = prefix.extract(address);
            final int v4 = ipv4 == null ? 0 : Addresses.int4(ipv4);
            if (v4 == WKA_1 || v4 == WKA_2)
            {
                out.add(prefix);
            }
        }
        return out;
    }

    /** Looks {@code ipv4only.arpa} up through the system resolver (getaddrinfo) and returns the AAAA answers. */
    public static List<byte[]> lookup() throws UnknownHostException
    {
        final List<byte[]> out = new ArrayList<>();
        for (final InetAddress a : InetAddress.getAllByName(NAME))
        {
            if (a instanceof Inet6Address)
            {
                out.add(a.getAddress());
            }
        }
        return out;
    }

    private static byte[] masked(final byte[] address, final int length)
    {
        final byte[] out = address.clone();
        for (int bit = length; bit < 128; bit++)
        {
            out[bit >> 3] &= (byte)~(0x80 >>> (bit & 7));
        }
        return out;
    }
}
