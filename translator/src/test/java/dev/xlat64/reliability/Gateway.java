package dev.xlat64.reliability;

import dev.xlat64.e2e.Netns;
import dev.xlat64.e2e.Shell;
import dev.xlat64.e2e.SiitTopology;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One real {@code xlat64 run} (its own JVM, like production) in a namespace, on TUN {@link #TUN}, with the metrics
 * endpoint on the namespace's loopback. Can be started again after a kill; reads its counters, RSS, fds and heap.
 */
final class Gateway implements AutoCloseable
{
    static final String TUN = "xlt0";
    static final String PREFIX = "2001:db8:64::/96";
    private static final Pattern PACKETS =
        Pattern.compile("^xlat64_packets_total\\{([^}]*)\\} ([0-9.eE+]+)$", Pattern.MULTILINE);
    private static final Pattern OUTCOME = Pattern.compile("outcome=\"([^\"]+)\"");
    private static final Pattern HEAP = Pattern.compile("^jvm_memory_used_bytes\\{([^}]*)\\} ([0-9.eE+]+)$",
        Pattern.MULTILINE);

    final Netns ns;
    private final List<String> args;
    private Shell.Background process;

    Gateway(final Netns ns, final String... args)
    {
        this.ns = ns;
        this.args = List.of(args);
    }

    /** Starts {@code xlat64 run --tun xlt0 --metrics 127.0.0.1:9464 ARGS} and waits for the TUN and the endpoint. */
    Gateway start()
    {
        final List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", ns.name(),
            System.getProperty("java.home") + "/bin/java", "-Xmx256m",
            "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED", "--add-opens", "java.base/java.nio=ALL-UNNAMED",
            "-cp", System.getProperty("java.class.path"), "dev.xlat64.cli.Xlat64", "run",
            "--tun", TUN, "--metrics", "127.0.0.1:9464"));
        argv.addAll(args);
        process = Shell.start(argv.toArray(new String[0]));
        final long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!ns.exec("ip", "link", "show", TUN).ok() ||
            !ns.exec("curl", "-sf", "-o", "/dev/null", "http://127.0.0.1:9464/metrics").ok())
        {
            if (!process.isAlive() || System.nanoTime() > deadline)
            {
                throw new AssertionError("xlat64 did not come up in " + ns.name() + ": " + process.errors()
                    + process.output());
            }
            sleep(100);
        }
        return this;
    }

    /** The JVM's pid (ip netns exec execs it in place). */
    long pid()
    {
        return process.pid();
    }

    boolean alive()
    {
        return process != null && process.isAlive();
    }

    /** SIGKILL, as a crash or the OOM killer would: no shutdown hook runs. */
    void kill()
    {
        ProcessHandle.of(pid()).ifPresent(ProcessHandle::destroyForcibly);
        final long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (process.isAlive() && System.nanoTime() < deadline)
        {
            sleep(20);
        }
        process.close();
        process = null;
    }

    /** SIGTERM; returns what it printed (the counter summary). */
    Shell.Result stop()
    {
        final Shell.Result r = process.stop();
        process.close();
        process = null;
        return r;
    }

    /** Packets per outcome id, summed over queues, from the metrics endpoint. */
    Map<String, Long> outcomes()
    {
        final String text = ns.check("curl", "-sf", "http://127.0.0.1:9464/metrics").stdout();
        final Map<String, Long> out = new TreeMap<>();
        final Matcher m = PACKETS.matcher(text);
        while (m.find())
        {
            final Matcher id = OUTCOME.matcher(m.group(1));
            if (id.find())
            {
                out.merge(id.group(1), (long)Double.parseDouble(m.group(2)), Long::sum);
            }
        }
        return out;
    }

    long packets(final String outcomeId)
    {
        return outcomes().getOrDefault(outcomeId, 0L);
    }

    static long total(final Map<String, Long> outcomes)
    {
        return outcomes.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Resident set size in KiB (/proc/PID/status VmRSS). */
    long rssKib()
    {
        try
        {
            for (final String line : Files.readAllLines(Paths.get("/proc/" + pid() + "/status")))
            {
                if (line.startsWith("VmRSS:"))
                {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        throw new AssertionError("no VmRSS for " + pid());
    }

    /** Open file descriptors (/proc/PID/fd). */
    long openFds()
    {
        final String[] names = Paths.get("/proc/" + pid() + "/fd").toFile().list();
        return names == null ? -1 : names.length;
    }

    /** Heap in use right after a full GC (jcmd GC.run, then jvm_memory_used_bytes over the heap pools), bytes. */
    long heapAfterGc()
    {
        Shell.check(Paths.get(System.getProperty("java.home"), "bin", "jcmd").toString(), String.valueOf(pid()),
            "GC.run");
        final String text = ns.check("curl", "-sf", "http://127.0.0.1:9464/metrics").stdout();
        long sum = 0;
        final Matcher m = HEAP.matcher(text);
        while (m.find())
        {
            if (m.group(1).contains("area=\"heap\""))
            {
                sum += (long)Double.parseDouble(m.group(2));
            }
        }
        return sum;
    }

    /** Standard output and error so far, for failure messages. */
    String log()
    {
        return process == null ? "(not running)" : process.output() + process.errors();
    }

    static void sleep(final long millis)
    {
        SiitTopology.sleep(millis);
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

    @Override
    public String toString()
    {
        return "xlat64 in " + ns.name() + " " + Arrays.toString(args.toArray());
    }

    static Path writeTemp(final String prefix, final String content)
    {
        try
        {
            final Path p = Files.createTempFile(prefix, ".txt");
            Files.writeString(p, content);
            p.toFile().deleteOnExit();
            return p;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
