package dev.xlat64.dns64;

import dev.xlat64.cli.Signals;
import dev.xlat64.cli.Xlat64Subcommand;
import dev.xlat64.config.ConfigFile;
import dev.xlat64.metrics.MetricsServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code xlat64 dns64}: runs the DNS64 responder alone, from flags, the shared config file, or both. */
@Command(
    name = "dns64",
    mixinStandardHelpOptions = true,
    versionProvider = dev.xlat64.cli.Version.class,
    header = "Run the DNS64 responder (RFC 6147) in front of your recursive resolvers.",
    description = {
        "Run the DNS64 responder (RFC 6147): forwards queries to your upstream resolvers and, when a name has no "
            + "usable AAAA record, answers with AAAA records made from its A records under the translator's prefix. "
            + "Also answers PTR queries under the prefix (as a CNAME into in-addr.arpa) and ipv4only.arpa "
            + "(RFC 7050/8880), over UDP and TCP.",
        "",
        "With --config it reads the [dns64] table of the same file as `xlat64 run`, and uses [translator].prefix "
            + "unless [dns64].prefixes is set, so DNS64 and translator cannot disagree. Flags override the file.",
        "Only loopback clients (and --allow-client / dns64.allow-clients prefixes) are served; others get REFUSED.",
        ""},
    footer = {
        "",
        "Examples:",
        "  xlat64 dns64 --listen '[::1]:5353' --upstream 127.0.0.1:53 \\",
        "               --prefix 64:ff9b::/96",
        "  xlat64 dns64 --config /etc/xlat64/xlat64.toml",
        "",
        "Exit codes: 0 stopped cleanly (SIGTERM/SIGINT), 1 runtime failure (e.g. a listen address cannot be bound), "
            + "2 usage or config error (all config errors are listed as file:line: key: message)."})
public final class Dns64Command implements Xlat64Subcommand, Callable<Integer>
{
    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE",
        description = "The xlat64 TOML config file; its [dns64] table and [translator].prefix are used.")
    Path config;

    @Option(names = "--listen", paramLabel = "ADDR:PORT",
        description = "Address to answer on, UDP and TCP (repeatable; IPv6 in brackets). "
            + "Default: dns64.listen, else 127.0.0.1:53 and [::1]:53.")
    List<String> listen = new ArrayList<>();

    @Option(names = "--upstream", paramLabel = "ADDR:PORT",
        description = "Recursive resolver to forward to (repeatable; tried in turn on timeout). "
            + "Default: dns64.upstream.")
    List<String> upstream = new ArrayList<>();

    @Option(names = "--prefix", paramLabel = "PREFIX",
        description = "RFC 6052 prefix to synthesize with (/32, /40, /48, /56, /64 or /96; repeatable). "
            + "Default: dns64.prefixes, else [translator].prefix.")
    List<String> prefix = new ArrayList<>();

    @Option(names = "--allow-client", paramLabel = "PREFIX",
        description = "Client network allowed to query besides loopback (repeatable). Default: dns64.allow-clients.")
    List<String> allowClient = new ArrayList<>();

    @Option(names = "--threads", paramLabel = "N",
        description = "Event loops, each with its own sockets (SO_REUSEPORT) and caches; 0 = one per CPU. "
            + "Default: dns64.threads, else 1.")
    Integer threads;

    @Option(names = "--metrics", paramLabel = "ADDR:PORT",
        description = "Serve Prometheus metrics over HTTP at http://ADDR:PORT/metrics.")
    String metrics;

    @Override
    public Integer call() throws Exception
    {
        final PrintWriter err = spec.commandLine().getErr();
        final ConfigFile file;
        if (config != null)
        {
            if (!Files.isReadable(config))
            {
                err.println("xlat64 dns64: cannot read " + config);
                return 2;
            }
            file = ConfigFile.read(config);
        }
        else
        {
            file = ConfigFile.parse("command line", "");
        }
        final Dns64Config.Overrides overrides = new Dns64Config.Overrides();
        overrides.listen = listen;
        overrides.upstream = upstream;
        overrides.prefixes = prefix;
        overrides.allowClients = allowClient;
        overrides.threads = threads;
        final Dns64Config c = file.hasErrors() ? null : Dns64Config.load(file, overrides);
        if (c == null)
        {
            for (final String e : file.errors())
            {
                err.println(e.startsWith("command line:?: ") ? e.substring("command line:?: ".length()) : e);
            }
            return 2;
        }
        InetSocketAddress metricsAddress = null;
        if (metrics != null)
        {
            try
            {
                metricsAddress = HostPort.parse(metrics);
            }
            catch (final IllegalArgumentException ex)
            {
                err.println("--metrics: " + ex.getMessage());
                return 2;
            }
        }
        final MeterRegistry registry;
        MetricsServer http = null;
        if (metricsAddress != null)
        {
            final PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            registry = prometheus;
            try
            {
                http = new MetricsServer(metricsAddress, prometheus::scrape);
            }
            catch (final IOException ex)
            {
                err.println("xlat64 dns64: metrics on " + metrics + ": " + ex.getMessage());
                return 1;
            }
        }
        else
        {
            registry = new SimpleMeterRegistry();
        }
        final Server server;
        try
        {
            server = Server.start(c, registry);
        }
        catch (final IOException ex)
        {
            err.println("xlat64 dns64: " + ex.getMessage());
            if (http != null)
            {
                http.close();
            }
            return 1;
        }
        final PrintWriter out = spec.commandLine().getOut();
        final List<String> where = new ArrayList<>();
        server.udpAddresses().forEach(a -> where.add(HostPort.format(a)));
        final List<String> to = new ArrayList<>();
        c.upstreams.forEach(a -> to.add(HostPort.format(a)));
        out.println("xlat64 dns64: listening on " + String.join(", ", where) + " (UDP+TCP), upstream " +
            String.join(", ", to) + ", prefixes " + c.policy.prefixes() + "; " + server.udpPath());
        out.flush();
        // SIGTERM/SIGINT end the wait so the command returns 0, instead of the JVM's 143/130 signal exit.
        final CountDownLatch stopped = new CountDownLatch(1);
        for (final String signal : new String[] {"TERM", "INT"})
        {
            Signals.handle(signal, stopped::countDown);
        }
        stopped.await();
        server.close();
        if (http != null)
        {
            http.close();
        }
        return 0;
    }
}
