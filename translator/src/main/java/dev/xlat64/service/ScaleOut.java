package dev.xlat64.service;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * What one gateway among several (BGP anycast/ECMP, docs/scale-out.md) does for its routers, off the packet path:
 * keeps the {@link Announcement} of its routes, withdraws it while the {@link ProgressWatchdog} finds the data plane
 * wedged (and then stops feeding systemd's watchdog, see {@link #healthy}), and drains on request: withdraw, wait
 * for the traffic to move ({@link DrainWait}), then stop. Gauges: {@code xlat64_translation_stalled},
 * {@code xlat64_drain_state} (0 serving, 1 draining, 2 drained), {@code xlat64_drain_offered_packets_per_second}.
 */
public final class ScaleOut implements AutoCloseable
{
    /** Default stall time of the progress watchdog; system property {@code xlat64.watchdog.stallMillis}. */
    public static final long STALL_MILLIS = Long.getLong("xlat64.watchdog.stallMillis", 3000);
    private static final long CHECK_MILLIS = 250;
    private static final double QUIET_RATE = 5;

    private static final Logger LOG = LoggerFactory.getLogger(ScaleOut.class);

    private final Announcement announcement;
    private final ProgressWatchdog watchdog;
    private final TunStatistics tun;
    private final Duration drainQuiet;
    private final Duration drainMax;
    private final AtomicInteger drainState = new AtomicInteger();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r ->
    {
        final Thread t = new Thread(r, "xlat64-scaleout");
        t.setDaemon(true);
        return t;
    });
    private volatile DrainWait wait;

    private ScaleOut(final Announcement announcement, final TunStatistics tun, final LongSupplier processed,
        final Duration drainQuiet, final Duration drainMax, final MeterRegistry registry)
    {
        this.announcement = announcement;
        this.tun = tun;
        this.watchdog = new ProgressWatchdog(tun::offered, processed, TimeUnit.MILLISECONDS.toNanos(STALL_MILLIS),
            System::nanoTime);
        this.drainQuiet = drainQuiet;
        this.drainMax = drainMax;
        Gauge.builder("xlat64.translation.stalled", watchdog, w -> w.stalled() ? 1 : 0)
            .description("1 while packets wait on the TUN device and the data plane records no outcome (wedged)")
            .register(registry);
        Gauge.builder("xlat64.drain.state", drainState, AtomicInteger::get)
            .description("0 serving, 1 draining (routes withdrawn, waiting for the traffic to move), 2 drained")
            .register(registry);
        Gauge.builder("xlat64.drain.offered.packets.per.second", this, s -> s.wait == null ? 0 : s.wait.rate())
            .description("While draining: packets per second still offered to the TUN device").register(registry);
    }

    /**
     * Adds the {@code extra} routes into {@code device} and starts the progress watchdog.
     *
     * @param managed   the routes {@link RouteManager} keeps (empty without tun.manage-routes)
     * @param processed packets the data plane recorded an outcome for, all queues
     */
    public static ScaleOut start(final String device, final Supplier<List<String>> managed, final List<String> extra,
        final LongSupplier processed, final Duration drainQuiet, final Duration drainMax, final MeterRegistry registry)
        throws IOException
    {
        final Announcement a = new Announcement(managed, extra, Announcement.netlink(device), registry);
        a.start();
        final ScaleOut s = new ScaleOut(a, new TunStatistics(device), processed, drainQuiet, drainMax, registry);
        s.timer.scheduleWithFixedDelay(s::check, CHECK_MILLIS, CHECK_MILLIS, TimeUnit.MILLISECONDS);
        return s;
    }

    private void check()
    {
        final boolean wasStalled = watchdog.stalled();
        final ProgressWatchdog.Verdict v = watchdog.check();
        if (v == ProgressWatchdog.Verdict.STALLED && !wasStalled)
        {
            LOG.error("data plane wedged: packets wait on the TUN device and nothing was translated for {} ms; " +
                "withdrawing the routes and no longer feeding systemd's watchdog", STALL_MILLIS);
            announcement.withdraw("progress watchdog: data plane wedged", false);
        }
        else if (wasStalled && v != ProgressWatchdog.Verdict.STALLED && v != ProgressWatchdog.Verdict.WAITING)
        {
            LOG.warn("data plane translates again");
            announcement.restore("progress watchdog: translating again");
        }
    }

    /** False while the data plane is wedged: systemd's watchdog then gets no WATCHDOG=1 and restarts the service. */
    public boolean healthy()
    {
        return !watchdog.stalled();
    }

    /**
     * Drains once (a second request does nothing): withdraws the routes, waits for the traffic to move, then runs
     * {@code then} (stop the process), on a thread of its own. {@code stopping} runs first (STOPPING=1 to systemd).
     */
    public void drain(final Runnable stopping, final Runnable then)
    {
        if (!drainState.compareAndSet(0, 1))
        {
            LOG.info("drain requested again; already draining");
            return;
        }
        final Thread t = new Thread(() ->
        {
            stopping.run();
            announcement.withdraw("drain", true);
            LOG.info("drain: routes withdrawn; waiting for the traffic to move (quiet for {} ms, at most {} ms)",
                drainQuiet.toMillis(), drainMax.toMillis());
            final DrainWait w = new DrainWait(tun::offered, new DrainWait.Clock()
            {
                @Override
                public long nanos()
                {
                    return System.nanoTime();
                }

                @Override
                public void sleep(final long millis) throws InterruptedException
                {
                    Thread.sleep(millis);
                }
            }, drainQuiet.toMillis(), drainMax.toMillis(), QUIET_RATE);
            wait = w;
            try
            {
                final DrainWait.Result r = w.await(line -> LOG.info("drain: {}", line));
                if (r.quiet())
                {
                    LOG.info("drain: traffic has moved after {} ms ({} packets arrived after the withdrawal); stopping",
                        r.millis(), r.packets());
                }
                else
                {
                    LOG.warn("drain: still traffic after the maximum wait of {} ms ({} packets arrived after the " +
                        "withdrawal); stopping anyway", r.millis(), r.packets());
                }
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
            drainState.set(2);
            then.run();
        }, "xlat64-drain");
        t.setDaemon(true);
        t.start();
    }

    /** 0 serving, 1 draining, 2 drained. */
    public int drainState()
    {
        return drainState.get();
    }

    @Override
    public void close()
    {
        timer.shutdownNow();
        announcement.close();
    }
}
