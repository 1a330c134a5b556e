package dev.xlat64.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the MAP end-to-end tests share: their namespaces and files ({@link Lab}), the links of a CE or B4, starting
 * xlat64 in a namespace, waiting for its TUN, reading its counters.
 */
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

    /** IPv4 and IPv6 forwarding on, reverse-path filtering off (the MAP nodes route between their links and TUNs). */
    static void router(final Netns n)
    {
        n.sysctl("net.ipv4.ip_forward", "1").sysctl("net.ipv6.conf.all.forwarding", "1")
            .sysctl("net.ipv4.conf.all.rp_filter", "0").sysctl("net.ipv4.conf.default.rp_filter", "0");
    }

    /**
     * A CE or B4 {@code node} on link 2001:db8:N::/64 to the BR ({@code br}'s side ::1 named {@code brLink}, the node's
     * ::2 named w), with its End-user prefix routed to it; and, when {@code host} is not null, a host behind it on
     * 192.168.1.0/24 (MTU 1400, so the translated or tunnelled packets fit the 1500-byte links).
     */
    static void customerEdge(final Netns br, final String brLink, final Netns node, final String n,
        final String endUserPrefix, final Netns host)
    {
        Netns.veth(br, brLink, node, "w");
        br.addr(brLink, "2001:db8:" + n + "::1/64").route(endUserPrefix, "via", "2001:db8:" + n + "::2");
        node.addr("w", "2001:db8:" + n + "::2/64").route("default", "via", "2001:db8:" + n + "::1");
        router(node);
        if (host != null)
        {
            Netns.veth(node, "lan", host, "eth");
            node.addr("lan", "192.168.1.1/24");
            host.ip("link", "set", "eth", "mtu", "1400");
            host.addr("eth", "192.168.1.2/24").route("default", "via", "192.168.1.1");
        }
    }

    /** The namespaces and temporary files of one test class: closed in reverse order and deleted by {@link #close}. */
    static final class Lab implements AutoCloseable
    {
        private final String prefix;
        private final List<Netns> namespaces = new ArrayList<>();
        private final List<Path> files = new ArrayList<>();

        /** {@code prefix} starts the temporary files' names. */
        Lab(final String prefix)
        {
            this.prefix = prefix;
        }

        /** A new namespace whose name starts with {@code name}. */
        Netns namespace(final String name)
        {
            final Netns n = Netns.create(name);
            namespaces.add(n);
            return n;
        }

        /** An empty temporary file (deleted by {@link #close}). */
        Path file(final String name, final String suffix) throws IOException
        {
            final Path p = Files.createTempFile(prefix + name, suffix);
            files.add(p);
            return p;
        }

        /** A temporary TOML file of these lines. */
        Path toml(final String name, final String... lines) throws IOException
        {
            final Path p = file(name, ".toml");
            Files.writeString(p, String.join("\n", lines) + "\n");
            return p;
        }

        @Override
        public void close() throws IOException
        {
            for (int i = namespaces.size() - 1; i >= 0; i--)
            {
                namespaces.get(i).close();
            }
            for (final Path p : files)
            {
                Files.deleteIfExists(p);
            }
        }
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
