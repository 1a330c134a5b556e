package dev.xlat64.service;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Whether this gateway's routes are offered to its routing daemon. The routes into the TUN device
 * ({@link RouteManager}'s, plus extra ones such as a DNS64 anycast address) carry protocol {@code boot} while
 * announced, and {@link #RTPROT_WITHDRAWN} while withdrawn: the same route re-marked in place, so the kernel keeps
 * forwarding into the TUN (nothing in flight is lost) while BIRD's import filter (deploy/bird/gateway.conf) lets
 * only {@code boot} routes through and so withdraws them from its BGP peers. The device going away (crash, stop)
 * takes every route with it. Gauge {@code xlat64_announced} is 1 while announced.
 */
public final class Announcement implements AutoCloseable
{
    /** The kernel route protocol marking a route xlat64 has withdrawn from announcement (unassigned in rt_protos). */
    public static final byte RTPROT_WITHDRAWN = (byte)164;

    private static final Logger LOG = LoggerFactory.getLogger(Announcement.class);

    /** The three route operations, behind an interface so the logic is testable without netlink. */
    public interface Routes
    {
        /** Adds or re-marks {@code route dev device proto protocol}. */
        void replace(String route, byte protocol) throws IOException;

        void delete(String route) throws IOException;
    }

    private final Supplier<List<String>> managed;
    private final List<String> extra;
    private final Routes routes;
    private final List<String> added = new ArrayList<>();
    private boolean announced = true;
    private boolean forGood;

    /**
     * @param managed the routes {@link RouteManager} installed (read at each change: a reload may move them)
     * @param extra   more routes to put into the device while running, e.g. the DNS64 anycast /128 and /32
     */
    public Announcement(
        final Supplier<List<String>> managed, final List<String> extra, final Routes routes,
        final MeterRegistry registry)
    {
        this.managed = managed;
        this.extra = List.copyOf(extra);
        this.routes = routes;
        Gauge.builder("xlat64.announced", this, a -> a.announced() ? 1 : 0)
            .description("1 while this gateway's routes are offered to the routing daemon (protocol boot), 0 while " +
                "withdrawn by a drain or by the progress watchdog").register(registry);
    }

    /** The routes over {@code device} through rtnetlink. */
    public static Routes netlink(final String device)
    {
        return new Routes()
        {
            @Override
            public void replace(final String route, final byte protocol) throws IOException
            {
                try (Rtnetlink n = Rtnetlink.open())
                {
                    n.replace(route, device, protocol);
                }
            }

            @Override
            public void delete(final String route) throws IOException
            {
                try (Rtnetlink n = Rtnetlink.open())
                {
                    n.delete(route, device);
                }
            }
        };
    }

    /** Adds the extra routes (announced). */
    public synchronized void start() throws IOException
    {
        for (final String route : extra)
        {
            routes.replace(route, Rtnetlink.RTPROT_BOOT);
            added.add(route);
            LOG.info("route {} added (announced while this process runs)", route);
        }
    }

    public synchronized boolean announced()
    {
        return announced;
    }

    /** The routes, all of them, as they are now. */
    public synchronized List<String> routes()
    {
        final List<String> all = new ArrayList<>(managed.get());
        all.addAll(added);
        return all;
    }

    /**
     * Re-marks every route as withdrawn; {@code forGood} (a drain) means {@link #restore} will not undo it.
     * Returns false when it was withdrawn already.
     */
    public synchronized boolean withdraw(final String why, final boolean forGood)
    {
        this.forGood |= forGood;
        if (!announced)
        {
            return false;
        }
        announced = false;
        mark(Announcement.RTPROT_WITHDRAWN);
        LOG.warn("routes withdrawn from announcement ({}): {}", why, routes());
        return true;
    }

    /** Announces the routes again (after the watchdog saw progress again), unless a drain withdrew them. */
    public synchronized boolean restore(final String why)
    {
        if (announced || forGood)
        {
            return false;
        }
        announced = true;
        mark(Rtnetlink.RTPROT_BOOT);
        LOG.warn("routes announced again ({}): {}", why, routes());
        return true;
    }

    private void mark(final byte protocol)
    {
        for (final String route : routes())
        {
            try
            {
                routes.replace(route, protocol);
            }
            catch (final IOException ex)
            {
                LOG.error("could not re-mark route {} (protocol {}): {}", route, protocol & 0xff, ex.getMessage());
            }
        }
    }

    /** Removes the extra routes (the device takes the others along). */
    @Override
    public synchronized void close()
    {
        for (final String route : added)
        {
            try
            {
                routes.delete(route);
            }
            catch (final IOException ex)
            {
                LOG.debug("route {} already gone: {}", route, ex.getMessage());
            }
        }
        added.clear();
    }
}
