package dev.xlat64.addr;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * IPv4 addresses that are never translated, whatever prefix or EAM would map them (RFC 1812 s.5.3.7 martians, like a
 * kernel SIIT's denylist): a packet to or from one, in either direction, is dropped. Immutable; {@link #contains} scans
 * a few prefixes without allocating.
 */
public final class Ipv4Denylist
{
    /**
     * RFC 1812 s.5.3.7 and RFC 6890: this network (0.0.0.0/8), loopback, link-local, multicast, reserved (240/4) and
     * the limited broadcast address.
     */
    public static final List<String> DEFAULT_PREFIXES = List.of(
        "0.0.0.0/8", "127.0.0.0/8", "169.254.0.0/16", "224.0.0.0/4", "240.0.0.0/4", "255.255.255.255/32");
    /** The default list. */
    public static final Ipv4Denylist DEFAULT = parse(DEFAULT_PREFIXES);
    /** No address denied (an empty {@code translator.ipv4-denylist}). */
    public static final Ipv4Denylist NONE = new Ipv4Denylist(List.of());

    private final List<Ipv4Prefix> prefixes;
    private final int[] networks;
    private final int[] masks;
    /** Per first octet: whether any denied prefix can hold an address starting with it (most cannot: no scan). */
    private final boolean[] firstOctetMayMatch = new boolean[256];
    /**
     * Bit {@code n} set when a denied prefix can hold an address whose top six bits are {@code n}: the common "no"
     * is one shift and one bit test, without an array read (with the default list only the first octets 0-3, 124-127,
     * 168-171 and 224-255 go on to the octet table).
     */
    private final long top6MayMatch;

    public Ipv4Denylist(final List<Ipv4Prefix> prefixes)
    {
        this.prefixes = Collections.unmodifiableList(new ArrayList<>(prefixes));
        this.networks = new int[prefixes.size()];
        this.masks = new int[prefixes.size()];
        for (int i = 0; i < networks.length; i++)
        {
            masks[i] = prefixes.get(i).mask();
            networks[i] = prefixes.get(i).address() & masks[i];
            for (int octet = 0; octet < 256; octet++)
            {
                firstOctetMayMatch[octet] |= prefixes.get(i).holdsFirstOctet(octet);
            }
        }
        long top6 = 0;
        for (int octet = 0; octet < 256; octet++)
        {
            top6 |= firstOctetMayMatch[octet] ? 1L << (octet >>> 2) : 0;
        }
        top6MayMatch = top6;
    }

    /** Parses prefixes such as {@code 127.0.0.0/8} (a bare address is a /32); the message names the bad one. */
    public static Ipv4Denylist parse(final List<String> texts)
    {
        final List<Ipv4Prefix> parsed = new ArrayList<>();
        for (final String t : texts)
        {
            parsed.add(Ipv4Prefix.parse(t.trim()));
        }
        return new Ipv4Denylist(parsed);
    }

    /** True when {@code ipv4} lies in a denied prefix. */
    public boolean contains(final int ipv4)
    {
        return mayContain(top6MayMatch, ipv4) && scan(ipv4);
    }

    /** The quick test of {@link #contains}: false when no denied prefix can hold {@code ipv4}. */
    static boolean mayContain(final long top6MayMatch, final int ipv4)
    {
        // A long shift counts mod 64: ipv4 >>> 26 picks the bit of the top six address bits.
        return (top6MayMatch >>> (ipv4 >>> 26) & 1) != 0;
    }

    /** The word {@link #mayContain} tests, for a caller that keeps it at hand. */
    long top6MayMatch()
    {
        return top6MayMatch;
    }

    private boolean scan(final int ipv4)
    {
        if (!firstOctetMayMatch[ipv4 >>> 24])
        {
            return false;
        }
        for (int i = 0; i < networks.length; i++)
        {
            if ((ipv4 & masks[i]) == networks[i])
            {
                return true;
            }
        }
        return false;
    }

    public List<Ipv4Prefix> prefixes()
    {
        return prefixes;
    }

    @Override
    public String toString()
    {
        return prefixes.toString();
    }
}
