package dev.xlat64.dns64;

import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

import java.util.List;

import static dev.xlat64.dns64.TestRecords.a;
import static dev.xlat64.dns64.TestRecords.query;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** RFC 6147 section 5.3.2 and 5.3.3: the additional section is passed unchanged; other types are untouched. */
class Rfc6147Section5_3_2Test
{
    @Test
    void additionalARecordsAreNotSynthesized() throws Exception
    {
        final Policy policy = new Policy(List.of(dev.xlat64.addr.Rfc6052Prefix.parse("64:ff9b::/96")), List.of(),
            List.of(), List.of());
        final Message aResponse = FakeUpstream.answer(query("host.test.example.", Type.A), Rcode.NOERROR,
            a("host.test.example.", 300, "64.64.64.64"));
        aResponse.addRecord(a("ns.test.example.", 300, "64.64.64.65"), Section.ADDITIONAL);
        final Message out = new Synthesizer(policy).synthesize(aResponse, 600);
        final List<Record> additional = out.getSection(Section.ADDITIONAL);
        assertEquals(1, additional.size());
        assertEquals(Type.A, additional.get(0).getType());
        assertEquals("ns.test.example.", additional.get(0).getName().toString());
    }

    @Test
    void aQueriesAreReturnedUnchanged() throws Exception
    {
        try (Harness h = new Harness(q -> FakeUpstream.answer(q, Rcode.NOERROR, a("v4.test.example.", 300,
            "192.0.2.9"))))
        {
            final Message r = h.query("v4.test.example.", Type.A);
            assertEquals(Type.A, r.getSection(Section.ANSWER).get(0).getType());
            assertEquals(0, h.registry.counter("xlat64.dns64.synthesized").count());
        }
    }
}
