package dev.xlat64.dns64;

import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.DatagramPacket;
import java.net.DatagramSocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A burst of 20,000 queries against an upstream that never answers: the look-ups in flight stay within
 * {@code max-pending}, the rest are answered SERVFAIL at once and counted, the heap stays bounded, local answers keep
 * coming throughout, and everything drains back to zero once the upstream timeouts pass.
 */
class OverloadTest
{
    private static final int MAX_PENDING = 2000;
    private static final int BURST = 20_000;

    @Test
    void burstAgainstASilentUpstreamIsBoundedByMaxPending() throws Exception
    {
        final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        try (Harness h = new Harness(q -> null, "timeout-ms = 3000\nattempts = 1\nmax-pending = " + MAX_PENDING + "\n");
             DatagramSocket client = new DatagramSocket())
        {
            client.setSendBufferSize(1 << 20);
            client.setReceiveBufferSize(1 << 16); // most SERVFAILs are lost here; they are counted at the server
            assertEquals(Rcode.NOERROR, h.query("ipv4only.arpa.", Type.A).getRcode()); // warm up
            System.gc();
            final long heapBefore = memory.getHeapMemoryUsage().getUsed();
            double maxInFlight = 0;
            // The burst; on a loaded machine the kernel may drop most of it, so more follows until the bound is hit.
            int sent = 0;
            for (int i = 0; i < BURST || (i < 4 * BURST && h.registry.counter("xlat64.dns64.overload").count() == 0);
                 i++, sent++)
            {
                final Message q = Message.newQuery(Record.newRecord(
                    Name.fromString("n" + i + ".burst.test.example."), Type.AAAA, DClass.IN));
                final byte[] wire = q.toWire();
                client.send(new DatagramPacket(wire, wire.length, h.address()));
                if (i % 100 == 99)
                {
                    Thread.sleep(1); // about 20k queries/s: the server reads them rather than the kernel dropping them
                    maxInFlight = Math.max(maxInFlight, inFlight(h));
                }
            }
            assertEquals(Rcode.NOERROR, h.query("ipv4only.arpa.", Type.AAAA).getRcode(),
                "local answers during the burst");
            maxInFlight = Math.max(maxInFlight, inFlight(h));
            System.gc();
            final long heapFull = memory.getHeapMemoryUsage().getUsed();
            final double received = h.registry.counter("xlat64.dns64.queries", "transport", "udp").count();
            final double overload = h.registry.counter("xlat64.dns64.overload").count();
            System.out.printf("OverloadTest: %d sent, %.0f received, max in flight %.0f (bound %d), %.0f SERVFAIL for "
                + "overload; heap after GC %.1f MiB before, %.1f MiB with the table full (+%.1f MiB)%n", sent,
                received, maxInFlight, MAX_PENDING, overload, heapBefore / 1048576.0, heapFull / 1048576.0,
                (heapFull - heapBefore) / 1048576.0);
            assertTrue(maxInFlight <= MAX_PENDING, "in flight " + maxInFlight);
            // The most seen, not the last value: on a loaded machine the burst can outlast timeout-ms, and then the
            // first look-ups time out (freeing their slots) while it still runs.
            final double timeouts = h.registry.counter("xlat64.dns64.upstream.timeouts").count();
            assertEquals(MAX_PENDING, maxInFlight, "the table fills up to its bound; upstream errors " +
                h.registry.counter("xlat64.dns64.upstream.errors").count() + ", timeouts " + timeouts +
                ", internal errors " + h.registry.counter("xlat64.dns64.internal.errors").count());
            // Each timed-out look-up (attempts = 1) freed a slot that a later query took.
            assertTrue(overload >= received - MAX_PENDING - timeouts - 10,
                "every query beyond the bound is counted: " + overload + " (timeouts " + timeouts + ")");
            assertTrue(heapFull - heapBefore < 64L << 20, "heap grew by " + (heapFull - heapBefore));

            final long deadline = System.nanoTime() + 10_000_000_000L;
            while (inFlight(h) > 0 && System.nanoTime() < deadline)
            {
                Thread.sleep(50);
            }
            assertEquals(0, inFlight(h), "every look-up ended with its timeout");
            h.upstream.script = q -> FakeUpstream.answer(q, Rcode.NOERROR,
                TestRecords.a(q.getQuestion().getName().toString(), 300, "192.0.2.9"));
            assertEquals(Rcode.NOERROR, h.query("after.burst.test.example.", Type.A).getRcode());
            System.gc();
            System.out.printf("OverloadTest: heap after GC once drained %.1f MiB%n",
                memory.getHeapMemoryUsage().getUsed() / 1048576.0);
        }
    }

    private static double inFlight(final Harness h)
    {
        return h.registry.get("xlat64.dns64.upstream.in.flight").gauge().value();
    }
}
