package dev.xlat64.dns64;

import org.junit.jupiter.api.Test;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

import static dev.xlat64.dns64.TestRecords.a;
import static dev.xlat64.dns64.TestRecords.query;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The micrometer meters: queries by transport, responses by RCODE, synthesized, cache hits, latency histogram. */
class MetricsTest
{
    @Test
    void everyQueryIsCountedOnceWithItsOutcome() throws Exception
    {
        try (Harness h = new Harness(q -> q.getQuestion().getName().toString().startsWith("nx") ?
            FakeUpstream.answer(q, Rcode.NXDOMAIN) :
            q.getQuestion().getType() == Type.A ?
                FakeUpstream.answer(q, Rcode.NOERROR, a(q.getQuestion().getName().toString(), 300, "192.0.2.1")) :
                FakeUpstream.answer(q, Rcode.NOERROR)))
        {
            h.query("a.test.example.", Type.AAAA);
            h.send(query("a.test.example.", Type.AAAA), true);
            h.query("nx.test.example.", Type.AAAA);
            assertEquals(2, h.registry.counter("xlat64.dns64.queries", "transport", "udp").count());
            assertEquals(1, h.registry.counter("xlat64.dns64.queries", "transport", "tcp").count());
            assertEquals(2, h.registry.counter("xlat64.dns64.synthesized").count());
            // The NODATA AAAA answer has no SOA, so only the A answer was cacheable (RFC 2308 section 5).
            assertEquals(1, h.registry.counter("xlat64.dns64.cache.hits").count());
            assertEquals(2, h.registry.counter("xlat64.dns64.responses", "rcode", "NOERROR").count());
            assertEquals(1, h.registry.counter("xlat64.dns64.responses", "rcode", "NXDOMAIN").count());
            assertEquals(3, h.registry.timer("xlat64.dns64.latency").count());
        }
    }
}
