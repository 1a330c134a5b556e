package dev.xlat64.dns64.e2e;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * `xlat64 dns64 --config FILE` as its own JVM (as the launcher runs it) in front of unbound: the prefix comes from
 * [translator].prefix, dig gets synthesized answers, a 100-record A set makes unbound truncate so the DNS64 retries
 * upstream over TCP, metrics are scraped from --metrics, and SIGTERM ends it with exit code 0.
 */
class Dns64CommandEndToEndTest
{
    @Test
    void cliFromTheSharedConfigFile(@TempDir final Path dir) throws Exception
    {
        final StringBuilder zone = new StringBuilder(String.join("\n", "$ORIGIN test.example.", "$TTL 300",
            "@ IN SOA ns admin 1 3600 600 86400 120", "@ IN NS ns", "ns IN A 127.0.0.1", "a-only IN A 192.0.2.1", ""));
        for (int i = 1; i <= 100; i++)
        {
            zone.append("huge IN A 198.51.100.").append(i).append('\n');
        }
        try (Unbound unbound = new Unbound(dir, "", "test.example.", zone.toString()))
        {
            final int port = Unbound.freePort();
            final int metricsPort = Unbound.freePort();
            final Path config = dir.resolve("xlat64.toml");
            Files.writeString(config, "[translator]\nprefix = \"64:ff9b::/96\"\n\n[dns64]\n" +
                "listen = [\"127.0.0.1:" + port + "\", \"[::1]:" + port + "\"]\n" +
                "upstream = [\"" + unbound.address() + "\"]\n" +
                "[[dns64.mapped]]\nipv4 = \"192.0.2.0/24\"\nprefix = \"2001:db8:64::/96\"\n" +
                "[[dns64.mapped]]\nipv4 = \"198.51.100.0/24\"\nprefix = \"2001:db8:65::/96\"\n");
            final Path log = dir.resolve("dns64.log");
            final Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), "dev.xlat64.cli.Xlat64", "dns64", "--config",
                config.toString(), "--metrics", "127.0.0.1:" +
                    metricsPort).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            try
            {
                final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (!Files.readString(log).contains("listening") && p.isAlive() && System.nanoTime() < deadline)
                {
                    Thread.sleep(100);
                }
                assertTrue(Files.readString(log).contains("listening on 127.0.0.1:" + port), Files.readString(log));
                final String ps = String.valueOf(port);
                // TEST-NET ranges are non-global: the Well-Known Prefix may not carry them, their mapped prefixes do.
                assertEquals("2001:db8:64::c000:201\n",
                    Tools.run("dig", "@127.0.0.1", "-p", ps, "+time=3", "a-only.test.example.", "AAAA", "+short"));
                final String huge = Tools.run("dig", "@::1", "-p", ps, "+time=5", "huge.test.example.", "AAAA",
                    "+short");
                final List<String> lines = huge.lines().toList();
                assertEquals(100, lines.size(), huge);
                assertTrue(lines.contains("2001:db8:65::c633:6464"), huge);
                final String udpOnly = Tools.run("dig", "@127.0.0.1", "-p", ps, "+time=3", "+ignore",
                    "huge.test.example.", "AAAA");
                assertTrue(udpOnly.contains("flags: qr tc rd ra;"), udpOnly);
                final String metrics = new String(new java.net.URL("http://127.0.0.1:" + metricsPort + "/metrics")
                    .openStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                // a-only once; huge three times (UDP truncated + TCP retry by dig, then +ignore over UDP).
                assertTrue(metrics.contains("xlat64_dns64_synthesized_total 4.0"), metrics);
                assertTrue(metrics.contains("xlat64_dns64_upstream_truncated_total 1.0"), metrics);
                assertTrue(metrics.contains("xlat64_dns64_latency_seconds_bucket"), metrics);
            }
            finally
            {
                p.destroy();
                assertTrue(p.waitFor(10, TimeUnit.SECONDS));
            }
            assertEquals(0, p.exitValue(), Files.readString(log));
        }
    }
}
