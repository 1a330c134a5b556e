package dev.xlat64.dataplane;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The io_uring buffers per queue (system property xlat64.ioUringBuffers): a power of two the buffer ring accepts. */
class IoUringBuffersTest
{
    @Test
    void theDefaultIs64()
    {
        assertEquals(64, IoUringQueue.SLOTS, "no xlat64.ioUringBuffers in the test JVM");
    }

    @Test
    void powersOfTwoFrom2To4096AreTaken()
    {
        assertEquals(2, IoUringQueue.slots(2));
        assertEquals(64, IoUringQueue.slots(64));
        assertEquals(4096, IoUringQueue.slots(4096));
    }

    @Test
    void anythingElseIsRefusedNamingTheProperty()
    {
        for (final int bad : new int[] {0, 1, 3, 48, 8192, -64})
        {
            final IllegalArgumentException ex =
                assertThrows(IllegalArgumentException.class, () -> IoUringQueue.slots(bad));
            assertEquals("xlat64.ioUringBuffers: " + bad + " is not a power of two from 2 to 4096", ex.getMessage());
        }
    }
}
