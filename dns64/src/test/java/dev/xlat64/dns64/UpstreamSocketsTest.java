package dev.xlat64.dns64;

import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

import java.net.SocketAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static dev.xlat64.dns64.TestRecords.a;
import static dev.xlat64.dns64.TestRecords.aaaas;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Upstream UDP sockets are shared by exchanges (no socket per query) and re-drawn: a socket older than
 * {@link UpstreamSockets#MAX_AGE_NANOS} takes no new query, so a source port is not worth guessing for long (RFC 5452,
 * docs/dns64-defences.md).
 */
class UpstreamSocketsTest
{
    private static FakeUpstream.Script aOnly()
    {
        return q -> q.getQuestion().getType() == Type.A ?
            FakeUpstream.answer(q, Rcode.NOERROR, a(q.getQuestion().getName().toString(), 300, "192.0.2.1")) :
            FakeUpstream.answer(q, Rcode.NOERROR);
    }

    @Test
    void missesShareAFewSocketsAndEachSocketsIdsAreItsOwn() throws Exception
    {
        try (Harness h = new Harness(aOnly()))
        {
            final long start = System.nanoTime();
            for (int i = 0; i < 40; i++)
            {
                final Message r = h.query("miss" + i + ".test.example.", Type.AAAA);
                assertEquals(List.of("2001:db8:64::c000:201"), aaaas(r), r.toString());
            }
            final long seconds = (System.nanoTime() - start) / 1_000_000_000L;
            // 80 upstream queries (AAAA, then A); a socket each before. At most the pool, once per second (re-drawn).
            assertEquals(80, h.upstream.seen.size());
            final Set<SocketAddress> sources = new HashSet<>(h.upstream.sources);
            assertTrue(sources.size() <= UpstreamSockets.SOCKETS_PER_SERVER * (seconds + 2), sources.toString());
            assertTrue(h.server.loops().get(0).upstreams.openSockets() <= UpstreamSockets.SOCKETS_PER_SERVER);
        }
    }

    @Test
    void socketsAreRedrawnAfterTheirLifetime() throws Exception
    {
        try (Harness h = new Harness(aOnly()))
        {
            h.query("before.test.example.", Type.AAAA);
            final Set<SocketAddress> before = new HashSet<>(h.upstream.sources);
            Thread.sleep(UpstreamSockets.MAX_AGE_NANOS / 1_000_000 + 200);
            for (int i = 0; i < UpstreamSockets.SOCKETS_PER_SERVER; i++)
            {
                h.query("after" + i + ".test.example.", Type.AAAA);
            }
            final List<SocketAddress> all = h.upstream.sources;
            assertEquals(2 + 2 * UpstreamSockets.SOCKETS_PER_SERVER, all.size()); // AAAA and A for each name
            for (final SocketAddress after : all.subList(2, all.size()))
            {
                assertFalse(before.contains(after), "a socket older than its lifetime took a query: " + after);
            }
            // The retired sockets closed with their last exchange.
            assertTrue(h.server.loops().get(0).upstreams.openSockets() <= UpstreamSockets.SOCKETS_PER_SERVER);
        }
    }
}
