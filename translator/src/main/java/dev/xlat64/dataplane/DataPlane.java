package dev.xlat64.dataplane;

import dev.xlat64.core.Counters;
import dev.xlat64.core.TranslatorConfig;
import dev.xlat64.map.MapDomain;
import dev.xlat64.tun.IoUring;
import dev.xlat64.tun.TunDevice;
import dev.xlat64.tun.TunException;
import dev.xlat64.tun.TunFlags;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import dev.xlat64.tun.TunOptions;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The TUN device and one {@link TunAgent} per queue, each on its own {@link AgentRunner} thread. The translation
 * config is published with one volatile write ({@link #reload}); agents pick it up between packets.
 */
public final class DataPlane implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(DataPlane.class);

    private final TunDevice tun;
    private final List<TunAgent> agents = new ArrayList<>();
    private String offloads = "off";
    private String ioUring = "off";
    private final List<AgentRunner> runners = new ArrayList<>();
    private volatile TranslatorConfig current;
    private volatile List<MapDomain> mapDomains = List.of();

    private DataPlane(final TunDevice tun, final TranslatorConfig initial)
    {
        this.tun = tun;
        this.current = initial;
    }

    /**
     * Creates (or attaches to) the TUN device {@code settings} describe, in namespace {@code netns} (null: the current
     * one), and starts one agent thread per queue translating with {@code siit}.
     */
    public static DataPlane start(final TunSettings settings, final TranslatorConfig siit, final String netns)
        throws TunException
    {
        return start(settings, siit, netns, List.of());
    }

    /** {@link #start(TunSettings, TranslatorConfig, String)} with MAP-T, MAP-E and lw4o6 domains (docs/map.md). */
    public static DataPlane start(
        final TunSettings settings, final TranslatorConfig siit, final String netns, final List<MapDomain> mapDomains)
        throws TunException
    {
        // A TCP super-packet tunnelled in 6in4 has no virtio-net GSO type, so 6rd runs without offloads; likewise
        // 4in6 (MAP-E, lw4o6), and the MAP-T port checks want each packet's own ports.
        final boolean offload = settings.offload() && siit.sixRdDomains.isEmpty() && mapDomains.isEmpty();
        String offloads = settings.offload() ? "on (csum, tso4, tso6, tso_ecn, uso4, uso6)" : "off (--no-offload)";
        if (settings.offload() && !offload)
        {
            LOG.info("TUN offloads off: 6rd or MAP domains are configured (super-packets cannot be tunnelled)");
            offloads = "off (6rd or MAP domains configured)";
        }
        final TunDevice tun = TunDevice.open(TunOptions.named(settings.name()).queues(settings.queues()).netns(netns)
            .mtu(settings.mtu()).up(true).vnetHeader(offload));
        if (offload)
        {
            // TCP and UDP super-packets (GSO) and partial checksums both ways: one translation per up to 64 KiB. UDP
            // segmentation (USO) needs Linux 6.2; an older kernel refuses the whole set, so it is retried without.
            final int tcp = TunFlags.TUN_F_CSUM | TunFlags.TUN_F_TSO4 | TunFlags.TUN_F_TSO6 | TunFlags.TUN_F_TSO_ECN;
            try
            {
                tun.setOffload(tcp | TunFlags.TUN_F_USO4 | TunFlags.TUN_F_USO6);
            }
            catch (final TunException noUso)
            {
                try
                {
                    tun.setOffload(tcp);
                    offloads = "on (csum, tso4, tso6, tso_ecn; no uso: the kernel predates 6.2)";
                }
                catch (final TunException ex)
                {
                    LOG.warn("TUN offloads refused by the kernel, translating packet by packet: {}", ex.getMessage());
                    offloads = "off (refused by the kernel)";
                }
            }
        }
        final DataPlane plane = new DataPlane(tun, siit.toBuilder().tunMtu(mtu(tun, settings)).build());
        plane.mapDomains = List.copyOf(mapDomains);
        plane.offloads = offloads;
        final boolean ioUring = settings.ioUring() && ioUringAvailable(tun);
        plane.ioUring = ioUring ? "on (" + IoUringQueue.SLOTS + " buffers per queue)" :
            settings.ioUring() ? "off (refused by the kernel)" : "off (--no-io-uring)";
        for (int q = 0; q < tun.queues(); q++)
        {
            final TunAgent agent = new TunAgent(tun, q, plane::current, offload, ioUring);
            agent.mapDomainSource(plane::mapDomains);
            final AgentRunner runner = new AgentRunner(idleStrategy(settings.idle(), agent),
                new AgentErrorLog(String.valueOf(q), 10), null, agent);
            plane.agents.add(agent);
            plane.runners.add(runner);
            AgentRunner.startOnThread(runner);
        }
        return plane;
    }

    /** The MTU asked for, or (0) the device's own: an existing device keeps its MTU, a new one has the kernel's. */
    private static int mtu(final TunDevice tun, final TunSettings settings) throws TunException
    {
        return settings.mtu() > 0 ? settings.mtu() : tun.mtu();
    }

    /**
     * Whether this kernel gives us an io_uring (it may be compiled out, disabled by the sysctl kernel.io_uring_disabled
     * or blocked by a seccomp filter, as in Docker's default profile): a throw-away ring is set up and closed here, so
     * the start-up line can say which path runs. Each agent then sets up its own ring on its own thread.
     */
    private static boolean ioUringAvailable(final TunDevice tun)
    {
        try (IoUring probe = IoUringQueue.openRing(tun, 0))
        {
            return probe.ringFd() >= 0;
        }
        catch (final TunException ex)
        {
            LOG.warn("io_uring refused, reading and writing the TUN packet by packet: {}", ex.getMessage());
            return false;
        }
    }

    private static IdleStrategy idleStrategy(final Idle idle, final TunAgent agent)
    {
        switch (idle)
        {
            case BUSY_SPIN:
                return new BusySpinIdleStrategy();
            case BACKOFF:
                return new BackoffIdleStrategy(100, 10, TimeUnit.MICROSECONDS.toNanos(1),
                    TimeUnit.MILLISECONDS.toNanos(1));
            default:
                return new PollIdleStrategy(agent);
        }
    }

    public TranslatorConfig current()
    {
        return current;
    }

    /** The MAP domains in force. */
    public List<MapDomain> mapDomains()
    {
        return mapDomains;
    }

    /** Publishes new, validated MAP domains; agents switch to them before their next batch (with a reload). */
    public void reloadMapDomains(final List<MapDomain> domains)
    {
        mapDomains = List.copyOf(domains);
    }

    /** Publishes a new, fully validated translation config; agents switch to it before their next packet. */
    public void reload(final TranslatorConfig config)
    {
        current = config.toBuilder().tunMtu(current.tunMtu).build();
    }

    /** True while every queue's agent thread is alive (the systemd watchdog asks this). */
    public boolean running()
    {
        for (final AgentRunner r : runners)
        {
            if (r.isClosed() || r.thread() == null || !r.thread().isAlive())
            {
                return false;
            }
        }
        return !runners.isEmpty();
    }

    /**
     * Whether the TUN is read and written through io_uring ("on"), and if not why: for the start-up log line. A queue
     * whose own ring is refused later falls back by itself and logs it.
     */
    public String ioUring()
    {
        return ioUring;
    }

    /** Whether the TUN offloads are on, and if not why: for the start-up log line. */
    public String offloads()
    {
        return offloads;
    }

    public TunDevice tun()
    {
        return tun;
    }

    /** Each agent's counters, in queue order (readers sum them). */
    public List<Counters> counters()
    {
        final List<Counters> out = new ArrayList<>();
        for (final TunAgent a : agents)
        {
            out.add(a.counters());
        }
        return out;
    }

    @Override
    public void close()
    {
        for (final AgentRunner r : runners)
        {
            r.close();
        }
        tun.close();
    }
}
