package dev.xlat64.dns64;

import dev.xlat64.addr.Rfc6052Prefix;
import dev.xlat64.config.ConfigFile;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

import java.io.DataOutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.xlat64.dns64.TestRecords.query;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Memory an attacker cannot grow: TCP answers queued for a client that does not read are bounded per connection and
 * in total; an Error in the event loop (out of memory) ends the process instead of leaving it alive and mute; clients
 * outside the ACL are not even accepted over TCP.
 */
class BoundedMemoryTest
{
    @Test
    void anErrorInTheEventLoopIsFatal() throws Exception
    {
        final CompletableFuture<Throwable> fatal = new CompletableFuture<>();
        final EventLoop loop = new EventLoop("test", () -> { }, fatal::complete);
        final OutOfMemoryError oom = new OutOfMemoryError("test: Java heap space");
        loop.schedule(1, () ->
        {
            throw oom;
        });
        loop.start();
        assertSame(oom, fatal.get(5, TimeUnit.SECONDS));
        loop.close();
    }

    /** Answers of about 58 KB, a different name per query so neither the cache nor coalescing spares the server. */
    private static FakeUpstream.Script bigTxt()
    {
        return q ->
        {
            final Message m = FakeUpstream.answer(q, Rcode.NOERROR);
            for (int i = 0; i < 230; i++)
            {
                m.addRecord(new TXTRecord(q.getQuestion().getName(), 1, 300, "x".repeat(240) + i), Section.ANSWER);
            }
            return m;
        };
    }

    @Test
    void answersQueuedForAClientThatDoesNotReadAreBounded() throws Exception
    {
        try (Harness h = new Harness(bigTxt(),
            "tcp-connection-output-bytes = 131072\ntimeout-ms = 2000\ntcp-idle-timeout-ms = 1000\n"))
        {
            try (Socket s = new Socket())
            {
                s.setReceiveBufferSize(4096);
                s.connect(h.address());
                final DataOutputStream out = new DataOutputStream(s.getOutputStream());
                for (int i = 0; i < 120; i++)
                {
                    final byte[] wire = query("big" + i + ".test.example.", Type.TXT).toWire();
                    out.writeShort(wire.length);
                    out.write(wire);
                }
                out.flush();
                // 120 answers of 58 KB are far more than the kernel's socket buffers hold: the server queues some,
                // stops reading, and closes the connection (past the bound, or idle with answers unread). How far it
                // gets before that depends on timing; that it stays within the bound and closes does not.
                // Sampled every 5 ms; the answer to "did it close" is the server's own count of connections it closed
                // (past the bound: tcp.output.overflow; idle with answers unread: tcp.evicted), since the queue can
                // fill and be given back between two samples.
                double max = 0;
                double queued = 0;
                double closedByServer = 0;
                final long deadline = System.nanoTime() + 20_000_000_000L;
                while (System.nanoTime() < deadline && (closedByServer == 0 || queued > 0))
                {
                    Thread.sleep(5);
                    queued = h.registry.get("xlat64.dns64.tcp.output.bytes").gauge().value();
                    max = Math.max(max, queued);
                    closedByServer = h.registry.get("xlat64.dns64.tcp.output.overflow").counter().count() +
                        h.registry.get("xlat64.dns64.tcp.evicted").counter().count();
                }
                assertTrue(max <= 131072, "queued at most " + max);
                assertTrue(closedByServer > 0, "the server closes the connection that does not read");
                assertEquals(0.0, queued, "the connection that does not read is closed and its bytes given back");
            }
            assertEquals(Rcode.NOERROR, h.send(query("after.test.example.", Type.TXT), true).getRcode());
        }
    }

    @Test
    void tcpClientsOutsideTheAclAreNotAccepted() throws Exception
    {
        final ConfigFile file = ConfigFile.parse("t.toml", "[translator]\nprefix = \"64:ff9b::/96\"\n[dns64]\n" +
            "listen = [\"127.0.0.1:0\"]\nupstream = [\"127.0.0.1:9\"]\n");
        final Dns64Config loaded = Dns64Config.load(file, new Dns64Config.Overrides());
        // Tests have loopback only, so this policy does not admit loopback.
        final Policy strangers = new Policy(List.of(Rfc6052Prefix.parse("64:ff9b::/96")), List.of(), List.of(),
            List.of("192.0.2.0/24"), false);
        final Dns64Config config = loaded.withPolicy(strangers);
        final SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (Server server = Server.start(config, registry))
        {
            final InetSocketAddress at = server.tcpAddresses().get(0);
            try (Socket s = new Socket(at.getAddress(), at.getPort()))
            {
                s.setSoTimeout(3000);
                assertEquals(-1, s.getInputStream().read(), "closed at once, nothing read or answered");
            }
            assertEquals(1.0, registry.get("xlat64.dns64.tcp.acl.refused").counter().count());
            assertFalse(strangers.admits(at.getAddress()));
        }
    }
}
