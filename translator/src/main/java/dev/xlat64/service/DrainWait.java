package dev.xlat64.service;

import java.util.Arrays;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The bounded wait of a drain: after the routes were withdrawn, watch the packets still offered to the TUN device
 * until their rate (over the last second) has stayed at or below a threshold (about zero) for a quiet period (the
 * routers have moved the flows to the other gateways), or until a maximum wait. Pure logic over a counter and a clock.
 */
public final class DrainWait
{
    /** Time and sleep, injected so that a test runs on a fake clock. */
    public interface Clock
    {
        long nanos();

        void sleep(long millis) throws InterruptedException;
    }

    /**
     * @param quiet   true: the traffic had moved; false: the maximum wait ran out first
     * @param millis  how long the wait took
     * @param packets packets offered to the device during the wait
     */
    public record Result(boolean quiet, long millis, long packets)
    {
    }

    private static final long SAMPLE_MILLIS = 100;
    private static final int WINDOW_SAMPLES = 10;
    private static final long NANOS_PER_MILLI = 1_000_000L;

    private final LongSupplier offered;
    private final Clock clock;
    private final long quietMillis;
    private final long maxMillis;
    private final double quietRate;
    private volatile double rate;

    /**
     * @param offered     packets offered to the device so far (monotonic; negative: the device is gone)
     * @param quietMillis how long the rate must stay at or below {@code quietRate} (packets per second)
     * @param maxMillis   the longest wait
     */
    public DrainWait(
        final LongSupplier offered, final Clock clock, final long quietMillis, final long maxMillis,
        final double quietRate)
    {
        this.offered = offered;
        this.clock = clock;
        this.quietMillis = quietMillis;
        this.maxMillis = maxMillis;
        this.quietRate = quietRate;
    }

    /** Waits; {@code progress} gets a line about once a second. */
    public Result await(final Consumer<String> progress) throws InterruptedException
    {
        final long start = clock.nanos();
        final long first = offered.getAsLong();
        // The last second of samples (counter and time), for a rate that a lone packet does not make jump.
        final long[] counts = new long[WINDOW_SAMPLES];
        final long[] times = new long[WINDOW_SAMPLES];
        Arrays.fill(counts, first);
        Arrays.fill(times, start);
        long last = first;
        long quietSince = start;
        long lastReport = start;
        for (int i = 0; ; i = (i + 1) % WINDOW_SAMPLES)
        {
            clock.sleep(SAMPLE_MILLIS);
            final long now = clock.nanos();
            final long o = offered.getAsLong();
            if (o < 0)
            {
                rate = 0;
                return new Result(true, (now - start) / NANOS_PER_MILLI, Math.max(0, last - first));
            }
            // counts[i] is the oldest sample: about a second ago (less during the first second).
            rate = (o - counts[i]) * 1e9 / Math.max(1, now - times[i]);
            counts[i] = o;
            times[i] = now;
            last = o;
            if (rate > quietRate)
            {
                quietSince = now;
            }
            final long waited = (now - start) / NANOS_PER_MILLI;
            if ((now - quietSince) / NANOS_PER_MILLI >= quietMillis)
            {
                return new Result(true, waited, o - first);
            }
            if (waited >= maxMillis)
            {
                return new Result(false, waited, o - first);
            }
            if (now - lastReport >= 1000 * NANOS_PER_MILLI)
            {
                lastReport = now;
                progress.accept(String.format("%.0f packets/s arriving, %d since the withdrawal, %d ms waited",
                    rate, o - first, waited));
            }
        }
    }

    /** The last rate seen, packets per second. */
    public double rate()
    {
        return rate;
    }
}
