package dev.xlat64.dns64;

import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

import java.util.List;

import static dev.xlat64.dns64.TestRecords.a;
import static dev.xlat64.dns64.TestRecords.aaaas;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RFC 6147 section 5.1.3: a AAAA query without answer is treated as SERVFAIL, hence synthesized from A. */
class Rfc6147Section5_1_3Test
{
    @Test
    void aaaaTimeoutFallsBackToA() throws Exception
    {
        try (Harness h = new Harness(q -> q.getQuestion().getType() == Type.AAAA ? null :
            FakeUpstream.answer(q, Rcode.NOERROR, a("slow.test.example.", 60, "192.0.2.33"))))
        {
            final Message r = h.query("slow.test.example.", Type.AAAA);
            assertEquals(List.of("2001:db8:64::c000:221"), aaaas(r));
            assertEquals(60, r.getSection(1).get(0).getTTL());
            // attempts = 2 (default): the AAAA question was sent twice before giving up.
            assertEquals(2, h.upstream.seen.stream().filter(q -> q.getQuestion().getType() == Type.AAAA).count());
            assertEquals(2, h.registry.counter("xlat64.dns64.upstream.timeouts").count());
        }
    }

    @Test
    void silentUpstreamGivesServfailWithinTheTimeoutBudget() throws Exception
    {
        try (Harness h = new Harness(q -> null))
        {
            final long start = System.nanoTime();
            assertEquals(Rcode.SERVFAIL, h.query("dead.test.example.", Type.AAAA).getRcode());
            // AAAA: 2 x 200 ms, then A: 2 x 200 ms.
            assertTrue(System.nanoTime() - start < 1_500_000_000L);
        }
    }
}
