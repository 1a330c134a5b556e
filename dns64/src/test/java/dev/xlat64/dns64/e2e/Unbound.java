package dev.xlat64.dns64.e2e;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real upstream: Debian's unbound on 127.0.0.1 and a random free port, serving test zones from auth-zone files (so
 * its iterator follows CNAME chains like a real resolver). Always stopped by {@link #close}.
 */
final class Unbound implements AutoCloseable
{
    static final String BINARY = "/usr/sbin/unbound";
    /** The start of the test.example. zone both end-to-end tests serve: origin, TTL, SOA, NS and the server's A. */
    static final String TEST_ZONE_HEAD = String.join("\n",
        "$ORIGIN test.example.",
        "$TTL 300",
        "@ 3600 IN SOA ns admin 1 3600 600 86400 120",
        "@ IN NS ns",
        "ns IN A 127.0.0.1",
        "");

    final Path dir;
    final int port;
    final Process process;

    /** {@code zones}: pairs of zone name and zone-file text. */
    Unbound(final Path dir, final String extraServerConfig, final String... zones) throws Exception
    {
        this(dir, false, extraServerConfig, zones);
    }

    /**
     * {@code authoritative}: the zones are answered as an authoritative server answers (auth-zone for-downstream), so
     * a CNAME into another zone comes back alone, the chain not followed: the upstream RFC 6147 section 5.1.5 is about.
     */
    Unbound(final Path dir, final boolean authoritative, final String extraServerConfig, final String... zones)
        throws Exception
    {
        this.dir = dir;
        this.port = freePort();
        final StringBuilder conf = new StringBuilder()
            .append("server:\n")
            .append("  interface: 127.0.0.1@").append(port).append('\n')
            .append("  do-daemonize: no\n  chroot: \"\"\n  username: \"\"\n  use-syslog: no\n  pidfile: \"\"\n")
            .append("  logfile: \"\"\n  directory: \"").append(dir).append("\"\n")
            .append("  verbosity: 1\n  num-threads: 1\n  do-ip6: no\n  so-reuseport: no\n")
            .append("  access-control: 127.0.0.0/8 allow\n  module-config: \"iterator\"\n")
            .append("  auto-trust-anchor-file: \"\"\n  msg-cache-size: 4m\n  rrset-cache-size: 4m\n")
            .append(extraServerConfig);
        for (int i = 0; i < zones.length; i += 2)
        {
            final Path file = dir.resolve(zones[i] + "zone");
            Files.writeString(file, zones[i + 1]);
            conf.append("auth-zone:\n  name: \"").append(zones[i]).append("\"\n  zonefile: \"").append(file)
                .append(authoritative ? "\"\n  for-downstream: yes\n  for-upstream: no\n" :
                "\"\n  for-downstream: no\n  for-upstream: yes\n").append("  fallback-enabled: no\n");
        }
        conf.append("remote-control:\n  control-enable: no\n");
        final Path confFile = dir.resolve("unbound.conf");
        Files.writeString(confFile, conf.toString());
        process = new ProcessBuilder(BINARY, "-d", "-c", confFile.toString())
            .redirectErrorStream(true).redirectOutput(dir.resolve("unbound.log").toFile()).start();
        waitUntilServing();
    }

    String address()
    {
        return "127.0.0.1:" + port;
    }

    private void waitUntilServing() throws Exception
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline)
        {
            if (!process.isAlive())
            {
                throw new IllegalStateException("unbound exited: " + Files.readString(dir.resolve("unbound.log")));
            }
            final String out = Tools.run("dig", "@127.0.0.1", "-p", String.valueOf(port), "+time=1", "+tries=1",
                "test.example.", "SOA");
            if (out.contains("status: NOERROR"))
            {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("unbound did not answer: " + Files.readString(dir.resolve("unbound.log")));
    }

    /** SIGSTOP / SIGCONT: the upstream goes silent, then comes back with its state intact. */
    void pause(final boolean paused) throws Exception
    {
        Tools.run("kill", paused ? "-STOP" : "-CONT", String.valueOf(process.pid()));
    }

    @SuppressWarnings("try") // the TCP socket only holds the port while the UDP one is asked for it
    static int freePort() throws IOException
    {
        for (int i = 0; i < 50; i++)
        {
            try (DatagramSocket u = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                 ServerSocket t = new ServerSocket(u.getLocalPort(), 1, InetAddress.getLoopbackAddress()))
            {
                return u.getLocalPort();
            }
            catch (final IOException ex)
            {
                // taken on one protocol: try another
            }
        }
        throw new IOException("no free port");
    }

    @Override
    public void close()
    {
        try
        {
            pause(false);
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS))
            {
                process.destroyForcibly().waitFor();
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        catch (final Exception ex)
        {
            process.destroyForcibly(); // SIGCONT failed: kill it all the same
        }
    }

    static List<String> lines(final String text)
    {
        return text.lines().toList();
    }
}
