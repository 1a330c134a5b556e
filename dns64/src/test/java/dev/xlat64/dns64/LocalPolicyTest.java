package dev.xlat64.dns64;

import org.junit.jupiter.api.Test;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.ReverseMap;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

import java.net.InetAddress;
import java.util.List;

import static dev.xlat64.dns64.TestRecords.a;
import static dev.xlat64.dns64.TestRecords.aaaas;
import static dev.xlat64.dns64.TestRecords.query;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What the DNS64 answers itself instead of forwarding: RD=0 from cache only (REFUSED otherwise, see
 * docs/dns64-defences.md), zone transfers refused, ipv4only.arpa with every synthesis prefix, reverse names of
 * non-global IPv4 under the Well-Known Prefix NXDOMAIN.
 */
class LocalPolicyTest
{
    private static FakeUpstream.Script aOnly()
    {
        return q -> q.getQuestion().getType() == Type.A ?
            FakeUpstream.answer(q, Rcode.NOERROR, a(q.getQuestion().getName().toString(), 300, "192.0.2.1")) :
            TestRecords.withAuthority(FakeUpstream.answer(q, Rcode.NOERROR),
                TestRecords.soa("test.example.", 300, 300));
    }

    private static Message noRecursion(final String name, final int type)
    {
        final Message q = query(name, type);
        q.getHeader().unsetFlag(Flags.RD);
        return q;
    }

    @Test
    void recursionNotDesiredIsAnsweredFromTheCacheOnly() throws Exception
    {
        try (Harness h = new Harness(aOnly()))
        {
            final Message cold = h.send(noRecursion("a-only.test.example.", Type.AAAA), false);
            assertEquals(Rcode.REFUSED, cold.getRcode());
            assertEquals(0, h.upstream.seen.size(), "RD=0 never makes us ask upstream");
            h.query("a-only.test.example.", Type.AAAA);
            final int asked = h.upstream.seen.size();
            final Message warm = h.send(noRecursion("a-only.test.example.", Type.AAAA), false);
            assertEquals(Rcode.NOERROR, warm.getRcode());
            assertEquals(List.of("2001:db8:64::c000:201"), aaaas(warm));
            assertEquals(asked, h.upstream.seen.size());
        }
    }

    @Test
    void zoneTransfersAreRefusedLocally() throws Exception
    {
        try (Harness h = new Harness(aOnly()))
        {
            assertEquals(Rcode.REFUSED, overTcp(h, query("test.example.", Type.AXFR)).getRcode());
            assertEquals(Rcode.REFUSED, overTcp(h, query("test.example.", Type.IXFR)).getRcode());
            assertEquals(0, h.upstream.seen.size());
        }
    }

    /** One query over TCP by hand (dnsjava's resolver turns AXFR into its own transfer client). */
    private static Message overTcp(final Harness h, final Message query) throws Exception
    {
        try (java.net.Socket s = new java.net.Socket(h.address().getAddress(), h.address().getPort()))
        {
            s.setSoTimeout(3000);
            final byte[] wire = query.toWire();
            final java.io.DataOutputStream out = new java.io.DataOutputStream(s.getOutputStream());
            out.writeShort(wire.length);
            out.write(wire);
            out.flush();
            final java.io.DataInputStream in = new java.io.DataInputStream(s.getInputStream());
            final byte[] answer = new byte[in.readUnsignedShort()];
            in.readFully(answer);
            return new Message(answer);
        }
    }

    @Test
    void ipv4onlyArpaAnswersWithTheMappedPrefixesToo() throws Exception
    {
        try (Harness h = new Harness(q -> null, "[[dns64.mapped]]\nipv4 = \"198.51.100.0/24\"\n" +
            "prefix = \"2001:db8:99::/96\"\n"))
        {
            assertEquals(List.of("2001:db8:64::c000:aa", "2001:db8:64::c000:ab", "2001:db8:99::c000:aa",
                "2001:db8:99::c000:ab"), aaaas(h.query("ipv4only.arpa.", Type.AAAA)));
        }
    }

    @Test
    void reverseNamesOfNonGlobalIpv4UnderTheWellKnownPrefixAreNxdomainLocally() throws Exception
    {
        try (Harness h = new Harness(aOnly(), "prefixes = [\"64:ff9b::/96\"]\n"))
        {
            // RFC 6052 section 3.1: 64:ff9b::10.1.2.3 never names anything, so its PTR is not asked upstream.
            final Message r = h.query(ReverseMap.fromAddress(InetAddress.getByName("64:ff9b::a01:203")).toString(),
                Type.PTR);
            assertEquals(Rcode.NXDOMAIN, r.getRcode());
            assertEquals(Type.SOA, r.getSection(Section.AUTHORITY).get(0).getType());
            assertEquals(0, h.upstream.seen.size());
        }
    }
}
