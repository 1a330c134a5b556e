package dev.xlat64.dns64;

import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;


import static dev.xlat64.dns64.TestRecords.a;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Upstream handling: failover, TCP after truncation, answers matched to questions, random IDs, cache. */
class UpstreamsTest
{
    private static FakeUpstream.Script v4()
    {
        return q -> FakeUpstream.answer(q, Rcode.NOERROR, a(q.getQuestion().getName().toString(), 300, "192.0.2.9"));
    }

    @Test
    void silentFirstUpstreamFailsOverToTheSecond() throws Exception
    {
        try (FakeUpstream good = new FakeUpstream(v4());
             FakeUpstream dead = new FakeUpstream(q -> null))
        {
            final dev.xlat64.config.ConfigFile file = dev.xlat64.config.ConfigFile.parse("t.toml",
                "[translator]\nprefix = \"64:ff9b::/96\"\n[dns64]\nlisten = [\"127.0.0.1:0\"]\ntimeout-ms = 200\n" +
                "upstream = [\"" + dead.address() + "\", \"" + good.address() + "\"]\n");
            try (Server s = Server.start(Dns64Config.load(file, new Dns64Config.Overrides()),
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry()))
            {
                final org.xbill.DNS.SimpleResolver r = new org.xbill.DNS.SimpleResolver(s.udpAddresses().get(0));
                r.setTimeout(java.time.Duration.ofSeconds(3));
                final Message first = r.send(TestRecords.query("one.test.example.", Type.A));
                assertEquals(Rcode.NOERROR, first.getRcode());
                assertEquals(1, dead.seen.size());
                // The dead server is no longer asked first.
                r.send(TestRecords.query("two.test.example.", Type.A));
                assertEquals(1, dead.seen.size());
                assertEquals(2, good.seen.size());
            }
        }
    }

    @Test
    void truncatedUdpAnswerIsRetriedOverTcp() throws Exception
    {
        try (Harness h = new Harness(v4()))
        {
            h.upstream.truncateUdp = true;
            final Message r = h.query("big.test.example.", Type.A);
            assertEquals(1, r.getSection(Section.ANSWER).size());
            assertEquals(1, h.upstream.tcpQueries.get());
            assertEquals(1, h.registry.counter("xlat64.dns64.upstream.truncated").count());
        }
    }

    @Test
    void answersWithTheWrongIdOrQuestionAreIgnored() throws Exception
    {
        try (Harness h = new Harness(q ->
        {
            final Message forged = FakeUpstream.answer(q, Rcode.NOERROR, a("victim.test.example.", 300,
                "203.0.113.66"));
            forged.getHeader().setID((q.getHeader().getID() + 1) & 0xffff);
            return forged;
        }))
        {
            final long start = System.nanoTime();
            assertEquals(Rcode.SERVFAIL, h.query("victim.test.example.", Type.A).getRcode());
            assertTrue(System.nanoTime() - start > 300_000_000L);
        }
    }

    @Test
    void queryIdsAndSourcePortsVary() throws Exception
    {
        final java.util.Set<Integer> ids = new java.util.HashSet<>();
        try (Harness h = new Harness(v4(), "cache-entries = 0\n"))
        {
            for (int i = 0; i < 20; i++)
            {
                h.query("n" + i + ".test.example.", Type.A);
            }
            for (final Message m : h.upstream.seen)
            {
                ids.add(m.getHeader().getID());
            }
        }
        assertTrue(ids.size() >= 18, ids.toString());
    }

    @Test
    void cachedAnswersAreServedWithoutUpstream() throws Exception
    {
        try (Harness h = new Harness(v4()))
        {
            h.query("c.test.example.", Type.A);
            final Message again = h.query("c.test.example.", Type.A);
            assertEquals(1, h.upstream.seen.size());
            assertTrue(again.getSection(Section.ANSWER).get(0).getTTL() <= 300);
            assertEquals(1, h.registry.counter("xlat64.dns64.cache.hits").count());
        }
    }
}
