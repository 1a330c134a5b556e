package dev.xlat64.service;

import dev.xlat64.core.Counters;
import dev.xlat64.core.Outcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Rate-limited warnings for events that can repeat per packet (e.g. TUN write errors): the packet path only counts
 * them, and this summary, run by the control thread once per interval, logs one line per outcome whose counter moved:
 * {@code "tun_write_failed: 1234 packet(s) in the last 10 s: <description>"}.
 */
public final class WarningSummary implements Runnable
{
    private static final Logger LOG = LoggerFactory.getLogger("dev.xlat64.warnings");

    private final Supplier<List<Counters>> counters;
    private final List<Outcome> watched;
    private final int intervalSeconds;
    private final long[] last;

    public WarningSummary(final Supplier<List<Counters>> counters, final List<Outcome> watched,
        final int intervalSeconds)
    {
        this.counters = counters;
        this.watched = List.copyOf(watched);
        this.intervalSeconds = intervalSeconds;
        this.last = new long[watched.size()];
        for (int i = 0; i < last.length; i++)
        {
            last[i] = sum(watched.get(i));
        }
    }

    @Override
    public void run()
    {
        for (final String line : summarise())
        {
            LOG.warn(line);
        }
    }

    /**
     * The lines for the outcomes that moved since the last call (at most one per outcome), and remembers the counts.
     */
    List<String> summarise()
    {
        final List<String> lines = new ArrayList<>();
        for (int i = 0; i < last.length; i++)
        {
            final Outcome o = watched.get(i);
            final long now = sum(o);
            if (now > last[i])
            {
                lines.add(o.id + ": " + (now - last[i]) + " packet(s) in the last " + intervalSeconds + " s: "
                    + o.description);
            }
            last[i] = now;
        }
        return lines;
    }

    private long sum(final Outcome outcome)
    {
        long n = 0;
        for (final Counters c : counters.get())
        {
            n += c.packets(outcome);
        }
        return n;
    }
}
