package dev.xlat64.reliability;

import dev.xlat64.e2e.Netns;
import dev.xlat64.e2e.SiitTopology;

/**
 * h6 (2001:db8:1::2) -- gw (the real {@code xlat64 run} on xlt0) -- h4 (198.51.100.2), namespaces prefixed "xr".
 * Prefix 2001:db8:64::/96 (h4 is 2001:db8:64::c633:6402 from h6), EAM 192.0.2.2 = 2001:db8:1::2. Only h4's and
 * h6's images are routed into the TUN; everything else the gateway would forward goes to a blackhole route, so what
 * the TUN sees is exactly what the test sends (no ICMP from the gw kernel, no translated packet re-entering).
 */
final class LineTopology implements AutoCloseable
{
    static final String H6 = SiitTopology.H6;
    static final String H6_AS_IPV4 = "192.0.2.2";
    static final String H4 = SiitTopology.H4;
    static final String H4_AS_IPV6 = "2001:db8:64::c633:6402";
    static final int TUN_MTU = 1500;
    /** The flags both the gateway and an engine-level prediction use. */
    static final String[] XLAT64_ARGS = {"--prefix", Gateway.PREFIX, "--eam", H6_AS_IPV4 + "=" + H6,
        "--ipv4-addr", "203.0.113.1", "--ipv6-addr", "2001:db8:ffff::1", "--icmp-pool4", "203.0.113.0/28",
        "--icmp-pool6", "2001:db8:ffff::/120", "--mtu", String.valueOf(TUN_MTU)};

    final Netns h6;
    final Netns gw;
    final Netns h4;
    final Gateway xlat64;

    private LineTopology(final Netns h6, final Netns gw, final Netns h4)
    {
        this.h6 = h6;
        this.gw = gw;
        this.h4 = h4;
        this.xlat64 = new Gateway(gw, XLAT64_ARGS);
    }

    static LineTopology create()
    {
        final LineTopology t = new LineTopology(Netns.create("xr6"), Netns.create("xrg"), Netns.create("xr4"));
        try
        {
            SiitTopology.wireLine(t.h6, t.gw, t.h4);
            // No link-local on the TUN: no MLD or router solicitation from the kernel reaches xlat64.
            t.gw.sysctl("net.ipv6.conf.default.addr_gen_mode", "1");
            t.xlat64.start();
            t.gw.route(H4_AS_IPV6 + "/128", "dev", Gateway.TUN).route(H6_AS_IPV4 + "/32", "dev", Gateway.TUN)
                .route("blackhole", "default");
            t.gw.ip("-6", "route", "add", "blackhole", "default");
            return t;
        }
        catch (final RuntimeException ex)
        {
            t.close();
            throw ex;
        }
    }

    @Override
    public void close()
    {
        xlat64.close();
        h6.close();
        gw.close();
        h4.close();
    }
}
