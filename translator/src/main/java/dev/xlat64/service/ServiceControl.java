package dev.xlat64.service;

import dev.xlat64.core.Counters;
import dev.xlat64.core.Outcome;
import dev.xlat64.core.TranslatorConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * What {@code xlat64 run} does for the operating system around the data plane: the pidfile, the routes into the TUN
 * ({@link RouteManager}), systemd notifications and watchdog ({@link SdNotify}), the reload counter
 * {@code xlat64_config_reloads_total{result}} and the rate-limited warnings ({@link WarningSummary}). One control-plane
 * thread does the periodic work; nothing here touches the packet path.
 */
public final class ServiceControl implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(ServiceControl.class);

    private final SdNotify notify = SdNotify.fromEnvironment();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r ->
    {
        final Thread t = new Thread(r, "xlat64-control");
        t.setDaemon(true);
        return t;
    });
    private final Path pidfile;
    private final RouteManager routes;
    private final Counter reloadsOk;
    private final Counter reloadsRejected;
    private boolean pidfileWritten;

    /**
     * @param pidfile      where to write our PID, or null
     * @param routedDevice the TUN device whose routes xlat64 manages ({@code tun.manage-routes}), or null
     */
    public ServiceControl(final Path pidfile, final String routedDevice, final MeterRegistry registry)
    {
        this.pidfile = pidfile;
        this.routes = routedDevice != null ? new RouteManager(routedDevice) : null;
        this.reloadsOk = reloads(registry, "ok");
        this.reloadsRejected = reloads(registry, "rejected");
    }

    private static Counter reloads(final MeterRegistry registry, final String result)
    {
        return Counter.builder("xlat64.config.reloads").tag("result", result)
            .description("Config reloads (SIGHUP, systemctl reload, xlat64 reload): ok, or rejected as invalid")
            .register(registry);
    }

    /**
     * Writes the pidfile and adds the routes {@code config} needs; throws (after undoing what it did) when either
     * fails.
     */
    public void start(final TranslatorConfig config) throws IOException
    {
        try
        {
            if (pidfile != null)
            {
                if (pidfile.getParent() != null)
                {
                    Files.createDirectories(pidfile.getParent());
                }
                Files.writeString(pidfile, ProcessHandle.current().pid() + "\n", StandardCharsets.US_ASCII);
                pidfileWritten = true;
            }
            if (routes != null)
            {
                routes.apply(config);
            }
        }
        catch (final IOException ex)
        {
            close();
            throw ex;
        }
    }

    /**
     * Tells systemd we are ready, then starts the watchdog (when systemd asked for one; pinged only while
     * {@code healthy} holds) and the warning summary over {@code counters} every {@code warnIntervalSeconds}.
     */
    public void ready(
        final String status, final BooleanSupplier healthy, final Supplier<List<Counters>> counters,
        final int warnIntervalSeconds)
    {
        notify.ready(status);
        final long watchdogMicros = SdNotify.watchdogPingIntervalMicros();
        if (watchdogMicros > 0 && notify.enabled())
        {
            timer.scheduleAtFixedRate(() ->
            {
                if (healthy.getAsBoolean())
                {
                    notify.watchdog();
                }
            }, 0, watchdogMicros, TimeUnit.MICROSECONDS);
        }
        final WarningSummary warnings =
            new WarningSummary(counters, List.of(Outcome.TUN_WRITE_FAILED), warnIntervalSeconds);
        timer.scheduleAtFixedRate(warnings::run, warnIntervalSeconds, warnIntervalSeconds, TimeUnit.SECONDS);
    }

    public void reloading()
    {
        notify.reloading();
    }

    /** A reload was validated and published: move the routes, count it, tell systemd. */
    public void reloaded(final TranslatorConfig config)
    {
        if (routes != null)
        {
            try
            {
                routes.apply(config);
            }
            catch (final IOException ex)
            {
                LOG.error("reload: the new config runs, but its routes could not be set: {}", ex.getMessage());
            }
        }
        reloadsOk.increment();
        notify.send("READY=1\nSTATUS=reloaded");
    }

    /** A reload was rejected; the old config runs on. */
    public void rejected()
    {
        reloadsRejected.increment();
        notify.send("READY=1\nSTATUS=reload rejected, the previous config runs on (see the log)");
    }

    public void stopping()
    {
        notify.stopping();
    }

    /** The routes this instance added (empty without {@code tun.manage-routes}). */
    public List<String> routes()
    {
        return routes == null ? List.of() : routes.installed();
    }

    /** Stops the timer, removes the routes and the pidfile. */
    @Override
    public void close()
    {
        timer.shutdownNow();
        if (routes != null)
        {
            routes.close();
        }
        if (pidfileWritten)
        {
            try
            {
                Files.deleteIfExists(pidfile);
            }
            catch (final IOException ex)
            {
                LOG.warn("could not remove the pidfile {}: {}", pidfile, ex.getMessage());
            }
            pidfileWritten = false;
        }
        notify.close();
    }
}
