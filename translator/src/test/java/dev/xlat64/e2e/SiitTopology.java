package dev.xlat64.e2e;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * h6 (IPv6-only, 2001:db8:1::2) -- gw (the real {@code xlat64 run} CLI in a JVM of its own, on TUN "xlt0") --
 * h4 (IPv4-only, 198.51.100.2). Prefix 2001:db8:64::/96, EAM 192.0.2.2 = 2001:db8:1::2, metrics on the gw's loopback.
 */
public final class SiitTopology implements AutoCloseable
{
    public static final String PREFIX = "2001:db8:64::/96";
    public static final String H6 = "2001:db8:1::2";
    public static final String H6_AS_IPV4 = "192.0.2.2";
    public static final String H4 = "198.51.100.2";
    public static final String H4_AS_IPV6 = "2001:db8:64::c633:6402";
    public static final String TUN = "xlt0";
    private static final Pattern ICMP_ERRORS =
        Pattern.compile("^xlat64_icmp_errors_sent_total\\{([^}]*)\\} ([0-9.eE+]+)$", Pattern.MULTILINE);
    private static final Pattern METRIC = Pattern.compile("^xlat64_packets_total\\{([^}]*)\\} ([0-9.eE+]+)$",
        Pattern.MULTILINE);

    public final Netns h6;
    public final Netns gw;
    public final Netns h4;
    /** The IPv6 router between h6 and gw, or null in the plain topology. */
    public final Netns r6;
    private Shell.Background translator;

    private SiitTopology(final Netns h6, final Netns gw, final Netns h4, final Netns r6)
    {
        this.h6 = h6;
        this.gw = gw;
        this.h4 = h4;
        this.r6 = r6;
    }

    /**
     * h6 --(1500)-- r6 --(ipv6LinkMtu)-- gw --(1500)-- h4: the narrow IPv6 link sits behind a router, so both end hosts
     * believe in 1500 bytes and path MTU discovery has to work across the translator.
     */
    public static SiitTopology createWithIpv6Router(final int ipv6LinkMtu)
    {
        final Netns h6 = Netns.create("xs6");
        final Netns r6 = Netns.create("xsr");
        final Netns gw = Netns.create("xsg");
        final Netns h4 = Netns.create("xs4");
        final SiitTopology t = new SiitTopology(h6, gw, h4, r6);
        try
        {
            Netns.veth(h6, "eth0", r6, "to-h6");
            Netns.veth(r6, "to-gw", gw, "to-r6");
            Netns.veth(gw, "to-h4", h4, "eth0");
            r6.ip("link", "set", "to-gw", "mtu", String.valueOf(ipv6LinkMtu));
            gw.ip("link", "set", "to-r6", "mtu", String.valueOf(ipv6LinkMtu));
            h6.addr("eth0", H6 + "/64").route("default", "via", "2001:db8:1::1");
            r6.addr("to-h6", "2001:db8:1::1/64").addr("to-gw", "2001:db8:2::1/64")
                .sysctl("net.ipv6.conf.all.forwarding", "1").route("default", "via", "2001:db8:2::2");
            gw.addr("to-r6", "2001:db8:2::2/64").addr("to-h4", "198.51.100.1/24")
                .route("2001:db8:1::/64", "via", "2001:db8:2::1");
            gw.sysctl("net.ipv4.ip_forward", "1").sysctl("net.ipv6.conf.all.forwarding", "1");
            h4.addr("eth0", H4 + "/24").route("default", "via", "198.51.100.1");
            h6.sysctl("net.ipv4.ping_group_range", "0 2147483647");
            h4.sysctl("net.ipv4.ping_group_range", "0 2147483647");
            return t;
        }
        catch (final RuntimeException ex)
        {
            t.close();
            throw ex;
        }
    }

    /** Builds the namespaces and links; call {@link #startTranslator} next (tests may first change MTUs). */
    public static SiitTopology create()
    {
        final Netns h6 = Netns.create("xs6");
        final Netns gw = Netns.create("xsg");
        final Netns h4 = Netns.create("xs4");
        final SiitTopology t = new SiitTopology(h6, gw, h4, null);
        try
        {
            wireLine(h6, gw, h4);
            return t;
        }
        catch (final RuntimeException ex)
        {
            t.close();
            throw ex;
        }
    }

    /**
     * The plain line h6 (2001:db8:1::2) -- gw -- h4 (198.51.100.2): veths, addresses, default routes toward gw,
     * forwarding on gw, unprivileged ping on the hosts. Routes into a translator's TUN are the caller's.
     */
    public static void wireLine(final Netns h6, final Netns gw, final Netns h4)
    {
        Netns.veth(h6, "eth0", gw, "to-h6");
        Netns.veth(gw, "to-h4", h4, "eth0");
        h6.addr("eth0", H6 + "/64").route("default", "via", "2001:db8:1::1");
        gw.addr("to-h6", "2001:db8:1::1/64").addr("to-h4", "198.51.100.1/24");
        gw.sysctl("net.ipv4.ip_forward", "1").sysctl("net.ipv6.conf.all.forwarding", "1");
        h4.addr("eth0", H4 + "/24").route("default", "via", "198.51.100.1");
        h6.sysctl("net.ipv4.ping_group_range", "0 2147483647");
        h4.sysctl("net.ipv4.ping_group_range", "0 2147483647");
    }

    /** Runs {@code xlat64 run} in gw with the standard flags plus {@code extraArgs}, then routes into its TUN. */
    public SiitTopology startTranslator(final String... extraArgs)
    {
        final List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", gw.name()));
        argv.addAll(Xlat64Jvm.command(List.of(), "run",
            "--tun", TUN, "--prefix", PREFIX, "--eam", H6_AS_IPV4 + "=" + H6,
            "--ipv4-addr", "203.0.113.1", "--ipv6-addr", "2001:db8:ffff::1", "--metrics", "127.0.0.1:9464"));
        argv.addAll(Arrays.asList(extraArgs));
        translator = Shell.start(argv.toArray(new String[0]));
        final long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!gw.exec("ip", "link", "show", TUN).ok() ||
            !gw.exec("curl", "-sf", "-o", "/dev/null", "http://127.0.0.1:9464/metrics").ok())
        {
            if (!translator.isAlive() || System.nanoTime() > deadline)
            {
                throw new AssertionError("xlat64 did not come up: " + translator.errors() + translator.output());
            }
            sleep(100);
        }
        gw.route(PREFIX, "dev", TUN).route("192.0.2.0/24", "dev", TUN);
        return this;
    }

    /** What the running translator has logged so far (stdout and stderr). */
    public String translatorLog()
    {
        return translator.output() + translator.errors();
    }

    /** The translator's count for one outcome id (summed over queues), read from its Prometheus endpoint. */
    public long packets(final String outcomeId)
    {
        return metric(METRIC, "outcome=\"" + outcomeId + "\"");
    }

    /** ICMP errors the translator originated because of {@code reasonId} (e.g. "ipv6_source_untranslatable"). */
    public long icmpErrors(final String reasonId)
    {
        return metric(ICMP_ERRORS, "reason=\"" + reasonId + "\"");
    }

    private long metric(final Pattern pattern, final String label)
    {
        final String text = gw.check("curl", "-sf", "http://127.0.0.1:9464/metrics").stdout();
        long sum = 0;
        final Matcher m = pattern.matcher(text);
        while (m.find())
        {
            if (m.group(1).contains(label))
            {
                sum += (long)Double.parseDouble(m.group(2));
            }
        }
        return sum;
    }

    /** Stops the translator with SIGTERM and returns what it printed (its counter summary). */
    public Shell.Result stopTranslator()
    {
        final Shell.Result r = translator.stop();
        translator = null;
        return r;
    }

    /**
     * Waits until something listens on TCP {@code port} (e.g. ":8080") in {@code ns}; a loaded CI machine is slow to
     * start servers.
     */
    public static void waitForListener(final Netns ns, final String port)
    {
        for (int i = 0; i < 200; i++)
        {
            if (ns.exec("ss", "-ltn").stdout().contains(port + " "))
            {
                return;
            }
            sleep(100);
        }
        throw new AssertionError("nothing listens on " + port + " in " + ns.name());
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
        }
    }

    @Override
    public void close()
    {
        if (translator != null)
        {
            translator.close();
        }
        h6.close();
        gw.close();
        h4.close();
        if (r6 != null)
        {
            r6.close();
        }
    }
}
