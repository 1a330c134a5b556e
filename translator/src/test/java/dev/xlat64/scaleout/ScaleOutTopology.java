package dev.xlat64.scaleout;

import dev.xlat64.e2e.Netns;
import dev.xlat64.e2e.Shell;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The reference deployment of docs/scale-out.md in namespaces, with BIRD 2 from deploy/bird:
 * <pre>
 *                        2001:db8:61::/64 -- gw1 (xlat64 + BIRD, AS 64601) -- 198.51.100.8/29
 *  h6 -- r6 (BIRD, AS 64600)                                                      r4 (BIRD, AS 64500) -- h4
 *  2001:db8:16::/64      2001:db8:62::/64 -- gw2 (xlat64 + BIRD, AS 64602) -- 198.51.100.16/29    203.0.113.0/24
 * </pre>
 * Both gateways run the same xlat64 config (prefix 2001:db8:64::/96, EAM 192.0.2.2 = h6) with --manage-routes; their
 * BIRD learns the routes on the TUN and announces them by eBGP with BFD; r6 and r4 install them as ECMP routes
 * (L4 hash). h6 is 2001:db8:16::2 (seen as 192.0.2.2 by h4), h4 is 203.0.113.2 (2001:db8:64::cb00:7102 for h6).
 */
public final class ScaleOutTopology implements AutoCloseable
{
    public static final String PREFIX = "2001:db8:64::/96";
    public static final String H6 = "2001:db8:16::2";
    public static final String H6_AS_IPV4 = "192.0.2.2";
    public static final String H4 = "203.0.113.2";
    public static final String H4_AS_IPV6 = "2001:db8:64::cb00:7102";
    public static final int BFD_INTERVAL_MS = 100;
    public static final int BFD_MULTIPLIER = 3;
    private static final Pattern ROUTING_EVENT =
        Pattern.compile("(?i)state changed|changed state|session (up|down)|withdrawn|announced|wedged|drain:");
    private static final Pattern MONITOR_TIME =
        Pattern.compile("^\\[(\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d+)\\]");

    /** One gateway host: its namespace, its BIRD and its xlat64. */
    public static final class Gw
    {
        public final String name;
        public final Netns ns;
        public final Bird bird;
        public final Xlat64Process xlat64;

        Gw(final String name, final Netns ns, final Bird bird, final Xlat64Process xlat64)
        {
            this.name = name;
            this.ns = ns;
            this.bird = bird;
            this.xlat64 = xlat64;
        }

        /** Packets translated in both directions so far. */
        public long translated()
        {
            return xlat64.packets("translated_6to4") + xlat64.packets("translated_4to6");
        }
    }

    private final List<AutoCloseable> closeables = new ArrayList<>();
    public final Path dir;
    public final Path flows;
    public final Netns h6;
    public final Netns r6;
    public final Netns r4;
    public final Netns h4;
    public final Bird bird6;
    public final Bird bird4;
    public final Gw gw1;
    public final Gw gw2;

    /** Builds it, starts everything and waits until both routers have both gateways' paths. */
    public ScaleOutTopology(final List<String> xlat64Args)
    {
        this(xlat64Args, gw ->
        {
        });
    }

    /** The same, with {@code gatewaySetup} run in each gateway namespace before its xlat64 starts. */
    public ScaleOutTopology(final List<String> xlat64Args, final Consumer<Netns> gatewaySetup)
    {
        try
        {
            dir = Files.createTempDirectory("xlat64-scaleout-");
            flows = dir.resolve("flows.py");
            try (InputStream in = ScaleOutTopology.class.getResourceAsStream("/scaleout/flows.py"))
            {
                Files.copy(in, flows, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        h6 = track(Netns.create("soh6"));
        r6 = track(Netns.create("sor6"));
        r4 = track(Netns.create("sor4"));
        h4 = track(Netns.create("soh4"));
        Netns.veth(h6, "eth0", r6, "to-h6");
        Netns.veth(r4, "to-h4", h4, "eth0");
        h6.addr("eth0", H6 + "/64").route("default", "via", "2001:db8:16::1");
        h4.addr("eth0", H4 + "/24").route("default", "via", "203.0.113.1");
        r6.addr("to-h6", "2001:db8:16::1/64");
        r4.addr("to-h4", "203.0.113.1/24");
        for (final Netns n : List.of(h6, r6, r4, h4))
        {
            n.sysctl("net.ipv4.ip_forward", "1").sysctl("net.ipv6.conf.all.forwarding", "1")
                .sysctl("net.ipv6.fib_multipath_hash_policy", "1").sysctl("net.ipv4.fib_multipath_hash_policy", "1");
        }
        h6.sysctl("net.ipv4.ping_group_range", "0 2147483647");
        final Netns g1 = track(Netns.create("sogw"));
        final Netns g2 = track(Netns.create("sogw"));
        link(g1, 1);
        link(g2, 2);
        gatewaySetup.accept(g1);
        gatewaySetup.accept(g2);
        bird6 = track(new Bird(r6, dir.resolve("r6"), "router6.conf",
            routerLocal("192.0.2.206", 64600),
            "protocol bgp gw1 from xlat64_gateway { neighbor 2001:db8:61::2 as 64601; interface \"eth-gw1\"; }\n" +
                "protocol bgp gw2 from xlat64_gateway { neighbor 2001:db8:62::2 as 64602; interface \"eth-gw2\"; }\n"));
        bird4 = track(new Bird(r4, dir.resolve("r4"), "router4.conf",
            routerLocal("192.0.2.204", 64500),
            "protocol bgp gw1 from xlat64_gateway { neighbor 198.51.100.10 as 64601; interface \"eth-gw1\"; }\n" +
                "protocol bgp gw2 from xlat64_gateway { neighbor 198.51.100.18 as 64602; interface \"eth-gw2\"; }\n"));
        bird6.start();
        bird4.start();
        gw1 = gateway("gw1", g1, 1, xlat64Args);
        gw2 = gateway("gw2", g2, 2, xlat64Args);
        awaitPaths(2, Duration.ofSeconds(40));
    }

    private static String routerLocal(final String id, final int as)
    {
        // Logged with timestamps, so that a failure message can place a loss against the sessions' state changes.
        return "define ROUTER_ID = " + id + ";\ndefine LOCAL_AS = " + as + ";\ndefine BFD_INTERVAL_MS = " +
            BFD_INTERVAL_MS + ";\ndefine BFD_MULTIPLIER = " + BFD_MULTIPLIER + ";\n" +
            "debug protocols { states, events };\n";
    }

    /** gw{i}: 2001:db8:6{i}::2/64 towards r6, 198.51.100.{8i+2}/29 towards r4, default routes to both routers. */
    private void link(final Netns gw, final int i)
    {
        Netns.veth(r6, "eth-gw" + i, gw, "eth-r6");
        Netns.veth(gw, "eth-r4", r4, "eth-gw" + i);
        r6.addr("eth-gw" + i, "2001:db8:6" + i + "::1/64");
        gw.addr("eth-r6", "2001:db8:6" + i + "::2/64");
        r4.addr("eth-gw" + i, "198.51.100." + (8 * i + 1) + "/29");
        gw.addr("eth-r4", "198.51.100." + (8 * i + 2) + "/29");
        gw.sysctl("net.ipv4.ip_forward", "1").sysctl("net.ipv6.conf.all.forwarding", "1")
            .sysctl("net.ipv6.conf.default.addr_gen_mode", "1");
        gw.route("default", "via", "2001:db8:6" + i + "::1");
        gw.route("default", "via", "198.51.100." + (8 * i + 1));
    }

    private Gw gateway(final String name, final Netns ns, final int i, final List<String> xlat64Args)
    {
        final Bird bird = track(new Bird(ns, dir.resolve(name), "gateway.conf",
            "define ROUTER_ID = 192.0.2." + (200 + i) + ";\ndefine LOCAL_AS = " + (64600 + i) + ";\n" +
                "define XLAT64_TUN = \"" + Xlat64Process.TUN + "\";\ndefine BFD_INTERVAL_MS = " + BFD_INTERVAL_MS +
                ";\ndefine BFD_MULTIPLIER = " + BFD_MULTIPLIER + ";\ndebug protocols { states };\n",
            "protocol bgp r6 from to_ipv6_side { neighbor 2001:db8:6" + i + "::1 as 64600; interface \"eth-r6\"; }\n" +
                "protocol bgp r4 from to_ipv4_side { neighbor 198.51.100." + (8 * i + 1) + " as 64500; " +
                "interface \"eth-r4\"; }\n"));
        bird.start();
        final Xlat64Process x = track(new Xlat64Process(ns, dir.resolve(name).resolve("xlat64.pid"), xlat64Args));
        x.start();
        return new Gw(name, ns, bird, x);
    }

    /** Nexthops r6 has for the NAT64 prefix and r4 for h6's EAM address (0 when there is no route). */
    public int[] paths()
    {
        return new int[] {nexthops(r6.exec("ip", "-6", "route", "show", PREFIX).stdout()),
            nexthops(r4.exec("ip", "route", "show", H6_AS_IPV4).stdout())};
    }

    /** How many nexthops an {@code ip route show} line (or block) has; 0 for no route. */
    public static int nexthops(final String route)
    {
        if (route.isBlank())
        {
            return 0;
        }
        final int n = route.split("nexthop", -1).length - 1;
        return n == 0 ? 1 : n;
    }

    /** Waits until both routers have {@code n} paths; returns the milliseconds it took. */
    public long awaitPaths(final int n, final Duration timeout)
    {
        final long start = System.nanoTime();
        final long deadline = start + timeout.toNanos();
        int[] p = paths();
        while (p[0] != n || p[1] != n)
        {
            if (System.nanoTime() > deadline)
            {
                throw new AssertionError("routers have " + p[0] + " / " + p[1] + " paths, not " + n + "\nr6: " +
                    bird6.birdc("show", "protocols") + "\nr4: " + bird4.birdc("show", "protocols") + "\ngw1: " +
                    gw1Protocols());
            }
            sleep(20);
            p = paths();
        }
        return (System.nanoTime() - start) / 1_000_000;
    }

    private String gw1Protocols()
    {
        return gw1 == null ? "" : gw1.bird.birdc("show", "route", "all");
    }

    /**
     * BGP and BFD state changes the routers logged so far for their sessions with {@code gw}. BFD is tuned to 300 ms
     * here, so a stall of the whole machine that long (seen on CI) takes a gateway out of the routers for the seconds
     * BGP needs to come back: a test that counts a loss on the gateway that should keep serving checks this first.
     */
    public int stateChanges(final Gw gw)
    {
        final int i = gw == gw1 ? 1 : 2;
        // BIRD's BFD line names the peer address: gw{i} is 2001:db8:6{i}::2 at r6 and 198.51.100.{8i+2} at r4.
        final Pattern bfdDown = Pattern.compile("Session to (2001:db8:6" + i + "::2|198\\.51\\.100\\." + (8 * i + 2) +
            ") .*to Down");
        int n = 0;
        for (final String log : List.of(bird6.log(), bird4.log()))
        {
            for (final String line : log.split("\n"))
            {
                if (line.contains(gw.name + ": State changed") || bfdDown.matcher(line).find())
                {
                    n++;
                }
            }
        }
        return n;
    }

    /**
     * For a failure message: the routing events every daemon logged (BGP and BFD state changes, withdrawals and
     * announcements, with BIRD's timestamps), to place a loss in time.
     */
    public String routingEvents()
    {
        final StringBuilder b = new StringBuilder();
        for (final Object[] d : new Object[][] {{"r6 BIRD", bird6.log()}, {"r4 BIRD", bird4.log()},
            {"gw1 BIRD", gw1.bird.log()}, {"gw2 BIRD", gw2.bird.log()}, {"gw1 xlat64", gw1.xlat64.log()},
            {"gw2 xlat64", gw2.xlat64.log()}})
        {
            b.append("\n--- ").append(d[0]).append(" (state changes) ---\n");
            for (final String line : ((String)d[1]).split("\n"))
            {
                if (ROUTING_EVENT.matcher(line).find())
                {
                    b.append(line).append('\n');
                }
            }
        }
        return b.toString();
    }

    /** {@code ip -ts monitor route} in a router, for the exact time of a withdrawal. */
    public static Shell.Background monitor(final Netns router)
    {
        final Shell.Background b = router.start("ip", "-ts", "monitor", "route");
        sleep(200);
        return b;
    }

    /** The first route change mentioning {@code prefix} at or after {@code after}, as an instant; null if none. */
    public static Instant firstChange(final String monitorOutput, final String prefix, final Instant after)
    {
        Instant stamp = null;
        for (final String line : monitorOutput.split("\n"))
        {
            final Matcher m = MONITOR_TIME.matcher(line);
            if (m.find())
            {
                stamp = LocalDateTime.parse(m.group(1)).atZone(ZoneId.systemDefault()).toInstant();
            }
            if (stamp != null && !stamp.isBefore(after) && line.contains(prefix))
            {
                return stamp;
            }
        }
        return null;
    }

    /** The flows.py helper in {@code ns}: {@code python3 flows.py ARGS}. */
    public Shell.Background flows(final Netns ns, final String... args)
    {
        final String[] argv = new String[args.length + 2];
        argv[0] = "python3";
        argv[1] = flows.toString();
        System.arraycopy(args, 0, argv, 2, args.length);
        return ns.start(argv);
    }

    /** Where the shipped BIRD configs are: deploy/bird in the repository (a parent of the working directory). */
    public static Path deployBird()
    {
        for (Path p = Path.of(System.getProperty("user.dir")).toAbsolutePath(); p != null; p = p.getParent())
        {
            if (Files.isRegularFile(p.resolve("deploy/bird/gateway.conf")))
            {
                return p.resolve("deploy/bird");
            }
        }
        throw new AssertionError("deploy/bird not found above " + System.getProperty("user.dir"));
    }

    public static boolean birdInstalled()
    {
        return Shell.run("sh", "-c", "command -v bird && command -v birdc").ok();
    }

    public static void sleep(final long millis)
    {
        try
        {
            Thread.sleep(millis);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted");
        }
    }

    private <T extends AutoCloseable> T track(final T c)
    {
        closeables.add(c);
        return c;
    }

    @Override
    public void close()
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
        Shell.run("rm", "-rf", dir.toString());
    }
}
