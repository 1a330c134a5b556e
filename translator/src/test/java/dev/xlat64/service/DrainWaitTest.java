package dev.xlat64.service;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongUnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The drain's bounded wait on a fake clock: quiet period reached, maximum reached, device gone. */
class DrainWaitTest
{
    /** A fake clock whose sleep advances time; the offered counter is a function of the time in ms. */
    private static final class Fake implements DrainWait.Clock
    {
        long millis;

        @Override
        public long nanos()
        {
            return millis * 1_000_000L;
        }

        @Override
        public void sleep(final long ms)
        {
            millis += ms;
        }
    }

    private static DrainWait.Result run(final Fake clock, final LongUnaryOperator offeredAtMillis,
        final List<String> log)
        throws InterruptedException
    {
        final DrainWait w = new DrainWait(() -> offeredAtMillis.applyAsLong(clock.millis), clock, 2000, 30_000, 5);
        return w.await(log::add);
    }

    @Test
    void trafficThatStopsAfterTheWithdrawalEndsTheWaitAfterTheQuietPeriod() throws InterruptedException
    {
        final Fake clock = new Fake();
        final List<String> log = new ArrayList<>();
        // 10 000 packets/s for the first 1.5 s (the routers still converge), then nothing.
        final DrainWait.Result r = run(clock, ms -> Math.min(ms, 1500) * 10, log);
        assertTrue(r.quiet());
        // The rate over the last second still counts the final packets at 2400 ms; quiet 2000 ms after that.
        assertEquals(4400, r.millis());
        assertEquals(15_000, r.packets());
        assertFalse(log.isEmpty(), "progress is reported while traffic still arrives");
        assertTrue(log.get(0).startsWith("10000 packets/s"), log.get(0));
    }

    @Test
    void aTrickleBelowTheThresholdCountsAsQuiet() throws InterruptedException
    {
        final Fake clock = new Fake();
        final DrainWait.Result r = run(clock, ms -> ms / 500, new ArrayList<>()); // 2 packets/s
        assertTrue(r.quiet());
        assertEquals(2000, r.millis());
    }

    @Test
    void trafficThatNeverStopsEndsAtTheMaximum() throws InterruptedException
    {
        final Fake clock = new Fake();
        final DrainWait.Result r = run(clock, ms -> ms * 100, new ArrayList<>());
        assertFalse(r.quiet());
        assertEquals(30_000, r.millis());
        assertEquals(3_000_000, r.packets());
    }

    @Test
    void aDeviceThatIsGoneEndsTheWait() throws InterruptedException
    {
        final Fake clock = new Fake();
        final DrainWait.Result r = run(clock, ms -> ms < 500 ? ms : -1, new ArrayList<>());
        assertTrue(r.quiet());
        assertEquals(500, r.millis());
    }
}
