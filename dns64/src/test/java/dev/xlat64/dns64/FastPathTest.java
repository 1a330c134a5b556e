package dev.xlat64.dns64;

import dev.xlat64.config.ConfigFile;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.util.List;

import static dev.xlat64.dns64.TestRecords.a;
import static dev.xlat64.dns64.TestRecords.aaaas;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cache-hit fast path: answered from the wire bytes of an earlier answer with the client's ID, the client's
 * spelling of the name and aged TTLs, and without allocating (as the data plane's ZeroAllocationTest checks it).
 */
class FastPathTest
{
    @Test
    void aHitGetsItsOwnIdAndCaseAndAgedTtls() throws Exception
    {
        try (Harness h = new Harness(q -> q.getQuestion().getType() == Type.A ?
            FakeUpstream.answer(q, Rcode.NOERROR, a(q.getQuestion().getName().toString(), 300, "192.0.2.1")) :
            TestRecords.withAuthority(FakeUpstream.answer(q, Rcode.NOERROR),
                TestRecords.soa("test.example.", 600, 600))))
        {
            assertEquals(List.of("2001:db8:64::c000:201"), aaaas(h.query("Fast.Test.Example.", Type.AAAA)));
            final int asked = h.upstream.seen.size();
            Thread.sleep(2100);
            final Message q = Message.newQuery(Record.newRecord(Name.fromString("fAST.test.EXAMPLE."), Type.AAAA,
                DClass.IN));
            q.getHeader().setID(4242);
            final Message r = h.send(q, false);
            assertEquals(4242, r.getHeader().getID());
            assertEquals("fAST.test.EXAMPLE.", r.getQuestion().getName().toString());
            assertEquals(List.of("2001:db8:64::c000:201"), aaaas(r));
            final long ttl = r.getSection(Section.ANSWER).get(0).getTTL();
            assertTrue(ttl >= 297 && ttl <= 298, "aged TTL " + ttl);
            assertEquals(asked, h.upstream.seen.size());
            assertEquals(1.0, h.registry.get("xlat64.dns64.cache.answer.hits").counter().count());
        }
    }

    @Test
    void aHitAllocatesNothing() throws Exception
    {
        final ConfigFile file = ConfigFile.parse("t.toml",
            "[translator]\nprefix = \"64:ff9b::/96\"\n[dns64]\nupstream = [\"127.0.0.1:9\"]\n");
        final Dns64Config config = Dns64Config.load(file, new Dns64Config.Overrides());
        final Dns64Metrics metrics = new Dns64Metrics(new SimpleMeterRegistry());
        final EventLoop loop = new EventLoop("test", () -> { });
        final Resolver resolver = new Resolver(config, new Cache(10),
            new Upstreams(loop, config.upstreams, 100, 1, metrics), metrics);
        final byte[] query = TestRecords.query("IPv4only.arpa.", Type.AAAA).toWire();
        resolver.handle(query.clone(), new Resolver.Client()
        {
            @Override
            public InetAddress address()
            {
                return InetAddress.getLoopbackAddress();
            }

            @Override
            public boolean tcp()
            {
                return false;
            }

            @Override
            public void send(final byte[] wire, final boolean close)
            {
            }

            @Override
            public void drop(final boolean close)
            {
            }
        });
        final byte[] out = new byte[65535];
        int n = 0;
        for (int i = 0; i < 50_000; i++)
        {
            n = resolver.fastAnswer(query, query.length, out);
        }
        assertTrue(n > 0, "a hit");
        final com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final long before = mx.getThreadAllocatedBytes(Thread.currentThread().getId());
        for (int i = 0; i < 100_000; i++)
        {
            n += resolver.fastAnswer(query, query.length, out);
        }
        final long allocated = mx.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;
        // One allocation per hit would be at least 16 bytes x 100,000. A few hundred bytes once are the JVM's, not the
        // hit path's: a deoptimisation (e.g. when the aged TTL crosses a second) re-materialises scalar-replaced
        // objects on the heap. The same bound as the data plane's ZeroAllocationTest (CI saw 184 bytes once).
        assertTrue(allocated < 16 * 1024, "bytes allocated by 100,000 hits: " + allocated);
        assertEquals(Rcode.NOERROR, new Message(java.util.Arrays.copyOf(out, n / 100_001)).getRcode());
        loop.close();
    }
}
