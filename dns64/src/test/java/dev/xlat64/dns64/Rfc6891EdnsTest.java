package dev.xlat64.dns64;

import org.junit.jupiter.api.Test;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

import java.net.DatagramPacket;
import java.net.DatagramSocket;

import static dev.xlat64.dns64.TestRecords.a;
import static dev.xlat64.dns64.TestRecords.aaaas;
import static dev.xlat64.dns64.TestRecords.query;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RFC 6891 (EDNS0) and RFC 7766 (TCP): OPT per hop, BADVERS, payload floor, TC when synthesis outgrows UDP. */
class Rfc6891EdnsTest
{
    /** 50 A records: 800 bytes of A data, but 50 AAAA need about 1400 bytes, more than 1232. */
    private static FakeUpstream.Script manyA()
    {
        return manyA(50);
    }

    private static FakeUpstream.Script manyA(final int count)
    {
        return q ->
        {
            final Message m = FakeUpstream.answer(q, Rcode.NOERROR);
            if (q.getQuestion().getType() == Type.A)
            {
                for (int i = 1; i <= count; i++)
                {
                    m.addRecord(a("many.test.example.", 300, "192.0.2." + i), Section.ANSWER);
                }
            }
            return m;
        };
    }

    private static Message udpExchange(final Harness h, final byte[] wire) throws Exception
    {
        try (DatagramSocket s = new DatagramSocket())
        {
            s.setSoTimeout(3000);
            s.send(new DatagramPacket(wire, wire.length, h.address()));
            final byte[] buf = new byte[65535];
            final DatagramPacket p = new DatagramPacket(buf, buf.length);
            s.receive(p);
            assertTrue(p.getLength() <= 65535);
            return new Message(java.util.Arrays.copyOf(buf, p.getLength()));
        }
    }

    @Test
    void synthesisTooBigForUdpSetsTcAndTcpGetsItAll() throws Exception
    {
        try (Harness h = new Harness(manyA()))
        {
            final Message q = query("many.test.example.", Type.AAAA);
            q.addRecord(new OPTRecord(1232, 0, 0), Section.ADDITIONAL);
            final Message udp = h.send(q, false);
            assertTrue(udp.getHeader().getFlag(Flags.TC));
            assertTrue(udp.toWire().length <= 1232);
            final Message tcp = h.send(query("many.test.example.", Type.AAAA), true);
            assertEquals(50, aaaas(tcp).size());
        }
    }

    @Test
    void payloadBelow512IsTreatedAs512() throws Exception
    {
        // 10 synthetic AAAA make about 330 bytes: more than 100, less than 512, so not truncated.
        try (Harness h = new Harness(manyA(10)))
        {
            final Message q = query("many.test.example.", Type.AAAA);
            q.addRecord(new OPTRecord(100, 0, 0), Section.ADDITIONAL);
            final Message r = udpExchange(h, q.toWire());
            assertTrue(!r.getHeader().getFlag(Flags.TC));
            assertEquals(10, aaaas(r).size());
            assertTrue(r.toWire().length > 100 && r.toWire().length <= 512, "length " + r.toWire().length);
        }
    }

    @Test
    void unknownEdnsVersionGetsBadvers() throws Exception
    {
        try (Harness h = new Harness(manyA()))
        {
            final Message q = query("many.test.example.", Type.AAAA);
            q.addRecord(new OPTRecord(1232, 0, 1), Section.ADDITIONAL);
            final Message r = udpExchange(h, q.toWire());
            assertEquals(Rcode.BADVERS, r.getRcode());
            assertEquals(0, r.getOPT().getVersion());
            assertEquals(0, h.upstream.seen.size());
        }
    }

    @Test
    void ownOptTowardsUpstreamAndNoneBackWithoutOne() throws Exception
    {
        try (Harness h = new Harness(q -> FakeUpstream.answer(q, Rcode.NOERROR, a("v4.test.example.", 300,
            "192.0.2.9"))))
        {
            final Message r = udpExchange(h, query("v4.test.example.", Type.A).toWire());
            assertNull(r.getOPT());
            final OPTRecord upstreamOpt = h.upstream.seen.get(0).getOPT();
            assertEquals(1232, upstreamOpt.getPayloadSize());
            assertEquals(0, upstreamOpt.getVersion());
        }
    }

    @Test
    void replyAdvertisesOurPayload() throws Exception
    {
        try (Harness h = new Harness(q -> FakeUpstream.answer(q, Rcode.NOERROR, a("v4.test.example.", 300,
            "192.0.2.9"))))
        {
            final Message q = query("v4.test.example.", Type.A);
            q.addRecord(new OPTRecord(4096, 0, 0), Section.ADDITIONAL);
            assertEquals(1232, udpExchange(h, q.toWire()).getOPT().getPayloadSize());
        }
    }

    @Test
    void twoOptRecordsAreFormerr() throws Exception
    {
        try (Harness h = new Harness(manyA()))
        {
            final Message q = query("many.test.example.", Type.AAAA);
            q.addRecord(new OPTRecord(1232, 0, 0), Section.ADDITIONAL);
            final byte[] one = q.toWire();
            // Append a second OPT (root name, type 41, class 1232, TTL 0, RDLENGTH 0) and bump ARCOUNT.
            final byte[] two = java.util.Arrays.copyOf(one, one.length + 11);
            System.arraycopy(new byte[] {0, 0, 41, 0x04, (byte)0xd0, 0, 0, 0, 0, 0, 0}, 0, two, one.length, 11);
            two[11] = 2;
            assertEquals(Rcode.FORMERR, udpExchange(h, two).getRcode());
        }
    }
}
