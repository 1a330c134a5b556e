package dev.xlat64.dns64;

import dev.xlat64.cli.CompanionService;
import dev.xlat64.cli.Xlat64;
import dev.xlat64.config.ConfigFile;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ServiceLoader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code xlat64 dns64} is found by the root command; help and exit codes; {@code xlat64 run} finds the service. */
class Dns64CommandTest
{
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(final String... args)
    {
        final CommandLine cl = Xlat64.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        return cl.execute(args);
    }

    @Test
    void helpIsWrittenForAnOperator()
    {
        assertEquals(0, run("dns64", "--help"));
        final String help = out.toString();
        for (final String s : new String[] {"--listen", "--upstream", "--prefix", "--config", "--allow-client",
            "--metrics", "Exit codes: 0", "ipv4only.arpa"})
        {
            assertTrue(help.contains(s), s + " in\n" + help);
        }
    }

    @Test
    void badFlagsAreUsageErrors()
    {
        assertEquals(2, run("dns64", "--upstream", "localhost", "--prefix", "64:ff9b::/95"));
        final String e = err.toString();
        assertTrue(e.contains("--upstream: 'localhost' is not IPv4:port"), e);
        assertTrue(e.contains("--prefix: RFC 6052 section 2.2 allows prefix lengths"), e);
        assertEquals(2, run("dns64", "--no-such-flag"));
    }

    @Test
    void configErrorsAreListedWithFileAndLine(@TempDir final Path dir) throws Exception
    {
        final Path f = dir.resolve("x.toml");
        Files.writeString(f, "[dns64]\nupstream = [\"127.0.0.1:53\"]\ntimeout-ms = \"soon\"\n");
        assertEquals(2, run("dns64", "--config", f.toString()));
        final String e = err.toString();
        assertTrue(e.contains(f + ":1: dns64: no prefix: set [translator].prefix"), e);
        assertTrue(e.contains(f + ":3: dns64.timeout-ms: expected an integer"), e);
    }

    @Test
    void unbindableListenAddressIsARuntimeFailure() throws Exception
    {
        try (java.net.DatagramSocket taken = new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress()))
        {
            assertEquals(1, run("dns64", "--listen", "127.0.0.1:" + taken.getLocalPort(), "--upstream", "127.0.0.1:53",
                "--prefix", "64:ff9b::/96"));
            assertTrue(err.toString().contains("cannot listen"), err.toString());
        }
    }

    @Test
    @SuppressWarnings("try") // the resource is the running service itself, kept open while the test asks it
    void runFindsTheCompanionServiceAndStartsIt() throws Exception
    {
        CompanionService found = null;
        for (final CompanionService s : ServiceLoader.load(CompanionService.class))
        {
            if (s.section().equals("dns64"))
            {
                found = s;
            }
        }
        assertTrue(found instanceof Dns64Service);
        final ConfigFile bad = ConfigFile.parse("x.toml", "[dns64]\nupstream = [\"127.0.0.1:53\"]\n");
        found.validate(bad);
        assertEquals(1, bad.errors().size());
        final ConfigFile good = ConfigFile.parse("x.toml", "[translator]\nprefix = \"64:ff9b::/96\"\n[dns64]\n" +
            "listen = [\"127.0.0.1:0\"]\nupstream = [\"127.0.0.1:53\"]\n");
        final SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (AutoCloseable running = found.start(good, registry))
        {
            assertTrue(registry.find("xlat64.dns64.queries").counters().size() == 2);
        }
    }
}
