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
        try (Harness h = new Harness(bigTxt(), "tcp-connection-output-bytes = 131072\ntimeout-ms = 2000\n"))
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
                double max = 0;
                for (int i = 0; i < 30; i++)
                {
                    Thread.sleep(100);
                    max = Math.max(max, h.registry.get("xlat64.dns64.tcp.output.bytes").gauge().value());
                }
                assertTrue(max <= 131072 + 65537, "queued " + max);
                assertEquals(1.0, h.registry.get("xlat64.dns64.tcp.output.overflow").counter().count(),
                    "the connection that does not read is closed (max queued " + max + ")");
            }
            assertEquals(Rcode.NOERROR, h.send(query("after.test.example.", Type.TXT), true).getRcode());
            // Closed connections give their queued bytes back.
            Thread.sleep(300);
            assertEquals(0.0, h.registry.get("xlat64.dns64.tcp.output.bytes").gauge().value());
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
