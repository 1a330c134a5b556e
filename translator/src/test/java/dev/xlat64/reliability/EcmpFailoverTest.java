package dev.xlat64.reliability;

import dev.xlat64.e2e.Netns;
import dev.xlat64.e2e.Shell;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Stateless failover (docs/architecture.md, Scale-out): two xlat64 instances with the same config behind
 * kernel ECMP routes (L4 hash) in both directions. A multi-stream TCP transfer and a fast ping run across them; the
 * busier instance is SIGKILLed; the route to it is withdrawn as a routing daemon would; every TCP stream goes on
 * without a reset and the ping loses only what was sent into the dead path. Then the instance comes back, its
 * nexthop is re-added, and it translates again.
 * <pre>
 *            eth-a 2001:db8:a::2  -- gwA (xlat64) -- 198.51.101.2 eth-a
 *   h6 (lo 2001:db8:1::2)                                           h4 (lo 198.51.100.2)
 *            eth-b 2001:db8:b::2  -- gwB (xlat64) -- 198.51.102.2 eth-b
 * </pre>
 * h6 routes 2001:db8:64::/96 and h4 routes 192.0.2.0/24 over both gateways (the hosts are their own ECMP routers:
 * the smallest topology that has the property). Timings: {@code -Dxlat64.failover.seconds} (default 24) is the
 * transfer's length; the kill is at a quarter of it, the return at half.
 */
class EcmpFailoverTest
{
    static final String H6 = "2001:db8:1::2";
    static final String H6_AS_IPV4 = "192.0.2.2";
    static final String H4 = "198.51.100.2";
    static final String H4_AS_IPV6 = "2001:db8:64::c633:6402";
    private static final int PING_INTERVAL_MS = 50;
    private static final int STREAMS = 8;
    private static final Pattern PING = Pattern.compile("(\\d+) packets transmitted, (\\d+) received");

    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void down()
    {
        for (int i = closeables.size() - 1; i >= 0; i--)
        {
            try
            {
                closeables.get(i).close();
            }
            catch (final Exception ignored)
            {
                // Best effort: each namespace's close kills what is left inside.
            }
        }
    }

    @Test
    void tcpSurvivesTheLossOfOneInstanceAndTheInstanceTakesTrafficAgainWhenItReturns()
    {
        assumeTrue(Netns.requireRoot(), Netns.ROOT_MESSAGE);
        final int seconds = Integer.getInteger("xlat64.failover.seconds", 24);
        final Netns h6 = track(Netns.create("xr6"));
        final Netns h4 = track(Netns.create("xr4"));
        final Gateway[] gws = {gateway("a", h6, h4), gateway("b", h6, h4)};
        h6.sysctl("net.ipv6.fib_multipath_hash_policy", "1").sysctl("net.ipv4.ping_group_range", "0 2147483647");
        h4.sysctl("net.ipv4.fib_multipath_hash_policy", "1");
        h6.ip("addr", "add", H6 + "/128", "dev", "lo");
        h4.ip("addr", "add", H4 + "/32", "dev", "lo");
        routeBoth(h6, h4);

        final Shell.Background server = h4.start("iperf3", "-s", "-1", "-B", H4);
        Gateway.sleep(500);
        final Shell.Background tcp = h6.start("iperf3", "-6", "-c", H4_AS_IPV6, "-B", H6, "-t", String.valueOf(seconds),
            "-P", String.valueOf(STREAMS), "-b", "5M", "-i", "1", "-J", "--connect-timeout", "3000");
        final Shell.Background ping = h6.start("ping", "-6", "-i", String.valueOf(PING_INTERVAL_MS / 1000.0), "-W", "1",
            "-I", H6, "-w", String.valueOf(seconds), H4_AS_IPV6);

        Gateway.sleep(seconds * 250L);
        final long[] load = {translated(gws[0]), translated(gws[1])};
        final int victim = load[0] >= load[1] ? 0 : 1;
        final Gateway dead = gws[victim];
        final Gateway survivor = gws[1 - victim];
        assertTrue(load[victim] > 0, "traffic flows before the kill: " + load[0] + " / " + load[1]);

        final long killedAt = System.nanoTime();
        dead.kill();
        withdraw(h6, h4, victim == 0 ? "b" : "a");
        final long outageMillis = (System.nanoTime() - killedAt) / 1_000_000;
        final long survivorBefore = translated(survivor);

        Gateway.sleep(seconds * 250L);
        final long survivorTookOver = translated(survivor) - survivorBefore;
        dead.start();
        routeInGateway(dead.ns, victim == 0 ? "a" : "b");
        routeBoth(h6, h4);

        final Shell.Result transfer = tcp.waitFor(Duration.ofSeconds(seconds + 30));
        final Shell.Result pings = ping.waitFor(Duration.ofSeconds(seconds + 10));
        server.close();
        final long returned = translated(dead);

        final Matcher m = PING.matcher(pings.stdout());
        assertTrue(m.find(), pings.toString());
        final int sent = Integer.parseInt(m.group(1));
        final int lost = sent - Integer.parseInt(m.group(2));
        final IperfReport report = IperfReport.parse(transfer.stdout());
        System.out.printf("failover: killed gw%s after %d/%d packets (gwA/gwB); "
                + "route withdrawn %d ms after the kill; " +
                "survivor translated %d during the outage; TCP %d streams, %d bytes, %d retransmits, error=%s; " +
                "ping lost %d of %d; returned instance translated %d%n",
            victim == 0 ? "A" : "B", load[0], load[1], outageMillis, survivorTookOver, report.streams, report.bytes,
            report.retransmits, report.error, lost, sent, returned);

        assertEquals(0, transfer.exitCode(), transfer.toString());
        assertEquals(null, report.error, "iperf3 reported an error (a reset connection?)");
        assertEquals(STREAMS, report.streams, transfer.stdout().substring(0, Math.min(3000,
            transfer.stdout().length())));
        assertFalse(report.streamsSilentAtTheEnd > 0,
            report.streamsSilentAtTheEnd + " stream(s) carried nothing in the last intervals: a flow did not survive");
        assertTrue(survivorTookOver > 0, "the surviving instance carried the traffic");
        // In flight = what was sent into the dead path between the kill and the withdrawal, plus one timeout's worth.
        final long allowed = outageMillis / PING_INTERVAL_MS + 1000 / PING_INTERVAL_MS + 2;
        assertTrue(lost <= allowed, "ping lost " + lost + " of " + sent + ", allowed " + allowed);
        assertTrue(returned > 0, "the returned instance takes traffic again");
    }

    /** gw{name} on its own links to h6 (2001:db8:{name}::/64) and h4 (198.51.10{1|2}.0/24), running xlat64. */
    private Gateway gateway(final String name, final Netns h6, final Netns h4)
    {
        final Netns gw = track(Netns.create("xrg"));
        Netns.veth(h6, "eth-" + name, gw, "to-h6");
        Netns.veth(gw, "to-h4", h4, "eth-" + name);
        final String net4 = name.equals("a") ? "198.51.101" : "198.51.102";
        h6.addr("eth-" + name, "2001:db8:" + name + "::2/64");
        h4.addr("eth-" + name, net4 + ".2/24");
        gw.addr("to-h6", "2001:db8:" + name + "::1/64").addr("to-h4", net4 + ".1/24");
        gw.sysctl("net.ipv4.ip_forward", "1").sysctl("net.ipv6.conf.all.forwarding", "1")
            .sysctl("net.ipv6.conf.default.addr_gen_mode", "1");
        gw.route(H6 + "/128", "via", "2001:db8:" + name + "::2").route(H4 + "/32", "via", net4 + ".2");
        final Gateway g = new Gateway(gw, "--prefix", Gateway.PREFIX, "--eam", H6_AS_IPV4 + "=" + H6,
            "--ipv4-addr", "203.0.113.1", "--ipv6-addr", "2001:db8:ffff::1");
        closeables.add(g);
        g.start();
        routeInGateway(gw, name);
        return g;
    }

    /** The routes into a gateway's TUN (they go with the device when the process dies). */
    private static void routeInGateway(final Netns gw, final String name)
    {
        gw.route(Gateway.PREFIX, "dev", Gateway.TUN).route("192.0.2.0/24", "dev", Gateway.TUN);
    }

    /** Both nexthops, as a routing daemon installs them when both gateways are healthy. */
    private static void routeBoth(final Netns h6, final Netns h4)
    {
        h6.ip("-6", "route", "replace", Gateway.PREFIX, "src", H6,
            "nexthop", "via", "2001:db8:a::1", "dev", "eth-a", "nexthop", "via", "2001:db8:b::1", "dev", "eth-b");
        h4.ip("route", "replace", "192.0.2.0/24", "src", H4,
            "nexthop", "via", "198.51.101.1", "dev", "eth-a", "nexthop", "via", "198.51.102.1", "dev", "eth-b");
    }

    /** The withdrawal: only the surviving gateway's nexthop remains. */
    private static void withdraw(final Netns h6, final Netns h4, final String survivor)
    {
        h6.ip("-6", "route", "replace", Gateway.PREFIX, "src", H6, "via", "2001:db8:" + survivor + "::1",
            "dev", "eth-" + survivor);
        h4.ip("route", "replace", "192.0.2.0/24", "src", H4, "via",
            survivor.equals("a") ? "198.51.101.1" : "198.51.102.1",
            "dev", "eth-" + survivor);
    }

    private static long translated(final Gateway g)
    {
        return g.packets("translated_6to4") + g.packets("translated_4to6");
    }

    private <T extends AutoCloseable> T track(final T closeable)
    {
        closeables.add(closeable);
        return closeable;
    }
}
