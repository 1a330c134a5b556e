package dev.xlat64.e2e;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import static dev.xlat64.e2e.SiitTopology.H4;
import static dev.xlat64.e2e.SiitTopology.H4_AS_IPV6;
import static dev.xlat64.e2e.SiitTopology.H6;
import static dev.xlat64.e2e.SiitTopology.H6_AS_IPV4;
import static dev.xlat64.e2e.SiitTopology.TUN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * UDP super-packets (USO, TUN_F_USO4/6) end to end: the senders use UDP_SEGMENT, so the kernel forwards each send as
 * one GSO packet and, with xlat64's offloads on, hands it to xlat64 whole (one read for up to 64 datagrams). The
 * receivers check every datagram's bytes; gw's veths have checksum offload off, so the kernel computes each segment's
 * checksum in software and the receiving hosts verify it (a wrong translation would be dropped as a checksum error).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UdpSegmentationEndToEndTest
{
    /** Sends {count} UDP_SEGMENT super-packets of {segments} datagrams of {size} bytes (the last one 3 bytes short). */
    private static final String SENDER = String.join("\n",
        "import socket, sys",
        "family, dst, port, count, segments, size, pmtu = sys.argv[1], sys.argv[2], int(sys.argv[3]), "
            + "int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]), sys.argv[7]",
        "s = socket.socket(socket.AF_INET6 if ':' in dst else socket.AF_INET, socket.SOCK_DGRAM)",
        "s.setsockopt(socket.SOL_UDP, 103, size)  # UDP_SEGMENT",
        "if pmtu == 'dont': s.setsockopt(socket.IPPROTO_IP, 10, 0)  # IP_MTU_DISCOVER = IP_PMTUDISC_DONT: DF clear",
        "n = 0",
        "for k in range(count):",
        "    buf = b''",
        "    for j in range(segments):",
        "        length = size - 3 if j == segments - 1 else size",
        "        buf += (n.to_bytes(4, 'big') + bytes((n + i) & 0xFF for i in range(length)))[:length]",
        "        n += 1",
        "    s.sendto(buf, (dst, port))",
        "print(n)");

    /**
     * Receives on {addr} {port} until {expected} datagrams or 5 s idle; prints "good bad df": df counts the IPv4
     * packets to that port seen on the wire (an AF_PACKET socket) with Don't Fragment set.
     */
    private static final String RECEIVER = String.join("\n",
        "import socket, sys",
        "family, addr, port, expected = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])",
        "s = socket.socket(socket.AF_INET6 if ':' in addr else socket.AF_INET, socket.SOCK_DGRAM)",
        "s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)",
        "s.bind((addr, port)); s.settimeout(5)",
        "raw = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(0x0800))",
        "print('ready', flush=True)",
        "good = bad = 0",
        "while good + bad < expected:",
        "    try: d = s.recv(65535)",
        "    except socket.timeout: break",
        "    n = int.from_bytes(d[:4], 'big')",
        "    ok = d == (n.to_bytes(4, 'big') + bytes((n + i) & 0xFF for i in range(len(d))))[:len(d)]",
        "    good += ok; bad += not ok",
        "raw.setblocking(False); df = 0",
        "try:",
        "    while True:",
        "        p = raw.recv(65535); ihl = (p[0] & 15) * 4",
        "        if p[9] == 17 and int.from_bytes(p[ihl + 2:ihl + 4], 'big') == port and p[6] & 0x40: df += 1",
        "except BlockingIOError: pass",
        "print(good, bad, df, flush=True)");

    private SiitTopology net;

    @BeforeAll
    void up()
    {
        assumeTrue(Netns.requireRoot(), Netns.ROOT_MESSAGE);
        net = SiitTopology.create().startTranslator();
        for (final String link : new String[] {"to-h6", "to-h4"})
        {
            net.gw.check("ethtool", "-K", link, "tx", "off");
        }
    }

    @AfterAll
    void down()
    {
        if (net != null)
        {
            net.close();
        }
    }

    private long tunToXlat64()
    {
        return Long.parseLong(net.gw.check("cat", "/sys/class/net/" + TUN + "/statistics/tx_packets").stdout().trim());
    }

    private int[] sendThrough(final Netns from, final String family, final String destination, final Netns to,
        final String bindAddress, final int port, final int count, final int segments, final int size,
            final String pmtu)
    {
        final int expected = count * segments;
        try (Shell.Background receiver = to.start("python3", "-c", RECEIVER, family, bindAddress, String.valueOf(port),
            String.valueOf(expected)))
        {
            final long deadline = System.nanoTime() + 5_000_000_000L;
            while (!receiver.output().contains("ready") && System.nanoTime() < deadline)
            {
                SiitTopology.sleep(50);
            }
            final Shell.Result sent = from.check("python3", "-c", SENDER, family, destination, String.valueOf(port),
                String.valueOf(count), String.valueOf(segments), String.valueOf(size), pmtu);
            assertEquals(String.valueOf(expected), sent.stdout().trim(), sent.toString());
            final long waitUntil = System.nanoTime() + 10_000_000_000L;
            while (receiver.isAlive() && System.nanoTime() < waitUntil)
            {
                SiitTopology.sleep(50);
            }
            final String[] lines = receiver.output().trim().split("\n");
            final String[] result = lines[lines.length - 1].trim().split(" ");
            assertEquals(3, result.length, "receiver output: " + receiver.output() + receiver.errors());
            return new int[] {Integer.parseInt(result[0]), Integer.parseInt(result[1]), Integer.parseInt(result[2])};
        }
    }

    @Test
    void xlat64AsksTheKernelForUdpSuperPackets()
    {
        final String features = net.gw.check("ethtool", "-k", TUN).stdout();
        assertTrue(features.contains("tx-udp-segmentation: on"), "TUN features after TUNSETOFFLOAD:\n" + features);
    }

    /** 400 datagrams of 100 bytes in 10 UDP_SEGMENT sends: all intact, and fewer than 40 reads of xlat64's TUN. */
    private int[] smallDatagramsCrossAsSuperPackets(final Netns from, final String family, final String destination,
        final Netns to, final String bindAddress, final int port)
    {
        final long reads = tunToXlat64();
        final int[] got = sendThrough(from, family, destination, to, bindAddress, port, 10, 40, 100, "want");
        assertEquals(400, got[0], "datagrams intact at " + to + " (bad: " + got[1] + ")");
        assertEquals(0, got[1]);
        final long superPackets = tunToXlat64() - reads;
        assertTrue(superPackets < 40, "400 datagrams in 10 sends reached xlat64 as " + superPackets + " reads");
        return got;
    }

    @Test
    void smallDatagramsFromIpv6CrossAsSuperPacketsIntact()
    {
        final int[] got = smallDatagramsCrossAsSuperPackets(net.h6, "6", H4_AS_IPV6, net.h4, H4, 7000);
        // RFC 7915 s.5.1: 128-byte IPv4 datagrams go out with DF clear, though their super-packet was 4 KB.
        assertEquals(0, got[2], "datagrams with DF set at h4");
    }

    @Test
    void smallDatagramsFromIpv4CrossAsSuperPacketsIntact()
    {
        smallDatagramsCrossAsSuperPackets(net.h4, "4", H6_AS_IPV4, net.h6, H6, 7001);
    }

    @Test
    void fullSizeDatagramsWithoutDfAreCutThenFragmentedNeverMerged()
    {
        // 1500-byte IPv4 datagrams with DF clear become 1520 bytes of IPv6: too big for the TUN's 1500, so xlat64 cuts
        // the super-packet into its datagrams and fragments each (RFC 7915 s.4.1); h6 reassembles 1472-byte datagrams.
        final long fragmented = net.packets("translated_4to6");
        final int[] got = sendThrough(net.h4, "4", H6_AS_IPV4, net.h6, H6, 7002, 4, 8, 1472, "dont");
        assertEquals(32, got[0], "datagrams intact at h6 (bad: " + got[1] + ")");
        assertEquals(0, got[1]);
        assertTrue(net.packets("translated_4to6") - fragmented >= 32, "each datagram translated on its own");
    }

    @Test
    void datagramsWithoutDfAboveTheLowestIpv6MtuAreFragmentedLikeWithoutUso()
    {
        // RFC 7915 s.4.1: 1300-byte datagrams with DF clear become 1328 bytes of IPv6, above --lowest-ipv6-mtu 1280
        // though within the link's 1500: fragmented, as each would be had it arrived alone.
        final long reassembled = reassemblies(net.h6);
        final int[] got = sendThrough(net.h4, "4", H6_AS_IPV4, net.h6, H6, 7003, 4, 8, 1300, "dont");
        assertEquals(32, got[0], "datagrams intact at h6 (bad: " + got[1] + ")");
        assertTrue(reassemblies(net.h6) - reassembled >= 32, "h6 reassembled each datagram from fragments");
    }

    private static long reassemblies(final Netns host)
    {
        for (final String line : host.check("cat", "/proc/net/snmp6").stdout().split("\n"))
        {
            if (line.startsWith("Ip6ReasmOKs"))
            {
                return Long.parseLong(line.trim().split("\\s+")[1]);
            }
        }
        throw new AssertionError("no Ip6ReasmOKs in /proc/net/snmp6");
    }
}
