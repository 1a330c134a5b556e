package dev.xlat64.dns64;

import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

import static dev.xlat64.dns64.TestRecords.soa;
import static dev.xlat64.dns64.TestRecords.withAuthority;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RFC 6147 section 5.1.6: an empty or failed A answer is the basis of the response; A records never leak. */
class Rfc6147Section5_1_6Test
{
    @Test
    void noAEitherGivesNodataWithTheSoa() throws Exception
    {
        try (Harness h = new Harness(q -> withAuthority(FakeUpstream.answer(q, Rcode.NOERROR),
            soa("test.example.", 3600, 300))))
        {
            final Message r = h.query("txt-only.test.example.", Type.AAAA);
            assertEquals(Rcode.NOERROR, r.getRcode());
            assertTrue(r.getSection(Section.ANSWER).isEmpty());
            assertEquals(Type.SOA, r.getSection(Section.AUTHORITY).get(0).getType());
            assertEquals(Type.AAAA, r.getQuestion().getType());
        }
    }

    @Test
    void nxdomainOnTheAQueryIsReturned() throws Exception
    {
        try (Harness h = new Harness(q -> q.getQuestion().getType() == Type.AAAA ?
            FakeUpstream.answer(q, Rcode.NOERROR) : FakeUpstream.answer(q, Rcode.NXDOMAIN)))
        {
            assertEquals(Rcode.NXDOMAIN, h.query("racy.test.example.", Type.AAAA).getRcode());
        }
    }
}
