package dev.xlat64.dns64;

import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/** Builds responses to clients: header rules, the question echoed, our own OPT per hop (RFC 6891), truncation. */
final class Replies
{
    /** RFC 6891 section 6.2.5: payload sizes below 512 are treated as 512. */
    static final int MIN_UDP = 512;

    private Replies()
    {
    }

    /** An empty response to {@code query}: same ID and opcode, RD and CD copied, RA set, question echoed. */
    static Message empty(final Message query, final int rcode, final int ednsPayload)
    {
        final Header q = query.getHeader();
        final Message r = new Message(q.getID());
        final Header h = r.getHeader();
        h.setFlag(Flags.QR);
        h.setFlag(Flags.RA);
        h.setOpcode(q.getOpcode());
        if (q.getFlag(Flags.RD))
        {
            h.setFlag(Flags.RD);
        }
        if (q.getFlag(Flags.CD))
        {
            h.setFlag(Flags.CD);
        }
        final Record question = query.getQuestion();
        if (question != null)
        {
            r.addRecord(question, Section.QUESTION);
        }
        setRcode(r, query, rcode, ednsPayload);
        return r;
    }

    /** A response to {@code query} carrying {@code basis}'s rcode, answer, authority and additional records. */
    static Message from(final Message query, final Message basis, final boolean synthesized, final int ednsPayload)
    {
        final Message r = empty(query, basis.getRcode(), ednsPayload);
        // RFC 6147 section 5.5: never AD on synthesized data; otherwise the upstream's AD is passed on.
        if (!synthesized && basis.getHeader().getFlag(Flags.AD))
        {
            r.getHeader().setFlag(Flags.AD);
        }
        for (final int section : new int[] {Section.ANSWER, Section.AUTHORITY, Section.ADDITIONAL})
        {
            for (final Record rec : Synthesizer.records(basis, section))
            {
                r.addRecord(rec, section);
            }
        }
        return r;
    }

    /** Sets the (possibly extended) rcode and our OPT when the query had one (RFC 6891 section 6.1.1, one per hop). */
    static void setRcode(final Message reply, final Message query, final int rcode, final int ednsPayload)
    {
        reply.getHeader().setRcode(rcode & 0xf);
        final OPTRecord old = reply.getOPT();
        if (old != null)
        {
            reply.removeRecord(old, Section.ADDITIONAL);
        }
        final OPTRecord queryOpt = query.getOPT();
        if (queryOpt != null)
        {
            final int doBit = (queryOpt.getFlags() & ExtendedFlags.DO) != 0 ? ExtendedFlags.DO : 0;
            reply.addRecord(new OPTRecord(ednsPayload, rcode >>> 4, 0, doBit), Section.ADDITIONAL);
        }
    }

    /** RFC 6891 section 7 / RFC 1035 section 4.2.1: the largest UDP response this client accepts. */
    static int udpLimit(final Message query, final int ednsPayload)
    {
        final OPTRecord opt = query.getOPT();
        if (opt == null)
        {
            return MIN_UDP;
        }
        return Math.min(Math.max(MIN_UDP, opt.getPayloadSize()), ednsPayload);
    }

    /** Header-only FORMERR for a query whose header parsed but whose body did not (RFC 1035 section 4.1.1). */
    static byte[] headerOnly(final byte[] query, final int rcode)
    {
        final byte[] out = new byte[Header.LENGTH];
        out[0] = query[0];
        out[1] = query[1];
        // QR=1, opcode copied, RD copied; RA set; counts zero.
        out[2] = (byte)(0x80 | (query[2] & 0x79));
        out[3] = (byte)(0x80 | (rcode & 0xf));
        return out;
    }
}
