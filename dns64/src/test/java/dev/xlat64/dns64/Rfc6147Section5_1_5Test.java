package dev.xlat64.dns64;

import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

import java.util.List;

import static dev.xlat64.dns64.TestRecords.a;
import static dev.xlat64.dns64.TestRecords.aaaas;
import static dev.xlat64.dns64.TestRecords.cname;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RFC 6147 section 5.1.5: CNAME/DNAME chains are followed and kept in front of the synthetic AAAA. */
class Rfc6147Section5_1_5Test
{
    @Test
    void cnameChainToAnAOnlyNameKeepsTheChain() throws Exception
    {
        try (Harness h = new Harness(q -> q.getQuestion().getType() == Type.AAAA ?
            FakeUpstream.answer(q, Rcode.NOERROR, cname("www.test.example.", 300, "cdn.test.example."),
                cname("cdn.test.example.", 300, "a-only.test.example.")) :
            FakeUpstream.answer(q, Rcode.NOERROR, cname("www.test.example.", 300, "cdn.test.example."),
                cname("cdn.test.example.", 300, "a-only.test.example."), a("a-only.test.example.", 300, "192.0.2.1"))))
        {
            final Message r = h.query("www.test.example.", Type.AAAA);
            final List<Record> answer = r.getSection(Section.ANSWER);
            assertEquals(3, answer.size());
            assertEquals(Type.CNAME, answer.get(0).getType());
            assertEquals(Type.CNAME, answer.get(1).getType());
            assertEquals("a-only.test.example.", answer.get(2).getName().toString());
            assertEquals(List.of("2001:db8:64::c000:201"), aaaas(r));
        }
    }

    @Test
    void chainEndingInRealAaaaIsNotSynthesized() throws Exception
    {
        try (Harness h = new Harness(q -> FakeUpstream.answer(q, Rcode.NOERROR,
            cname("v6.test.example.", 300, "real.test.example."),
            TestRecords.aaaa("real.test.example.", 300, "2001:db8::5"))))
        {
            final Message r = h.query("v6.test.example.", Type.AAAA);
            assertEquals(List.of("2001:db8::5"), aaaas(r));
            assertEquals(1, h.upstream.seen.size());
        }
    }

    @Test
    void dnameAndItsCnameAreKept() throws Exception
    {
        final org.xbill.DNS.DNAMERecord dname = new org.xbill.DNS.DNAMERecord(TestRecords.n("old.example."),
            org.xbill.DNS.DClass.IN, 300, TestRecords.n("test.example."));
        try (Harness h = new Harness(q -> q.getQuestion().getType() == Type.AAAA ?
            FakeUpstream.answer(q, Rcode.NOERROR, dname, cname("host.old.example.", 300, "host.test.example.")) :
            FakeUpstream.answer(q, Rcode.NOERROR, dname, cname("host.old.example.", 300, "host.test.example."),
                a("host.test.example.", 300, "192.0.2.7"))))
        {
            final Message r = h.query("host.old.example.", Type.AAAA);
            final List<Record> answer = r.getSection(Section.ANSWER);
            assertEquals(3, answer.size());
            assertEquals(Type.DNAME, answer.get(0).getType());
            assertEquals(Type.CNAME, answer.get(1).getType());
            assertEquals(List.of("2001:db8:64::c000:207"), aaaas(r));
        }
    }
    /** An upstream that does not chase (an authoritative, a minimal forwarder): each name answered on its own. */
    private static FakeUpstream.Script unchased()
    {
        return q ->
        {
            final String name = q.getQuestion().getName().toString().toLowerCase(java.util.Locale.ROOT);
            final int type = q.getQuestion().getType();
            switch (name)
            {
                case "cname.test.example.":
                    return FakeUpstream.answer(q, Rcode.NOERROR, cname("cname.test.example.", 300,
                        "mid.test.example."));
                case "mid.test.example.":
                    return FakeUpstream.answer(q, Rcode.NOERROR, cname("mid.test.example.", 200,
                        "a-only.test.example."));
                case "a-only.test.example.":
                    return type == Type.A ?
                        FakeUpstream.answer(q, Rcode.NOERROR, a("a-only.test.example.", 100, "192.0.2.9")) :
                        TestRecords.withAuthority(FakeUpstream.answer(q, Rcode.NOERROR),
                            TestRecords.soa("test.example.", 300, 60));
                case "loop1.test.example.":
                    return FakeUpstream.answer(q, Rcode.NOERROR, cname("loop1.test.example.", 300,
                        "loop2.test.example."));
                case "loop2.test.example.":
                    return FakeUpstream.answer(q, Rcode.NOERROR, cname("loop2.test.example.", 300,
                        "loop1.test.example."));
                default:
                    // c0 -> c1 -> ... -> c20: a chain longer than any DNS64 should follow
                    if (name.startsWith("c") && name.endsWith(".long.test.example."))
                    {
                        final int i = Integer.parseInt(name.substring(1, name.indexOf('.')));
                        return FakeUpstream.answer(q, Rcode.NOERROR,
                            cname(name, 300, "c" + (i + 1) + ".long.test.example."));
                    }
                    return FakeUpstream.answer(q, Rcode.NXDOMAIN);
            }
        };
    }

    @Test
    void aBareCnameFromAnUpstreamThatDoesNotChaseIsFollowedToTheA() throws Exception
    {
        try (Harness h = new Harness(unchased()))
        {
            final Message r = h.query("cname.test.example.", Type.AAAA);
            final List<Record> answer = r.getSection(Section.ANSWER);
            assertEquals(Rcode.NOERROR, r.getRcode());
            assertEquals(3, answer.size(), answer.toString());
            assertEquals(cname("cname.test.example.", 300, "mid.test.example."), answer.get(0));
            assertEquals(cname("mid.test.example.", 200, "a-only.test.example."), answer.get(1));
            assertEquals("a-only.test.example.", answer.get(2).getName().toString());
            assertEquals(List.of("2001:db8:64::c000:209"), aaaas(r));
        }
    }

    @Test
    void aCnameLoopIsServfailAfterABoundedNumberOfQuestions() throws Exception
    {
        try (Harness h = new Harness(unchased()))
        {
            assertEquals(Rcode.SERVFAIL, h.query("loop1.test.example.", Type.AAAA).getRcode());
            assertTrue(h.upstream.seen.size() <= 2 * 9, "asked " + h.upstream.seen.size());
        }
    }

    @Test
    void aChainIsFollowedForAtMostEightLinks() throws Exception
    {
        try (Harness h = new Harness(unchased()))
        {
            assertEquals(Rcode.SERVFAIL, h.query("c0.long.test.example.", Type.AAAA).getRcode());
            assertTrue(h.upstream.seen.size() <= 2 * 9, "asked " + h.upstream.seen.size());
        }
    }
}
