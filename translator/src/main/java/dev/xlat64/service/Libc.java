package dev.xlat64.service;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Platform;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

/**
 * The libc calls of the control plane, bound once with jnr-ffi: the sockets of rtnetlink ({@link Rtnetlink}), of
 * sd_notify ({@link SdNotify}) and of the CLAT's Router Advertisement listener ({@code clat.NdUserOptions}), and
 * kill(2) for the pidfile ({@link Pidfile}). Loaded on first use; never on the packet path (the TUN device has its
 * own binding, {@code dev.xlat64.tun.LibC}). errno is saved by every call and read with {@link #errno()}.
 */
@SaveError
public interface Libc
{
    int socket(int domain, int type, int protocol);

    int bind(int fd, @In byte[] address, int length);

    int setsockopt(int fd, int level, int name, @In byte[] value, int length);

    @ssize_t long recv(int fd, @Out byte[] buffer, @size_t long length, int flags);

    @ssize_t long sendto(int fd, @In byte[] buffer, @size_t long length, int flags, @In byte[] address,
        int addressLength);

    int close(int fd);

    int if_nametoindex(String name);

    String strerror(int errno);

    int kill(int pid, int signal);

    int getpid();

    /** The binding, loaded on first use. */
    static Libc get()
    {
        return Holder.LIBC;
    }

    /** errno of the last call this thread made through {@link #get()}. */
    static int errno()
    {
        return jnr.ffi.Runtime.getRuntime(get()).getLastError();
    }

    /** {@code errno} as "message (errno N)". */
    static String error(final int errno)
    {
        return get().strerror(errno) + " (errno " + errno + ")";
    }

    /** The last error of this thread's calls, as "message (errno N)". */
    static String lastError()
    {
        return error(errno());
    }

    /** The lazy holder: a class initialised on first use of {@link #get()}, not when the interface is. */
    final class Holder
    {
        static final Libc LIBC =
            LibraryLoader.create(Libc.class).load(Platform.getNativePlatform().getStandardCLibraryName());

        private Holder()
        {
        }
    }
}
