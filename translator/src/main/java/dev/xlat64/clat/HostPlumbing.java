package dev.xlat64.clat;

import dev.xlat64.addr.Addresses;
import dev.xlat64.service.Rtnetlink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The host side of the CLAT: sysctls, the proxy-ND entry that makes the router deliver the CLAT's IPv6 address to this
 * host, the routes and the IPv4 address on the TUN device. Every change is recorded with its undo, and {@link #close}
 * undoes them in reverse order, so a stopped CLAT leaves the host as it found it. Uses iproute2 ({@code ip}) for what
 * {@link Rtnetlink} does not cover (addresses, proxy entries, a route with src and mtu).
 */
public final class HostPlumbing implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(HostPlumbing.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String uplink;
    private final String tun;
    private final Deque<Runnable> undo = new ArrayDeque<>();
    private boolean defaultRoute;
    private Runnable defaultRouteUndo;

    public HostPlumbing(final String uplink, final String tun)
    {
        this.uplink = uplink;
        this.tun = tun;
    }

    /**
     * A fresh CLAT address in {@code slash64} (RFC 6877 section 6.3: a dedicated address): a random interface ID
     * (RFC 7217's goal, unpredictable; none of the reserved IDs of RFC 5453), checked by the kernel's own DAD (RFC 4862
     * section 5.4) by putting it on the uplink as a /128 for the moment of the check; a duplicate is replaced.
     */
    public byte[] uniqueAddress(final byte[] slash64) throws IOException
    {
        for (int attempt = 0; attempt < 3; attempt++)
        {
            final byte[] candidate = slash64.clone();
            final byte[] iid = new byte[8];
            RANDOM.nextBytes(iid);
            // RFC 5453: avoid the subnet-router anycast ID (all zero) and the reserved anycast range
            // fdff:ffff:ffff:ff80+.
            if (isReserved(iid))
            {
                continue;
            }
            System.arraycopy(iid, 0, candidate, 8, 8);
            if (duplicateAddressDetection(candidate))
            {
                return candidate;
            }
            LOG.warn("DAD: {} is in use on {}; choosing another interface ID", Addresses.format6(candidate), uplink);
        }
        throw new IOException("no unique CLAT address found on " + uplink + " after 3 tries (DAD failed each time)");
    }

    static boolean isReserved(final byte[] iid)
    {
        boolean zero = true;
        for (final byte b : iid)
        {
            zero &= b == 0;
        }
        final boolean anycast = (iid[0] & 0xff) == 0xfd && (iid[1] & 0xff) == 0xff && (iid[2] & 0xff) == 0xff
            && (iid[3] & 0xff) == 0xff && (iid[4] & 0xff) == 0xff && (iid[5] & 0xff) == 0xff && (iid[6] & 0xff) == 0xff
            && (iid[7] & 0x80) != 0;
        return zero || anycast;
    }

    /** True when the kernel's DAD found {@code address} unused on the uplink (or the uplink does no DAD). */
    private boolean duplicateAddressDetection(final byte[] address) throws IOException
    {
        final String text = Addresses.format6(address);
        ip("-6", "addr", "add", text + "/128", "dev", uplink);
        try
        {
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < deadline)
            {
                final String state = HostState.dadState(uplink, address);
                if ("ok".equals(state) || state == null)
                {
                    return true;
                }
                if ("dadfailed".equals(state))
                {
                    return false;
                }
                Thread.sleep(100);
            }
            throw new IOException("DAD of " + text + " on " + uplink + " did not finish within 10 s");
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted during DAD");
        }
        finally
        {
            run("ip", "-6", "addr", "del", text + "/128", "dev", uplink);
        }
    }

    /**
     * Lets this host forward between the uplink and the TUN device while it keeps learning its default route, addresses
     * and PREF64 from RAs (accept_ra 2: with forwarding on, 1 would stop that, and turning forwarding on would flush
     * the RA-learned default route), and answer Neighbor Solicitations for the CLAT address (proxy_ndp).
     */
    public void prepareUplink() throws IOException
    {
        if ("1".equals(sysctlValue("net/ipv6/conf/" + uplink + "/accept_ra")))
        {
            sysctl("net/ipv6/conf/" + uplink + "/accept_ra", "2");
        }
        sysctl("net/ipv6/conf/all/forwarding", "1");
        sysctl("net/ipv6/conf/" + uplink + "/proxy_ndp", "1");
    }

    /** Proxy ND for the CLAT's IPv6 address on the uplink, and the route that sends it into the TUN device. */
    public void clatIpv6(final byte[] address) throws IOException
    {
        final String text = Addresses.format6(address);
        ip("-6", "neigh", "add", "proxy", text, "dev", uplink);
        undo.push(() -> run("ip", "-6", "neigh", "del", "proxy", text, "dev", uplink));
        try (Rtnetlink netlink = Rtnetlink.open())
        {
            netlink.replace(text + "/128", tun);
        }
        undo.push(() -> quietly(n -> n.delete(text + "/128", tun)));
    }

    /** The host's IPv4 address on the TUN device (RFC 7335: 192.0.0.1 of 192.0.0.0/29, as clatd does). */
    public void clatIpv4(final int address) throws IOException
    {
        final String text = Addresses.format4(address) + "/32";
        ip("-4", "addr", "add", text, "dev", tun);
        undo.push(() -> run("ip", "-4", "addr", "del", text, "dev", tun));
    }

    /** Adds or removes the IPv4 default route through the TUN device (source {@code src}, route MTU {@code mtu}). */
    public synchronized void defaultRoute(final boolean wanted, final int src, final int mtu) throws IOException
    {
        if (wanted == defaultRoute)
        {
            return;
        }
        if (wanted)
        {
            ip("-4", "route", "replace", "default", "dev", tun, "src", Addresses.format4(src),
                "mtu", String.valueOf(mtu));
            defaultRouteUndo = () -> run("ip", "-4", "route", "del", "default", "dev", tun);
            undo.push(defaultRouteUndo);
            LOG.info("IPv4 default route via {} added (mtu {})", tun, mtu);
        }
        else
        {
            undo.remove(defaultRouteUndo);
            defaultRouteUndo.run();
            LOG.info("IPv4 default route via {} removed", tun);
        }
        defaultRoute = wanted;
    }

    public synchronized boolean hasDefaultRoute()
    {
        return defaultRoute;
    }

    /** Undoes every change, newest first; never throws. */
    @Override
    public synchronized void close()
    {
        while (!undo.isEmpty())
        {
            try
            {
                undo.pop().run();
            }
            catch (final RuntimeException ex)
            {
                LOG.warn("while undoing the CLAT's host changes: {}", ex.getMessage());
            }
        }
        defaultRoute = false;
    }

    private void sysctl(final String key, final String value) throws IOException
    {
        final String old = sysctlValue(key);
        if (value.equals(old))
        {
            return;
        }
        Files.writeString(Path.of("/proc/sys", key), value);
        LOG.info("sysctl {} = {} (was {}; restored at stop)", key.replace('/', '.'), value, old);
        undo.push(() ->
        {
            try
            {
                Files.writeString(Path.of("/proc/sys", key), old);
            }
            catch (final IOException ex)
            {
                LOG.warn("cannot restore sysctl {} = {}: {}", key, old, ex.getMessage());
            }
        });
    }

    private static String sysctlValue(final String key) throws IOException
    {
        return HostState.sysctl(key);
    }

    private interface NetlinkCall
    {
        void call(Rtnetlink netlink) throws IOException;
    }

    private static void quietly(final NetlinkCall call)
    {
        try (Rtnetlink netlink = Rtnetlink.open())
        {
            call.call(netlink);
        }
        catch (final IOException ex)
        {
            LOG.debug("undo: {}", ex.getMessage());
        }
    }

    /** Runs {@code ip ARGS}; throws with ip's message when it fails. */
    static void ip(final String... args) throws IOException
    {
        final List<String> argv = new ArrayList<>(List.of("ip"));
        argv.addAll(List.of(args));
        final String failure = run(argv.toArray(new String[0]));
        if (failure != null)
        {
            throw new IOException(String.join(" ", argv) + ": " + failure);
        }
    }

    /** Runs argv; returns null on success, else its error output. */
    static String run(final String... argv)
    {
        try
        {
            final Process p = new ProcessBuilder(argv).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            final String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(10, TimeUnit.SECONDS))
            {
                p.destroyForcibly();
                return "timed out";
            }
            return p.exitValue() == 0 ? null : output.isEmpty() ? "exit " + p.exitValue() : output;
        }
        catch (final IOException ex)
        {
            return ex.getMessage();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }
}
