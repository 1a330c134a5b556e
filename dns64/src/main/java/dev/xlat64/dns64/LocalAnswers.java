package dev.xlat64.dns64;

import dev.xlat64.addr.Addresses;
import dev.xlat64.addr.Rfc6052Prefix;
import dev.xlat64.addr.SpecialIpv4;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Answers given without asking upstream: {@code ipv4only.arpa} (RFC 7050 section 2.2, RFC 8880 section 7) and PTR
 * names under a Pref64::/n (RFC 6147 section 5.3.1, second option: a CNAME into in-addr.arpa).
 */
final class LocalAnswers
{
    static final Name IPV4ONLY = name("ipv4only.arpa.");
    static final Name IP6_ARPA = name("ip6.arpa.");
    /** RFC 7050 section 2.2: the well-known IPv4 addresses of ipv4only.arpa. */
    static final int[] IPV4ONLY_ADDRESSES = {Addresses.parse4("192.0.0.170"), Addresses.parse4("192.0.0.171")};
    /** RFC 8880 section 7.1: the records are static; a day keeps them cached. */
    static final long TTL = 86400;
    /** The TTL of the CNAME this DNS64 synthesizes for PTR names under its prefixes. */
    static final long PTR_CNAME_TTL = 600;

    private static final SOARecord IPV4ONLY_SOA = new SOARecord(IPV4ONLY, DClass.IN, TTL, name("localhost."),
        name("nobody.invalid."), 1, 3600, 1200, 3600000, TTL);

    /** The reverse zone of the Well-Known Prefix 64:ff9b::/96 (RFC 3596 section 2.5: 24 nibbles). */
    static final Name WKP_REVERSE = name("0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.b.9.f.f.4.6.0.0.ip6.arpa.");
    /** Negative answers under {@link #WKP_REVERSE} carry this SOA (RFC 2308 section 3), as for ipv4only.arpa. */
    private static final SOARecord WKP_REVERSE_SOA = new SOARecord(WKP_REVERSE, DClass.IN, PTR_CNAME_TTL,
        name("localhost."), name("nobody.invalid."), 1, 3600, 1200, 3600000, PTR_CNAME_TTL);

    private final Policy policy;

    LocalAnswers(final Policy policy)
    {
        this.policy = policy;
    }

    /** The local answer to {@code query} (question already checked), or null when upstream must be asked. */
    Message answer(final Message query, final int ednsPayload)
    {
        final Record q = query.getQuestion();
        if (q.getDClass() != DClass.IN)
        {
            return null;
        }
        final Name qname = q.getName();
        if (qname.subdomain(IPV4ONLY))
        {
            return ipv4only(query, qname, q.getType(), ednsPayload);
        }
        if (q.getType() == Type.PTR)
        {
            final long ipv4 = ipv4onlyPtr(qname);
            if (ipv4 >= 0)
            {
                final Message r = authoritative(query, Rcode.NOERROR, ednsPayload);
                r.addRecord(new PTRRecord(qname, DClass.IN, TTL, IPV4ONLY), Section.ANSWER);
                return r;
            }
            if (underWellKnownNonGlobal(qname))
            {
                final Message r = authoritative(query, Rcode.NXDOMAIN, ednsPayload);
                r.addRecord(WKP_REVERSE_SOA, Section.AUTHORITY);
                return r;
            }
        }
        return null;
    }

    /** RFC 8880 section 7.1/7.2: A and AAAA at the apex; NODATA for other types; NXDOMAIN below. */
    private Message ipv4only(final Message query, final Name qname, final int type, final int ednsPayload)
    {
        if (!qname.equals(IPV4ONLY))
        {
            final Message r = authoritative(query, Rcode.NXDOMAIN, ednsPayload);
            r.addRecord(IPV4ONLY_SOA, Section.AUTHORITY);
            return r;
        }
        final Message r = authoritative(query, Rcode.NOERROR, ednsPayload);
        for (final int ipv4 : IPV4ONLY_ADDRESSES)
        {
            if (type == Type.A || type == Type.ANY)
            {
                r.addRecord(new ARecord(qname, DClass.IN, TTL, address(Addresses.bytes4(ipv4))), Section.ANSWER);
            }
        }
        if (type == Type.AAAA || type == Type.ANY)
        {
            // RFC 7050 section 3: every Pref64::/n (the [[dns64.mapped]] ones too), including the Well-Known Prefix
            // despite 192.0.0.0/24 being non-global.
            for (final Rfc6052Prefix p : policy.allPrefixes())
            {
                for (final int ipv4 : IPV4ONLY_ADDRESSES)
                {
                    r.addRecord(new AAAARecord(qname, DClass.IN, TTL, address(p.embed(Addresses.bytes4(ipv4)))),
                        Section.ANSWER);
                }
            }
        }
        if (r.getSection(Section.ANSWER).isEmpty())
        {
            r.addRecord(IPV4ONLY_SOA, Section.AUTHORITY);
        }
        return r;
    }

    /** 192.0.0.170/171 as in-addr.arpa or as ip6.arpa under a prefix: answered with ipv4only.arpa; else -1. */
    private long ipv4onlyPtr(final Name qname)
    {
        long ipv4 = inAddrAddress(qname);
        if (ipv4 < 0)
        {
            final byte[] ipv6 = ip6ArpaAddress(qname);
            ipv4 = ipv6 == null ? -1 : policy.extract(ipv6);
        }
        for (final int special : IPV4ONLY_ADDRESSES)
        {
            if (ipv4 == (special & 0xffffffffL))
            {
                return ipv4;
            }
        }
        return -1;
    }

    /**
     * RFC 6052 section 3.1: the Well-Known Prefix never embeds a non-global IPv4 address, so the reverse name of such
     * an
     * address under 64:ff9b::/96 names nothing, wherever it is asked: answered NXDOMAIN here, not forwarded.
     */
    static boolean underWellKnownNonGlobal(final Name qname)
    {
        final byte[] ipv6 = ip6ArpaAddress(qname);
        if (ipv6 == null || !Rfc6052Prefix.WELL_KNOWN.contains(ipv6))
        {
            return false;
        }
        return SpecialIpv4.isNonGlobal(Addresses.int4(new byte[] {ipv6[12], ipv6[13], ipv6[14], ipv6[15]}));
    }

    /** RFC 6147 section 5.3.1: the in-addr.arpa name for a PTR query under a Pref64::/n, or null. */
    Name ptrTarget(final Message query)
    {
        final Record q = query.getQuestion();
        if (q.getType() != Type.PTR || q.getDClass() != DClass.IN)
        {
            return null;
        }
        final byte[] ipv6 = ip6ArpaAddress(q.getName());
        if (ipv6 == null)
        {
            return null;
        }
        final long ipv4 = policy.extract(ipv6);
        return ipv4 < 0 ? null : inAddrName((int)ipv4);
    }

    /** The PTR response: synthesized CNAME followed by what upstream said about the in-addr.arpa name. */
    static Message ptrAnswer(final Message query, final Name target, final Message upstream, final int ednsPayload)
    {
        final Message r = Replies.empty(query, upstream.getRcode(), ednsPayload);
        long ttl = PTR_CNAME_TTL;
        for (final Record rec : upstream.getSection(Section.ANSWER))
        {
            ttl = Math.min(ttl, rec.getTTL());
        }
        r.addRecord(new CNAMERecord(query.getQuestion().getName(), DClass.IN, ttl, target), Section.ANSWER);
        for (final int section : new int[] {Section.ANSWER, Section.AUTHORITY, Section.ADDITIONAL})
        {
            for (final Record rec : Synthesizer.records(upstream, section))
            {
                r.addRecord(rec, section);
            }
        }
        return r;
    }

    /** RFC 3596 section 2.5: the 32 nibble labels under ip6.arpa as an address, or null when not a full address. */
    static byte[] ip6ArpaAddress(final Name qname)
    {
        if (!qname.subdomain(IP6_ARPA) || qname.labels() != 32 + 3)
        {
            return null;
        }
        final byte[] out = new byte[16];
        for (int i = 0; i < 32; i++)
        {
            final String label = qname.getLabelString(i);
            final int nibble = label.length() == 1 ? Character.digit(label.charAt(0), 16) : -1;
            if (nibble < 0)
            {
                return null;
            }
            final int index = 15 - i / 2;
            out[index] |= (byte)((i % 2 == 0) ? nibble : nibble << 4);
        }
        return out;
    }

    /** a.b.c.d of d.c.b.a.in-addr.arpa., or -1. */
    static long inAddrAddress(final Name qname)
    {
        if (qname.labels() != 4 + 3 || !qname.subdomain(name("in-addr.arpa.")))
        {
            return -1;
        }
        long v = 0;
        for (int i = 3; i >= 0; i--)
        {
            final String label = qname.getLabelString(i);
            if (label.isEmpty() || label.length() > 3 || !label.chars().allMatch(Character::isDigit))
            {
                return -1;
            }
            final int octet = Integer.parseInt(label);
            if (octet > 255)
            {
                return -1;
            }
            v = (v << 8) | octet;
        }
        return v;
    }

    static Name inAddrName(final int ipv4)
    {
        return name((ipv4 & 0xff) + "." + ((ipv4 >>> 8) & 0xff) + "." + ((ipv4 >>> 16) & 0xff) + "." + (ipv4 >>> 24) +
            ".in-addr.arpa.");
    }

    private static Message authoritative(final Message query, final int rcode, final int ednsPayload)
    {
        final Message r = Replies.empty(query, rcode, ednsPayload);
        r.getHeader().setFlag(Flags.AA);
        return r;
    }

    private static InetAddress address(final byte[] bytes)
    {
        try
        {
            return bytes.length == 16 ? Inet6Address.getByAddress(null, bytes, -1) : InetAddress.getByAddress(bytes);
        }
        catch (final UnknownHostException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    static Name name(final String text)
    {
        try
        {
            return Name.fromString(text);
        }
        catch (final TextParseException ex)
        {
            throw new IllegalArgumentException(ex);
        }
    }
}
