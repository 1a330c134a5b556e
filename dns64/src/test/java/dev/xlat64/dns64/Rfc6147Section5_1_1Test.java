package dev.xlat64.dns64;

import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

import java.util.List;

import static dev.xlat64.dns64.TestRecords.a;
import static dev.xlat64.dns64.TestRecords.aaaa;
import static dev.xlat64.dns64.TestRecords.aaaas;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** RFC 6147 section 5.1.1: when real AAAA data exists it is returned and nothing is synthesized. */
class Rfc6147Section5_1_1Test
{
    @Test
    void realAaaaIsReturnedWithoutAskingForA() throws Exception
    {
        try (Harness h = new Harness(q -> q.getQuestion().getType() == Type.AAAA ?
            FakeUpstream.answer(q, Rcode.NOERROR, aaaa("both.test.example.", 300, "2001:db8::2")) :
            FakeUpstream.answer(q, Rcode.NOERROR, a("both.test.example.", 300, "192.0.2.2"))))
        {
            final Message r = h.query("both.test.example.", Type.AAAA);
            assertEquals(Rcode.NOERROR, r.getRcode());
            assertEquals(List.of("2001:db8::2"), aaaas(r));
            assertEquals(0, h.registry.counter("xlat64.dns64.synthesized").count());
            assertEquals(1, h.upstream.seen.size());
        }
    }
}
