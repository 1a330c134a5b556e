package dev.xlat64.service;

import dev.xlat64.service.ProgressWatchdog.Verdict;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The progress watchdog on a fake clock: idle and busy are healthy; packets waiting with no outcome for 3 s are not.
 */
class ProgressWatchdogTest
{
    private static final long STALL = TimeUnit.SECONDS.toNanos(3);

    private long now;
    private long offered;
    private long processed;
    private final ProgressWatchdog dog = new ProgressWatchdog(() -> offered, () -> processed, STALL, () -> now);

    private Verdict after(final long millis)
    {
        now += TimeUnit.MILLISECONDS.toNanos(millis);
        return dog.check();
    }

    @Test
    void anIdleGatewayIsNeverStalledHoweverLong()
    {
        for (int i = 0; i < 100; i++)
        {
            assertEquals(Verdict.IDLE, after(1000));
        }
        assertFalse(dog.stalled());
    }

    @Test
    void aBusyGatewayMakesProgress()
    {
        for (int i = 0; i < 100; i++)
        {
            offered += 1000;
            processed += 1000;
            assertEquals(Verdict.PROGRESS, after(250));
        }
        assertFalse(dog.stalled());
    }

    @Test
    void packetsOfferedButNeverProcessedStallAfterTheStallTime()
    {
        offered += 10;
        processed += 10;
        assertEquals(Verdict.PROGRESS, after(250));
        // The agents stop; the kernel keeps offering (and dropping once the queue is full).
        offered += 500;
        assertEquals(Verdict.WAITING, after(250));
        offered += 500;
        assertEquals(Verdict.WAITING, after(2000));
        offered += 500;
        assertEquals(Verdict.WAITING, after(499)); // 2749 ms since the last progress
        offered += 500;
        assertEquals(Verdict.STALLED, after(251)); // 3000 ms
        assertTrue(dog.stalled());
        assertEquals(Verdict.STALLED, after(10_000), "stays stalled while packets wait and nothing moves");
    }

    @Test
    void theStallIsTimedFromTheLastCheckThatSawNothingWaiting()
    {
        assertEquals(Verdict.IDLE, after(60_000));
        offered += 1; // one packet arrives and is never processed
        assertEquals(Verdict.WAITING, after(1000));
        assertEquals(Verdict.WAITING, after(1999));
        assertEquals(Verdict.STALLED, after(1));
    }

    @Test
    void progressAfterAStallClearsIt()
    {
        offered += 100;
        assertEquals(Verdict.WAITING, after(1000));
        assertEquals(Verdict.STALLED, after(3000));
        processed += 100; // the agents move again
        assertEquals(Verdict.PROGRESS, after(250));
        assertFalse(dog.stalled());
        assertEquals(Verdict.IDLE, after(250), "all caught up: nothing offered since");
    }

    @Test
    void progressThatLagsBehindTheOfferIsNotAStall()
    {
        // A slow but moving data plane: every check some outcomes, always some packets waiting.
        for (int i = 0; i < 100; i++)
        {
            offered += 1000;
            processed += 10;
            assertEquals(Verdict.PROGRESS, after(1000));
        }
    }

    @Test
    void aDeviceThatVanishedReadsAsIdle()
    {
        offered = -1;
        for (int i = 0; i < 10; i++)
        {
            assertFalse(after(1000) == Verdict.STALLED);
        }
    }
}
