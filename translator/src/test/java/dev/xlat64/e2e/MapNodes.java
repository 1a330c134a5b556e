package dev.xlat64.e2e;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What the MAP end-to-end tests share: starting xlat64 in a namespace, waiting for its TUN, reading its counters. */
final class MapNodes
{
    /**
     * An IPv4 server ({@code python3 -c SERVER ADDRESS UDP-PORT TCP-PORT}): the TCP port answers any request with an
     * HTTP/1.0 response whose body is the client's {@code address:port}; the UDP port echoes each datagram prefixed
     * with the sender's {@code address:port }.
     */
    static final String SERVER = String.join("\n", "import socket, sys, threading",
        "addr, udp_port, tcp_port = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])",
        "def tcp():",
        "    s = socket.socket()",
        "    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)",
        "    s.bind((addr, tcp_port))",
        "    s.listen(16)",
        "    while True:",
        "        c, a = s.accept()",
        "        try:",
        "            c.settimeout(3)",
        "            c.recv(4096)",
        "            body = ('%s:%d\\n' % a).encode()",
        "            c.sendall(b'HTTP/1.0 200 OK\\r\\nContent-Length: %d\\r\\n\\r\\n' % len(body) + body)",
        "        except OSError:",
        "            pass",
        "        c.close()",
        "threading.Thread(target=tcp, daemon=True).start()",
        "u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)",
        "u.bind((addr, udp_port))",
        "while True:",
        "    d, a = u.recvfrom(4096)",
        "    u.sendto(('%s:%d ' % a).encode() + d, a)");

    private MapNodes()
    {
    }

    static String[] xlat64(final String... args)
    {
        final List<String> argv = new ArrayList<>(List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
            "dev.xlat64.cli.Xlat64"));
        argv.addAll(List.of(args));
        return argv.toArray(new String[0]);
    }

    /** Waits until {@code link} exists in {@code ns} (xlat64 made its TUN device), then turns rp_filter off on it. */
    static void awaitLink(final Netns ns, final String link, final Shell.Background process)
    {
        final long deadline = System.nanoTime() + Duration.ofSeconds(45).toNanos();
        while (System.nanoTime() < deadline)
        {
            if (ns.exec("ip", "link", "show", link).ok())
            {
                ns.sysctl("net.ipv4.conf." + link + ".rp_filter", "0");
                return;
            }
            if (!process.isAlive())
            {
                throw new AssertionError("xlat64 exited: " + process.output() + process.errors());
            }
            sleep(100);
        }
        throw new AssertionError(link + " did not appear in " + ns + ": " + process.output() + process.errors());
    }

    static void sleep(final long millis)
    {
        try
        {
            Thread.sleep(millis);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    /** The metrics text of the xlat64 in {@code ns} serving on 127.0.0.1:{@code port}. */
    static String metrics(final Netns ns, final int port)
    {
        return ns.exec("curl", "-s", "http://127.0.0.1:" + port + "/metrics").stdout();
    }

    /** {@code xlat64_packets_total} for an outcome, summed over queues. */
    static long counter(final String metrics, final String outcome)
    {
        final Matcher m = Pattern.compile(
            "^xlat64_packets_total\\{[^}]*outcome=\"" + outcome + "\"[^}]*} ([0-9.eE+]+)$", Pattern.MULTILINE)
            .matcher(metrics);
        long sum = 0;
        while (m.find())
        {
            sum += (long)Double.parseDouble(m.group(1));
        }
        return sum;
    }

    /** The port of an {@code address:port} the server saw, checked to be {@code address}'s. */
    static int port(final String seen, final String address)
    {
        final Matcher m = Pattern.compile(Pattern.quote(address) + ":(\\d+)").matcher(seen);
        if (!m.find())
        {
            throw new AssertionError("the server did not see " + address + ": '" + seen + "'");
        }
        return Integer.parseInt(m.group(1));
    }
}
