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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * 6rd end to end (RFC 5969), real kernels, real tools: two CEs (xlat64 6rd-ce on a TUN device each), a BR (xlat64 run
 * with a 6rd domain on a TUN device) and an IPv6-only host, in namespaces:
 * <pre>
 *   h6 2001:db8:ffff::2 --(MTU 9000)-- 2001:db8:ffff::1 BR 198.51.100.1 -- 198.51.100.2 CE1
 *                                       TUN x6br: 203.0.113.0/24,   198.51.100.5 -- 198.51.100.6 CE2
 *                                                 2001:db8:100::/40
 *   CE1: WAN 192.0.2.10, 2001:db8:10a::1;   CE2: WAN 192.0.2.20, 2001:db8:114::1
 * </pre>
 * Domain: 6rd prefix 2001:db8:100::/40, IPv4 prefix 192.0.2.0/24 (IPv4MaskLen 24, delegated /48s), BR 203.0.113.1,
 * tunnel MTU 1480. The CEs' WAN addresses belong to xlat64: the kernel routes them into the TUN device (docs/6rd.md).
 * Negative cases are crafted with scapy, independently of our code, and read back from the BR's metrics.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class Rfc5969EndToEndTest
{
    private static final String PYTHON = "/usr/bin/python3";
    private static final String DOMAIN_PREFIX = "2001:db8:100::/40";
    private static final String DOMAIN_IPV4 = "192.0.2.0/24";
    private static final String BR = "203.0.113.1";
    private static final String H6 = "2001:db8:ffff::2";
    private static final String CE1 = "2001:db8:10a::1";
    private static final String CE2 = "2001:db8:114::1";
    private static final int METRICS_PORT = 9464;

    private final List<Netns> namespaces = new ArrayList<>();
    private Netns h6;
    private Netns br;
    private Netns c1;
    private Netns c2;
    private Shell.Background brProcess;
    private Path web;

    @BeforeAll
    void topology() throws IOException
    {
        assumeTrue(Netns.requireRoot(), Netns.ROOT_MESSAGE);
        h6 = add(Netns.create("x6rdh"));
        br = add(Netns.create("x6rdb"));
        c1 = add(Netns.create("x6rdc"));
        c2 = add(Netns.create("x6rdd"));
        Netns.veth(h6, "v6h", br, "v6b");
        h6.ip("link", "set", "v6h", "mtu", "9000");
        br.ip("link", "set", "v6b", "mtu", "9000");
        Netns.veth(br, "b1", c1, "wan");
        Netns.veth(br, "b2", c2, "wan");
        h6.addr("v6h", H6 + "/64").route("default", "via", "2001:db8:ffff::1");
        br.addr("v6b", "2001:db8:ffff::1/64").addr("b1", "198.51.100.1/30").addr("b2", "198.51.100.5/30");
        br.route("192.0.2.10/32", "via", "198.51.100.2").route("192.0.2.20/32", "via", "198.51.100.6");
        c1.addr("wan", "198.51.100.2/30").route("default", "via", "198.51.100.1");
        c2.addr("wan", "198.51.100.6/30").route("default", "via", "198.51.100.5");
        for (final Netns n : List.of(br, c1, c2))
        {
            n.sysctl("net.ipv4.ip_forward", "1").sysctl("net.ipv6.conf.all.forwarding", "1")
                .sysctl("net.ipv4.conf.all.rp_filter", "0").sysctl("net.ipv4.conf.default.rp_filter", "0");
        }

        // The BR: 6rd alone, a TUN MTU above the tunnel MTU so oversized IPv6 reaches it and draws its Packet Too Big.
        brProcess = br.start(xlat64("run", "--tun", "x6br", "--mtu", "9000", "--6rd-prefix", DOMAIN_PREFIX,
            "--6rd-ipv4-prefix", DOMAIN_IPV4, "--6rd-br", BR, "--metrics", "127.0.0.1:" + METRICS_PORT));
        startCe(c1, "192.0.2.10", CE1);
        startCe(c2, "192.0.2.20", CE2);
        awaitLink(br, "x6br", brProcess);
        br.route("203.0.113.0/24", "dev", "x6br").route(DOMAIN_PREFIX, "dev", "x6br");

        web = Files.createTempDirectory("x6rd-web");
        Files.write(web.resolve("big"), payload(200_000));
    }

    private void startCe(final Netns ce, final String wan, final String address)
    {
        final Shell.Background p = ce.start(xlat64("6rd-ce", "--tun", "x6ce", "--6rd-prefix", DOMAIN_PREFIX,
            "--6rd-ipv4-prefix", DOMAIN_IPV4, "--6rd-br", BR, "--wan-ipv4", wan));
        awaitLink(ce, "x6ce", p);
        ce.route(wan + "/32", "dev", "x6ce");
        ce.ip("-6", "route", "add", "default", "dev", "x6ce", "mtu", "1480");
        ce.ip("addr", "add", address + "/128", "dev", "lo", "nodad");
    }

    private Netns add(final Netns n)
    {
        namespaces.add(n);
        return n;
    }

    @AfterAll
    void cleanUp() throws IOException
    {
        for (int i = namespaces.size() - 1; i >= 0; i--)
        {
            namespaces.get(i).close();
        }
        if (web != null)
        {
            Files.deleteIfExists(web.resolve("big"));
            Files.deleteIfExists(web);
        }
    }

    /** A subprocess JVM running xlat64 with this test's classpath (as a packaged launcher would). */
    private static String[] xlat64(final String... args)
    {
        return Xlat64Jvm.argv(args);
    }

    private static void awaitLink(final Netns ns, final String link, final Shell.Background process)
    {
        MapNodes.awaitLink(ns, link, process);
    }

    private static void sleep(final long millis)
    {
        MapNodes.sleep(millis);
    }

    private static byte[] payload(final int n)
    {
        final byte[] b = new byte[n];
        for (int i = 0; i < n; i++)
        {
            b[i] = (byte)('a' + i % 26);
        }
        return b;
    }

    private static void ping(final Netns from, final String source, final String destination)
    {
        final Shell.Result r = from.exec("ping", "-6", "-c", "3", "-i", "0.2", "-W", "2", "-I", source, destination);
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.stdout().contains("3 received"), r::toString);
    }

    @Test
    @Order(1)
    void pingFromCeToIpv6HostAndBack()
    {
        ping(c1, CE1, H6);
        ping(h6, H6, CE1);
    }

    @Test
    @Order(2)
    void twoCesTalkAcrossTheDomain()
    {
        ping(c1, CE1, CE2);
        ping(c2, CE2, CE1);
    }

    @Test
    @Order(3)
    void udpBothWays()
    {
        final String echo = "UDP6-LISTEN:9000,bind=[%s],reuseaddr,fork";
        h6.start("socat", String.format(echo, H6), "EXEC:cat");
        c1.start("socat", String.format(echo, CE1), "EXEC:cat");
        sleep(500);
        final Shell.Result there = c1.check("sh", "-c", "echo 6rd-udp-up | socat -t2 - 'UDP6:[" + H6 + "]:9000'");
        assertEquals("6rd-udp-up", there.stdout().strip(), there::toString);
        final Shell.Result back = h6.check("sh", "-c", "echo 6rd-udp-down | socat -t2 - 'UDP6:[" + CE1 + "]:9000'");
        assertEquals("6rd-udp-down", back.stdout().strip(), back::toString);
    }

    @Test
    @Order(4)
    void tcpBothWaysWithPathMtuDiscoveryThroughTheBr()
    {
        h6.start(PYTHON, "-m", "http.server", "8080", "--bind", H6, "--directory", web.toString());
        c1.start(PYTHON, "-m", "http.server", "8080", "--bind", CE1, "--directory", web.toString());
        // h6's link MTU is 9000: its first big segments draw the BR's Packet Too Big (1480) before they flow.
        final String curl = "curl -sS -g --retry 10 --retry-connrefused --retry-delay 1 -o /dev/null "
            + "-w %%{size_download} http://[%s]:8080/big";
        final Shell.Result down = c1.check("sh", "-c", String.format(curl, H6));
        assertEquals("200000", down.stdout().strip(), down::toString);
        final Shell.Result up = h6.check("sh", "-c", String.format(curl, CE1));
        assertEquals("200000", up.stdout().strip(), up::toString);
    }

    @Test
    @Order(5)
    void oversizedPacketDrawsPacketTooBigFromTheBr()
    {
        final Shell.Result r = h6.exec("ping", "-6", "-c", "1", "-W", "2", "-s", "1500", "-M", "do", "-I", H6,
            "2001:db8:114::9");
        assertTrue(r.stdout().contains("From 2001:db8:100:: icmp_seq=1 Packet too big: mtu=1480"), r::toString);
    }

    @Test
    @Order(6)
    void fragmentationNeededBetweenBrAndCeIsRelayedAsPacketTooBig()
    {
        // A 1400-byte IPv4 link toward CE1: the BR's own kernel, as the router on that path, answers the 1500-byte
        // DF outer packet with ICMPv4 Fragmentation Needed to the BR address, which xlat64 relays (RFC 4213 s.3.4).
        br.ip("link", "set", "b1", "mtu", "1400");
        try
        {
            final Shell.Result r = h6.exec("ping", "-6", "-c", "1", "-W", "2", "-s", "1432", "-M", "do", "-I", H6, CE1);
            assertTrue(r.stdout().contains("Packet too big: mtu=1380"), r::toString);
            assertTrue(counter("sixrd_icmp4_error_relayed") >= 1, this::metrics);
        }
        finally
        {
            br.ip("link", "set", "b1", "mtu", "1500");
        }
    }

    @Test
    @Order(7)
    void hopLimitExpiringAtTheBrDrawsTimeExceededBothWays()
    {
        // h6 -> BR kernel (2 -> 1) -> xlat64 encapsulation: expires in xlat64, answered from the BR's anycast address.
        final Shell.Result toCe = h6.exec("ping", "-6", "-c", "1", "-W", "2", "-t", "2", "-I", H6, CE1);
        assertTrue(toCe.stdout().contains("From 2001:db8:100:: icmp_seq=1 Time exceeded: Hop limit"), toCe::toString);
        // CE1 (a tunnel, no decrement) -> xlat64 decapsulation with hop limit 1: the answer goes back into the tunnel.
        final Shell.Result fromCe = c1.exec("ping", "-6", "-c", "1", "-W", "2", "-t", "1", "-I", CE1, H6);
        assertTrue(fromCe.stdout().contains("From 2001:db8:100:: icmp_seq=1 Time exceeded: Hop limit"),
            fromCe::toString);
        assertTrue(counter("sixrd_hop_limit_expired") >= 2, this::metrics);
    }

    @Test
    @Order(8)
    void craftedBadPacketsAreDroppedAndCounted()
    {
        final long relayedBefore = counter("sixrd_relayed_ce_to_ce");
        final String script = String.join("\n",
            "from scapy.all import IP, IPv6, ICMPv6EchoRequest, Raw, send",
            "ce, br = '192.0.2.10', '" + BR + "'",
            // inner source of another CE's delegated prefix (192.0.2.20's)
            "send(IP(src=ce, dst=br)/IPv6(src='2001:db8:114::5', dst='" + H6 + "')/ICMPv6EchoRequest(), verbose=0)",
            // 20 bytes of an IPv6 header
            "send(IP(src=ce, dst=br, proto=41)/Raw(b'\\x60' + b'\\x00' * 19), verbose=0)",
            // a 6in4 packet to an address routed to the BR that is not its BR address
            "send(IP(src=ce, dst='203.0.113.2')/IPv6(src='" + CE1 + "', dst='" + H6
                + "')/ICMPv6EchoRequest(), verbose=0)",
            // an outer fragment
            "send(IP(src=ce, dst=br, flags='MF')/IPv6(src='" + CE1 + "', dst='" + H6
                + "')/ICMPv6EchoRequest(), verbose=0)",
            // CE1 -> CE2 through the BR: relayed in user space
            "send(IP(src=ce, dst=br)/IPv6(src='" + CE1 + "', dst='" + CE2 + "')/ICMPv6EchoRequest(), verbose=0)",
            "");
        final Shell.Result sent = c1.exec(PYTHON, "-c", script);
        assertEquals(0, sent.exitCode(), sent::toString);
        sleep(500);
        assertEquals(1, counter("sixrd_spoofed_inner_source"), this::metrics);
        assertEquals(1, counter("sixrd_inner_truncated"), this::metrics);
        assertEquals(1, counter("sixrd_not_br_address"), this::metrics);
        assertEquals(1, counter("sixrd_outer_fragment"), this::metrics);
        assertEquals(relayedBefore + 1, counter("sixrd_relayed_ce_to_ce"), this::metrics);
        assertTrue(counter("sixrd_too_big") >= 1, this::metrics);
        assertTrue(metrics().contains("xlat64_sixrd_domain_packets_total{domain=\"" + DOMAIN_PREFIX
            + "\",kind=\"dropped\",outcome=\"sixrd_spoofed_inner_source\",queue=\"0\"} 1.0"), this::metrics);
        assertTrue(counter("sixrd_decapsulated") >= 6, this::metrics);
        assertTrue(counter("sixrd_encapsulated") >= 6, this::metrics);
    }

    @Test
    @Order(9)
    void shutdownSummaryListsTheOutcomes()
    {
        final Shell.Result r = brProcess.stop();
        assertTrue(r.stdout().matches("(?s).*sixrd_spoofed_inner_source\\s+1\\s.*"), r::toString);
        assertTrue(r.stdout().contains("sixrd_outer_fragment"), r::toString);
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
