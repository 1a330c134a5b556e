package dev.xlat64.e2e;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * lw4o6 end to end (RFC 7596) with a binding table of 1,048,576 entries (every 11-bit PSID, a = 0, of 192.0.2.0/24
 * and 203.0.113.0/24), real kernels and clients: two B4s, each an xlat64 MAP-E CE with a per-CE rule (RFC 7597
 * appendix A example 5's form: the End-user prefix as Rule IPv6 prefix, a /32, an explicit PSID) plus the kernel's
 * NAPT44 into its 32 ports, and the xlat64 lwAFTR:
 * <pre>
 *   hostA 192.168.1.2 -- b4a (192.0.2.1 PSID 52: 1664-1695) -- 2001:db8:1::/64 --+
 *                        b4b (192.0.2.2 PSID 53: 1696-1727) -- 2001:db8:2::/64 --+- lwAFTR 198.51.100.1 -- srv .2
 * </pre>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class Lw4o6EndToEndTest
{
    private static final String SERVER = "198.51.100.2";
    private static final String AFTR = "2001:db8:fffe::1";
    private static final String B4A = "2001:db8:12:3400:0:c000:201:34";
    private static final String B4B = "2001:db8:12:3500:0:c000:202:35";
    private static final int PSID_BITS = 11;
    private static final int METRICS = 9470;

    private final MapNodes.Lab lab = new MapNodes.Lab("lw4o6-");
    private Netns aftr;
    private Netns b4b;
    private Netns hostA;

    @BeforeAll
    void topology() throws IOException
    {
        assumeTrue(Netns.requireRoot(), Netns.ROOT_MESSAGE);
        final Netns srv = lab.namespace("lw4s");
        aftr = lab.namespace("lw4r");
        final Netns b4a = lab.namespace("lw4a");
        b4b = lab.namespace("lw4b");
        hostA = lab.namespace("lw4h");
        Netns.veth(aftr, "b4", srv, "v4");
        srv.addr("v4", SERVER + "/24").route("192.0.2.0/24", "via", "198.51.100.1");
        aftr.addr("b4", "198.51.100.1/24");
        MapNodes.router(aftr);
        final Path bindings = bindings();
        final Path conf = lab.toml("aftr", "[[lw4o6.domain]]", "br = \"" + AFTR + "\"",
            "binding-table = \"" + bindings + "\"", "hairpinning = true");
        final Shell.Background lwaftr = aftr.start(MapNodes.xlat64("run", "--config", conf.toString(), "--tun", "lwt",
            "--metrics", "127.0.0.1:" + METRICS));
        final Shell.Background a = b4(b4a, hostA, "1", "2001:db8:12:3400::/56", "192.0.2.1", 52);
        final Shell.Background b = b4(b4b, null, "2", "2001:db8:12:3500::/56", "192.0.2.2", 53);
        MapNodes.awaitLink(b4a, "b4t", a);
        b4a.route("default", "dev", "b4t").route(B4A + "/128", "dev", "b4t");
        MapNodes.awaitLink(b4b, "b4t", b);
        b4b.route("default", "dev", "b4t").route(B4B + "/128", "dev", "b4t");
        MapNodes.awaitLink(aftr, "lwt", lwaftr);
        aftr.route("192.0.2.0/24", "dev", "lwt").route(AFTR + "/128", "dev", "lwt");
        srv.start("/usr/bin/python3", "-c", MapNodes.SERVER, SERVER, "7", "8080");
        // A UDP service on b4b's own address, on port 1700 of its set, for B4-to-B4 traffic (hairpinned).
        b4b.ip("addr", "add", "192.0.2.2/32", "dev", "lo");
        b4b.start("/usr/bin/python3", "-c", MapNodes.SERVER, "192.0.2.2", "1700", "1701");
        MapNodes.sleep(500);
    }

    /** RFC 7596 s.6.1: one binding per (address, PSID); the two B4s at their MAP addresses, the rest made up. */
    private Path bindings() throws IOException
    {
        final Path p = lab.file("bindings", ".txt");
        int n = 0;
        try (BufferedWriter w = Files.newBufferedWriter(p))
        {
            for (final String net : List.of("192.0.2.", "203.0.113."))
            {
                for (int host = 0; host < 256; host++)
                {
                    for (int psid = 0; psid < 1 << PSID_BITS; psid++, n++)
                    {
                        final String address = net + host;
                        final String b4 = "192.0.2.1".equals(address) && psid == 52 ? B4A :
                            "192.0.2.2".equals(address) && psid == 53 ? B4B :
                            "2001:db8:80" + (n >>> 16) + ":" + Integer.toHexString(n & 0xFFFF) + "::1";
                        w.write(address + " " + psid + "/" + PSID_BITS + " " + b4 + "\n");
                    }
                }
            }
        }
        assertEquals(1 << 20, n);
        return p;
    }

    /** A B4: an xlat64 MAP-E CE whose per-CE rule gives exactly its binding (address, 11-bit PSID, offset 0). */
    private Shell.Background b4(final Netns b4, final Netns host, final String n, final String prefix,
        final String ipv4, final int psid) throws IOException
    {
        MapNodes.customerEdge(aftr, "b" + n, b4, n, prefix, host);
        final Path conf = lab.toml("b4" + n, "[map-ce]", "mechanism = \"map-e\"",
            "end-user-prefix = \"" + prefix + "\"", "br = \"" + AFTR + "\"", "[[map-ce.rule]]",
            "ipv6-prefix = \"" + prefix + "\"",
            "ipv4-prefix = \"" + ipv4 + "/32\"", "ea-bits = 0", "psid-offset = 0", "psid-length = " + PSID_BITS,
            "psid = " + psid);
        return b4.start(MapNodes.xlat64("map-ce", "--config", conf.toString(), "--tun", "b4t", "--install-nft",
            "--metrics", "127.0.0.1:" + METRICS));
    }

    @AfterAll
    void cleanUp() throws IOException
    {
        lab.close();
    }

    @Test
    @Order(1)
    void pingTcpAndUdpFromTheHostBehindTheB4()
    {
        final Shell.Result ping = hostA.exec("ping", "-c", "3", "-i", "0.2", "-W", "3", SERVER);
        assertTrue(ping.stdout().contains("3 received"), () -> ping + MapNodes.metrics(aftr, METRICS));
        final Shell.Result curl = hostA.exec("curl", "-s", "-m", "10", "http://" + SERVER + ":8080/");
        final int tcpPort = MapNodes.port(curl.stdout(), "192.0.2.1");
        assertTrue(tcpPort >= 1664 && tcpPort <= 1695, curl::toString);
        final Shell.Result udp = hostA.exec("sh", "-c", "echo lw4o6 | socat -t 2 - UDP4:" + SERVER + ":7");
        final int udpPort = MapNodes.port(udp.stdout(), "192.0.2.1");
        assertTrue(udp.stdout().contains(" lw4o6") && udpPort >= 1664 && udpPort <= 1695, udp::toString);
    }

    @Test
    @Order(2)
    void b4ToB4IsHairpinnedByTheLwAftr()
    {
        final long before = MapNodes.counter(MapNodes.metrics(aftr, METRICS), "softwire_hairpinned");
        final Shell.Result r = hostA.exec("sh", "-c", "echo hairpin | socat -t 2 - UDP4:192.0.2.2:1700");
        assertTrue(r.stdout().contains(" hairpin"), () -> r + MapNodes.metrics(aftr, METRICS));
        final int port = MapNodes.port(r.stdout(), "192.0.2.1");
        assertTrue(port >= 1664 && port <= 1695, r::toString);
        // RFC 7596 s.6.2: both directions turned around at the lwAFTR, re-encapsulated to the other B4.
        assertTrue(MapNodes.counter(MapNodes.metrics(aftr, METRICS), "softwire_hairpinned") >= before + 2,
            () -> MapNodes.metrics(aftr, METRICS));
        assertTrue(MapNodes.counter(MapNodes.metrics(b4b, METRICS), "softwire_decapsulated") >= 1);
    }
}
