package dev.xlat64.dns64;

import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static dev.xlat64.dns64.TestRecords.a;
import static dev.xlat64.dns64.TestRecords.query;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hostile TCP clients: random bytes, a 65535 length prefix then silence, a query frame trickled a byte per 100 ms,
 * 1000 idle connections, every connection slot busy. The server keeps answering normal UDP and TCP queries
 * throughout, and closes what it should within {@code tcp-idle-timeout-ms} (500 ms here).
 */
class TcpAbuseTest
{
    private static final String CONFIG = "tcp-idle-timeout-ms = 500\n";

    private static FakeUpstream.Script v4()
    {
        return q -> FakeUpstream.answer(q, Rcode.NOERROR, a(q.getQuestion().getName().toString(), 300, "192.0.2.9"));
    }

    private static void stillServes(final Harness h) throws Exception
    {
        assertEquals(Rcode.NOERROR, h.query("udp.test.example.", Type.A).getRcode(), "UDP");
        assertEquals(Rcode.NOERROR, h.send(query("tcp.test.example.", Type.A), true).getRcode(), "TCP");
    }

    private static Socket connect(final Harness h) throws IOException
    {
        final Socket s = new Socket(h.address().getAddress(), h.address().getPort());
        s.setSoTimeout(3000);
        return s;
    }

    /** Reads until the server closes; returns how long that took (fails after the socket timeout). */
    private static long millisUntilClosed(final Socket s, final long since) throws IOException
    {
        final InputStream in = s.getInputStream();
        try
        {
            while (in.read() >= 0)
            {
                // answers to whatever parsed are fine; we wait for the close
            }
        }
        catch (final java.net.SocketException reset)
        {
            // reset after a bad frame: closed too
        }
        return (System.nanoTime() - since) / 1_000_000;
    }

    @Test
    void randomBytesEndInACloseAndTheServerKeepsAnswering() throws Exception
    {
        final Random random = new Random(8);
        try (Harness h = new Harness(v4(), CONFIG))
        {
            for (int i = 0; i < 50; i++)
            {
                try (Socket s = connect(h))
                {
                    final byte[] garbage = new byte[1 + random.nextInt(300)];
                    random.nextBytes(garbage);
                    try
                    {
                        s.getOutputStream().write(garbage);
                    }
                    catch (final java.net.SocketException closedEarly)
                    {
                        // the server may close on the length prefix already
                    }
                    assertTrue(millisUntilClosed(s, System.nanoTime()) < 2000);
                }
                if (i % 10 == 0)
                {
                    stillServes(h);
                }
            }
            stillServes(h);
            assertEquals(0, h.registry.counter("xlat64.dns64.internal.errors").count());
        }
    }

    @Test
    void lengthPrefixThenSilenceIsClosed() throws Exception
    {
        try (Harness h = new Harness(v4(), CONFIG))
        {
            for (final int length : new int[] {65535, 4000})
            {
                try (Socket s = connect(h))
                {
                    final long start = System.nanoTime();
                    new DataOutputStream(s.getOutputStream()).writeShort(length);
                    stillServes(h);
                    final long ms = millisUntilClosed(s, start);
                    // 65535 is over the query limit: closed at once; 4000 is a query size: closed when idle.
                    assertTrue(ms < 2000, length + ": closed after " + ms + " ms");
                }
            }
        }
    }

    @Test
    void slowlorisTrickleIsClosedAtTheIdleTimeout() throws Exception
    {
        try (Harness h = new Harness(v4(), CONFIG))
        {
            final byte[] q = query("slow.test.example.", Type.A).toWire();
            final byte[] frame = new byte[2 + q.length];
            frame[0] = (byte)(q.length >>> 8);
            frame[1] = (byte)q.length;
            System.arraycopy(q, 0, frame, 2, q.length);
            try (Socket s = connect(h))
            {
                final long start = System.nanoTime();
                boolean closed = false;
                int sent = 0;
                for (; sent < frame.length - 1 && !closed; sent++)
                {
                    try
                    {
                        s.getOutputStream().write(frame[sent]);
                        s.getOutputStream().flush();
                    }
                    catch (final java.net.SocketException ex)
                    {
                        closed = true;
                    }
                    Thread.sleep(100);
                    if (sent == 5)
                    {
                        stillServes(h);
                    }
                }
                final long ms = millisUntilClosed(s, start);
                assertTrue(ms < 2500, "trickling connection closed after " + ms + " ms, " + sent + " bytes");
            }
            stillServes(h);
        }
    }

    @Test
    void thousandIdleConnectionsDoNotLockOutNormalClients() throws Exception
    {
        final List<Socket> idle = new ArrayList<>();
        // The default bound (1000) and a long idle timeout, so only eviction can make room.
        try (Harness h = new Harness(v4(), "tcp-idle-timeout-ms = 60000\n"))
        {
            try
            {
                for (int i = 0; i < 1000; i++)
                {
                    idle.add(connect(h));
                }
                Thread.sleep(200);
                stillServes(h);
                stillServes(h);
                assertTrue(h.registry.counter("xlat64.dns64.tcp.evicted").count() >= 1);
                // The evicted ones are the oldest idle connections.
                idle.get(0).setSoTimeout(2000);
                assertEquals(-1, idle.get(0).getInputStream().read());
            }
            finally
            {
                for (final Socket s : idle)
                {
                    s.close();
                }
            }
            assertEquals(0, h.registry.counter("xlat64.dns64.internal.errors").count());
        }
    }

    @Test
    void whenEveryConnectionIsBusyANewOneIsRefused() throws Exception
    {
        final List<Socket> busy = new ArrayList<>();
        try (Harness h = new Harness(q -> null, "timeout-ms = 2000\nattempts = 1\nmax-tcp-clients = 5\n"))
        {
            try
            {
                for (int i = 0; i < 5; i++)
                {
                    final Socket s = connect(h);
                    final byte[] w = query("busy" + i + ".test.example.", Type.A).toWire();
                    final DataOutputStream out = new DataOutputStream(s.getOutputStream());
                    out.writeShort(w.length);
                    out.write(w);
                    out.flush();
                    busy.add(s);
                }
                Thread.sleep(200);
                try (Socket extra = connect(h))
                {
                    extra.setSoTimeout(1000);
                    int r;
                    try
                    {
                        r = extra.getInputStream().read();
                    }
                    catch (final java.net.SocketException reset)
                    {
                        r = -1;
                    }
                    catch (final SocketTimeoutException ex)
                    {
                        r = -2;
                    }
                    assertEquals(-1, r, "refused (closed) while every slot is busy");
                }
                assertEquals(1, h.registry.counter("xlat64.dns64.tcp.refused").count());
                // The busy ones still get their (SERVFAIL) answers when the upstream times out.
                final Message m = read(busy.get(0));
                assertEquals(Rcode.SERVFAIL, m.getRcode());
            }
            finally
            {
                for (final Socket s : busy)
                {
                    s.close();
                }
            }
        }
    }

    private static Message read(final Socket s) throws IOException
    {
        final java.io.DataInputStream in = new java.io.DataInputStream(s.getInputStream());
        final byte[] w = new byte[in.readUnsignedShort()];
        in.readFully(w);
        return new Message(w);
    }
}
