package dev.xlat64.dataplane;

import org.agrona.ErrorHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The agents' error handler: an exception escaping {@code doWork()} is a bug (docs/architecture.md, "Invariants"),
 * and one that repeats per packet must not flood the log. The first is logged with its stack trace; later ones at most
 * once per interval, as a count of those suppressed in between.
 */
final class AgentErrorLog implements ErrorHandler
{
    private static final Logger LOG = LoggerFactory.getLogger(AgentErrorLog.class);

    private final String queue;
    private final long intervalNanos;
    private final AtomicLong suppressed = new AtomicLong();
    private volatile long lastLogged;
    private volatile boolean first = true;

    AgentErrorLog(final String queue, final long intervalSeconds)
    {
        this.queue = queue;
        this.intervalNanos = TimeUnit.SECONDS.toNanos(intervalSeconds);
    }

    @Override
    public void onError(final Throwable throwable)
    {
        final long now = System.nanoTime();
        if (first)
        {
            first = false;
            lastLogged = now;
            LOG.error("queue {}: unexpected error in the packet loop (a bug; the packet was lost, the queue goes on)",
                queue, throwable);
            return;
        }
        if (now - lastLogged < intervalNanos)
        {
            suppressed.incrementAndGet();
            return;
        }
        lastLogged = now;
        LOG.error("queue {}: unexpected error in the packet loop, {} more since the last report: {}", queue,
            suppressed.getAndSet(0) + 1, throwable.toString());
    }
}
