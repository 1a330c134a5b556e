package dev.xlat64.tun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;

import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import org.junit.jupiter.api.Test;

/**
 * io_uring on a real TUN device inside a throw-away network namespace ({@link TunTestFixture}): reads, multishot reads
 * into provided buffers, and the idle wait.
 */
class TunIoUringTest extends TunTestFixture
{
    /**
     * The io_uring path of the data plane: a READ completes with the kernel's echo request, a WRITE sends the reply.
     */
    @Test
    void readsAPingAndAnswersItThroughIoUring() throws Exception
    {
        try (TunDevice device = TunDevice.open(TunOptions.named(deviceName).netns(netns).mtu(1400).up(true));
             IoUring ring = IoUring.open(device.fd(0), 8))
        {
            final Process ping = addressAndPing198_51_100_2(1);
            final int length = readEchoRequestThroughRing(ring, 0xc6336402);
            turnIntoEchoReply(length);
            assertTrue(ring.write(buffer.address(), length, 7));
            final int ready = ring.submitAndReap();
            int writes = 0;
            for (int i = 0; i < ready; i++)
            {
                if (ring.userData(i) != IoUring.TIMEOUT_USER_DATA) // the last wait's timeout may end now
                {
                    assertEquals(7, ring.userData(i));
                    assertEquals(length, ring.result(i));
                    writes++;
                }
            }
            ring.consumed(ready);
            assertEquals(1, writes, "the TUN write completes when it is submitted");
            assertPingAnswered(ping);
        }
    }

    /**
     * The data plane's read: one multishot READ into provided buffers. Each packet completes with the buffer it was
     * read into and IORING_CQE_F_MORE; when no buffer is left the request ends with -ENOBUFS (no F_MORE), and once a
     * buffer is handed back, the request queued again reads the packet that waited in the TUN queue meanwhile.
     */
    @Test
    void multishotReadFillsProvidedBuffersAndEndsWhenTheyRunOut() throws Exception
    {
        disableIpv6(); // its router solicitations would take buffers meant for the echo requests
        final Pointer buffers = Memory.allocateDirect(LibC.RUNTIME, 2 * 2048, true);
        try (TunDevice device = TunDevice.open(TunOptions.named(deviceName).netns(netns).mtu(1400).up(true));
             IoUring ring = IoUring.open(device.fd(0), 8))
        {
            ring.registerBufferRing(2);
            ring.provideBuffer(buffers.address(), 2048, 0);
            ring.provideBuffer(buffers.address() + 2048, 2048, 1);
            assertTrue(ring.readMultishot(9));
            final Process ping = addressAndPing198_51_100_2(3);
            final int[] filled = new int[2];
            int packets = 0;
            boolean ended = false;
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!ended && System.nanoTime() < deadline)
            {
                final int ready = ring.submitAndWait(100);
                for (int i = 0; i < ready; i++)
                {
                    if (ring.userData(i) == IoUring.TIMEOUT_USER_DATA)
                    {
                        continue;
                    }
                    assertEquals(9, ring.userData(i));
                    final int flags = ring.flags(i);
                    if (ring.result(i) > 0)
                    {
                        assertTrue(packets < 2, "a third packet read with two buffers");
                        assertTrue((flags & IoUring.IORING_CQE_F_MORE) != 0, "the read goes on after a packet");
                        filled[packets++] = IoUring.bufferId(flags);
                        assertEchoRequestTo198_51_100_2(buffers.address() + 2048L * IoUring.bufferId(flags));
                    }
                    else
                    {
                        assertEquals(-105, ring.result(i), "ENOBUFS");
                        assertEquals(0, flags & IoUring.IORING_CQE_F_MORE, "the read ended");
                        assertEquals(-1, IoUring.bufferId(flags), "no buffer taken");
                        ended = true;
                    }
                }
                ring.consumed(ready);
            }
            assertEquals(2, packets);
            assertTrue(ended, "the read did not end when the buffers ran out");
            assertEquals(1, filled[0] + filled[1], "both buffers were used, one packet each");

            ring.provideBuffer(buffers.address() + 2048, 2048, 1);
            assertTrue(ring.readMultishot(10));
            int third = -1;
            while (third == -1 && System.nanoTime() < deadline)
            {
                final int ready = ring.submitAndWait(100);
                for (int i = 0; i < ready; i++)
                {
                    if (ring.userData(i) == 10 && ring.result(i) > 0)
                    {
                        third = IoUring.bufferId(ring.flags(i));
                    }
                }
                ring.consumed(ready);
            }
            assertEquals(1, third, "the third echo request, read into the buffer handed back");
            assertEchoRequestTo198_51_100_2(buffers.address() + 2048);
            ping.waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void ioUringWaitTimesOutWhenNothingArrives() throws Exception
    {
        try (TunDevice device = TunDevice.open(TunOptions.named(deviceName).netns(netns));
             IoUring ring = IoUring.open(device.fd(0), 8))
        {
            assertTrue(ring.read(buffer.address(), 2048, 1));
            final long start = System.nanoTime();
            assertEquals(1, ring.submitAndWait(50), "only the timeout completes");
            assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(40), "returned before the timeout");
            assertEquals(IoUring.TIMEOUT_USER_DATA, ring.userData(0));
            assertEquals(-62, ring.result(0), "ETIME");
            ring.consumed(1);
            assertEquals(0, ring.submitAndReap());
        }
    }

    /**
     * The idle wait's timer is a pure timer, armed once for many waits: a completion ends the wait without ending the
     * timer (with a completion count of 1 the timer would complete alongside it), which fires later on its own.
     */
    @Test
    void ioUringWaitTimerOutlivesTheCompletionThatEndsAWait() throws Exception
    {
        try (TunDevice device = TunDevice.open(TunOptions.named(deviceName).netns(netns));
             IoUring ring = IoUring.open(device.fd(0), 8))
        {
            // No IP packet, to a device that is down: the write fails, but it completes.
            assertTrue(ring.write(buffer.address(), 20, 7));
            assertEquals(1, ring.submitAndWait(200), "the write alone ends the wait");
            assertEquals(7, ring.userData(0));
            assertTrue(ring.result(0) < 0, "refused: " + ring.result(0));
            ring.consumed(1);
            assertEquals(1, ring.submitAndWait(200), "the same timer ends the next wait");
            assertEquals(IoUring.TIMEOUT_USER_DATA, ring.userData(0));
            assertEquals(-62, ring.result(0), "ETIME");
            ring.consumed(1);
        }
    }

    /**
     * The idle wait ends when a packet arrives, not when its timeout does (a wake-up check with a wide margin: the
     * wait is 3 s, a ping arrives within ~1 s).
     */
    @Test
    void ioUringWaitEndsWhenAPacketArrives() throws Exception
    {
        disableIpv6(); // its router solicitations would end the wait before the ping does
        try (TunDevice device = TunDevice.open(TunOptions.named(deviceName).netns(netns).mtu(1400).up(true));
             IoUring ring = IoUring.open(device.fd(0), 8))
        {
            run("ip", "-n", netns, "addr", "add", "198.51.100.1/24", "dev", deviceName);
            assertTrue(ring.read(buffer.address(), 2048, 1));
            assertEquals(0, ring.submitAndReap());
            final Process ping = new ProcessBuilder("ip", "netns", "exec", netns, "ping", "-c", "1", "-W", "1",
                "198.51.100.2").redirectErrorStream(true).start();
            final long start = System.nanoTime();
            final int ready = ring.submitAndWait(3000);
            final long waited = System.nanoTime() - start;
            assertTrue(ready >= 1, "woke with " + ready);
            assertTrue(waited < TimeUnit.MILLISECONDS.toNanos(2000), "waited " + waited / 1_000_000 + " ms");
            boolean read = false;
            for (int i = 0; i < ready; i++)
            {
                read |= ring.userData(i) == 1 && ring.result(i) > 0;
            }
            ring.consumed(ready);
            assertTrue(read, "the read completed");
            ping.waitFor(3, TimeUnit.SECONDS);
        }
    }
}
