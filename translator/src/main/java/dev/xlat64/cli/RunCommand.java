package dev.xlat64.cli;

import dev.xlat64.addr.Eamt;
import dev.xlat64.config.GatewayConfig;
import dev.xlat64.core.Counters;
import dev.xlat64.core.Outcome;
import dev.xlat64.dataplane.DataPlane;
import dev.xlat64.metrics.Metrics;
import dev.xlat64.metrics.MetricsServer;
import dev.xlat64.service.ScaleOut;
import dev.xlat64.service.ServiceControl;
import dev.xlat64.tun.LibC;
import dev.xlat64.tun.TunException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code xlat64 run}: the gateway service. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
        "Translate between IPv4 and IPv6 on a TUN device until stopped (SIGINT/SIGTERM). SIGHUP reloads the config "
            + "file: the new one is validated in full and swapped in atomically, or rejected while the old one runs "
            + "on.",
        "",
        "With --manage-routes (tun.manage-routes) xlat64 adds the routes into its TUN device itself and removes them "
            + "when it stops. Otherwise they are yours to add (see README): route the RFC 6052 prefix (or EAM IPv6 "
            + "side) and the IPv4 pool (or EAM IPv4 side) into the TUN device, e.g.",
        "  ip -6 route add 64:ff9b::/96 dev xlat64 ; ip route add 192.0.2.0/24 dev xlat64",
        "",
        "Under systemd (Type=notify) it reports READY=1 once the TUN device and routes are up, RELOADING=1/READY=1 "
            + "around a reload, STOPPING=1, and pings the watchdog when WatchdogSec= is set.",
        "",
        "SIGUSR1 (`xlat64 drain`, the unit's ExecStop) drains: the routes into the TUN are withdrawn from the "
            + "routing daemon's announcement (re-marked, still forwarding), xlat64 waits until the traffic has moved "
            + "to the other gateways (--drain-quiet, at most --drain-max), then stops (docs/scale-out.md).",
        "",
        "A 6rd border relay (--6rd-prefix, --6rd-ipv4-prefix, --6rd-br, or [[sixrd.domain]]) needs the BR address "
            + "and the 6rd prefix routed into the device (docs/6rd.md, Running a BR):",
        "  ip route add 203.0.113.1/32 dev xlat64 ; ip -6 route add 2001:db8::/32 dev xlat64",
        ""},
    footer = {"", "Exit codes: 0 stopped cleanly, 1 runtime failure (TUN device, metrics port), 2 config error."})
public final class RunCommand implements Callable<Integer>
{
    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);
    private static final int SIGHUP = 1;
    /** The nice value of a reload's thread: below the agents, which run at the default 0. */
    private static final int RELOAD_NICE = 10;
    private static final long SIG_DFL = 0;
    private static final long SIG_ERR = -1;

    @Mixin
    TranslatorOptions options;

    @Option(names = "--pidfile", paramLabel = "FILE",
        description = "Write the process id here while running (for `xlat64 reload`), e.g. /run/xlat64/xlat64.pid.")
    Path pidfile;

    @Option(names = "--announce", paramLabel = "PREFIX",
        description = "Also route PREFIX into the TUN device while running (repeatable), e.g. the DNS64 anycast "
            + "address as a /128 and a /32 that is configured on lo: the routing daemon announces it only while this "
            + "process lives (docs/scale-out.md).")
    List<String> announce;

    @Option(names = "--drain-quiet", paramLabel = "SECONDS", defaultValue = "2",
        description = "Drain (SIGUSR1, `xlat64 drain`): stop once the traffic into the TUN device has been quiet "
            + "this long after the routes were withdrawn (default: ${DEFAULT-VALUE}).")
    double drainQuiet = 2;

    @Option(names = "--drain-max", paramLabel = "SECONDS", defaultValue = "30",
        description = "Drain: stop after at most this long, quiet or not (default: ${DEFAULT-VALUE}).")
    double drainMax = 30;

    @Spec
    CommandSpec spec;

    private ServiceControl control;
    private GatewayConfig running;
    /** The EAMT translating now (for the table gauges); set at start and by each reload. */
    private volatile Eamt eamt;

    /** Where the config comes from: the translator's flags and file here; {@code 6rd-ce} brings its own. */
    interface Loader
    {
        GatewayConfig.Result load() throws Exception;
    }

    private final Loader loader;

    public RunCommand()
    {
        this.loader = () -> options.load();
    }

    /** Serves the data plane with another command's config (its {@code spec} prints and names the process). */
    RunCommand(final Loader loader, final CommandSpec spec)
    {
        this.loader = loader;
        this.spec = spec;
    }

    @Override
    public Integer call() throws Exception
    {
        final PrintWriter err = spec.commandLine().getErr();
        final GatewayConfig.Result result = loader.load();
        if (!result.ok())
        {
            result.errors.forEach(e -> err.println("xlat64: " + e));
            return 2;
        }
        final GatewayConfig config = result.config;
        final List<AutoCloseable> companions = new ArrayList<>();
        final Metrics metrics = new Metrics();
        final DataPlane plane;
        try
        {
            plane = DataPlane.start(config.tunSettings(), config.siit, null, config.mapDomains);
        }
        catch (final TunException ex)
        {
            err.println("xlat64: " + ex.getMessage());
            return 1;
        }
        bindMetrics(metrics, plane, config);
        control = new ServiceControl(pidfile, config.manageRoutes ? config.tunName : null, metrics.registry());
        try
        {
            control.start(config.siit);
        }
        catch (final IOException ex)
        {
            err.println("xlat64: " + ex.getMessage());
            plane.close();
            return 1;
        }
        running = config;
        MetricsServer server = null;
        try
        {
            if (config.metrics != null)
            {
                server = new MetricsServer(config.metrics, metrics);
                LOG.info("metrics at http://{}:{}/metrics", config.metrics.getHostString(), server.address().getPort());
            }
            startCompanions(config, metrics, companions);
        }
        catch (final Exception ex)
        {
            return abort(err, ex, companions, server, plane);
        }
        final ScaleOut scaleOut;
        try
        {
            scaleOut = ScaleOut.start(plane.tun().name(), control::routes, announce == null ? List.of() : announce,
                () -> processed(plane.counters()), Duration.ofMillis((long)(drainQuiet * 1000)),
                Duration.ofMillis((long)(drainMax * 1000)), metrics.registry());
        }
        catch (final IOException ex)
        {
            return abort(err, ex, companions, server, plane);
        }
        LOG.info("translating on {} ({} queue(s), idle {}, offloads {}, io_uring {}, prefix {}, {} EAM entries, "
            + "6rd {})", plane.tun().name(), plane.tun().queues(), config.idle.name().toLowerCase(), plane.offloads(),
            plane.ioUring(), config.siit.mapper.format(), config.siit.mapper.eamt().size(), config.siit.sixRdDomains);
        control.ready("translating on " + plane.tun().name() + ", prefix " + config.siit.mapper.format() + ", " +
            config.siit.mapper.eamt().size() + " EAM entries", () -> plane.running() && scaleOut.healthy(),
            plane::counters, 10);

        final CountDownLatch stopped = new CountDownLatch(1);
        final MetricsServer finalServer = server;
        Runtime.getRuntime().addShutdownHook(new Thread(() ->
        {
            control.stopping();
            scaleOut.close();
            closeStarted(companions, finalServer, plane);
            printSummary(plane.counters(), spec.commandLine().getOut());
            stopped.countDown();
        }, "xlat64-shutdown"));
        // Under nohup (or any parent that ignores it) SIGHUP arrives ignored, and the JVM then accepts a handler but
        // never calls it: reload by signal would silently do nothing. The default disposition is restored first.
        // Only then: otherwise the JVM's own handler is in place and must not be replaced, not even for a moment.
        if (sighupIgnored() && LibC.INSTANCE.signal(SIGHUP, SIG_DFL) != SIG_ERR)
        {
            LOG.info("SIGHUP was ignored by the parent (nohup?); xlat64 takes it back: SIGHUP reloads the config");
        }
        Signals.handle("HUP", () -> reload(plane));
        // xlat64 drain: withdraw the announcement, wait for the traffic to move, then stop (docs/scale-out.md).
        Signals.handle("USR1", () -> scaleOut.drain(control::stopping, () -> System.exit(0)));
        stopped.await();
        return 0;
    }

    /** The data plane's counters, the 6rd and MAP domains' and the running EAMT's gauges. */
    private void bindMetrics(final Metrics metrics, final DataPlane plane, final GatewayConfig config)
    {
        metrics.bindDataPlane(plane.counters());
        metrics.bindSixRdDomains(plane.counters(), config.siit.sixRdDomains);
        eamt = config.siit.mapper.eamt();
        metrics.bindEamt(() -> eamt);
        metrics.bindMapDomains(plane.counters(), config.mapDomains);
    }

    /** Starts each companion service (e.g. DNS64) whose section the config file has, into {@code companions}. */
    private static void startCompanions(final GatewayConfig config, final Metrics metrics,
        final List<AutoCloseable> companions) throws Exception
    {
        if (config.file == null)
        {
            return;
        }
        for (final CompanionService service : ServiceLoader.load(CompanionService.class))
        {
            if (config.file.toml().contains(service.section()))
            {
                companions.add(service.start(config.file, metrics.registry()));
                LOG.info("started [{}]", service.section());
            }
        }
    }

    /** A start-up step failed after the routes were up: says why, closes what started, exit code 1. */
    private int abort(final PrintWriter err, final Exception ex, final List<AutoCloseable> companions,
        final MetricsServer server, final DataPlane plane)
    {
        err.println("xlat64: " + ex.getMessage());
        closeStarted(companions, server, plane);
        return 1;
    }

    /** Closes, newest first, what {@link #call} started: companions, metrics server (if any), routes, data plane. */
    private void closeStarted(final List<AutoCloseable> companions, final MetricsServer server, final DataPlane plane)
    {
        closeAll(companions);
        if (server != null)
        {
            server.close();
        }
        control.close();
        plane.close();
    }

    private static long processed(final List<Counters> perQueue)
    {
        long sum = 0;
        for (final Counters c : perQueue)
        {
            sum += c.total();
        }
        return sum;
    }

    /** Whether SIGHUP is ignored in this process: bit 0 of SigIgn in /proc/self/status (signal 1). */
    static boolean sighupIgnored()
    {
        try
        {
            for (final String line : Files.readAllLines(Path.of("/proc/self/status")))
            {
                if (line.startsWith("SigIgn:"))
                {
                    return (Long.parseUnsignedLong(line.substring(7).trim(), 16) & 1L << (SIGHUP - 1)) != 0;
                }
            }
        }
        catch (final IOException | NumberFormatException ex)
        {
            LOG.debug("cannot read the ignored signals: {}", ex.toString());
        }
        return false;
    }

    private synchronized void reload(final DataPlane plane)
    {
        // The new tables are built on this thread (each signal gets a thread of its own), beside the agents: a million
        // EAM entries take seconds of CPU. At nice 10 it yields the cores to the agents, whose TUN queues would
        // otherwise overflow behind it (docs/tables.md, "Reload"). Linux: PRIO_PROCESS (0) of who 0 is this thread.
        LibC.INSTANCE.setpriority(0, 0, RELOAD_NICE);
        control.reloading();
        try
        {
            final GatewayConfig.Result r = loader.load();
            final List<String> errors = new ArrayList<>(r.errors);
            if (r.ok() && r.config.file != null)
            {
                errors.addAll(CheckConfigCommand.companionErrors(r.config.file));
            }
            if (!errors.isEmpty())
            {
                LOG.error("reload rejected, the running config stays: {}", String.join("; ", errors));
                control.rejected();
                return;
            }
            plane.reloadMapDomains(r.config.mapDomains);
            plane.reload(r.config.siit);
            eamt = r.config.siit.mapper.eamt();
            LOG.info("reloaded: prefix {}, {} EAM entries", r.config.siit.mapper.format(),
                r.config.siit.mapper.eamt().size());
            for (final String change : RestartOnly.changes(running, r.config))
            {
                LOG.warn("reload: {} changed; it takes effect at the next restart", change);
            }
            control.reloaded(r.config.siit);
        }
        catch (final Exception ex)
        {
            LOG.error("reload rejected, the running config stays: {}", ex.getMessage());
            control.rejected();
        }
    }

    private static void closeAll(final List<AutoCloseable> closeables)
    {
        for (final AutoCloseable c : closeables)
        {
            try
            {
                c.close();
            }
            catch (final Exception ex)
            {
                LOG.warn("while stopping: {}", ex.getMessage());
            }
        }
    }

    /** Prints every non-zero outcome summed over the queues: what happened, for the operator. */
    static void printSummary(final List<Counters> perQueue, final PrintWriter out)
    {
        out.println(String.format("%-36s %12s  %s", "outcome", "packets", "meaning"));
        for (final Outcome o : Outcome.values())
        {
            long n = 0;
            for (final Counters c : perQueue)
            {
                n += c.packets(o);
            }
            if (n != 0)
            {
                out.println(String.format("%-36s %12d  %s (%s)", o.id, n, o.description, o.rule));
            }
        }
        for (final Outcome o : Outcome.values())
        {
            long n = 0;
            for (final Counters c : perQueue)
            {
                n += c.icmpErrors(o);
            }
            if (n != 0)
            {
                out.println(String.format("%-36s %12d  ICMP errors sent because: %s", "  (answered) " + o.id, n,
                    o.description));
            }
        }
        out.flush();
    }
}
