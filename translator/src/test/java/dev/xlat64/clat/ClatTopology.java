package dev.xlat64.clat;

import dev.xlat64.e2e.Netns;
import dev.xlat64.e2e.Shell;
import dev.xlat64.e2e.Xlat64Jvm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The 464XLAT test network, four namespaces in a line: an IPv6-only host (SLAAC from the router's RAs) -- a router that
 * advertises 2001:db8:1::/64 and, as a state file says, a PREF64 option -- a PLAT (xlat64 run: NAT64 prefix, EAM
 * 192.0.2.64 = the CLAT's address) -- an IPv4 server 198.51.100.2 (HTTP on 80, UDP echo on 7777).
 * <pre>
 *   host h0 ---- r0 router r1 ---- p0 PLAT [plat TUN] p1 ---- s0 server
 *     SLAAC 2001:db8:1::/64     2001:db8:2::/64        198.51.100.0/24
 * </pre>
 * Used by the CLAT end-to-end tests here and by the RFC 7050 one in the dns64 module.
 */
public final class ClatTopology implements AutoCloseable
{
    public static final String PREFIX_A = "2001:db8:64::/96";
    public static final String PREFIX_B = "2001:db8:65::/96";
    public static final String SERVER = "198.51.100.2";

    public final Netns host;
    public final Netns router;
    public final Netns plat;
    public final Netns server;
    private final Path dir;
    private final Path raState;
    private Shell.Background platProcess;

    public ClatTopology() throws IOException
    {
        final List<Netns> made = new ArrayList<>();
        try
        {
            host = add(made, Netns.create("xtch"));
            router = add(made, Netns.create("xtcr"));
            plat = add(made, Netns.create("xtcp"));
            server = add(made, Netns.create("xtcs"));
            dir = Files.createTempDirectory("xlat64-clat-");
            raState = dir.resolve("pref64");
            Files.writeString(raState, "none\n");
            Netns.veth(host, "h0", router, "r0");
            Netns.veth(router, "r1", plat, "p0");
            Netns.veth(plat, "p1", server, "s0");
            router.sysctl("net.ipv6.conf.all.forwarding", "1");
            router.addr("r0", "2001:db8:1::1/64").addr("r1", "2001:db8:2::1/64");
            router.route("2001:db8:64::/96", "via", "2001:db8:2::2").route("2001:db8:65::/96", "via", "2001:db8:2::2");
            plat.sysctl("net.ipv6.conf.all.forwarding", "1").sysctl("net.ipv4.ip_forward", "1");
            plat.addr("p0", "2001:db8:2::2/64").addr("p1", "198.51.100.1/24");
            plat.route("default", "via", "2001:db8:2::1");
            server.addr("s0", SERVER + "/24").route("default", "via", "198.51.100.1");
            Files.writeString(dir.resolve("index.html"), "hello from the IPv4 server\n");
            server.start("python3", "-m", "http.server", "80", "--bind", SERVER, "--directory", dir.toString());
            server.start("socat", "UDP4-RECVFROM:7777,fork", "PIPE");
            final Path ra = dir.resolve("ra.py");
            try (var in = ClatTopology.class.getResourceAsStream("/clat/ra.py"))
            {
                Files.write(ra, in.readAllBytes());
            }
            router.start("python3", ra.toString(), "r0", "2001:db8:1::/64", raState.toString());
            // SLAAC: a global address (after DAD) and the default route from the RA.
            waitFor(Duration.ofSeconds(20), "SLAAC on the host", () ->
                host.exec("ip", "-6", "addr", "show", "dev", "h0", "scope", "global").stdout().contains("2001:db8:1:")
                    && !host.exec("ip", "-6", "addr", "show", "dev", "h0", "tentative").stdout().contains("2001:db8:1:")
                    && host.exec("ip", "-6", "route", "show", "default").stdout().contains("via fe80"));
        }
        catch (final RuntimeException | IOException ex)
        {
            made.forEach(Netns::close);
            throw ex;
        }
    }

    private static Netns add(final List<Netns> made, final Netns n)
    {
        made.add(n);
        return n;
    }

    /** The PREF64 the router advertises from its next RA on (lifetime in seconds; 0 withdraws). */
    public void advertise(final String prefix, final int lifetime)
    {
        write(prefix + " " + lifetime + "\n");
    }

    /** RAs without a PREF64 option from the next one on. */
    public void advertiseNone()
    {
        write("none\n");
    }

    private void write(final String text)
    {
        try
        {
            Files.writeString(raState, text);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /** (Re)starts the PLAT, xlat64 run with {@code prefix} and an EAM entry 192.0.2.64 = {@code clatIpv6}. */
    public void startPlat(final String prefix, final String clatIpv6)
    {
        if (platProcess != null)
        {
            platProcess.stop();
        }
        platProcess = plat.start(xlat64("run", "--tun", "plat", "--prefix", prefix, "--eam",
            "192.0.2.64/32=" + clatIpv6 + "/128", "--manage-routes", "--no-offload"));
        waitFor(Duration.ofSeconds(30), () -> "the PLAT to start\n" + platProcess.errors(),
            () -> platProcess.errors().contains("translating on"));
    }

    public Path dir()
    {
        return dir;
    }

    /** The java command line for {@code xlat64 ARGS} with the test classpath. */
    public static String[] xlat64(final String... args)
    {
        return Xlat64Jvm.argv(args);
    }

    /** Polls {@code condition} every 200 ms until it holds; throws with {@code what} when {@code timeout} passes. */
    public static void waitFor(final Duration timeout, final String what, final BooleanSupplier condition)
    {
        waitFor(timeout, () -> what, condition);
    }

    /** As above, with the message made when it fails (e.g. a process's output by then). */
    public static void waitFor(final Duration timeout, final Supplier<String> what, final BooleanSupplier condition)
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() > deadline)
            {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what.get());
            }
            try
            {
                Thread.sleep(200);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what.get());
            }
        }
    }

    @Override
    public void close()
    {
        if (platProcess != null)
        {
            platProcess.stop();
        }
        host.close();
        router.close();
        plat.close();
        server.close();
    }
}
