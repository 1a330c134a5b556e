package dev.xlat64.dns64;

import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

import java.util.List;

import static dev.xlat64.dns64.TestRecords.a;
import static dev.xlat64.dns64.TestRecords.aaaas;
import static dev.xlat64.dns64.TestRecords.soa;
import static dev.xlat64.dns64.TestRecords.withAuthority;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** RFC 6147 section 5.1.2: NXDOMAIN is returned as it is; any other error counts as an empty answer. */
class Rfc6147Section5_1_2Test
{
    @Test
    void nxdomainIsReturnedWithoutAskingForA() throws Exception
    {
        try (Harness h = new Harness(q -> withAuthority(FakeUpstream.answer(q, Rcode.NXDOMAIN),
            soa("test.example.", 3600, 300))))
        {
            final Message r = h.query("nx.test.example.", Type.AAAA);
            assertEquals(Rcode.NXDOMAIN, r.getRcode());
            assertEquals(1, h.upstream.seen.size());
        }
    }

    @Test
    void servfailOnAaaaIsTreatedAsEmptyAndSynthesized() throws Exception
    {
        try (Harness h = new Harness(q -> q.getQuestion().getType() == Type.AAAA ?
            FakeUpstream.answer(q, Rcode.SERVFAIL) :
            FakeUpstream.answer(q, Rcode.NOERROR, a("sf.test.example.", 300, "192.0.2.33"))))
        {
            final Message r = h.query("sf.test.example.", Type.AAAA);
            assertEquals(Rcode.NOERROR, r.getRcode());
            assertEquals(List.of("2001:db8:64::c000:221"), aaaas(r));
            // No SOA with a SERVFAIL: section 5.1.7 caps the TTL at 600.
            assertEquals(300, r.getSection(1).get(0).getTTL());
        }
    }

    @Test
    void refusedOnAaaaIsTreatedAsEmptyToo() throws Exception
    {
        try (Harness h = new Harness(q -> q.getQuestion().getType() == Type.AAAA ?
            FakeUpstream.answer(q, Rcode.NOTAUTH) :
            FakeUpstream.answer(q, Rcode.NOERROR, a("na.test.example.", 900, "192.0.2.33"))))
        {
            final Message r = h.query("na.test.example.", Type.AAAA);
            assertEquals(List.of("2001:db8:64::c000:221"), aaaas(r));
            assertEquals(600, r.getSection(1).get(0).getTTL());
        }
    }

    @Test
    void servfailOnBothIsServfail() throws Exception
    {
        try (Harness h = new Harness(q -> FakeUpstream.answer(q, Rcode.SERVFAIL)))
        {
            assertEquals(Rcode.SERVFAIL, h.query("broken.test.example.", Type.AAAA).getRcode());
        }
    }
}
