package dev.xlat64.tun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * The ring itself on plain character devices (no root needed): batched READs from /dev/zero and WRITEs to /dev/null,
 * completions matched by user_data, a full submission queue refused, and no allocation per request. The TUN path is in
 * {@link TunIoUringTest}.
 */
class IoUringTest
{
    private static final int O_RDONLY = 0;
    private static final int O_WRONLY = 1;

    private final UnsafeBuffer buffers = new UnsafeBuffer(ByteBuffer.allocateDirect(4 * 256));

    @Test
    void readsInOneBatchAndMatchesCompletionsByUserData() throws Exception
    {
        withRing("/dev/zero", O_RDONLY, 4, ring ->
        {
            buffers.setMemory(0, 4 * 256, (byte)0x5A);
            for (int i = 0; i < 4; i++)
            {
                assertTrue(ring.read(buffers.addressOffset() + 256L * i, 64 + i, 100 + i));
            }
            assertFalse(ring.read(buffers.addressOffset(), 64, 99), "a fifth request does not fit 4 entries");
            final int ready = ring.submitAndReap();
            assertEquals(4, ready);
            long seen = 0;
            for (int i = 0; i < ready; i++)
            {
                final int request = (int)ring.userData(i) - 100;
                assertEquals(64 + request, ring.result(i), "bytes read by request " + request);
                seen |= 1L << request;
            }
            ring.consumed(ready);
            assertEquals(0b1111, seen);
            for (int i = 0; i < 4; i++)
            {
                assertEquals(0, buffers.getByte(256 * i + 63 + i), "last byte of read " + i);
                assertEquals(0x5A, buffers.getByte(256 * i + 64 + i), "the byte after read " + i + " is untouched");
            }
            assertEquals(0, ring.submitAndReap(), "every completion was consumed");
            assertEquals(4, ring.freeSlots());
        });
    }

    @Test
    void writesReportTheirLength() throws Exception
    {
        withRing("/dev/null", O_WRONLY, 2, ring ->
        {
            assertTrue(ring.write(buffers.addressOffset(), 1280, 1));
            assertEquals(1, ring.submitAndReap());
            assertEquals(1, ring.userData(0));
            assertEquals(1280, ring.result(0));
            ring.consumed(1);
        });
    }

    /** submit() hands the queued requests to the kernel now (before a write(2) that must not overtake them). */
    @Test
    void submitHandsQueuedRequestsOverWithoutReaping() throws Exception
    {
        withRing("/dev/null", O_WRONLY, 4, ring ->
        {
            assertTrue(ring.write(buffers.addressOffset(), 64, 1));
            assertTrue(ring.write(buffers.addressOffset(), 128, 2));
            assertEquals(2, ring.freeSlots(), "queued, not yet taken by the kernel");
            ring.submit();
            assertEquals(4, ring.freeSlots(), "the kernel took both");
            assertEquals(2, ring.submitAndReap(), "their completions are still there to reap");
            assertEquals(1, ring.userData(0));
            assertEquals(64, ring.result(0));
            assertEquals(2, ring.userData(1));
            assertEquals(128, ring.result(1));
            ring.consumed(2);
        });
    }

    @Test
    void aFailedRequestCompletesWithMinusErrno() throws Exception
    {
        withRing("/dev/zero", O_RDONLY, 2, ring ->
        {
            assertTrue(ring.write(buffers.addressOffset(), 16, 5)); // the fd is read-only
            assertEquals(1, ring.submitAndReap());
            assertEquals(-9, ring.result(0), "EBADF");
            ring.consumed(1);
        });
    }

    /** A multishot read needs a file that can be polled (a TUN can); /dev/zero cannot, and says so. */
    @Test
    void multishotReadOfAFileThatCannotBePolledFails() throws Exception
    {
        withRing("/dev/zero", O_RDONLY, 4, ring ->
        {
            ring.registerBufferRing(2);
            ring.provideBuffer(buffers.addressOffset(), 64, 0);
            assertTrue(ring.readMultishot(3));
            assertEquals(1, ring.submitAndReap());
            assertEquals(3, ring.userData(0));
            assertEquals(-77, ring.result(0), "EBADFD");
            assertEquals(0, ring.flags(0) & IoUring.IORING_CQE_F_MORE, "ended");
            assertEquals(-1, IoUring.bufferId(ring.flags(0)), "no buffer taken");
            ring.consumed(1);
        });
    }

    @Test
    void requestsAndCompletionsAllocateNothing() throws Exception
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)java.lang.management.ManagementFactory.getThreadMXBean();
        withRing("/dev/zero", O_RDONLY, 8, ring ->
        {
            ring.registerBufferRing(8); // only to hand buffers over (nothing reads them: /dev/zero cannot be polled)
            long sum = cycles(ring, 5_000);
            final long before = threads.getCurrentThreadAllocatedBytes();
            sum += cycles(ring, 5_000);
            final long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            assertEquals(10_000L * 8 * 64, sum);
            assertTrue(allocated < 4096, "the ring allocated " + allocated + " bytes over 5000 batches");
        });
    }

    private long cycles(final IoUring ring, final int count)
    {
        long sum = 0;
        for (int c = 0; c < count; c++)
        {
            for (int i = 0; i < 8; i++)
            {
                ring.read(buffers.addressOffset(), 64, i);
            }
            final int ready = ring.submitAndReap();
            for (int i = 0; i < ready; i++)
            {
                sum += ring.result(i);
                ring.provideBuffer(buffers.addressOffset(), 64, IoUring.bufferId(ring.flags(i)) + 1);
            }
            ring.consumed(ready);
        }
        return sum;
    }

    /** A body run against a ring on a freshly opened device. */
    private interface RingBody
    {
        void run(IoUring ring) throws Exception;
    }

    /** Opens {@code path}, runs {@code body} on a ring of {@code entries} for it, closes both. */
    private static void withRing(final String path, final int flags, final int entries, final RingBody body)
        throws Exception
    {
        final int fd = open(path, flags);
        try (IoUring ring = IoUring.open(fd, entries))
        {
            body.run(ring);
        }
        finally
        {
            LibC.INSTANCE.close(fd);
        }
    }

    private static int open(final String path, final int flags)
    {
        final int fd = LibC.INSTANCE.open(path, flags);
        assertTrue(fd >= 0, "cannot open " + path);
        return fd;
    }
}
