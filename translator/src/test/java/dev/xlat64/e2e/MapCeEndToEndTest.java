package dev.xlat64.e2e;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * MAP CE mode end to end (RFC 7599 MAP-T, RFC 7597 MAP-E), real kernels and real clients: IPv4 hosts behind xlat64
 * CEs ({@code xlat64 map-ce --install-nft}: the kernel's NAPT44 into the CE's port set) reach an IPv4 server through
 * the xlat64 BR ({@code xlat64 run} with a {@code [[mapt.domain]]} and a {@code [[mape.domain]]}):
 * <pre>
 *                         ceT2 (MAP-T CE 192.0.2.19 PSID 0x35) -- 2001:db8:4::/64 -+
 *   hostT 192.168.1.2 -- ceT (MAP-T CE 192.0.2.18 PSID 0x34) -- 2001:db8:1::/64 --+
 *   hostE 192.168.1.2 -- ceE (MAP-E CE 203.0.113.18 PSID 0x34) -- 2001:db8:2::/64 -+- BR 198.51.100.1 -- srv .2
 *                         ceE2 (MAP-E CE 203.0.113.19 PSID 0x35) -- 2001:db8:3::/64 -+
 * </pre>
 * The MAP-T rule is RFC 7599 appendix A's ({2001:db8::/40, 192.0.2.0/24, 16}, DMR 2001:db8:ffff::/64); the MAP-E
 * rule {2001:db8:100::/40, 203.0.113.0/24, 16} with the BR at 2001:db8:fffe::1; both with offset 6, 8-bit PSIDs.
 * Path MTU: a smaller IPv6 hop behind either CE reaches the LAN host as Fragmentation Needed (RFC 7915 s.5.2 for
 * MAP-T; RFC 2473 s.8 relayed by the MAP-E CE as tunnel entry point).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MapCeEndToEndTest
{
    private static final String SERVER = "198.51.100.2";
    private static final String CE_T = "192.0.2.18";
    private static final String CE_E = "203.0.113.18";
    private static final String CE_E2 = "203.0.113.19";
    private static final String MAP_T_ADDRESS = "2001:db8:12:3400:0:c000:212:34";
    private static final String MAP_E_ADDRESS = "2001:db8:112:3400:0:cb00:7112:34";
    private static final String CE_T2 = "192.0.2.19";
    private static final String MAP_T2_ADDRESS = "2001:db8:13:3500:0:c000:213:35";
    private static final String MAP_E2_ADDRESS = "2001:db8:113:3500:0:cb00:7113:35";
    private static final String BR_E = "2001:db8:fffe::1";
    /** The server 198.51.100.2 under the DMR 2001:db8:ffff::/64 (RFC 6052 s.2.2: bytes 9-12 c6 33 64 02). */
    private static final String SERVER_UNDER_DMR = "2001:db8:ffff:0:c6:3364:200:0";
    private static final int METRICS = 9470;
    /** Python: what the connected UDP socket {@code s} gets next: an answer, ECONNREFUSED (an ICMP error), nothing. */
    private static final String ANSWER_OR_REFUSED = String.join("\n", "try:", "    s.recv(100)",
        "    print('answered')", "except ConnectionRefusedError:", "    print('refused')", "except socket.timeout:",
        "    print('timeout')");

    private final MapNodes.Lab lab = new MapNodes.Lab("mce-");
    private Netns srv;
    private Netns br;
    private Netns ceT;
    private Netns ceE;
    private Netns ceE2;
    private Netns ceT2;
    private Netns hostT;
    private Netns hostE;
    private Shell.Background ceTProcess;

    @BeforeAll
    void topology() throws IOException
    {
        assumeTrue(Netns.requireRoot(), Netns.ROOT_MESSAGE);
        srv = lab.namespace("mces");
        br = lab.namespace("mceb");
        ceT = lab.namespace("mcet");
        ceE = lab.namespace("mcee");
        ceE2 = lab.namespace("mcef");
        ceT2 = lab.namespace("mceu");
        hostT = lab.namespace("mcht");
        hostE = lab.namespace("mche");
        Netns.veth(br, "b4", srv, "v4");
        srv.addr("v4", SERVER + "/24").route("192.0.2.0/24", "via", "198.51.100.1")
            .route("203.0.113.0/24", "via", "198.51.100.1");
        br.addr("b4", "198.51.100.1/24");
        MapNodes.router(br);
        final Shell.Background brProcess = br.start(MapNodes.xlat64("run", "--config", lab.toml("br", "[[mapt.domain]]",
            "dmr = \"2001:db8:ffff::/64\"", "[[mapt.domain.rule]]", "ipv6-prefix = \"2001:db8::/40\"",
            "ipv4-prefix = \"192.0.2.0/24\"", "ea-bits = 16", "[[mape.domain]]", "br = \"" + BR_E + "\"",
            "[[mape.domain.rule]]", "ipv6-prefix = \"2001:db8:100::/40\"", "ipv4-prefix = \"203.0.113.0/24\"",
            "ea-bits = 16").toString(), "--tun", "xmb", "--metrics", "127.0.0.1:" + METRICS));
        final Shell.Background t = ce(ceT, hostT, "1", "mct", MAP_T_ADDRESS, "2001:db8:12:3400::/56",
            "mechanism = \"map-t\"", "dmr = \"2001:db8:ffff::/64\"", "[[map-ce.rule]]",
            "ipv6-prefix = \"2001:db8::/40\"", "ipv4-prefix = \"192.0.2.0/24\"", "ea-bits = 16");
        final Shell.Background t2 = ce(ceT2, null, "4", "mcu", MAP_T2_ADDRESS, "2001:db8:13:3500::/56",
            "mechanism = \"map-t\"", "dmr = \"2001:db8:ffff::/64\"", "[[map-ce.rule]]",
            "ipv6-prefix = \"2001:db8::/40\"", "ipv4-prefix = \"192.0.2.0/24\"", "ea-bits = 16");
        final Shell.Background e = ce(ceE, hostE, "2", "mce", MAP_E_ADDRESS, "2001:db8:112:3400::/56", mapE());
        final Shell.Background e2 = ce(ceE2, null, "3", "mcf", MAP_E2_ADDRESS, "2001:db8:113:3500::/56", mapE());
        MapNodes.awaitLink(br, "xmb", brProcess);
        br.route("192.0.2.0/24", "dev", "xmb").route("203.0.113.0/24", "dev", "xmb")
            .route("2001:db8:ffff::/64", "dev", "xmb").route(BR_E + "/128", "dev", "xmb");
        ceUp(ceT, "mct", MAP_T_ADDRESS, t);
        ceTProcess = t;
        ceUp(ceT2, "mcu", MAP_T2_ADDRESS, t2);
        ceUp(ceE, "mce", MAP_E_ADDRESS, e);
        ceUp(ceE2, "mcf", MAP_E2_ADDRESS, e2);
        srv.start("/usr/bin/python3", "-c", MapNodes.SERVER, SERVER, "7", "8080");
        srv.start("iperf3", "-s", "-B", SERVER, "-p", "5201");
        // The FMR peer: a UDP service on ceE2's own address, on port 1236 of its set (PSID 0x35).
        ceE2.ip("addr", "add", CE_E2 + "/32", "dev", "lo");
        ceE2.start("/usr/bin/python3", "-c", MapNodes.SERVER, CE_E2, "1236", "1237");
        ceT2.ip("addr", "add", CE_T2 + "/32", "dev", "lo");
        ceT2.start("/usr/bin/python3", "-c", MapNodes.SERVER, CE_T2, "1236", "1237");
        MapNodes.sleep(500);
    }

    private static String[] mapE()
    {
        return new String[] {"mechanism = \"map-e\"", "br = \"" + BR_E + "\"", "[[map-ce.rule]]",
            "ipv6-prefix = \"2001:db8:100::/40\"", "ipv4-prefix = \"203.0.113.0/24\"", "ea-bits = 16"};
    }

    /** A CE on link 2001:db8:N::/64 to the BR, its host (if any) behind it, xlat64 map-ce started. */
    private Shell.Background ce(final Netns ce, final Netns host, final String n, final String tun, final String map,
        final String endUserPrefix, final String... table) throws IOException
    {
        MapNodes.customerEdge(br, "bc" + n, ce, n, endUserPrefix, host);
        final List<String> lines = new ArrayList<>(List.of("[map-ce]", "end-user-prefix = \"" + endUserPrefix + "\""));
        lines.addAll(List.of(table));
        final Path conf = lab.toml("ce" + n, lines.toArray(new String[0]));
        return ce.start(MapNodes.xlat64("map-ce", "--config", conf.toString(), "--tun", tun, "--install-nft",
            "--metrics", "127.0.0.1:" + METRICS));
    }

    private static void ceUp(final Netns ce, final String tun, final String map, final Shell.Background process)
    {
        MapNodes.awaitLink(ce, tun, process);
        ce.route("default", "dev", tun).route(map + "/128", "dev", tun);
    }

    @AfterAll
    void cleanUp() throws IOException
    {
        lab.close();
    }

    /** RFC 7597 s.5.1: a port of PSID {@code psid} with offset 6 and 8 PSID bits. */
    private static boolean inSet(final int port, final int psid)
    {
        return port >= 1024 && (port >>> 2 & 0xFF) == psid;
    }

    @Test
    @Order(1)
    void theCePrintsItsAddressPortSetAndMapAddressAndInstalledTheNftRuleset()
    {
        final Shell.Result nft = ceT.exec("nft", "list", "table", "ip", "xlat64_map_ce");
        assertTrue(nft.stdout().contains("oifname \"mct\"") && nft.stdout().contains("numgen inc mod 63") &&
            nft.stdout().contains("192.0.2.18 . 1232-1235") && nft.stdout().contains("192.0.2.18 . 64720-64723"),
            nft::toString);
        // What map-ce printed when it started (as --show does).
        final String shown = ceTProcess.output();
        assertTrue(shown.contains("IPv4 192.0.2.18, PSID 0x34 (52), 8 bits, offset 6") &&
            shown.contains("ports (252 in 63 ranges)") && shown.contains("MAP address: " + MAP_T_ADDRESS), shown);
    }

    @Test
    @Order(2)
    void pingThroughBothCes()
    {
        for (final Netns host : List.of(hostT, hostE))
        {
            final Shell.Result r = host.exec("ping", "-c", "3", "-i", "0.2", "-W", "3", SERVER);
            assertTrue(r.stdout().contains("3 received"), () -> r + MapNodes.metrics(br, METRICS));
        }
    }

    @Test
    @Order(3)
    void tcpWithCurlFromAPortOfTheSet()
    {
        final Shell.Result t = hostT.exec("curl", "-s", "-m", "10", "http://" + SERVER + ":8080/");
        assertTrue(inSet(MapNodes.port(t.stdout(), CE_T), 0x34), t::toString);
        final Shell.Result e = hostE.exec("curl", "-s", "-m", "10", "http://" + SERVER + ":8080/");
        assertTrue(inSet(MapNodes.port(e.stdout(), CE_E), 0x34), e::toString);
    }

    @Test
    @Order(4)
    void udpBothWaysFromAPortOfTheSet()
    {
        for (final Netns host : List.of(hostT, hostE))
        {
            final Shell.Result r = host.exec("sh", "-c", "echo map-ce | socat -t 2 - UDP4:" + SERVER + ":7");
            assertTrue(r.stdout().contains(" map-ce"), () -> r + MapNodes.metrics(br, METRICS));
            assertTrue(inSet(MapNodes.port(r.stdout(), host == hostT ? CE_T : CE_E), 0x34), r::toString);
        }
    }

    @Test
    @Order(5)
    void iperf3ThroughBothCes()
    {
        for (final Netns host : List.of(hostT, hostE))
        {
            final Shell.Result r = host.exec("iperf3", "-c", SERVER, "-p", "5201", "-t", "2", "-f", "m");
            assertEquals(0, r.exitCode(), () -> r + MapNodes.metrics(br, METRICS));
            assertTrue(r.stdout().contains("receiver"), r::toString);
        }
    }

    @Test
    @Order(6)
    void aMapTSourcePortOutsideTheSetIsDroppedAndCountedAtTheBr()
    {
        final long before = MapNodes.counter(MapNodes.metrics(br, METRICS), "mapt_port_outside_set");
        // Past the CE (which would drop it too): a datagram from the MAP address and port 1236 (PSID 0x35).
        sendUdp6(ceT, MAP_T_ADDRESS, 1236, SERVER_UNDER_DMR, 7);
        awaitCounter("mapt_port_outside_set", before + 1);
    }

    @Test
    @Order(7)
    void aMapESourcePortOutsideTheSetIsDroppedAndCountedAtTheBr()
    {
        final long before = MapNodes.counter(MapNodes.metrics(br, METRICS), "softwire_spoofed_source");
        // 4in6 from the MAP-E CE's address carrying UDP from 203.0.113.18:1236, a port of PSID 0x35, not 0x34.
        final Shell.Result r = ceE.exec("/usr/bin/python3", "-c", String.join("\n", "import socket, struct",
            "udp = struct.pack('!HHHH', 1236, 7, 9, 0) + b'x'",
            "h = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(udp), 1, 0, 64, 17, 0,",
            "    socket.inet_aton('" + CE_E + "'), socket.inet_aton('" + SERVER + "'))",
            "c = sum(struct.unpack('!10H', h))", "c = (c & 0xffff) + (c >> 16)", "c = (c & 0xffff) + (c >> 16)",
            "h = h[:10] + struct.pack('!H', ~c & 0xffff) + h[12:]",
            "s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, 4)", "s.setsockopt(socket.IPPROTO_IPV6, 78, 1)",
            "s.bind(('" + MAP_E_ADDRESS + "', 0))", "s.sendto(h + udp, ('" + BR_E + "', 0))"));
        assertEquals(0, r.exitCode(), r::toString);
        awaitCounter("softwire_spoofed_source", before + 1);
    }

    @Test
    @Order(8)
    void mapECeToCeGoesStraightToThePeerThroughTheFmr()
    {
        final String before = MapNodes.metrics(br, METRICS);
        final Shell.Result r = hostE.exec("sh", "-c", "echo peer | socat -t 2 - UDP4:" + CE_E2 + ":1236");
        // The peer saw the CE's shared address and a port of its set; the answer came back the same way.
        assertTrue(r.stdout().contains(" peer"), () -> r + MapNodes.metrics(ceE, METRICS));
        assertTrue(inSet(MapNodes.port(r.stdout(), CE_E), 0x34), r::toString);
        final String after = MapNodes.metrics(br, METRICS);
        // Not through the BR's data path: it neither decapsulated nor hairpinned anything more.
        assertEquals(MapNodes.counter(before, "softwire_hairpinned"), MapNodes.counter(after, "softwire_hairpinned"));
        assertEquals(MapNodes.counter(before, "softwire_decapsulated"),
            MapNodes.counter(after, "softwire_decapsulated"), after);
        assertTrue(MapNodes.counter(MapNodes.metrics(ceE2, METRICS), "softwire_decapsulated") >= 1,
            () -> MapNodes.metrics(ceE2, METRICS));
    }

    @Test
    @Order(9)
    void mapTCeToCeGoesStraightToThePeerThroughTheFmr()
    {
        final String before = MapNodes.metrics(br, METRICS);
        final Shell.Result r = hostT.exec("sh", "-c", "echo peer | socat -t 2 - UDP4:" + CE_T2 + ":1236");
        // RFC 7599 s.6: translated from the MAP address to the peer's MAP address, and back; the BR is not involved.
        assertTrue(r.stdout().contains(" peer"), () -> r + MapNodes.metrics(ceT, METRICS));
        assertTrue(inSet(MapNodes.port(r.stdout(), CE_T), 0x34), r::toString);
        final String after = MapNodes.metrics(br, METRICS);
        assertEquals(MapNodes.counter(before, "translated_6to4"), MapNodes.counter(after, "translated_6to4"), after);
        assertEquals(MapNodes.counter(before, "translated_4to6"), MapNodes.counter(after, "translated_4to6"), after);
        assertTrue(MapNodes.counter(MapNodes.metrics(ceT2, METRICS), "translated_6to4") >= 1,
            () -> MapNodes.metrics(ceT2, METRICS));
    }

    @Test
    @Order(10)
    void udpToAClosedPortOfTheServerIsRefusedThroughTheCe()
    {
        // RFC 7599 s.10: the server's port unreachable, translated by the BR to the CE's MAP address, then by the CE
        // (quoted packet included) to its IPv4 address; the kernel's NAPT44 hands it to the host's socket.
        final Shell.Result r = hostT.exec("/usr/bin/python3", "-c", String.join("\n", "import socket",
            "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)", "s.settimeout(3)",
            "s.connect(('" + SERVER + "', 9))", "s.send(b'x')", ANSWER_OR_REFUSED));
        assertTrue(r.stdout().contains("refused"), () -> r + MapNodes.metrics(ceT, METRICS));
    }

    @Test
    @Order(11)
    void anErrorFromTheLanHostReachesTheServerThroughTheCe()
    {
        // The server answers a datagram after the host closed its socket: the host's port unreachable leaves the CE
        // (after the NAPT44) as ICMPv6 from the MAP address, and the BR makes it ICMPv4 again for the server.
        final Shell.Background server = srv.start("/usr/bin/python3", "-c", String.join("\n", "import socket, time",
            "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)", "s.bind(('" + SERVER + "', 9999))",
            "s.settimeout(15)", "d, a = s.recvfrom(100)", "print('from %s:%d' % a, flush=True)", "s.connect(a)",
            "time.sleep(0.5)", "s.send(b'y')", "s.settimeout(3)", ANSWER_OR_REFUSED));
        MapNodes.sleep(1000);
        final Shell.Result sent = hostT.exec("/usr/bin/python3", "-c", "import socket\n" +
            "socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b'x', ('" + SERVER + "', 9999))");
        assertEquals(0, sent.exitCode(), sent::toString);
        final Shell.Result r = server.waitFor(Duration.ofSeconds(30));
        assertTrue(inSet(MapNodes.port(r.stdout(), CE_T), 0x34), r::toString);
        assertTrue(r.stdout().contains("refused"), () -> r + MapNodes.metrics(ceT, METRICS));
    }

    @Test
    @Order(12)
    void tracerouteThroughTheCeShowsTheIpv6RouterAsTheDummyAddressAndEndsAtTheServer()
    {
        // Hop 3 is the BR's kernel forwarding into its TUN device: its ICMPv6 Time Exceeded comes from an IPv6 address
        // that maps to no IPv4 address, so the CE makes it 192.0.0.8 (RFC 7600); the last hop is the server's
        // port unreachable, translated by the BR and the CE.
        final Shell.Result r = hostT.exec("traceroute", "-n", "-q", "1", "-w", "2", "-m", "8", SERVER);
        assertTrue(r.stdout().contains(" 192.0.0.8 "), () -> r + MapNodes.metrics(ceT, METRICS));
        assertTrue(r.stdout().contains(" " + SERVER + " "), () -> r + MapNodes.metrics(ceT, METRICS));
    }

    @Test
    @Order(13)
    void aPacketForAPortOutsideTheSetIsDroppedAndCountedAtTheCe()
    {
        // RFC 7599 s.8.2: from the server's address under the DMR to the CE's MAP address, port 1236 (PSID 0x35).
        final long before = MapNodes.counter(MapNodes.metrics(ceT, METRICS), "map_ce_destination_port_outside_set");
        sendUdp6(br, SERVER_UNDER_DMR, 7, MAP_T_ADDRESS, 1236);
        awaitCounter(ceT, "map_ce_destination_port_outside_set", before + 1);
    }

    @Test
    @Order(14)
    void packetTooBigOnTheIpv6SideReachesThePingerAsFragmentationNeeded()
    {
        // A 1300-byte hop on the IPv6 side (the BR's TUN device): RFC 7915 s.5.2 makes its Packet Too Big (MTU 1300)
        // a Fragmentation Needed with MTU 1280 (1300 - 20) for the host, which then knows its path MTU.
        final String mtu = br.exec("cat", "/sys/class/net/xmb/mtu").stdout().strip();
        br.ip("link", "set", "xmb", "mtu", "1300");
        try
        {
            final Shell.Result r = hostT.exec("ping", "-M", "do", "-s", "1300", "-c", "3", "-i", "0.5", "-W", "2",
                SERVER);
            assertTrue(r.stdout().contains("mtu = 1280") || r.stdout().contains("mtu=1280") ||
                r.stderr().contains("mtu=1280"), () -> r + MapNodes.metrics(ceT, METRICS));
            // Below the path MTU it goes through (1228 bytes: 1248 as IPv6; the server's replies have no DF, so
            // larger ones would reach the CE as IPv6 fragments, which RFC 7915 s.5 cannot translate for ICMP).
            final Shell.Result small = hostT.exec("ping", "-M", "do", "-s", "1200", "-c", "1", "-W", "3", SERVER);
            assertTrue(small.stdout().contains("1 received"), () -> small + MapNodes.metrics(ceT, METRICS));
        }
        finally
        {
            br.ip("link", "set", "xmb", "mtu", mtu);
        }
    }

    @Test
    @Order(15)
    void packetTooBigBetweenTheMapECeAndTheBrReachesThePingerAsFragmentationNeeded()
    {
        // RFC 2473 s.8, RFC 7597 s.8.2: a 1300-byte link between the MAP-E CE and the BR. The CE's kernel answers the
        // 1368-byte tunnel packet with Packet Too Big (MTU 1300) to the MAP address; xlat64, the tunnel entry point,
        // relays it as Fragmentation Needed with MTU 1260 (1300 - 40) from 192.0.0.8 to the CE's address, and the
        // NAPT44 hands it to the pinging host, which then knows its path MTU.
        final long before = MapNodes.counter(MapNodes.metrics(ceE, METRICS), "softwire_icmp_relayed");
        ceE.ip("link", "set", "w", "mtu", "1300");
        br.ip("link", "set", "bc2", "mtu", "1300");
        try
        {
            final Shell.Result r = hostE.exec("ping", "-M", "do", "-s", "1300", "-c", "3", "-i", "0.5", "-W", "2",
                SERVER);
            assertTrue(r.stdout().contains("mtu = 1260") || r.stdout().contains("mtu=1260") ||
                r.stderr().contains("mtu=1260"), () -> r + MapNodes.metrics(ceE, METRICS));
            assertTrue(MapNodes.counter(MapNodes.metrics(ceE, METRICS), "softwire_icmp_relayed") > before,
                () -> MapNodes.metrics(ceE, METRICS));
            // Below the path MTU it goes through: 1228 bytes of IPv4, 1268 in the tunnel.
            final Shell.Result small = hostE.exec("ping", "-M", "do", "-s", "1200", "-c", "1", "-W", "3", SERVER);
            assertTrue(small.stdout().contains("1 received"), () -> small + MapNodes.metrics(ceE, METRICS));
        }
        finally
        {
            ceE.ip("link", "set", "w", "mtu", "1500");
            br.ip("link", "set", "bc2", "mtu", "1500");
        }
    }

    /** One UDP datagram from {@code node}, sent from any address (IPV6_FREEBIND, 78) and port to an IPv6 address. */
    private static void sendUdp6(final Netns node, final String source, final int sourcePort, final String destination,
        final int destinationPort)
    {
        final Shell.Result r = node.exec("/usr/bin/python3", "-c", String.join("\n", "import socket",
            "s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)", "s.setsockopt(socket.IPPROTO_IPV6, 78, 1)",
            "s.bind(('" + source + "', " + sourcePort + "))",
            "s.sendto(b'x', ('" + destination + "', " + destinationPort + "))"));
        assertEquals(0, r.exitCode(), r::toString);
    }

    private void awaitCounter(final String outcome, final long expected)
    {
        awaitCounter(br, outcome, expected);
    }

    private static void awaitCounter(final Netns node, final String outcome, final long expected)
    {
        long now = 0;
        for (int i = 0; i < 30 && now < expected; i++)
        {
            MapNodes.sleep(100);
            now = MapNodes.counter(MapNodes.metrics(node, METRICS), outcome);
        }
        assertEquals(expected, now, () -> MapNodes.metrics(node, METRICS));
    }
}
