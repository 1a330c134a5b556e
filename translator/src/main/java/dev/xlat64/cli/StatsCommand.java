package dev.xlat64.cli;

import dev.xlat64.config.GatewayConfig;
import dev.xlat64.core.Outcome;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code xlat64 stats}: the counters of a running instance as a table, read from its Prometheus endpoint. */
@Command(
    name = "stats",
    mixinStandardHelpOptions = true,
    description = {
        "Show what a running xlat64 did with its packets: one line per outcome (translated, ICMP error sent, or "
            + "dropped with a reason), summed over the TUN queues, with its meaning and RFC rule; then the other "
            + "xlat64 counters (config reloads, DNS64). Reads the instance's metrics endpoint ([metrics] listen, "
            + "or run --metrics).",
        ""},
    footer = {"", "Exit codes: 0 shown, 1 the endpoint could not be read, 2 usage error."})
public final class StatsCommand implements Callable<Integer>
{
    private static final Pattern SAMPLE =
        Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{([^}]*)\\})? ([-+0-9.eE]+|NaN)$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    @Parameters(paramLabel = "ADDR:PORT", arity = "0..1", defaultValue = "127.0.0.1:9464",
        description = "The metrics endpoint of the instance (default: ${DEFAULT-VALUE}).")
    String endpoint;

    @Option(names = "--per-queue", description = "One line per outcome and TUN queue.")
    boolean perQueue;

    @Option(names = "--all", description = "Also list outcomes that never happened.")
    boolean all;

    @Option(names = "--watch", paramLabel = "SECONDS",
        description = "Re-sample every SECONDS and show packets/s over the last interval, until interrupted.")
    int watch;

    @Option(names = "--count", paramLabel = "N", description = "With --watch: stop after N tables (default: forever).")
    int count;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception
    {
        final PrintWriter out = spec.commandLine().getOut();
        final InetSocketAddress address;
        try
        {
            address = GatewayConfig.socketAddress(endpoint);
        }
        catch (final IllegalArgumentException ex)
        {
            spec.commandLine().getErr().println("xlat64: " + ex.getMessage());
            return 2;
        }
        final String host = address.getHostString().indexOf(':') >= 0 ? "[" + address.getHostString() + "]"
            : address.getHostString();
        final URI uri = URI.create("http://" + host + ":" + address.getPort() + "/metrics");
        final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
        Sample previous = null;
        long previousNanos = 0;
        for (int round = 0; ; round++)
        {
            final Sample now;
            try
            {
                now = Sample.parse(fetch(client, uri), perQueue);
            }
            catch (final IOException ex)
            {
                spec.commandLine().getErr().println("xlat64: cannot read " + uri + ": " +
                    (ex.getMessage() == null ? ex.toString() : ex.getMessage()) +
                    " (is xlat64 running with [metrics] listen / --metrics at that address?)");
                return 1;
            }
            final long nanos = System.nanoTime();
            final double seconds = previous == null ? 0 : (nanos - previousNanos) / 1e9;
            print(out, uri, now, previous, seconds);
            out.flush();
            if (watch <= 0 || (count > 0 && round + 1 >= count))
            {
                return 0;
            }
            previous = now;
            previousNanos = nanos;
            Thread.sleep(watch * 1000L);
        }
    }

    private static String fetch(final HttpClient client, final URI uri) throws IOException, InterruptedException
    {
        final HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
            HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200)
        {
            throw new IOException("HTTP " + r.statusCode());
        }
        return r.body();
    }

    private void print(final PrintWriter out, final URI uri, final Sample now, final Sample before,
        final double seconds)
    {
        final boolean rates = before != null && seconds > 0;
        out.printf("xlat64 at %s%s%n", uri, rates ? String.format(" (rates over the last %.1f s)", seconds) : "");
        final String queueColumn = perQueue ? " %5s" : "%s";
        out.printf("%-36s" + queueColumn + " %14s %16s %12s  %s%n", "outcome", perQueue ? "queue" : "", "packets",
            "bytes", rates ? "packets/s" : "", "meaning");
        long totalPackets = 0;
        long totalBytes = 0;
        double totalRate = 0;
        for (final Map.Entry<String, Long> e : now.packets.entrySet())
        {
            final String[] key = e.getKey().split("\u0000", -1);
            final String outcome = key[0];
            final long packets = e.getValue();
            final long bytes = now.bytes.getOrDefault(e.getKey(), 0L);
            totalPackets += packets;
            totalBytes += bytes;
            final double rate = rates ? (packets - before.packets.getOrDefault(e.getKey(), 0L)) / seconds : 0;
            totalRate += rate;
            if (packets == 0 && !all)
            {
                continue;
            }
            out.printf("%-36s" + queueColumn + " %14d %16d %12s  %s%n", outcome, perQueue ? key[1] : "", packets, bytes,
                rates ? String.format("%.1f", rate) : "", meaning(outcome));
        }
        out.printf("%-36s" + queueColumn + " %14d %16d %12s%n", "total", "", totalPackets, totalBytes,
            rates ? String.format("%.1f", totalRate) : "");
        if (!now.others.isEmpty())
        {
            out.println();
            for (final Map.Entry<String, Double> e : now.others.entrySet())
            {
                out.printf("%-60s %14s%n", e.getKey(), format(e.getValue()));
            }
        }
    }

    private static String format(final double v)
    {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long)v) : String.valueOf(v);
    }

    private static String meaning(final String outcomeId)
    {
        for (final Outcome o : Outcome.values())
        {
            if (o.id.equals(outcomeId))
            {
                return o.description + " (" + o.rule + ")";
            }
        }
        return "";
    }

    /** One scrape: packets and bytes per outcome (or outcome and queue), and the other xlat64_* samples. */
    static final class Sample
    {
        final Map<String, Long> packets = new TreeMap<>(Sample::compareKeys);
        final Map<String, Long> bytes = new TreeMap<>(Sample::compareKeys);
        final Map<String, Double> others = new TreeMap<>();

        /** Parses the Prometheus text format; keys are "outcome\0queue" (queue "" unless per queue). */
        static Sample parse(final String text, final boolean perQueue)
        {
            final Sample s = new Sample();
            for (final String line : text.split("\n"))
            {
                final Matcher m = SAMPLE.matcher(line.strip());
                if (line.startsWith("#") || !m.matches() || !m.group(1).startsWith("xlat64_"))
                {
                    continue;
                }
                final String name = m.group(1);
                final double value = Double.parseDouble(m.group(4));
                final Map<String, String> labels = new LinkedHashMap<>();
                if (m.group(3) != null)
                {
                    final Matcher l = LABEL.matcher(m.group(3));
                    while (l.find())
                    {
                        labels.put(l.group(1), l.group(2));
                    }
                }
                final Map<String, Long> target = name.equals("xlat64_packets_total") ? s.packets
                    : name.equals("xlat64_bytes_total") ? s.bytes : null;
                if (target != null && labels.containsKey("outcome"))
                {
                    final String queue = perQueue ? labels.getOrDefault("queue", "") : "";
                    final String key = labels.get("outcome") + "\u0000" + queue;
                    target.merge(key, (long)value, Long::sum);
                }
                else
                {
                    s.others.merge(name + (m.group(2) == null ? "" : m.group(2)), value, Double::sum);
                }
            }
            return s;
        }

        private static int compareKeys(final String a, final String b)
        {
            final String[] ka = a.split("\u0000", -1);
            final String[] kb = b.split("\u0000", -1);
            final int c = Integer.compare(rank(ka[0]), rank(kb[0]));
            if (c != 0)
            {
                return c;
            }
            if (!ka[0].equals(kb[0]))
            {
                return ka[0].compareTo(kb[0]);
            }
            if (ka[1].length() != kb[1].length())
            {
                return Integer.compare(ka[1].length(), kb[1].length());
            }
            return ka[1].compareTo(kb[1]);
        }

        private static int rank(final String outcomeId)
        {
            for (final Outcome o : Outcome.values())
            {
                if (o.id.equals(outcomeId))
                {
                    return o.ordinal();
                }
            }
            return Integer.MAX_VALUE;
        }
    }
}
