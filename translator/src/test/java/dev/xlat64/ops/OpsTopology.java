package dev.xlat64.ops;

import dev.xlat64.e2e.Netns;
import dev.xlat64.e2e.Shell;
import dev.xlat64.e2e.SiitTopology;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * h6 (2001:db8:1::2) -- gw -- h4 (198.51.100.2), like the e2e SiitTopology, but xlat64 runs as a service would: from a
 * config file with {@code tun.manage-routes = true} (so the test adds no routes), a pidfile, and a notification socket
 * standing in for systemd. The TUN device is created persistent beforehand, so what xlat64 removes at stop is seen.
 */
final class OpsTopology implements AutoCloseable
{
    static final String PREFIX = "2001:db8:64::/96";
    static final String H6 = SiitTopology.H6;
    static final String H6_AS_IPV4 = "192.0.2.2";
    static final String H4 = SiitTopology.H4;
    static final String H4_AS_IPV6 = "2001:db8:64::c633:6402";
    static final String TUN = "xot0";
    /** As systemd's WatchdogSec=2s would set it: xlat64 then pings every second. */
    static final long WATCHDOG_USEC = 2_000_000;
    private static final Pattern METRIC = Pattern.compile("^(xlat64_[a-z_]+)\\{([^}]*)\\} ([0-9.eE+]+)$",
        Pattern.MULTILINE);

    final Netns h6;
    final Netns gw;
    final Netns h4;
    final Path dir;
    final Path config;
    final Path pidfile;
    NotifyReceiver notify;
    private Shell.Background translator;

    private OpsTopology(final Netns h6, final Netns gw, final Netns h4, final Path dir)
    {
        this.h6 = h6;
        this.gw = gw;
        this.h4 = h4;
        this.dir = dir;
        this.config = dir.resolve("xlat64.toml");
        this.pidfile = dir.resolve("run/xlat64.pid");
    }

    static OpsTopology create(final Path dir)
    {
        final Netns h6 = Netns.create("xo6");
        final Netns gw = Netns.create("xog");
        final Netns h4 = Netns.create("xo4");
        final OpsTopology t = new OpsTopology(h6, gw, h4, dir);
        try
        {
            SiitTopology.wireLine(h6, gw, h4);
            gw.ip("tuntap", "add", "dev", TUN, "mode", "tun");
            t.writeConfig("");
            return t;
        }
        catch (final RuntimeException ex)
        {
            t.close();
            throw ex;
        }
    }

    /** Writes the config file: the standard mapping plus {@code extraTranslatorLines} in [translator]. */
    void writeConfig(final String extraTranslatorLines)
    {
        writeRaw(String.join("\n",
            "[tun]",
            "name = \"" + TUN + "\"",
            "manage-routes = true",
            "[translator]",
            "prefix = \"" + PREFIX + "\"",
            "ipv4-addr = \"203.0.113.1\"",
            "ipv6-addr = \"2001:db8:ffff::1\"",
            extraTranslatorLines.isEmpty() ? "eam = [\"" + H6_AS_IPV4 + "=" + H6 + "\"]" : extraTranslatorLines,
            "[metrics]",
            "listen = \"127.0.0.1:9464\"",
            ""));
    }

    void writeRaw(final String text)
    {
        try
        {
            Files.writeString(config, text);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /** The java command line for {@code xlat64 ARGS} with the test classpath, run inside gw. */
    List<String> xlat64Command(final String... args)
    {
        final List<String> argv = new ArrayList<>(List.of(System.getProperty("java.home") + "/bin/java",
            "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED", "--add-opens", "java.base/java.nio=ALL-UNNAMED",
            // The collector and pause goal of the launcher (./xlat64): a reload builds big tables beside the agents.
            "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20",
            "-cp", System.getProperty("java.class.path"), "dev.xlat64.cli.Xlat64"));
        argv.addAll(List.of(args));
        return argv;
    }

    /** Runs a short {@code xlat64} command (stats, reload) inside gw. */
    Shell.Result xlat64(final String... args)
    {
        return gw.exec(xlat64Command(args).toArray(new String[0]));
    }

    /** Starts {@code xlat64 run --config --pidfile} in gw with NOTIFY_SOCKET set; returns once READY=1 arrived. */
    OpsTopology start()
    {
        return start(false);
    }

    /** As {@link #start()}; with {@code nohup}, under nohup(1), which hands xlat64 SIGHUP ignored. */
    OpsTopology start(final boolean nohup)
    {
        notify = new NotifyReceiver(dir.resolve("notify").toString());
        final List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", gw.name(), "env",
            "NOTIFY_SOCKET=" + notify.socket, "WATCHDOG_USEC=" + WATCHDOG_USEC));
        if (nohup)
        {
            argv.add("nohup");
        }
        argv.addAll(xlat64Command("run", "--config", config.toString(), "--pidfile", pidfile.toString()));
        translator = Shell.start(argv.toArray(new String[0]));
        try
        {
            notify.awaitLine("READY=1", 30_000);
        }
        catch (final AssertionError ex)
        {
            throw new AssertionError("xlat64 did not become ready: " + translator.errors() + translator.output(), ex);
        }
        return this;
    }

    boolean running()
    {
        return translator != null && translator.isAlive();
    }

    String log()
    {
        return translator == null ? "" : translator.errors();
    }

    /**
     * Sum of one metric's samples whose labels contain every {@code labelFilters} text, e.g. {@code kind="dropped"}.
     */
    double metric(final String name, final String... labelFilters)
    {
        final String text = gw.check("curl", "-sf", "http://127.0.0.1:9464/metrics").stdout();
        double sum = 0;
        final Matcher m = METRIC.matcher(text);
        while (m.find())
        {
            boolean match = m.group(1).equals(name);
            for (final String f : labelFilters)
            {
                match &= m.group(2).contains(f);
            }
            if (match)
            {
                sum += Double.parseDouble(m.group(3));
            }
        }
        return sum;
    }

    /** SIGTERM, as systemctl stop does; returns what it printed. */
    Shell.Result stop()
    {
        final Shell.Result r = translator.stop();
        translator = null;
        return r;
    }

    static void sleep(final long millis)
    {
        NotifyReceiver.sleep(millis);
    }

    static Duration seconds(final long s)
    {
        return Duration.ofSeconds(s);
    }

    @Override
    public void close()
    {
        if (translator != null)
        {
            translator.close();
        }
        if (notify != null)
        {
            notify.close();
        }
        h6.close();
        gw.close();
        h4.close();
    }
}
