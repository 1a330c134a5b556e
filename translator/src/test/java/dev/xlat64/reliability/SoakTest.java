package dev.xlat64.reliability;

import dev.xlat64.core.Counters;
import dev.xlat64.e2e.Netns;
import dev.xlat64.e2e.Shell;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Soak: steady load through the real {@code xlat64 run} for a bounded time (CI: 60 s; longer with
 * {@code -Dxlat64.soak.seconds=600}) while its RSS, open fds and heap-after-GC are sampled: after warm-up (the first
 * quarter, at least 15 s) none may grow beyond a small tolerance. Counters lose nothing: every packet the kernel
 * handed to the TUN has an outcome, and every packet translated to IPv4 arrived at the IPv4 host.
 * Load: iperf3 UDP h6 -> h4 at {@code -Dxlat64.soak.mbps} (default 16, 1000-byte datagrams) plus a 20/s ping h4 -> h6.
 */
class SoakTest
{
    static final long RSS_TOLERANCE_KIB = 32 * 1024;
    static final long HEAP_TOLERANCE_BYTES = 4L * 1024 * 1024;
    static final long FD_TOLERANCE = 2;
    private static final int SAMPLE_SECONDS = 5;
    private static final Pattern IP_IN_RECEIVES = Pattern.compile("Ip: (\\d+) (\\d+) (\\d+)");

    /** One sample of the translator process. */
    record Sample(long second, long rssKib, long fds, long heapAfterGc)
    {
        @Override
        public String toString()
        {
            return String.format("t=%4ds rss=%6d KiB fds=%3d heap-after-gc=%6d KiB", second, rssKib, fds,
                heapAfterGc / 1024);
        }
    }

    @Test
    void steadyLoadLeaksNoMemoryNoFdsAndLosesNoCounters()
    {
        assumeTrue(Netns.requireRoot(), Netns.ROOT_MESSAGE);
        final int seconds = Integer.getInteger("xlat64.soak.seconds", 60);
        final int mbps = Integer.getInteger("xlat64.soak.mbps", 16);
        final long warmUp = Math.max(15, seconds / 4);
        try (LineTopology net = LineTopology.create())
        {
            final Gateway xlat64 = net.xlat64;
            final Shell.Background server = net.h4.start("iperf3", "-s", "-1", "-B", LineTopology.H4);
            Gateway.sleep(500);
            final Handoffs first = Handoffs.read(net.gw, xlat64);
            final Map<String, Long> before = first.outcomes();
            final long tunBefore = first.tunTxPackets();
            final long h4Before = ipInReceives(net.h4);

            final long start = System.nanoTime();
            final Shell.Background udp = net.h6.start("iperf3", "-u", "-6", "-c", LineTopology.H4_AS_IPV6,
                "-B", LineTopology.H6, "-b", mbps + "M", "-l", "1000", "-t", String.valueOf(seconds), "-J");
            final Shell.Background ping = net.h4.start("ping", "-i", "0.05", "-W", "1", "-w", String.valueOf(seconds),
                LineTopology.H6_AS_IPV4);
            final List<Sample> samples = new ArrayList<>();
            while ((System.nanoTime() - start) / 1_000_000_000L < seconds)
            {
                Gateway.sleep(SAMPLE_SECONDS * 1000L);
                final long t = (System.nanoTime() - start) / 1_000_000_000L;
                samples.add(new Sample(t, xlat64.rssKib(), xlat64.openFds(), xlat64.heapAfterGc()));
            }
            final Shell.Result load = udp.waitFor(Duration.ofSeconds(30));
            final Shell.Result pings = ping.waitFor(Duration.ofSeconds(30));
            server.close();
            Gateway.sleep(1000); // nothing in flight any more

            final Handoffs end = Handoffs.read(net.gw, xlat64);
            final Map<String, Long> counted = MalformedCorpusDataPlaneTest.delta(before, end.outcomes());
            final long tunHanded = end.tunTxPackets() - tunBefore;
            final long h4Received = ipInReceives(net.h4) - h4Before;
            final IperfReport report = IperfReport.parse(load.stdout());
            final Sample base = samples.stream().filter(s -> s.second >= warmUp).findFirst().orElseThrow();
            final List<Sample> after = samples.subList(samples.indexOf(base), samples.size());
            final long rssGrowth = after.stream().mapToLong(Sample::rssKib).max().orElse(0) - base.rssKib;
            final long heapGrowth = after.stream().mapToLong(Sample::heapAfterGc).max().orElse(0) - base.heapAfterGc;
            final long fdGrowth = after.stream().mapToLong(Sample::fds).max().orElse(0) - base.fds;
            System.out.println("soak " + seconds + " s at " + mbps + " Mbit/s UDP + 20/s ping; samples:");
            samples.forEach(s -> System.out.println("  " + s));
            System.out.printf("soak: after warm-up (%d s) rss %+d KiB, heap-after-gc %+d KiB, fds %+d; "
                    + "kernel handed the TUN %d packets, outcomes %s; translated_6to4 %d, h4 received %d IPv4 packets; "
                    + "iperf3 UDP %d sent, %d lost; %s%n",
                warmUp, rssGrowth, heapGrowth / 1024, fdGrowth, tunHanded, counted,
                counted.getOrDefault("translated_6to4", 0L), h4Received, report.udpPackets, report.udpLost,
                pings.stdout().lines().filter(l -> l.contains("transmitted")).findFirst().orElse(""));

            assertEquals(0, load.exitCode(), load.toString());
            assertTrue(report.udpPackets > 0, load.stdout());
            assertEquals(tunHanded, Gateway.total(counted),
                "every packet the kernel handed to the TUN has one outcome");
            assertEquals(h4Received, (long)counted.getOrDefault("translated_6to4", 0L),
                "every packet translated to IPv4 arrived at h4 (and nothing else did)");
            assertTrue(rssGrowth <= RSS_TOLERANCE_KIB, "RSS grew by " + rssGrowth + " KiB after warm-up");
            assertTrue(heapGrowth <= HEAP_TOLERANCE_BYTES,
                "heap after GC grew by " + heapGrowth + " bytes after warm-up");
            assertTrue(fdGrowth <= FD_TOLERANCE, "open fds grew by " + fdGrowth + " after warm-up");
        }
    }

    /**
     * The TUN's hand-off count and xlat64's outcomes as of one moment. They cannot be read at once, and the kernel
     * hands the TUN packets of its own at any time (MLD reports, router solicitations), so a pair with a hand-off
     * between its two reads would be off by one (seen once in CI: 122173 handed, 122174 counted). The pair is read
     * again until the hand-off count is the same before and after the outcomes.
     */
    record Handoffs(long tunTxPackets, Map<String, Long> outcomes)
    {
        static Handoffs read(final Netns gw, final Gateway xlat64)
        {
            Handoffs last = null;
            for (int attempt = 0; attempt < 20; attempt++)
            {
                final long tx = SoakTest.tunTxPackets(gw);
                final Map<String, Long> outcomes = xlat64.outcomes();
                last = new Handoffs(tx, outcomes);
                if (SoakTest.tunTxPackets(gw) == tx)
                {
                    return last;
                }
                Gateway.sleep(100);
            }
            return last;
        }
    }

    static long tunTxPackets(final Netns gw)
    {
        return Long.parseLong(gw.check("cat",
            "/sys/class/net/" + Gateway.TUN + "/statistics/tx_packets").stdout().strip());
    }

    /** IPv4 packets the host's IP layer received (/proc/net/snmp Ip: InReceives), ARP and IPv6 excluded. */
    static long ipInReceives(final Netns host)
    {
        final Matcher m = IP_IN_RECEIVES.matcher(host.check("cat", "/proc/net/snmp").stdout());
        if (!m.find())
        {
            throw new AssertionError("no Ip: line in /proc/net/snmp of " + host.name());
        }
        return Long.parseLong(m.group(3));
    }
}
