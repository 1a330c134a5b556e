package dev.xlat64.dns64;

import dev.xlat64.addr.Addresses;
import dev.xlat64.addr.Rfc6052Prefix;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

import java.net.Inet6Address;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * RFC 6147 section 5.1: decides whether an upstream AAAA answer is returned or replaced by synthesis, and builds the
 * synthetic AAAA answer from an A answer. Pure: no I/O, no clock.
 */
public final class Synthesizer
{
    /** RFC 6147 section 5.1.7: the synthetic TTL ceiling when the AAAA response carried no SOA. */
    static final long NO_SOA_TTL = 600;

    /** What to do with the upstream answer to a AAAA query. */
    public static final class AaaaDecision
    {
        /** The response to return as it is (possibly with excluded AAAA removed), or null: synthesize from A. */
        public final Message returnAsIs;
        /** RFC 6147 section 5.1.7: the TTL bound taken from the SOA of the negative AAAA response. */
        public final long negativeTtl;
        /** True when {@link #returnAsIs} is not what upstream said (excluded records removed): never AD then. */
        public final boolean changed;

        AaaaDecision(final Message returnAsIs, final long negativeTtl)
        {
            this(returnAsIs, negativeTtl, false);
        }

        AaaaDecision(final Message returnAsIs, final long negativeTtl, final boolean changed)
        {
            this.returnAsIs = returnAsIs;
            this.negativeTtl = negativeTtl;
            this.changed = changed;
        }

        public boolean synthesize()
        {
            return returnAsIs == null;
        }
    }

    private final Policy policy;

    public Synthesizer(final Policy policy)
    {
        this.policy = policy;
    }

    /** Examines the upstream answer to the AAAA query; {@code response} is null when every attempt timed out. */
    public AaaaDecision examineAaaa(final Message response)
    {
        // RFC 6147 section 5.1.3: a timeout is treated as RCODE=2, i.e. section 5.1.2.
        if (response == null)
        {
            return new AaaaDecision(null, NO_SOA_TTL);
        }
        final int rcode = response.getRcode();
        // RFC 6147 section 5.1.2: NXDOMAIN is returned as it is.
        if (rcode == Rcode.NXDOMAIN)
        {
            return new AaaaDecision(response, 0);
        }
        // RFC 6147 section 5.1.2: any other error is treated as NOERROR with an empty answer.
        if (rcode != Rcode.NOERROR)
        {
            return new AaaaDecision(null, NO_SOA_TTL);
        }
        // RFC 6147 section 5.1.4: excluded AAAA records are removed; only-excluded counts as empty.
        final List<Record> answer = response.getSection(Section.ANSWER);
        int kept = 0;
        int excluded = 0;
        for (final Record r : answer)
        {
            if (r.getType() == Type.AAAA)
            {
                if (policy.isExcluded(r.rdataToWireCanonical()))
                {
                    excluded++;
                }
                else
                {
                    kept++;
                }
            }
        }
        if (kept > 0)
        {
            // RFC 6147 section 5.1.1 / 5.1.4: real AAAA data is returned, never the offending records.
            return excluded == 0 ? new AaaaDecision(response, 0) : new AaaaDecision(withoutExcluded(response), 0, true);
        }
        // RFC 6147 section 5.1.6 / 5.1.7: empty answer (or only CNAME/DNAME chain): synthesize, SOA bounds TTL.
        return new AaaaDecision(null, negativeTtl(response));
    }

    /** RFC 2308 section 5 as RFC 6147 section 5.1.7 asks: min(SOA TTL, SOA MINIMUM), or 600 without an SOA. */
    static long negativeTtl(final Message response)
    {
        for (final Record r : response.getSection(Section.AUTHORITY))
        {
            if (r instanceof SOARecord)
            {
                return Math.min(r.getTTL(), ((SOARecord)r).getMinimum());
            }
        }
        return NO_SOA_TTL;
    }

    private Message withoutExcluded(final Message response)
    {
        final Message copy = response.clone();
        copy.removeAllRecords(Section.ANSWER);
        for (final Record r : response.getSection(Section.ANSWER))
        {
            final boolean excludedAaaa = r.getType() == Type.AAAA && policy.isExcluded(r.rdataToWireCanonical());
            // The AAAA RRset changed, so its signature no longer holds.
            final boolean aaaaSignature = r instanceof RRSIGRecord && ((RRSIGRecord)r).getTypeCovered() == Type.AAAA;
            if (!excludedAaaa && !aaaaSignature)
            {
                copy.addRecord(r, Section.ANSWER);
            }
        }
        return copy;
    }

    /**
     * RFC 6147 sections 5.1.5-5.1.7 and 5.4: the answer to return for the A response. Without A records (empty or
     * error) the A response itself is the basis. Otherwise each A becomes one AAAA per synthesis prefix, CNAME/DNAME
     * chains are kept, and authority and additional sections are copied unchanged (section 5.3.2).
     */
    public Message synthesize(final Message aResponse, final long negativeTtl)
    {
        final Message out = aResponse.clone();
        out.removeAllRecords(Section.ANSWER);
        for (final Record r : aResponse.getSection(Section.ANSWER))
        {
            if (r instanceof ARecord)
            {
                final int ipv4 = Addresses.int4(((ARecord)r).getAddress().getAddress());
                final long ttl = Math.min(r.getTTL(), negativeTtl);
                for (final Rfc6052Prefix p : policy.synthesisPrefixes(ipv4))
                {
                    out.addRecord(aaaa(r, ttl, p.embed(Addresses.bytes4(ipv4))), Section.ANSWER);
                }
            }
            else if (r instanceof RRSIGRecord && ((RRSIGRecord)r).getTypeCovered() == Type.A)
            {
                continue; // RFC 6147 section 5.1.6: the A records (and their signatures) are removed
            }
            else
            {
                out.addRecord(r, Section.ANSWER); // RFC 6147 section 5.1.5: the CNAME/DNAME chain stays
            }
        }
        return out;
    }

    /** The number of AAAA records in the answer section (zero when synthesis found nothing to synthesize). */
    public static int countAaaa(final Message m)
    {
        int n = 0;
        for (final Record r : m.getSection(Section.ANSWER))
        {
            n += r.getType() == Type.AAAA ? 1 : 0;
        }
        return n;
    }

    /** RFC 6147 section 5.1.7: owner name and class from the A record, TTL as computed, RDATA the IPv6 form. */
    private static AAAARecord aaaa(final Record a, final long ttl, final byte[] ipv6)
    {
        try
        {
            return new AAAARecord(a.getName(), a.getDClass(), ttl, Inet6Address.getByAddress(null, ipv6, -1));
        }
        catch (final UnknownHostException ex)
        {
            throw new IllegalStateException(ex); // 16 bytes always make an address
        }
    }

    /** The records of {@code section} without the OPT pseudo-record, which is per hop (RFC 6891 section 6.1.1). */
    public static List<Record> records(final Message m, final int section)
    {
        final List<Record> out = new ArrayList<>();
        for (final Record r : m.getSection(section))
        {
            if (r.getType() != Type.OPT)
            {
                out.add(r);
            }
        }
        return out;
    }
}
