package dev.xlat64.dns64;

import org.junit.jupiter.api.Test;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Random;

import static dev.xlat64.dns64.TestRecords.a;
import static dev.xlat64.dns64.TestRecords.aaaas;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Upstream faults, each with a FakeUpstream: silence (SERVFAIL within the configured budget), SERVFAIL, truncation
 * with TCP failing too, garbage (random bytes, wrong question, QR clear, wrong ID) and answers from the wrong address.
 * Garbage and forgeries are ignored and the real answer that follows is still taken, without waiting for a timeout.
 */
class UpstreamFaultsTest
{
    private static final String REAL = "192.0.2.9";
    private static final String FORGED = "203.0.113.66";

    private static Message real(final Message q)
    {
        return FakeUpstream.answer(q, Rcode.NOERROR, a(q.getQuestion().getName().toString(), 300, REAL));
    }

    private static long millis(final long since)
    {
        return (System.nanoTime() - since) / 1_000_000;
    }

    @Test
    void silentUpstreamGivesServfailWithinTheBudget() throws Exception
    {
        // Budget: timeout-ms x attempts per look-up; AAAA makes two look-ups (AAAA, then A for synthesis).
        try (Harness h = new Harness(q -> null, "timeout-ms = 200\nattempts = 2\n"))
        {
            long start = System.nanoTime();
            assertEquals(Rcode.SERVFAIL, h.query("a.silent.test.example.", Type.A).getRcode());
            long ms = millis(start);
            assertTrue(ms >= 380 && ms < 400 + 600, "A: " + ms + " ms");
            start = System.nanoTime();
            assertEquals(Rcode.SERVFAIL, h.query("aaaa.silent.test.example.", Type.AAAA).getRcode());
            ms = millis(start);
            assertTrue(ms >= 780 && ms < 800 + 600, "AAAA: " + ms + " ms");
            assertEquals(6, h.registry.counter("xlat64.dns64.upstream.timeouts").count());
        }
    }

    @Test
    void upstreamServfailIsPassedOnAndAaaaServfailFallsBackToSynthesis() throws Exception
    {
        try (Harness h = new Harness(q -> FakeUpstream.answer(q, Rcode.SERVFAIL)))
        {
            assertEquals(Rcode.SERVFAIL, h.query("a.broken.test.example.", Type.A).getRcode());
            assertEquals(Rcode.SERVFAIL, h.query("aaaa.broken.test.example.", Type.AAAA).getRcode());
            assertEquals(Rcode.SERVFAIL, h.query("mx.broken.test.example.", Type.MX).getRcode());
            // RFC 6147 section 5.1.2: AAAA SERVFAIL is treated as empty, so the A answer is synthesized.
            h.upstream.script = q -> q.getQuestion().getType() == Type.AAAA ? FakeUpstream.answer(q, Rcode.SERVFAIL) :
                real(q);
            final Message m = h.query("half.broken.test.example.", Type.AAAA);
            assertEquals(Rcode.NOERROR, m.getRcode());
            assertEquals(List.of("2001:db8:64::c000:209"), aaaas(m));
        }
    }

    @Test
    void truncatedAnswerWithTcpFailingToo() throws Exception
    {
        try (Harness h = new Harness(UpstreamFaultsTest::real, "timeout-ms = 1000\nattempts = 2\n"))
        {
            h.upstream.truncateUdp = true;
            h.upstream.tcpScript = q -> null; // TCP: closed without an answer
            long start = System.nanoTime();
            assertEquals(Rcode.SERVFAIL, h.query("tc1.test.example.", Type.A).getRcode());
            assertTrue(millis(start) < 1000, "failed TCP ends the attempt at once, not at the timeout");
            assertEquals(2, h.upstream.tcpQueries.get(), "one TCP try per attempt");
            // TCP answering with the wrong ID is a failure as well.
            h.upstream.tcpScript = q ->
            {
                final Message r = real(q);
                r.getHeader().setID((q.getHeader().getID() + 1) & 0xffff);
                return r;
            };
            start = System.nanoTime();
            assertEquals(Rcode.SERVFAIL, h.query("tc2.test.example.", Type.A).getRcode());
            assertTrue(millis(start) < 1000);
            // And TCP working after TC: the full answer.
            h.upstream.tcpScript = null;
            final Message ok = h.query("tc3.test.example.", Type.A);
            assertEquals(Rcode.NOERROR, ok.getRcode());
            assertEquals(1, ok.getSection(Section.ANSWER).size());
            assertEquals(0, h.registry.counter("xlat64.dns64.internal.errors").count());
        }
    }

    @Test
    void garbageBeforeTheRealAnswerIsIgnored() throws Exception
    {
        final Random random = new Random(64);
        try (Harness h = new Harness(q -> null, "timeout-ms = 2000\n"))
        {
            h.upstream.raw = q ->
            {
                final byte[] noise = new byte[1 + random.nextInt(600)];
                random.nextBytes(noise);
                final Message wrongQuestion = FakeUpstream.answer(q, Rcode.NOERROR);
                wrongQuestion.removeAllRecords(Section.QUESTION);
                wrongQuestion.addRecord(Record.newRecord(TestRecords.n("other.test.example."), Type.A, 1),
                    Section.QUESTION);
                wrongQuestion.addRecord(a("other.test.example.", 300, FORGED), Section.ANSWER);
                final Message noQr = FakeUpstream.answer(q, Rcode.NOERROR, a(q.getQuestion().getName().toString(),
                    300, FORGED));
                noQr.getHeader().unsetFlag(Flags.QR);
                final Message wrongId = FakeUpstream.answer(q, Rcode.NOERROR, a(q.getQuestion().getName().toString(),
                    300, FORGED));
                wrongId.getHeader().setID((q.getHeader().getID() + 1) & 0xffff);
                return List.of(noise, new byte[0], new byte[] {1, 2, 3}, wrongQuestion.toWire(), noQr.toWire(),
                    wrongId.toWire(), real(q).toWire());
            };
            for (int i = 0; i < 20; i++)
            {
                final long start = System.nanoTime();
                final Message m = h.query("g" + i + ".test.example.", Type.A);
                assertEquals(Rcode.NOERROR, m.getRcode());
                assertEquals(REAL, ((org.xbill.DNS.ARecord)m.getSection(Section.ANSWER).get(0)).getAddress()
                    .getHostAddress());
                assertTrue(millis(start) < 1000, "taken without waiting for the 2 s timeout");
            }
            assertEquals(0, h.registry.counter("xlat64.dns64.internal.errors").count());
        }
        // Garbage alone: nothing to take, so SERVFAIL after the timeouts.
        try (Harness h = new Harness(q -> null, "timeout-ms = 200\n"))
        {
            h.upstream.raw = q -> List.of(new byte[] {0x12, 0x34, (byte)0x81}, new byte[40]);
            assertEquals(Rcode.SERVFAIL, h.query("only.garbage.test.example.", Type.A).getRcode());
        }
    }

    @Test
    void answersFromTheWrongAddressAreIgnored() throws Exception
    {
        try (DatagramSocket otherPort = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             DatagramSocket otherAddress =
                 new DatagramSocket(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 0));
             Harness h = new Harness(q -> null, "timeout-ms = 2000\n"))
        {
            h.upstream.script = q ->
            {
                // An off-path spoofer who guessed ID, port and question, but not the upstream's address and port.
                final Message forged = FakeUpstream.answer(q, Rcode.NOERROR, a(q.getQuestion().getName().toString(),
                    300, FORGED));
                final byte[] w = forged.toWire();
                try
                {
                    otherPort.send(new DatagramPacket(w, w.length, h.upstream.lastClient));
                    otherAddress.send(new DatagramPacket(w, w.length, h.upstream.lastClient));
                    Thread.sleep(20);
                }
                catch (final Exception ex)
                {
                    throw new IllegalStateException(ex);
                }
                return real(q);
            };
            for (int i = 0; i < 10; i++)
            {
                final Message m = h.query("spoof" + i + ".test.example.", Type.A);
                assertEquals(REAL, ((org.xbill.DNS.ARecord)m.getSection(Section.ANSWER).get(0)).getAddress()
                    .getHostAddress());
            }
        }
    }
}
