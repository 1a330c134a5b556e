package dev.xlat64.cli;

import dev.xlat64.config.GatewayConfig;
import dev.xlat64.config.Settings.Key;
import dev.xlat64.config.Settings;
import dev.xlat64.core.Counters;
import dev.xlat64.core.Outcome;
import dev.xlat64.dataplane.DataPlane;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code xlat64 demo}: builds h6 (IPv6-only) - gw (xlat64 on a TUN) - h4 (IPv4-only) in network namespaces, drives real
 * ping, HTTP over TCP and UDP across the translator, prints the counters and removes everything.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
        "Show stateless NAT64 working end to end on this machine (needs root, iproute2, ping, curl, socat, python3).",
        "Creates network namespaces h6 (IPv6-only, 2001:db8:1::2), gw (xlat64 on TUN 'xlat64', prefix "
            + "2001:db8:64::/96, EAM 192.0.2.2=2001:db8:1::2) and h4 (IPv4-only, 198.51.100.2), then from h6 pings "
            + "h4 through the prefix, fetches a page from an HTTP server in h4, sends UDP both ways, pings h6 from h4 "
            + "through the EAM entry, shows one packet the translator must drop, prints the translator's counters "
            + "and removes everything (also on failure)."},
    footer = {"", "Exit codes: 0 every step worked, 1 a step failed (the output says which)."})
public final class DemoCommand implements Callable<Integer>
{
    static final String PREFIX = "2001:db8:64::/96";
    static final String H6 = "2001:db8:1::2";
    static final String H6_AS_IPV4 = "192.0.2.2";
    static final String H4 = "198.51.100.2";
    static final String H4_AS_IPV6 = "2001:db8:64::c633:6402";

    @Spec
    CommandSpec spec;

    private int failures;

    @Override
    public Integer call() throws Exception
    {
        final PrintWriter out = spec.commandLine().getOut();
        failures = 0;
        try (Host h6 = Host.create("h6"); Host gw = Host.create("gw"); Host h4 = Host.create("h4"))
        {
            out.println("== topology: h6 [" + H6 + "] -- gw (xlat64, prefix " + PREFIX + ") -- h4 [" + H4 + "]");
            Host.veth(h6, "eth0", gw, "to-h6");
            Host.veth(gw, "to-h4", h4, "eth0");
            h6.must("ip", "-6", "addr", "add", H6 + "/64", "dev", "eth0", "nodad");
            h6.must("ip", "-6", "route", "add", "default", "via", "2001:db8:1::1");
            gw.must("ip", "-6", "addr", "add", "2001:db8:1::1/64", "dev", "to-h6", "nodad");
            gw.must("ip", "addr", "add", "198.51.100.1/24", "dev", "to-h4");
            gw.must("sysctl", "-qw", "net.ipv4.ip_forward=1", "net.ipv6.conf.all.forwarding=1");
            h4.must("ip", "addr", "add", H4 + "/24", "dev", "eth0");
            h4.must("ip", "route", "add", "default", "via", "198.51.100.1");
            h6.must("sysctl", "-qw", "net.ipv4.ping_group_range=0 2147483647");
            h4.must("sysctl", "-qw", "net.ipv4.ping_group_range=0 2147483647");

            final Settings settings = new Settings().flag(Key.TUN_NAME, "xlat64").flag(Key.PREFIX, PREFIX)
                .flag(Key.EAM, List.of(H6_AS_IPV4 + "=" + H6)).flag(Key.IPV4_ADDR, "203.0.113.1")
                .flag(Key.IPV6_ADDR, "2001:db8:ffff::1");
            final GatewayConfig config = GatewayConfig.from(settings).config;
            try (DataPlane plane = DataPlane.start(config.tunSettings(), config.siit, gw.name()))
            {
                gw.must("ip", "-6", "route", "add", PREFIX, "dev", "xlat64");
                gw.must("ip", "route", "add", "192.0.2.0/24", "dev", "xlat64");
                out.println("== xlat64 translating on TUN 'xlat64' in namespace gw");

                step(out, "ping h6 -> h4 through the prefix (" + H4_AS_IPV6 + ")",
                    h6.exec(15, "ping", "-6", "-c", "3", "-i", "0.2", "-W", "2", H4_AS_IPV6), "3 received");

                h4.start("python3", "-m", "http.server", "8080", "--bind", H4);
                waitForPort(h4, "8080");
                step(out, "HTTP over TCP: curl in h6 fetches a page from h4",
                    h6.exec(15, "curl", "-sS", "-g", "--max-time", "5", "-o", "/dev/null", "-w", "HTTP %{http_code}",
                        "http://[" + H4_AS_IPV6 + "]:8080/"), "HTTP 200");

                h4.start("socat", "UDP4-RECVFROM:5000,fork,reuseaddr", "EXEC:cat");
                h6.start("socat", "UDP6-RECVFROM:5001,fork,reuseaddr", "EXEC:cat");
                Thread.sleep(300);
                step(out, "UDP h6 -> h4 and its answer (echo server in h4)",
                    h6.exec(10, "sh", "-c", "echo hello-from-h6 | socat -T 3 - UDP6:[" + H4_AS_IPV6 + "]:5000"),
                    "hello-from-h6");
                step(out, "UDP h4 -> h6 through the EAM entry (echo server in h6)",
                    h4.exec(10, "sh", "-c", "echo hello-from-h4 | socat -T 3 - UDP4:" + H6_AS_IPV4 + ":5001"),
                    "hello-from-h4");

                step(out, "ping h4 -> h6 through the EAM entry (" + H6_AS_IPV4 + " = " + H6 + ")",
                    h4.exec(15, "ping", "-c", "3", "-i", "0.2", "-W", "2", H6_AS_IPV4), "3 received");

                final long before = sum(plane.counters(), Outcome.IPV6_SOURCE_UNTRANSLATABLE);
                h6.must("ip", "-6", "addr", "add", "2001:db8:1::99/64", "dev", "eth0", "nodad");
                h6.exec(5, "ping", "-6", "-c", "1", "-W", "1", "-I", "2001:db8:1::99", H4_AS_IPV6);
                final long after = sum(plane.counters(), Outcome.IPV6_SOURCE_UNTRANSLATABLE);
                check(out, "a packet from an unmapped IPv6 source (2001:db8:1::99) is refused (ICMPv6 1/1) and counted",
                    after > before, "ipv6_source_untranslatable went " + before + " -> " + after);

                out.println();
                out.println("== xlat64 counters");
                RunCommand.printSummary(plane.counters(), out);
            }
        }
        catch (final Exception ex)
        {
            out.println("FAIL  " + ex.getMessage());
            failures++;
        }
        out.println();
        out.println(failures == 0 ? "demo: all steps passed; namespaces removed" :
            "demo: " + failures + " step(s) failed; namespaces removed");
        out.flush();
        return failures == 0 ? 0 : 1;
    }

    private static long sum(final List<Counters> counters, final Outcome outcome)
    {
        long n = 0;
        for (final Counters c : counters)
        {
            n += c.packets(outcome) + c.icmpErrors(outcome); // dropped, or answered with an ICMP error (RFC 7915 s.5.4)
        }
        return n;
    }

    private static void waitForPort(final Host host, final String port) throws Exception
    {
        for (int i = 0; i < 50; i++)
        {
            if (host.exec(5, "ss", "-ltn").output().contains(":" + port + " "))
            {
                return;
            }
            Thread.sleep(100);
        }
    }

    private void step(final PrintWriter out, final String what, final Host.Result r, final String expected)
    {
        check(out, what, r.exit() == 0 && r.output().contains(expected), lastLine(r.output()));
    }

    private void check(final PrintWriter out, final String what, final boolean ok, final String detail)
    {
        out.println((ok ? "ok    " : "FAIL  ") + what + (detail.isEmpty() ? "" : "  [" + detail + "]"));
        out.flush();
        if (!ok)
        {
            failures++;
        }
    }

    private static String lastLine(final String output)
    {
        final String[] lines = output.trim().split("\n");
        for (int i = lines.length - 1; i >= 0; i--)
        {
            if (lines[i].contains("packet loss") || lines[i].contains("HTTP") || lines[i].startsWith("hello"))
            {
                return lines[i].trim();
            }
        }
        return lines.length == 0 ? "" : lines[lines.length - 1].trim();
    }
}
