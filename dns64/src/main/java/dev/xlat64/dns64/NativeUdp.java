package dev.xlat64.dns64;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Platform;
import jnr.ffi.Pointer;
import jnr.ffi.annotations.LongLong;
import jnr.ffi.annotations.SaveError;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.lang.ref.Reference;
import java.lang.reflect.Field;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.util.Arrays;

/**
 * recvmmsg(2) and sendmmsg(2) on the listening UDP sockets, bound with jnr-ffi: one system call for a batch of
 * datagrams instead of a recvfrom and a sendto each, and no InetSocketAddress per datagram. Used when nothing is
 * against it ({@link #unavailable}: Linux on x86-64 or aarch64, the calls load, the system property {@value #PROPERTY}
 * is not {@code false}) and the socket's descriptor can be read from the channel ({@link #fd}); otherwise the event
 * loops use the JDK's DatagramChannel.
 */
final class NativeUdp
{
    /** Set to {@code false} to keep the JDK's DatagramChannel for client UDP (an A/B switch and an escape hatch). */
    static final String PROPERTY = "xlat64.dns64.udp-batch";
    static final int EAGAIN = 11;
    static final int EINTR = 4;
    static final int MSG_DONTWAIT = 0x40;

    /** The libc calls: raw native addresses, so a call allocates nothing; errno saved for {@link #errno()}. */
    @SaveError
    public interface LibC
    {
        int recvmmsg(int fd, @LongLong long msgvec, int vlen, int flags, @LongLong long timeout);

        int sendmmsg(int fd, @LongLong long msgvec, int vlen, int flags);

        int getsockname(int fd, @LongLong long address, @LongLong long length);
    }

    /** Loaded on first use; the reason it is unusable otherwise. */
    private static final class Holder
    {
        static final LibC LIBC;
        static final String WHY_NOT;

        static
        {
            LibC libc = null;
            String why = null;
            final Platform p = Platform.getNativePlatform();
            // The struct layouts of UdpBatch and SockAddr are those of these two.
            if (p.getOS() != Platform.OS.LINUX ||
                p.getCPU() != Platform.CPU.X86_64 && p.getCPU() != Platform.CPU.AARCH64)
            {
                why = "not Linux on x86-64 or aarch64";
            }
            else
            {
                try
                {
                    libc = LibraryLoader.create(LibC.class).failImmediately().load(p.getStandardCLibraryName());
                }
                catch (final LinkageError | RuntimeException ex)
                {
                    why = "libc: " + ex.getMessage();
                }
            }
            LIBC = libc;
            WHY_NOT = why;
        }

        private Holder()
        {
        }
    }

    private NativeUdp()
    {
    }

    static LibC libc()
    {
        return Holder.LIBC;
    }

    static int errno()
    {
        return jnr.ffi.Runtime.getRuntime(Holder.LIBC).getLastError();
    }

    /** Native memory of {@code size} bytes, not cleared (large buffers are only touched where datagrams land). */
    static Pointer allocate(final int size)
    {
        return Memory.allocateDirect(jnr.ffi.Runtime.getRuntime(Holder.LIBC), size, false);
    }

    /** Null when the batch path can be used, else why not (for the start-up line). */
    static String unavailable()
    {
        if (!Boolean.parseBoolean(System.getProperty(PROPERTY, "true")))
        {
            return "-D" + PROPERTY + "=false";
        }
        return Holder.WHY_NOT;
    }

    /**
     * The file descriptor of {@code channel}, or -1 when it cannot be had. The JDK keeps it in a private field of its
     * DatagramChannel implementation, in a package it does not export: read with sun.misc.Unsafe (jdk.unsupported,
     * open to all), found by reflection at start-up only, and checked with getsockname(2) against the channel's
     * local address, so a JDK whose layout differs gets the JDK path rather than a wrong descriptor.
     */
    static int fd(final DatagramChannel channel)
    {
        if (unavailable() != null)
        {
            return -1;
        }
        try
        {
            final Field fdVal = channel.getClass().getDeclaredField("fdVal");
            final Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
            final Field theUnsafe = unsafeClass.getDeclaredField("theUnsafe");
            theUnsafe.setAccessible(true);
            final Object unsafe = theUnsafe.get(null);
            final long offset = (Long)unsafeClass.getMethod("objectFieldOffset", Field.class).invoke(unsafe, fdVal);
            final int fd = (Integer)unsafeClass.getMethod("getInt", Object.class, long.class)
                .invoke(unsafe, channel, offset);
            return boundTo(fd, (InetSocketAddress)channel.getLocalAddress()) ? fd : -1;
        }
        catch (final ReflectiveOperationException | RuntimeException | IOException ex)
        {
            return -1;
        }
    }

    /** True when getsockname(2) of {@code fd} is {@code local}'s address and port. */
    private static boolean boundTo(final int fd, final InetSocketAddress local)
    {
        if (fd < 0 || local == null)
        {
            return false;
        }
        final Pointer name = allocate(SockAddr.SIZE + 8);
        name.putInt(SockAddr.SIZE, SockAddr.SIZE);
        if (Holder.LIBC.getsockname(fd, name.address(), name.address() + SockAddr.SIZE) != 0)
        {
            return false;
        }
        final InetSocketAddress bound = SockAddr.toInet(new UnsafeBuffer(name.address(), SockAddr.SIZE), 0);
        // jnr-ffi frees the memory when the Pointer is collected: keep it alive until its bytes are read.
        Reference.reachabilityFence(name);
        return bound != null && bound.getPort() == local.getPort() &&
            Arrays.equals(bound.getAddress().getAddress(), local.getAddress().getAddress());
    }
}
