package dev.xlat64.dns64;

import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

import java.time.Instant;
import java.util.List;

import static dev.xlat64.dns64.TestRecords.a;
import static dev.xlat64.dns64.TestRecords.aaaas;
import static dev.xlat64.dns64.TestRecords.n;
import static dev.xlat64.dns64.TestRecords.query;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * RFC 6147 section 5.5: CD=1 gets the real data unsynthesized; synthesized answers never carry AD; with DO=1 and CD=0
 * we synthesize (our documented choice) and drop the signatures of the A records we replaced.
 */
class Rfc6147Section5_5Test
{
    private static FakeUpstream.Script signedAOnly()
    {
        return q ->
        {
            final String name = q.getQuestion().getName().toString();
            final Message m = FakeUpstream.answer(q, Rcode.NOERROR);
            m.getHeader().setFlag(Flags.AD);
            if (q.getQuestion().getType() == Type.A)
            {
                m.addRecord(a(name, 300, "192.0.2.1"), Section.ANSWER);
                m.addRecord(new RRSIGRecord(n(name), DClass.IN, 300, Type.A, 13, 300, Instant.now().plusSeconds(3600),
                    Instant.now(), 12345, n("test.example."), new byte[64]), Section.ANSWER);
            }
            return m;
        };
    }

    private static Message dnssecQuery(final boolean cd)
    {
        final Message q = query("signed.test.example.", Type.AAAA);
        q.addRecord(new OPTRecord(1232, 0, 0, ExtendedFlags.DO), Section.ADDITIONAL);
        if (cd)
        {
            q.getHeader().setFlag(Flags.CD);
        }
        return q;
    }

    @Test
    void checkingDisabledMeansNoSynthesis() throws Exception
    {
        try (Harness h = new Harness(signedAOnly()))
        {
            final Message r = h.send(dnssecQuery(true), false);
            assertEquals(List.of(), aaaas(r));
            assertTrue(r.getHeader().getFlag(Flags.CD));
            assertEquals(1, h.upstream.seen.size());
            assertTrue(h.upstream.seen.get(0).getHeader().getFlag(Flags.CD));
        }
    }

    @Test
    void synthesizedAnswersNeverCarryAd() throws Exception
    {
        try (Harness h = new Harness(signedAOnly()))
        {
            final Message r = h.send(dnssecQuery(false), false);
            assertEquals(List.of("2001:db8:64::c000:201"), aaaas(r));
            assertFalse(r.getHeader().getFlag(Flags.AD));
            // The RRSIG covered the A RRset, which is gone.
            assertEquals(1, r.getSection(Section.ANSWER).size());
            // DO went upstream so the client could get signatures where they still apply.
            assertTrue((h.upstream.seen.get(0).getOPT().getFlags() & ExtendedFlags.DO) != 0);
            assertTrue((r.getOPT().getFlags() & ExtendedFlags.DO) != 0);
        }
    }

    @Test
    void unsynthesizedAnswersKeepTheUpstreamAd() throws Exception
    {
        try (Harness h = new Harness(signedAOnly()))
        {
            final Message q = Message.newQuery(org.xbill.DNS.Record.newRecord(Name.fromString("signed.test.example."),
                Type.A, DClass.IN));
            assertTrue(h.send(q, false).getHeader().getFlag(Flags.AD));
        }
    }
    @Test
    void anAnswerWithExcludedRecordsRemovedDoesNotCarryAd() throws Exception
    {
        // RFC 6147 section 5.1.4 changed the answer, so the upstream's AD no longer describes what the client gets.
        try (Harness h = new Harness(q ->
        {
            final Message m = FakeUpstream.answer(q, Rcode.NOERROR,
                TestRecords.aaaa("mixed.test.example.", 300, "::ffff:192.0.2.1"),
                TestRecords.aaaa("mixed.test.example.", 300, "2001:db8::1"));
            m.getHeader().setFlag(Flags.AD);
            return m;
        }))
        {
            final Message r = h.query("mixed.test.example.", Type.AAAA);
            assertEquals(List.of("2001:db8::1"), aaaas(r));
            assertFalse(r.getHeader().getFlag(Flags.AD));
        }
    }
}
