package dev.xlat64.scaleout;

import dev.xlat64.e2e.Netns;
import dev.xlat64.e2e.Shell;
import dev.xlat64.e2e.Xlat64Jvm;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One real {@code xlat64 run} (its own JVM, as in production) in a gateway namespace, on TUN {@link #TUN} with
 * {@code --manage-routes}, its metrics on the namespace's loopback and a pidfile for {@code xlat64 drain}.
 */
public final class Xlat64Process implements AutoCloseable
{
    public static final String TUN = "xlt0";
    private static final Pattern PACKETS =
        Pattern.compile("^xlat64_packets_total\\{([^}]*)\\} ([0-9.eE+]+)$", Pattern.MULTILINE);

    private final Netns ns;
    private final Path pidfile;
    private final List<String> args;
    private Shell.Background process;

    public Xlat64Process(final Netns ns, final Path pidfile, final List<String> args)
    {
        this.ns = ns;
        this.pidfile = pidfile;
        this.args = List.copyOf(args);
    }

    /** Starts it and waits for the TUN device, its routes and the metrics endpoint. */
    public Xlat64Process start()
    {
        final List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", ns.name()));
        argv.addAll(Xlat64Jvm.command(List.of("-Xmx192m"), "run", "--tun", TUN,
            "--manage-routes", "--metrics", "127.0.0.1:9464", "--pidfile", pidfile.toString()));
        argv.addAll(args);
        process = Shell.start(argv.toArray(new String[0]));
        final long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
        while (!ns.exec("curl", "-sf", "-o", "/dev/null", "http://127.0.0.1:9464/metrics").ok())
        {
            if (!process.isAlive() || System.nanoTime() > deadline)
            {
                throw new AssertionError("xlat64 did not come up in " + ns.name() + ": " + log());
            }
            ScaleOutTopology.sleep(100);
        }
        return this;
    }

    public long pid()
    {
        return process.pid();
    }

    public boolean alive()
    {
        return process != null && process.isAlive();
    }

    /** SIGKILL, as a crash or the OOM killer would: no shutdown hook runs; waits until it is gone. */
    public void kill()
    {
        ProcessHandle.of(pid()).ifPresent(ProcessHandle::destroyForcibly);
        waitGone(Duration.ofSeconds(10));
    }

    /** Waits for the process to exit (e.g. after a drain); returns its output. */
    public String waitGone(final Duration timeout)
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (process.isAlive() && System.nanoTime() < deadline)
        {
            ScaleOutTopology.sleep(20);
        }
        final String out = log();
        process.close();
        process = null;
        return out;
    }

    /** Packets by outcome id, summed over queues (e.g. translated_6to4). */
    public long packets(final String outcomeId)
    {
        final String text = ns.check("curl", "-sf", "http://127.0.0.1:9464/metrics").stdout();
        long sum = 0;
        final Matcher m = PACKETS.matcher(text);
        while (m.find())
        {
            if (m.group(1).contains("outcome=\"" + outcomeId + "\""))
            {
                sum += (long)Double.parseDouble(m.group(2));
            }
        }
        return sum;
    }

    /** One metric line's value from the endpoint, e.g. {@code xlat64_announced}; NaN when absent. */
    public double metric(final String name)
    {
        final Matcher m =
            Pattern.compile("^" + Pattern.quote(name) + "(\\{[^}]*\\})? ([0-9.eE+-]+)$", Pattern.MULTILINE)
                .matcher(ns.check("curl", "-sf", "http://127.0.0.1:9464/metrics").stdout());
        return m.find() ? Double.parseDouble(m.group(2)) : Double.NaN;
    }

    public String log()
    {
        return process == null ? "(not running)" : process.output() + process.errors();
    }

    @Override
    public void close()
    {
        if (process != null)
        {
            process.close();
            process = null;
        }
    }
}
