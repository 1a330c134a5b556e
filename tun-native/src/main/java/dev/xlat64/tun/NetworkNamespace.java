package dev.xlat64.tun;

import static dev.xlat64.tun.TunFlags.CLONE_NEWNET;
import static dev.xlat64.tun.TunFlags.O_CLOEXEC;

/**
 * Runs a step inside a named network namespace ({@code ip netns add NAME}) on the calling thread: setns(2) into it,
 * the step, and setns(2) back, so that fds the step opens stay bound to that namespace. Used by
 * {@link TunDevice#open} for {@link TunOptions#netns}; never on the packet path.
 */
final class NetworkNamespace
{
    private static final LibC LIBC = LibC.INSTANCE;
    private static final String OWN_NETNS = "/proc/thread-self/ns/net";
    private static final String NAMED_NETNS_DIR = "/var/run/netns/";
    // O_RDONLY is 0; namespace fds are only handed to setns(2).
    private static final int O_RDONLY_CLOEXEC = O_CLOEXEC;

    /** What runs inside the namespace. */
    interface Step<T>
    {
        T run() throws TunException;
    }

    private NetworkNamespace()
    {
    }

    /** Runs {@code step} inside network namespace {@code netns} (for TUN device {@code device}, named in errors). */
    static <T> T inside(final String netns, final String device, final Step<T> step) throws TunException
    {
        final int ownNetns = LIBC.open(OWN_NETNS, O_RDONLY_CLOEXEC);
        if (ownNetns < 0)
        {
            throw new TunException("cannot open " + OWN_NETNS + " to remember the current network namespace " +
                "(is /proc mounted?)", LibC.errno());
        }
        try
        {
            enter(netns, device);
            try
            {
                return step.run();
            }
            finally
            {
                if (LIBC.setns(ownNetns, CLONE_NEWNET) < 0)
                {
                    // A thread left in the wrong namespace would silently misroute everything it does later.
                    throw new IllegalStateException("cannot return to the original network namespace after creating " +
                        "TUN device " + device + ": " + Errno.describe(LibC.errno()));
                }
            }
        }
        finally
        {
            LIBC.close(ownNetns);
        }
    }

    private static void enter(final String netns, final String device) throws TunException
    {
        final String path = NAMED_NETNS_DIR + netns;
        final int nsFd = LIBC.open(path, O_RDONLY_CLOEXEC);
        if (nsFd < 0)
        {
            final int errno = LibC.errno();
            if (errno == Errno.ENOENT)
            {
                throw new TunException("network namespace " + netns + " does not exist (ip netns list; create it " +
                    "with ip netns add " + netns + ")", errno);
            }
            throw new TunException("cannot open network namespace " + path + " for TUN device " + device, errno);
        }
        try
        {
            if (LIBC.setns(nsFd, CLONE_NEWNET) < 0)
            {
                final int errno = LibC.errno();
                if (errno == Errno.EPERM)
                {
                    throw new TunException("entering network namespace " + netns + " needs root or CAP_SYS_ADMIN " +
                        "(run as root, or grant AmbientCapabilities=CAP_SYS_ADMIN CAP_NET_ADMIN)", errno);
                }
                throw new TunException("cannot enter network namespace " + netns + " (" + path +
                    " is not a network namespace?)", errno);
            }
        }
        finally
        {
            LIBC.close(nsFd);
        }
    }
}
