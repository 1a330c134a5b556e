package dev.xlat64.tun;

import static dev.xlat64.tun.TunFlags.*;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/**
 * A Linux TUN interface (IFF_TUN | IFF_NO_PI), one non-blocking fd per queue.
 * <p>
 * {@link #open} attaches to an existing TUN device of the same name when there is one (normal TUNSETIFF behaviour,
 * e.g. a persistent device made by {@code ip tuntap add}), otherwise creates it; a device created here disappears
 * when its last fd closes. Attaching fails with EINVAL when the existing device differs in IFF_MULTI_QUEUE or is a TAP,
 * and with EBUSY when a single-queue device is already in use.
 * <p>
 * With {@link TunOptions#netns} the fds are opened inside that namespace by switching the calling thread with
 * setns(2) and back; the fds and the control socket stay bound to that namespace afterwards, so every method here
 * works from any thread in any namespace. The hot-path calls ({@link #read}, {@link #write}, {@link #poll}) take raw
 * native addresses, allocate nothing and report errors as negative errno values instead of exceptions.
 */
public final class TunDevice implements AutoCloseable
{
    private static final LibC LIBC = LibC.INSTANCE;
    private static final String CLONE_DEVICE = "/dev/net/tun";
    /** Two {@code struct iovec {void *base; size_t len;}} on 64-bit Linux. */
    private static final int IOVEC_PAIR_SIZE = 32;

    private final String name;
    private final int[] fds;
    private final int controlSocket;
    private final Pointer pollFds;
    /** One two-entry {@code struct iovec} array per queue, for {@link #write(int, long, int, long, int)}. */
    private final Pointer iovecs;
    private final Pointer ifreq;
    private boolean closed;

    private TunDevice(final String name, final int[] fds, final int controlSocket, final Pointer ifreq)
    {
        this.name = name;
        this.fds = fds;
        this.controlSocket = controlSocket;
        this.ifreq = ifreq;
        this.pollFds = Memory.allocateDirect(LibC.RUNTIME, POLLFD_SIZE * fds.length, true);
        this.iovecs = Memory.allocateDirect(LibC.RUNTIME, IOVEC_PAIR_SIZE * fds.length, true);
        for (int queue = 0; queue < fds.length; queue++)
        {
            pollFds.putInt(POLLFD_SIZE * queue, fds[queue]);
            pollFds.putShort(POLLFD_SIZE * queue + POLLFD_EVENTS_OFFSET, POLLIN);
        }
    }

    /** Creates or attaches to the device, inside {@link TunOptions#netns} when given, and applies MTU and up. */
    public static TunDevice open(final TunOptions options) throws TunException
    {
        if (options.netns() == null)
        {
            return openHere(options);
        }
        return NetworkNamespace.inside(options.netns(), options.name(), () -> openHere(options));
    }

    private static TunDevice openHere(final TunOptions options) throws TunException
    {
        final int[] fds = new int[options.queues()];
        Arrays.fill(fds, -1);
        int controlSocket = -1;
        final Pointer ifreq = Memory.allocateDirect(LibC.RUNTIME, IFREQ_SIZE, true);
        try
        {
            String actualName = options.name();
            short flags = (short)(IFF_TUN | IFF_NO_PI);
            flags |= options.queues() > 1 ? IFF_MULTI_QUEUE : 0;
            flags |= options.vnetHeader() ? IFF_VNET_HDR : 0;
            for (int queue = 0; queue < fds.length; queue++)
            {
                fds[queue] = openQueue(actualName, flags, ifreq, options.queues());
                actualName = nameOf(ifreq);
            }
            controlSocket = LIBC.socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
            if (controlSocket < 0)
            {
                throw new TunException("cannot open the AF_INET control socket used to set MTU and flags of " +
                    actualName, LibC.errno());
            }
            final TunDevice device = new TunDevice(actualName, fds, controlSocket, ifreq);
            // Only change what differs: an unprivileged user can attach to a persistent TUN it owns that is already
            // set up (ip tuntap add ... user U), but SIOCSIFMTU/SIOCSIFFLAGS need CAP_NET_ADMIN even for a no-op.
            if (options.mtu() > 0 && device.mtu() != options.mtu())
            {
                device.setMtu(options.mtu());
            }
            if (options.up())
            {
                device.up();
            }
            return device;
        }
        catch (final TunException | RuntimeException ex)
        {
            for (final int fd : fds)
            {
                if (fd >= 0)
                {
                    LIBC.close(fd);
                }
            }
            if (controlSocket >= 0)
            {
                LIBC.close(controlSocket);
            }
            throw ex;
        }
    }

    private static int openQueue(final String name, final short flags, final Pointer ifreq, final int queues)
        throws TunException
    {
        final int fd = LIBC.open(CLONE_DEVICE, O_RDWR | O_CLOEXEC);
        if (fd < 0)
        {
            final int errno = LibC.errno();
            if (errno == Errno.ENOENT || errno == Errno.ENODEV)
            {
                throw new TunException("no " + CLONE_DEVICE + ": load the tun module (modprobe tun) or, in a " +
                    "container, pass the device through (--device /dev/net/tun)", errno);
            }
            throw new TunException("cannot open " + CLONE_DEVICE + " for TUN device " + name + permissionHint(errno),
                errno);
        }
        putName(ifreq, name);
        ifreq.putShort(IFREQ_UNION_OFFSET, flags);
        if (LIBC.ioctl(fd, TUNSETIFF, ifreq) < 0)
        {
            final int errno = LibC.errno();
            LIBC.close(fd);
            throw new TunException(setIfFailure(name, errno, queues), errno);
        }
        final int fileFlags = LIBC.fcntl(fd, F_GETFL, 0);
        if (fileFlags < 0 || LIBC.fcntl(fd, F_SETFL, fileFlags | O_NONBLOCK) < 0)
        {
            final int errno = LibC.errno();
            LIBC.close(fd);
            throw new TunException("cannot make the fd of TUN device " + name + " non-blocking", errno);
        }
        return fd;
    }

    private static String setIfFailure(final String name, final int errno, final int queues)
    {
        switch (errno)
        {
            case Errno.EPERM:
            case Errno.EACCES:
                return "creating TUN device " + name + permissionHint(errno);
            case Errno.EBUSY:
                return "TUN device " + name + " is busy: it is a single-queue device already opened by another " +
                    "process, or the name belongs to a non-TUN interface (ip link show " + name + ")";
            case Errno.EINVAL:
                return "cannot attach to interface " + name + ": it exists with different flags (a TAP, a non-TUN " +
                    "interface, or " + (queues > 1 ? "a single-queue TUN while " + queues + " queues were asked"
                    : "a multi-queue TUN while one queue was asked") + "); delete it (ip link del " + name +
                    ") or change the queue count";
            default:
                return "TUNSETIFF failed for TUN device " + name;
        }
    }

    private static String permissionHint(final int errno)
    {
        return errno == Errno.EPERM || errno == Errno.EACCES ? " needs root or CAP_NET_ADMIN (run as root, or grant " +
            "the capability: AmbientCapabilities=CAP_NET_ADMIN)" : "";
    }

    private static void putName(final Pointer ifreq, final String name)
    {
        final byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        ifreq.setMemory(0, IFREQ_SIZE, (byte)0);
        ifreq.put(0, bytes, 0, Math.min(bytes.length, IFNAMSIZ - 1));
    }

    private static String nameOf(final Pointer ifreq)
    {
        final byte[] bytes = new byte[IFNAMSIZ];
        ifreq.get(0, bytes, 0, IFNAMSIZ);
        int length = 0;
        while (length < IFNAMSIZ && bytes[length] != 0)
        {
            length++;
        }
        return new String(bytes, 0, length, StandardCharsets.UTF_8);
    }

    /** The name the kernel gave the device (TUNSETIFF writes it back). */
    public String name()
    {
        return name;
    }

    public int queues()
    {
        return fds.length;
    }

    public int fd(final int queue)
    {
        return fds[queue];
    }

    /** SIOCSIFMTU through the control socket, which lives in the device's namespace. */
    public synchronized void setMtu(final int mtu) throws TunException
    {
        putName(ifreq, name);
        ifreq.putInt(IFREQ_UNION_OFFSET, mtu);
        if (LIBC.ioctl(controlSocket, SIOCSIFMTU, ifreq) < 0)
        {
            throw new TunException("cannot set MTU " + mtu + " on " + name + " (valid range for TUN is 68..65535)",
                LibC.errno());
        }
    }

    public synchronized int mtu() throws TunException
    {
        putName(ifreq, name);
        if (LIBC.ioctl(controlSocket, SIOCGIFMTU, ifreq) < 0)
        {
            throw new TunException("cannot read the MTU of " + name, LibC.errno());
        }
        return ifreq.getInt(IFREQ_UNION_OFFSET);
    }

    /** Sets IFF_UP, keeping the other interface flags (SIOCGIFFLAGS then SIOCSIFFLAGS). */
    public synchronized void up() throws TunException
    {
        putName(ifreq, name);
        if (LIBC.ioctl(controlSocket, SIOCGIFFLAGS, ifreq) < 0)
        {
            throw new TunException("cannot read the flags of " + name, LibC.errno());
        }
        final short flags = ifreq.getShort(IFREQ_UNION_OFFSET);
        if ((flags & IFF_UP) != 0)
        {
            return;
        }
        ifreq.putShort(IFREQ_UNION_OFFSET, (short)(flags | IFF_UP));
        if (LIBC.ioctl(controlSocket, SIOCSIFFLAGS, ifreq) < 0)
        {
            throw new TunException("cannot bring " + name + " up" + permissionHint(LibC.errno()), LibC.errno());
        }
    }

    /**
     * TUNSETOFFLOAD with {@code TUN_F_*} flags (device-wide). Throws when the kernel refuses, e.g. USO on kernels
     * before 6.2, so the caller can retry with fewer flags.
     */
    public synchronized void setOffload(final int flags) throws TunException
    {
        if (LIBC.ioctl(fds[0], TUNSETOFFLOAD, (long)flags) < 0)
        {
            throw new TunException("kernel refused offload flags 0x" + Integer.toHexString(flags) + " on " + name +
                " (retry with fewer TUN_F_* flags, or none)", LibC.errno());
        }
    }

    /** TUNSETVNETHDRSZ (device-wide): 10, or 12 for the mergeable-buffers layout; needs IFF_VNET_HDR to matter. */
    public synchronized void setVnetHeaderSize(final int size) throws TunException
    {
        final Pointer value = Memory.allocateDirect(LibC.RUNTIME, 4);
        value.putInt(0, size);
        if (LIBC.ioctl(fds[0], TUNSETVNETHDRSZ, value) < 0)
        {
            throw new TunException("kernel refused vnet header size " + size + " on " + name +
                " (the kernel accepts sizes >= 10; fall back to running without IFF_VNET_HDR)", LibC.errno());
        }
    }

    /** One read(2) of a packet into native memory: bytes read, 0 when none is pending, or -errno. */
    public int read(final int queue, final long address, final int capacity)
    {
        final long result = LIBC.read(fds[queue], address, capacity);
        if (result >= 0)
        {
            return (int)result;
        }
        final int errno = LibC.errno();
        return errno == Errno.EAGAIN ? 0 : -errno;
    }

    /** One write(2) of a packet from native memory: bytes written, 0 when the queue is full, or -errno. */
    public int write(final int queue, final long address, final int length)
    {
        final long result = LIBC.write(fds[queue], address, length);
        if (result >= 0)
        {
            return (int)result;
        }
        final int errno = LibC.errno();
        return errno == Errno.EAGAIN ? 0 : -errno;
    }

    /**
     * One writev(2) of two pieces as one packet (e.g. a virtio-net header and a packet that live apart): bytes
     * written, 0 when the queue is full, or -errno. The iovec array is preallocated per queue: no allocation.
     */
    public int write(final int queue, final long address1, final int length1, final long address2, final int length2)
    {
        final long iov = iovecs.address() + (long)IOVEC_PAIR_SIZE * queue;
        iovecs.putLong(IOVEC_PAIR_SIZE * queue, address1);
        iovecs.putLong(IOVEC_PAIR_SIZE * queue + 8, length1);
        iovecs.putLong(IOVEC_PAIR_SIZE * queue + 16, address2);
        iovecs.putLong(IOVEC_PAIR_SIZE * queue + 24, length2);
        final long result = LIBC.writev(fds[queue], iov, 2);
        if (result >= 0)
        {
            return (int)result;
        }
        final int errno = LibC.errno();
        return errno == Errno.EAGAIN ? 0 : -errno;
    }

    /** Waits until the queue is readable: >0 readable, 0 on timeout (or a signal, so callers just loop), <0 -errno. */
    public int poll(final int queue, final int timeoutMillis)
    {
        final int result = LIBC.poll(pollFds.address() + (long)POLLFD_SIZE * queue, 1, timeoutMillis);
        if (result >= 0)
        {
            return result;
        }
        final int errno = LibC.errno();
        return errno == Errno.EINTR ? 0 : -errno;
    }

    /** Closes every queue fd and the control socket; a device created by open() disappears. Idempotent. */
    @Override
    public synchronized void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        for (final int fd : fds)
        {
            LIBC.close(fd);
        }
        LIBC.close(controlSocket);
    }

    @Override
    public String toString()
    {
        return "TunDevice{" + name + ", queues=" + fds.length + "}";
    }
}
