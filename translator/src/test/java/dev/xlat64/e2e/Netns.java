package dev.xlat64.e2e;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A throw-away named network namespace for end-to-end tests, with loopback up; {@link #close()} kills whatever still
 * runs inside and deletes it. Use an "xt" prefix so concurrent test runs on one machine do not collide, and only
 * documentation addresses (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32).
 */
public final class Netns implements AutoCloseable
{
    /** Linux IFNAMSIZ minus the terminating NUL. */
    public static final int MAX_LINK_NAME = 15;

    private final String name;
    private final List<Shell.Background> started = new ArrayList<>();
    private boolean closed;

    private Netns(final String name)
    {
        this.name = name;
    }

    /** True when running as root; use as {@code assumeTrue(Netns.requireRoot(), Netns.ROOT_MESSAGE)}. */
    public static boolean requireRoot()
    {
        return "root".equals(System.getProperty("user.name"));
    }

    public static final String ROOT_MESSAGE =
        "end-to-end test needs root (ip netns, veth, TUN); skipped because the JVM does not run as root";

    /** Creates prefix + 6 random hex digits (retrying on a name clash) and brings its loopback up. */
    public static Netns create(final String prefix)
    {
        for (int attempt = 0; attempt < 5; attempt++)
        {
            final String candidate = prefix + String.format("%06x", ThreadLocalRandom.current().nextInt(1 << 24));
            final Shell.Result added = Shell.run("ip", "netns", "add", candidate);
            if (added.ok())
            {
                final Netns netns = new Netns(candidate);
                try
                {
                    netns.check("ip", "link", "set", "lo", "up");
                }
                catch (final RuntimeException ex)
                {
                    netns.close();
                    throw ex;
                }
                return netns;
            }
            if (!added.stderr().contains("exists"))
            {
                throw new Shell.ShellException("ip netns add " + candidate + " failed: " + added.stderr().strip());
            }
        }
        throw new Shell.ShellException("no free network namespace name with prefix " + prefix + " after 5 tries");
    }

    public String name()
    {
        return name;
    }

    /** Runs argv inside the namespace ({@code ip netns exec NAME argv}) and reports, whatever the exit code. */
    public Shell.Result exec(final String... argv)
    {
        return Shell.run(Shell.DEFAULT_TIMEOUT, inside(argv));
    }

    /** Runs argv inside the namespace and throws unless it exits 0. */
    public Shell.Result check(final String... argv)
    {
        return Shell.check(Shell.DEFAULT_TIMEOUT, inside(argv));
    }

    /** Starts argv in the background inside the namespace; {@link #close()} stops it if the test did not. */
    public Shell.Background start(final String... argv)
    {
        final Shell.Background process = Shell.start(inside(argv));
        started.add(process);
        return process;
    }

    /** Creates a veth pair with one end in each namespace and brings both ends up. */
    public static void veth(final Netns a, final String ifA, final Netns b, final String ifB)
    {
        requireLinkName(ifA);
        requireLinkName(ifB);
        // Created directly inside the namespaces, so the names never meet (or clash) in the root namespace.
        Shell.check("ip", "link", "add", ifA, "netns", a.name, "type", "veth", "peer", "name", ifB, "netns", b.name);
        a.up(ifA);
        b.up(ifB);
    }

    public Netns up(final String ifname)
    {
        ip("link", "set", ifname, "up");
        return this;
    }

    /** Adds an address; IPv6 ones get {@code nodad} so they are usable at once, not after duplicate detection. */
    public Netns addr(final String ifname, final String cidr)
    {
        if (cidr.indexOf(':') >= 0)
        {
            ip("addr", "add", cidr, "dev", ifname, "nodad");
        }
        else
        {
            ip("addr", "add", cidr, "dev", ifname);
        }
        return this;
    }

    /** {@code ip route add ARGS}, e.g. {@code route("default", "via", "192.0.2.1")}; the family follows the args. */
    public Netns route(final String... args)
    {
        final String[] argv = new String[args.length + 2];
        argv[0] = "route";
        argv[1] = "add";
        System.arraycopy(args, 0, argv, 2, args.length);
        ip(argv);
        return this;
    }

    /** {@code sysctl -qw key=value} inside the namespace, e.g. net.ipv6.conf.all.forwarding=1. */
    public Netns sysctl(final String key, final String value)
    {
        check("sysctl", "-qw", key + "=" + value);
        return this;
    }

    /** {@code ip -n NAME args}, checked. */
    public Shell.Result ip(final String... args)
    {
        final String[] argv = new String[args.length + 3];
        argv[0] = "ip";
        argv[1] = "-n";
        argv[2] = name;
        System.arraycopy(args, 0, argv, 3, args.length);
        return Shell.check(argv);
    }

    /** Stops what this helper started, kills anything else left inside, deletes the namespace; never throws. */
    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        for (final Shell.Background process : started)
        {
            try
            {
                process.close();
            }
            catch (final RuntimeException ignored)
            {
                // Best effort: the kill below and the namespace deletion still have to happen.
            }
        }
        try
        {
            Shell.run("sh", "-c", "ip netns pids \"$1\" | xargs -r kill -9", "sh", name);
            final Shell.Result deleted = Shell.run("ip", "netns", "del", name);
            if (!deleted.ok())
            {
                System.err.println("Netns: could not delete " + name + ": " + deleted.stderr().strip());
            }
        }
        catch (final RuntimeException ex)
        {
            System.err.println("Netns: could not clean up " + name + ": " + ex.getMessage());
        }
    }

    @Override
    public String toString()
    {
        return "Netns{" + name + "}";
    }

    private String[] inside(final String... argv)
    {
        final String[] full = new String[argv.length + 4];
        full[0] = "ip";
        full[1] = "netns";
        full[2] = "exec";
        full[3] = name;
        System.arraycopy(argv, 0, full, 4, argv.length);
        return full;
    }

    private static void requireLinkName(final String ifname)
    {
        if (ifname.isEmpty() || ifname.getBytes(StandardCharsets.UTF_8).length > MAX_LINK_NAME)
        {
            throw new IllegalArgumentException("link name '" + ifname + "' must be 1.." + MAX_LINK_NAME + " bytes");
        }
    }
}
