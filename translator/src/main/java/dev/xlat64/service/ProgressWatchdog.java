package dev.xlat64.service;

import java.util.function.LongSupplier;

/**
 * Tells a data plane that translates from one that is wedged while its process lives: packets keep being offered
 * to the TUN device (the kernel's transmit and drop counters of the device move) but the agents record no outcome
 * for longer than the stall time. An idle gateway (nothing offered) is healthy; so is a busy one whose outcome
 * counters move. Pure logic over two counters and a clock, checked a few times a second by {@link ScaleOut}.
 */
public final class ProgressWatchdog
{
    /** What one check saw. */
    public enum Verdict
    {
        /** Nothing offered since the last progress. */
        IDLE,
        /** The agents recorded outcomes since the last check. */
        PROGRESS,
        /** Packets wait and nothing was translated yet, for less than the stall time. */
        WAITING,
        /** Packets have waited for the stall time or longer with no outcome recorded. */
        STALLED
    }

    private final LongSupplier offered;
    private final LongSupplier processed;
    private final LongSupplier nanoClock;
    private final long stallNanos;
    private long lastProcessed;
    private long offeredAtProgress;
    private long quietSince;
    private Verdict last = Verdict.IDLE;

    /**
     * @param offered    packets the kernel handed (or tried to hand) to the TUN device, monotonic
     * @param processed  packets the agents recorded an outcome for (translated, answered or dropped), monotonic
     * @param stallNanos how long packets may wait with no outcome before the data plane counts as wedged
     * @param nanoClock  monotonic time ({@link System#nanoTime} in production)
     */
    public ProgressWatchdog(
        final LongSupplier offered, final LongSupplier processed, final long stallNanos, final LongSupplier nanoClock)
    {
        this.offered = offered;
        this.processed = processed;
        this.nanoClock = nanoClock;
        this.stallNanos = stallNanos;
        this.lastProcessed = processed.getAsLong();
        this.offeredAtProgress = offered.getAsLong();
        this.quietSince = nanoClock.getAsLong();
    }

    /** Reads the counters and the clock once. */
    public synchronized Verdict check()
    {
        final long now = nanoClock.getAsLong();
        final long p = processed.getAsLong();
        final long o = offered.getAsLong();
        if (p != lastProcessed)
        {
            lastProcessed = p;
            offeredAtProgress = o;
            quietSince = now;
            last = Verdict.PROGRESS;
        }
        else if (o == offeredAtProgress || o < 0)
        {
            // Nothing new offered (or no device to offer it: the process is on its way out).
            quietSince = now;
            last = Verdict.IDLE;
        }
        else
        {
            // Offered since the last progress, nothing translated: waiting since the last check that saw none offered.
            last = now - quietSince >= stallNanos ? Verdict.STALLED : Verdict.WAITING;
        }
        return last;
    }

    /** The last check's verdict was {@link Verdict#STALLED}. */
    public synchronized boolean stalled()
    {
        return last == Verdict.STALLED;
    }
}
