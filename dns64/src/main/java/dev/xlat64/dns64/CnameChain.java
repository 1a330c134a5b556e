package dev.xlat64.dns64;

import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DNAMERecord;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.NameTooLongException;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

import java.util.HashSet;
import java.util.Set;

/**
 * RFC 6147 section 5.1.5 (RFC 1034 section 3.6.2): where the CNAME/DNAME chain in an answer leads, and whether the
 * upstream stopped at a name without saying what is there (an authoritative or a minimal forwarder answers the CNAME
 * alone), so that the DNS64 must ask about the target itself. Pure.
 */
final class CnameChain
{
    /** At most this many CNAME/DNAME links are followed; longer chains are treated as broken (SERVFAIL). */
    static final int MAX_LINKS = 8;

    /** The chain's end name; {@code broken} for a loop or more than {@link #MAX_LINKS} links. */
    final Name end;
    final int links;
    final boolean broken;
    /** The end has no record of the type asked and no negative answer (SOA) was given: ask about {@link #end}. */
    final boolean unfinished;

    private CnameChain(final Name end, final int links, final boolean broken, final boolean unfinished)
    {
        this.end = end;
        this.links = links;
        this.broken = broken;
        this.unfinished = unfinished;
    }

    /** Follows the answer section of {@code response} from {@code qname} for {@code type}. */
    static CnameChain follow(final Message response, final Name qname, final int type)
    {
        final Set<Name> seen = new HashSet<>();
        Name at = qname;
        int links = 0;
        while (true)
        {
            if (!seen.add(at))
            {
                return new CnameChain(at, links, true, false); // RFC 1034 section 3.6.2: a loop is an error
            }
            final Name next = next(response, at);
            if (next == null)
            {
                break;
            }
            if (++links > MAX_LINKS)
            {
                return new CnameChain(next, links, true, false);
            }
            at = next;
        }
        boolean data = false;
        for (final Record r : response.getSection(Section.ANSWER))
        {
            data |= r.getType() == type && r.getName().equals(at);
        }
        boolean soa = false;
        for (final Record r : response.getSection(Section.AUTHORITY))
        {
            soa |= r.getType() == Type.SOA;
        }
        final boolean unfinished = links > 0 && !data && !soa && response.getRcode() == Rcode.NOERROR;
        return new CnameChain(at, links, false, unfinished);
    }

    /** The target of the CNAME owned by {@code name}, or the DNAME substitution (RFC 6672 section 2.2), or null. */
    private static Name next(final Message response, final Name name)
    {
        for (final Record r : response.getSection(Section.ANSWER))
        {
            if (r instanceof CNAMERecord && r.getName().equals(name))
            {
                return ((CNAMERecord)r).getTarget();
            }
        }
        for (final Record r : response.getSection(Section.ANSWER))
        {
            if (r instanceof DNAMERecord && name.subdomain(r.getName()) && !name.equals(r.getName()))
            {
                try
                {
                    return name.fromDNAME((DNAMERecord)r);
                }
                catch (final NameTooLongException ex)
                {
                    return null;
                }
            }
        }
        return null;
    }

    /**
     * The chain so far followed by what upstream said about its end: answer records of both (none twice), rcode,
     * authority and additional of {@code next}. AD only when both parts were authenticated (RFC 4035 section 3.2.3).
     */
    static Message append(final Message sofar, final Message next)
    {
        final Message out = sofar.clone();
        out.getHeader().setRcode(next.getRcode());
        if (!next.getHeader().getFlag(Flags.AD))
        {
            out.getHeader().unsetFlag(Flags.AD);
        }
        for (final Record r : next.getSection(Section.ANSWER))
        {
            if (!out.findRecord(r, Section.ANSWER))
            {
                out.addRecord(r, Section.ANSWER);
            }
        }
        for (final int section : new int[] {Section.AUTHORITY, Section.ADDITIONAL})
        {
            out.removeAllRecords(section);
            for (final Record r : next.getSection(section))
            {
                out.addRecord(r, section);
            }
        }
        return out;
    }
}
