package dev.xlat64.dns64;

import org.junit.jupiter.api.Test;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.ReverseMap;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

import java.net.InetAddress;
import java.util.List;

import static dev.xlat64.dns64.TestRecords.n;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** RFC 6147 section 5.3.1: PTR under a Pref64::/n is a synthesized CNAME into in-addr.arpa (second option). */
class Rfc6147Section5_3_1Test
{
    private static FakeUpstream.Script reverseZone()
    {
        return q -> q.getQuestion().getName().equals(n("33.2.0.192.in-addr.arpa.")) ?
            FakeUpstream.answer(q, Rcode.NOERROR, new PTRRecord(q.getQuestion().getName(), DClass.IN, 300,
                n("host.test.example."))) :
            FakeUpstream.answer(q, Rcode.NXDOMAIN);
    }

    @Test
    void ptrUnderThePrefixIsACnameIntoInAddrArpa() throws Exception
    {
        try (Harness h = new Harness(reverseZone()))
        {
            final String qname = ReverseMap.fromAddress(InetAddress.getByName("2001:db8:64::c000:221")).toString();
            final Message r = h.query(qname, Type.PTR);
            final List<Record> answer = r.getSection(Section.ANSWER);
            assertEquals(Rcode.NOERROR, r.getRcode());
            assertEquals(2, answer.size());
            assertEquals(n("33.2.0.192.in-addr.arpa."), ((CNAMERecord)answer.get(0)).getTarget());
            assertEquals(n("host.test.example."), ((PTRRecord)answer.get(1)).getTarget());
            assertEquals(n("33.2.0.192.in-addr.arpa."), h.upstream.seen.get(0).getQuestion().getName());
        }
    }

    @Test
    void ptrUnderAnotherLengthPrefixIsDecodedPerRfc6052() throws Exception
    {
        try (Harness h = new Harness(reverseZone(), "prefixes = [\"2001:db8:122:300::/56\"]\n"))
        {
            final String qname = ReverseMap.fromAddress(InetAddress.getByName("2001:db8:122:3c0:0:221::")).toString();
            assertEquals(n("33.2.0.192.in-addr.arpa."),
                ((CNAMERecord)h.query(qname, Type.PTR).getSection(Section.ANSWER).get(0)).getTarget());
        }
    }

    @Test
    void ptrOutsideThePrefixIsForwardedUnchanged() throws Exception
    {
        try (Harness h = new Harness(q -> FakeUpstream.answer(q, Rcode.NXDOMAIN)))
        {
            final String qname = ReverseMap.fromAddress(InetAddress.getByName("2001:db8:1::1")).toString();
            assertEquals(Rcode.NXDOMAIN, h.query(qname, Type.PTR).getRcode());
            assertEquals(n(qname), h.upstream.seen.get(0).getQuestion().getName());
        }
    }

    @Test
    void ptrWithoutInAddrDataKeepsTheUpstreamRcode() throws Exception
    {
        try (Harness h = new Harness(reverseZone()))
        {
            final String qname = ReverseMap.fromAddress(InetAddress.getByName("2001:db8:64::c000:222")).toString();
            final Message r = h.query(qname, Type.PTR);
            assertEquals(Rcode.NXDOMAIN, r.getRcode());
            assertEquals(Type.CNAME, r.getSection(Section.ANSWER).get(0).getType());
        }
    }
}
