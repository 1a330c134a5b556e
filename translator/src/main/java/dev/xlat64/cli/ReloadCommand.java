package dev.xlat64.cli;

import dev.xlat64.config.GatewayConfig;
import dev.xlat64.service.Pidfile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * {@code xlat64 reload}: SIGHUP to the instance named by the pidfile, then (when its metrics endpoint answers) waits
 * for {@code xlat64_config_reloads_total} to move and reports whether the new config was taken or rejected.
 */
@Command(
    name = "reload",
    mixinStandardHelpOptions = true,
    description = {
        "Make a running xlat64 re-read its config file (the same as SIGHUP or systemctl reload xlat64). The new file "
            + "is validated in full and swapped in atomically, or rejected while the old config keeps running; the "
            + "reason is in its log (journalctl -u xlat64). The instance is found through its pidfile (run --pidfile); "
            + "when its metrics endpoint answers, this command waits for the outcome and reports it.",
        ""},
    footer = {"", "Exit codes: 0 reloaded (or signalled, when the outcome cannot be read), 1 no running instance or "
        + "no outcome in time, 2 the new config was rejected."})
public final class ReloadCommand implements Callable<Integer>
{
    @Option(names = "--pidfile", paramLabel = "FILE", defaultValue = Pidfile.DEFAULT,
        description = "The running instance's pidfile (default: ${DEFAULT-VALUE}).")
    Path pidfile;

    @Option(names = "--metrics", paramLabel = "ADDR:PORT", defaultValue = "127.0.0.1:9464",
        description = "Its metrics endpoint, to learn the outcome (default: ${DEFAULT-VALUE}).")
    String metrics;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "10",
        description = "How long to wait for the outcome (default: ${DEFAULT-VALUE}).")
    int timeout;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception
    {
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        final long pid = RunningInstance.pid(pidfile, err);
        if (pid < 0)
        {
            return 1;
        }
        final URI uri = metricsUri(GatewayConfig.socketAddress(metrics));
        final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        final double[] before = reloads(client, uri);
        Pidfile.hangup(pid);
        if (before == null)
        {
            out.println("xlat64: sent SIGHUP to process " + pid + "; its metrics at " + uri + " do not answer, so " +
                "see its log for the outcome");
            return 0;
        }
        final long deadline = System.nanoTime() + Duration.ofSeconds(timeout).toNanos();
        while (System.nanoTime() < deadline)
        {
            Thread.sleep(100);
            final double[] now = reloads(client, uri);
            if (now == null)
            {
                continue;
            }
            if (now[1] > before[1])
            {
                err.println("xlat64: process " + pid + " rejected the new config and keeps running the old one; " +
                    "the reason is in its log (journalctl -u xlat64)");
                final Path file = Pidfile.configOf(pid);
                if (file != null)
                {
                    err.println("xlat64: xlat64 check-config " + file + " says:");
                    err.flush();
                    final CheckConfigCommand check = new CheckConfigCommand();
                    check.file = file;
                    check.spec = spec;
                    check.call();
                }
                return 2;
            }
            if (now[0] > before[0])
            {
                out.println("xlat64: process " + pid + " reloaded its config");
                return 0;
            }
        }
        err.println("xlat64: sent SIGHUP to process " + pid + " but saw no reload within " + timeout + " s");
        return 1;
    }

    private static URI metricsUri(final InetSocketAddress address)
    {
        final String host = address.getHostString().indexOf(':') >= 0 ? "[" + address.getHostString() + "]"
            : address.getHostString();
        return URI.create("http://" + host + ":" + address.getPort() + "/metrics");
    }

    /** {ok, rejected} reload counts, or null when the endpoint does not answer or has no such counter. */
    private static double[] reloads(final HttpClient client, final URI uri)
    {
        try
        {
            final HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(3)).build();
            final HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200)
            {
                return null;
            }
            final StatsCommand.Sample s = StatsCommand.Sample.parse(r.body(), false);
            final Double ok = s.others.get("xlat64_config_reloads_total{result=\"ok\"}");
            final Double rejected = s.others.get("xlat64_config_reloads_total{result=\"rejected\"}");
            return ok == null || rejected == null ? null : new double[] {ok, rejected};
        }
        catch (final IOException ex)
        {
            return null;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
