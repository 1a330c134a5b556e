package dev.xlat64.dns64;

import dev.xlat64.config.ConfigFile;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.xlat64.dns64.TestRecords.a;
import static dev.xlat64.dns64.TestRecords.aaaas;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code dns64.threads}: several event loops on SO_REUSEPORT sockets all answer, every loop's Error is fatal, and the
 * configured bounds are shared out so that all loops together keep them.
 */
class ThreadsTest
{
    private static final String PREFIX = "[translator]\nprefix = \"2001:db8:64::/96\"\n[dns64]\n";

    private static FakeUpstream.Script aOnly()
    {
        return q -> q.getQuestion().getType() == Type.A ?
            FakeUpstream.answer(q, Rcode.NOERROR, a(q.getQuestion().getName().toString(), 300, "192.0.2.1")) :
            FakeUpstream.answer(q, Rcode.NOERROR);
    }

    private static double loopQueries(final SimpleMeterRegistry registry, final int loop)
    {
        return registry.get("xlat64.dns64.loop.queries").tag("loop", Integer.toString(loop)).functionCounter().count();
    }

    @Test
    void twoLoopsBothAnswerClientsTheKernelSpreadsOverThem() throws Exception
    {
        try (Harness h = new Harness(aOnly(), "threads = 2\n"))
        {
            assertEquals(2, h.server.loops().size());
            // dnsjava's resolver sends each query from a fresh random port: 64 four-tuples, so both loops get some
            // (all on one loop: a chance of 2^-63 with the kernel's hash).
            for (int i = 0; i < 64; i++)
            {
                final Message r = h.query("n" + (i % 8) + ".test.example.", Type.AAAA);
                assertEquals(List.of("2001:db8:64::c000:201"), aaaas(r), r.toString());
            }
            final double first = loopQueries(h.registry, 0);
            final double second = loopQueries(h.registry, 1);
            assertTrue(first > 0 && second > 0, "loop 0: " + first + ", loop 1: " + second);
            assertEquals(64, first + second);
            assertEquals(64, h.registry.get("xlat64.dns64.queries").tag("transport", "udp").counter().count());
            // TCP too: each loop has its own listener on the same port.
            assertEquals(List.of("2001:db8:64::c000:201"),
                aaaas(h.send(Message.newQuery(org.xbill.DNS.Record.newRecord(Harness.name("tcp.test.example."),
                    Type.AAAA, org.xbill.DNS.DClass.IN)), true)));
        }
    }

    @Test
    void anErrorInAnyLoopIsFatal() throws Exception
    {
        try (FakeUpstream upstream = new FakeUpstream(aOnly()))
        {
            final ConfigFile file = ConfigFile.parse("t.toml", PREFIX + "listen = [\"127.0.0.1:0\"]\nupstream = [\"" +
                upstream.address() + "\"]\nthreads = 3\n");
            final CompletableFuture<Throwable> fatal = new CompletableFuture<>();
            try (Server server = Server.start(Dns64Config.load(file, new Dns64Config.Overrides()),
                new SimpleMeterRegistry(), fatal::complete))
            {
                final OutOfMemoryError oom = new OutOfMemoryError("test: Java heap space");
                server.loops().get(2).loop.execute(() ->
                {
                    throw oom;
                });
                assertSame(oom, fatal.get(5, TimeUnit.SECONDS));
            }
        }
    }

    @Test
    void zeroThreadsMeansOnePerCpuAndOutOfRangeIsAnError()
    {
        final String base = PREFIX + "upstream = [\"127.0.0.1:5300\"]\n";
        assertEquals(1, Dns64Config.load(ConfigFile.parse("t.toml", base), new Dns64Config.Overrides()).threads);
        assertEquals(Runtime.getRuntime().availableProcessors(),
            Dns64Config.load(ConfigFile.parse("t.toml", base + "threads = 0\n"), new Dns64Config.Overrides()).threads);
        final ConfigFile bad = ConfigFile.parse("t.toml", base + "threads = 1000\n");
        assertNull(Dns64Config.load(bad, new Dns64Config.Overrides()));
        assertEquals(List.of("t.toml:5: dns64.threads: must be between 0 and 256, not 1000"), bad.errors());
        final Dns64Config.Overrides flags = new Dns64Config.Overrides();
        flags.threads = 3;
        assertEquals(3, Dns64Config.load(ConfigFile.parse("t.toml", base + "threads = 2\n"), flags).threads);
    }

    @Test
    void eachLoopGetsItsShareOfTheBounds()
    {
        final Dns64Config c = Dns64Config.load(ConfigFile.parse("t.toml", PREFIX + "upstream = [\"127.0.0.1:5300\"]\n" +
            "cache-entries = 1001\ncache-bytes = 4000000\nmax-pending = 10\nmax-tcp-clients = 5\n" +
            "tcp-output-bytes = 1000000\nratelimit = 7\n"), new Dns64Config.Overrides());
        final Dns64Config share = c.share(4);
        assertEquals(251, share.cacheEntries);
        assertEquals(1_000_000, share.cacheBytes);
        assertEquals(3, share.maxPending);
        assertEquals(2, share.maxTcpClients);
        assertEquals(250_000, share.tcpOutputBytes);
        assertEquals(2, share.abuse.ratelimit);
        assertSame(c, c.share(1));
    }
}
