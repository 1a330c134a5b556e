package dev.xlat64.cli;

import dev.xlat64.addr.Addresses;
import dev.xlat64.addr.Rfc6052Prefix;
import dev.xlat64.clat.Clat;
import dev.xlat64.clat.HostPlumbing;
import dev.xlat64.clat.HostState;
import dev.xlat64.clat.PrefixDiscovery;
import dev.xlat64.config.GatewayConfig;
import dev.xlat64.config.Settings;
import dev.xlat64.config.Settings.Key;
import dev.xlat64.dataplane.DataPlane;
import dev.xlat64.metrics.Metrics;
import dev.xlat64.metrics.MetricsServer;
import dev.xlat64.service.ServiceControl;
import dev.xlat64.tun.TunException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.Security;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code xlat64 clat}: the customer side of 464XLAT (RFC 6877) on this host, with the PLAT prefix found by itself. */
@Command(
    name = "clat",
    mixinStandardHelpOptions = true,
    description = {
        "Give this IPv6-only host IPv4 through the network's NAT64 (464XLAT CLAT, RFC 6877). The PLAT prefix is the "
            + "configured one (--prefix), else the PREF64 option of the uplink's Router Advertisements (RFC 8781), "
            + "else what ipv4only.arpa resolves to (RFC 7050); it is re-checked while running and a change is applied "
            + "without a restart. The CLAT's IPv6 address is a fresh one in the uplink's /64 (random interface ID, "
            + "DAD, proxy ND) unless given; the host gets 192.0.0.1 on the TUN device (RFC 7335) and an IPv4 default "
            + "route through it while a prefix is known and no native IPv4 default route exists. Everything is "
            + "removed again at stop (SIGINT/SIGTERM).",
        "",
        "IPv6 forwarding is turned on (the uplink keeps accepting RAs: accept_ra 2) and restored at stop.",
        ""},
    footer = {"",
        "Exit codes: 0 stopped cleanly, 1 runtime failure (no uplink, TUN device, DAD), 2 usage or config error."})
public final class ClatCommand implements Callable<Integer>
{
    private static final Logger LOG = LoggerFactory.getLogger(ClatCommand.class);
    /** RFC 7335: the host's IPv4 address in 192.0.0.0/29, as clatd uses it. */
    static final String CLAT_IPV4 = "192.0.0.1";
    /** RFC 7335: the translator's own IPv4 address (source of the ICMPv4 errors it sends), as clatd gives TAYGA. */
    static final String TRANSLATOR_IPV4 = "192.0.0.2";
    /**
     * IPv6 header 40 minus IPv4 header 20, plus the Fragment header (8) xlat64 adds to IPv4 fragments
     * (RFC 7915 s.5.1.1).
     */
    static final int IPV4_ROUTE_MTU_OVERHEAD = 28;

    @Option(names = "--uplink", paramLabel = "IFACE",
        description = "The IPv6 uplink (default: the device of the IPv6 default route).")
    String uplink;

    @Option(names = "--prefix", paramLabel = "PREFIX",
        description = "The PLAT's NAT64 prefix (RFC 6052: /32../96); discovered when not given.")
    String prefix;

    @Option(names = "--clat-ipv6", paramLabel = "ADDR",
        description = "The CLAT's IPv6 address (routed to this host; default: random in the uplink's /64, with DAD "
            + "and proxy ND).")
    String clatIpv6;

    @Option(names = "--tun", paramLabel = "NAME", defaultValue = "clat",
        description = "TUN device (default: ${DEFAULT-VALUE}).")
    String tun;

    @Option(names = "--no-pref64", description = "Do not read the PREF64 option of Router Advertisements.")
    boolean noPref64;

    @Option(names = "--no-rfc7050", description = "Do not resolve ipv4only.arpa.")
    boolean noRfc7050;

    @Option(names = "--recheck", paramLabel = "SECONDS", defaultValue = "60",
        description = "Re-resolve ipv4only.arpa this often while it is the prefix's source "
            + "(default: ${DEFAULT-VALUE}).")
    int recheck;

    @Option(names = "--wkp-strict", paramLabel = "true|false",
        description = "Drop non-global IPv4 under 64:ff9b::/96 (RFC 6052 s.3.1; default: true).")
    String wkpStrict;

    @Option(names = "--queues", paramLabel = "N", description = "TUN queues (default: 1).")
    String queues;

    @Option(names = "--idle", paramLabel = "STRATEGY", description = "busy-spin, backoff or sleep (default).")
    String idle;

    @Option(names = "--no-offload", description = "No TUN offloads.")
    boolean noOffload;

    @Option(names = "--no-io-uring", description = "No io_uring: one read(2) and write(2) per packet.")
    boolean noIoUring;

    @Option(names = "--metrics", paramLabel = "ADDR:PORT", arity = "0..1", fallbackValue = "127.0.0.1:9464",
        description = "Serve Prometheus metrics (and so `xlat64 stats`) at http://ADDR:PORT/metrics.")
    String metrics;

    @Option(names = "--pidfile", paramLabel = "FILE", description = "Write the process id here while running.")
    Path pidfile;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception
    {
        final PrintWriter err = spec.commandLine().getErr();
        doNotCacheDnsAnswers();
        Rfc6052Prefix configured = null;
        byte[] ipv6 = null;
        try
        {
            configured = prefix == null ? null : Rfc6052Prefix.parse(prefix);
            ipv6 = clatIpv6 == null ? null : Addresses.parse6(clatIpv6);
        }
        catch (final IllegalArgumentException ex)
        {
            final String option = configured == null && prefix != null ? "--prefix" : "--clat-ipv6";
            err.println("xlat64: " + option + ": " + ex.getMessage());
            return 2;
        }
        final String link = uplink != null ? uplink : HostState.ipv6DefaultDevice();
        if (link == null)
        {
            err.println("xlat64: no IPv6 default route, so no uplink to find: give --uplink IFACE");
            return 1;
        }
        final int mtu6;
        try
        {
            mtu6 = HostState.ipv6Mtu(link);
        }
        catch (final IOException ex)
        {
            err.println("xlat64: uplink " + link + ": no such device with IPv6");
            return 1;
        }
        final HostPlumbing plumbing = new HostPlumbing(link, tun);
        final byte[] clat6 = ipv6 != null ? ipv6 : generatedAddress(link, plumbing);
        if (clat6 == null)
        {
            err.println("xlat64: uplink " + link + " has no global /64 address (SLAAC) to take the CLAT address "
                + "from: give --clat-ipv6");
            return 1;
        }
        final GatewayConfig.Result first = config(configured, clat6, mtu6);
        if (!first.ok())
        {
            first.errors.forEach(e -> err.println("xlat64: " + e));
            return 2;
        }
        final DataPlane plane;
        try
        {
            plane = DataPlane.start(first.config.tunSettings(), first.config.siit, null);
        }
        catch (final TunException ex)
        {
            err.println("xlat64: " + ex.getMessage());
            return 1;
        }
        final Metrics meters = new Metrics();
        meters.bindDataPlane(plane.counters());
        final ServiceControl control = new ServiceControl(pidfile,
            first.config.manageRoutes ? first.config.tunName : null, meters.registry());
        MetricsServer server = null;
        final Clat clat = new Clat(new Clat.Settings(link, tun, clat6, Addresses.parse4(CLAT_IPV4),
            mtu6 - IPV4_ROUTE_MTU_OVERHEAD, !noPref64, !noRfc7050, recheck * 1000L, noPref64 ? 0 : 3000),
            new PrefixDiscovery(configured), plumbing, p -> plane.reload(config(p, clat6, mtu6).config.siit));
        try
        {
            control.start(first.config.siit);
            plumbing.prepareUplink();
            plumbing.clatIpv6(clat6);
            plumbing.clatIpv4(Addresses.parse4(CLAT_IPV4));
            if (first.config.metrics != null)
            {
                server = new MetricsServer(first.config.metrics, meters);
                LOG.info("metrics at http://{}:{}/metrics", first.config.metrics.getHostString(),
                    server.address().getPort());
            }
            clat.start();
        }
        catch (final IOException ex)
        {
            err.println("xlat64: " + ex.getMessage());
            closeStarted(clat, plumbing, server, control, plane);
            return 1;
        }
        LOG.info("CLAT translating on {} ({} queue(s), offloads {}, io_uring {})", plane.tun().name(),
            plane.tun().queues(), plane.offloads(), plane.ioUring());
        control.ready(clat.status(), plane::running, plane::counters, 10);
        final CountDownLatch stopped = new CountDownLatch(1);
        final MetricsServer finalServer = server;
        Runtime.getRuntime().addShutdownHook(new Thread(() ->
        {
            control.stopping();
            closeStarted(clat, plumbing, finalServer, control, plane);
            RunCommand.printSummary(plane.counters(), spec.commandLine().getOut());
            stopped.countDown();
        }, "xlat64-clat-shutdown"));
        stopped.await();
        return 0;
    }

    /** RFC 7050 is re-asked while running: the JVM must not keep the first answer (or failure) for ever. */
    private static void doNotCacheDnsAnswers()
    {
        Security.setProperty("networkaddress.cache.ttl", "0");
        Security.setProperty("networkaddress.cache.negative.ttl", "0");
    }

    /**
     * RFC 6877 s.6.3: a fresh address in the uplink's global /64 (random interface ID, checked with DAD), or null
     * when the uplink has no global /64.
     */
    private static byte[] generatedAddress(final String link, final HostPlumbing plumbing) throws IOException
    {
        final byte[] slash64 = HostState.global64(link);
        if (slash64 == null)
        {
            return null;
        }
        java.util.Arrays.fill(slash64, 8, 16, (byte)0);
        return plumbing.uniqueAddress(slash64);
    }

    /** Closes, in this order, what {@link #call} started: the CLAT, its host changes, metrics, routes, data plane. */
    private static void closeStarted(final Clat clat, final HostPlumbing plumbing, final MetricsServer server,
        final ServiceControl control, final DataPlane plane)
    {
        clat.close();
        plumbing.close();
        if (server != null)
        {
            server.close();
        }
        control.close();
        plane.close();
    }

    /**
     * The translator config of a CLAT: the PLAT prefix (or none yet) and one EAM entry, 192.0.0.1 = the CLAT address.
     */
    GatewayConfig.Result config(final Rfc6052Prefix plat, final byte[] clat6, final int mtu6)
    {
        final Settings s = new Settings();
        s.flag(Key.TUN_NAME, tun).flag(Key.PREFIX, plat == null ? null : plat.prefix().toString())
            // RFC 6877 section 6.3 with RFC 7757: the host's IPv4 address maps to the CLAT's dedicated IPv6 address.
            .flag(Key.EAM, List.of(CLAT_IPV4 + "/32=" + Addresses.format6(clat6) + "/128"))
            .flag(Key.IPV4_ADDR, TRANSLATOR_IPV4).flag(Key.TUN_MTU, String.valueOf(Math.max(1280, mtu6)))
            .flag(Key.IPV6_MTU, String.valueOf(mtu6)).flag(Key.WKP_STRICT, wkpStrict).flag(Key.TUN_QUEUES, queues)
            .flag(Key.TUN_IDLE, idle).flag(Key.TUN_OFFLOAD, noOffload ? "false" : null)
            .flag(Key.TUN_IO_URING, noIoUring ? "false" : null).flag(Key.METRICS, metrics);
        return GatewayConfig.from(s);
    }
}
