package dev.xlat64.e2e;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * MAP-T BR end to end (RFC 7599), real kernels: an IPv4 server, the BR (xlat64 run with a [[mapt.domain]] on a TUN
 * device) and a CE emulated by its IPv6 address and real sockets bound to ports of its set:
 * <pre>
 *   ce 2001:db8:1::2 (lo: 2001:db8:12:3400:0:c000:212:34) -- 2001:db8:1::1 BR 198.51.100.1 -- 198.51.100.2 srv
 *                                                              TUN xmt: 192.0.2.0/24, 2001:db8:ffff::/64
 * </pre>
 * The rule is RFC 7599 appendix A's: {2001:db8::/40, 192.0.2.0/24, 16}, DMR 2001:db8:ffff::/64, so the CE is
 * 192.0.2.18 with PSID 0x34 (ports 1232-1235, 2256-2259, ...) and the server is 2001:db8:ffff:0:c6:3364:200:0.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class Rfc7599EndToEndTest
{
    private static final String CE = "2001:db8:12:3400:0:c000:212:34";
    private static final String SERVER6 = "2001:db8:ffff:0:c6:3364:200:0";
    private static final int METRICS_PORT = 9467;

    private final List<Netns> namespaces = new ArrayList<>();
    private Netns ce;
    private Netns br;
    private Netns srv;
    private Shell.Background brProcess;
    private Shell.Background echo;
    private Path conf;

    @BeforeAll
    void topology() throws IOException
    {
        assumeTrue(Netns.requireRoot(), Netns.ROOT_MESSAGE);
        ce = add(Netns.create("xmtc"));
        br = add(Netns.create("xmtb"));
        srv = add(Netns.create("xmts"));
        Netns.veth(ce, "v6", br, "b6");
        Netns.veth(br, "b4", srv, "v4");
        ce.addr("v6", "2001:db8:1::2/64").route("default", "via", "2001:db8:1::1");
        ce.ip("addr", "add", CE + "/128", "dev", "lo", "nodad");
        br.addr("b6", "2001:db8:1::1/64").addr("b4", "198.51.100.1/24");
        br.route("2001:db8:12:3400::/56", "via", "2001:db8:1::2");
        srv.addr("v4", "198.51.100.2/24").route("192.0.2.0/24", "via", "198.51.100.1");
        br.sysctl("net.ipv4.ip_forward", "1").sysctl("net.ipv6.conf.all.forwarding", "1")
            .sysctl("net.ipv4.conf.all.rp_filter", "0").sysctl("net.ipv4.conf.default.rp_filter", "0");
        conf = Files.createTempFile("xmt", ".toml");
        Files.writeString(conf, String.join("\n", "[[mapt.domain]]", "dmr = \"2001:db8:ffff::/64\"",
            "[[mapt.domain.rule]]", "ipv6-prefix = \"2001:db8::/40\"", "ipv4-prefix = \"192.0.2.0/24\"",
            "ea-bits = 16", ""));
        brProcess = br.start(Xlat64Jvm.argv("run", "--config", conf.toString(), "--tun", "xmt", "--metrics",
            "127.0.0.1:" + METRICS_PORT));
        MapNodes.awaitLink(br, "xmt", brProcess);
        br.route("192.0.2.0/24", "dev", "xmt").route("2001:db8:ffff::/64", "dev", "xmt");
        echo = srv.start("/usr/bin/python3", "-c", String.join("\n", "import socket",
            "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)", "s.bind(('198.51.100.2', 7))", "while True:",
            "    d, a = s.recvfrom(4096)", "    s.sendto(d, a)"));
    }

    private Netns add(final Netns n)
    {
        namespaces.add(n);
        return n;
    }

    @AfterAll
    void cleanUp() throws IOException
    {
        if (echo != null)
        {
            echo.stop();
        }
        for (int i = namespaces.size() - 1; i >= 0; i--)
        {
            namespaces.get(i).close();
        }
        if (conf != null)
        {
            Files.deleteIfExists(conf);
        }
    }

    /** A UDP datagram from the CE's port to the server's echo service; the echoed text, or "timeout". */
    private Shell.Result udpFromCe(final int port)
    {
        return ce.exec("/usr/bin/python3", "-c", String.join("\n", "import socket",
            "s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)", "s.bind(('" + CE + "', " + port + "))",
            "s.settimeout(3)", "s.sendto(b'map-t " + port + "', ('" + SERVER6 + "', 7))", "try:",
            "    print(s.recvfrom(100)[0].decode())", "except socket.timeout:", "    print('timeout')"));
    }

    @Test
    @Order(1)
    void pingWithAnIdentifierOfTheSetBothWays()
    {
        // RFC 7599 s.9: the echo identifier stands for the port; 1233 is in PSID 0x34's set.
        final Shell.Result r =
            ce.exec("ping", "-6", "-c", "3", "-i", "0.2", "-W", "2", "-e", "1233", "-I", CE, SERVER6);
        assertEquals(0, r.exitCode(), () -> r + metrics());
        assertTrue(r.stdout().contains("3 received"), r::toString);
    }

    @Test
    @Order(2)
    void udpFromAPortOfTheSetBothWays()
    {
        final Shell.Result r = udpFromCe(1232);
        assertEquals("map-t 1232", r.stdout().strip(), () -> r + metrics());
        final Shell.Result last = udpFromCe(64723);
        assertEquals("map-t 64723", last.stdout().strip(), () -> last + metrics());
    }

    @Test
    @Order(3)
    void udpFromAPortOutsideTheSetIsDroppedAndCounted()
    {
        final long before = counter("mapt_port_outside_set");
        final Shell.Result r = udpFromCe(1236);
        assertEquals("timeout", r.stdout().strip(), r::toString);
        assertEquals(before + 1, counter("mapt_port_outside_set"), this::metrics);
        assertTrue(counter("translated_6to4") >= 5, this::metrics);
        assertTrue(counter("translated_4to6") >= 5, this::metrics);
        // Per domain: the drop and the translations are counted under the domain's config key too.
        assertEquals(1, domainCounter("mapt_port_outside_set"), this::metrics);
        assertTrue(domainCounter("translated_6to4") >= 5, this::metrics);
    }

    /** The BR's per-domain counter of {@code mapt.domain[1]} for an outcome, summed over queues. */
    private long domainCounter(final String outcome)
    {
        final Matcher m = Pattern.compile("^xlat64_map_domain_packets_total\\{[^}]*domain=\"mapt.domain\\[1\\]\"[^}]*"
            + "outcome=\"" + outcome + "\"[^}]*} ([0-9.eE+]+)$", Pattern.MULTILINE).matcher(metrics());
        long sum = 0;
        while (m.find())
        {
            sum += (long)Double.parseDouble(m.group(1));
        }
        return sum;
    }

    private String metrics()
    {
        return MapNodes.metrics(br, METRICS_PORT);
    }

    /** The BR's packet counter for an outcome, summed over queues. */
    private long counter(final String outcome)
    {
        return MapNodes.counter(metrics(), outcome);
    }
}
