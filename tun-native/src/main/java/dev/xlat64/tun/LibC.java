package dev.xlat64.tun;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Platform;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.LongLong;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

/**
 * The few libc calls the TUN driver needs, bound with jnr-ffi. Buffers on the hot path (read, write, poll) are raw
 * native addresses so a call allocates nothing; errno is saved by every call and read with {@link #errno()}.
 */
@SaveError
public interface LibC
{
    LibC INSTANCE = LibraryLoader.create(LibC.class).load(Platform.getNativePlatform().getStandardCLibraryName());

    Runtime RUNTIME = Runtime.getRuntime(INSTANCE);

    /** errno of the last call made by this thread through {@link #INSTANCE}. */
    static int errno()
    {
        return RUNTIME.getLastError();
    }

    int open(String path, int flags);

    int close(int fd);

    /** ioctl whose argument is a pointer to a struct or int (TUNSETIFF, TUNGETIFF, SIOC*IF*, TUNSETVNETHDRSZ). */
    int ioctl(int fd, @LongLong long request, Pointer argument);

    /** ioctl whose argument is passed by value (TUNSETOFFLOAD). */
    int ioctl(int fd, @LongLong long request, @LongLong long value);

    @ssize_t long read(int fd, @LongLong long address, @size_t long count);

    @ssize_t long write(int fd, @LongLong long address, @size_t long count);

    /** writev(2) with a native {@code struct iovec} array at {@code iov}. */
    @ssize_t long writev(int fd, @LongLong long iov, int iovcnt);

    /** poll(2) over {@code count} native {@code struct pollfd} starting at {@code address}. */
    int poll(@LongLong long address, @LongLong long count, int timeoutMillis);

    int fcntl(int fd, int command, int argument);

    int setns(int fd, int namespaceType);

    /** setpriority(2); on Linux, {@code PRIO_PROCESS} with {@code who} 0 sets the nice value of the calling thread. */
    int setpriority(int which, int who, int prio);

    String strerror(int errno);

    /**
     * syscall(2) with up to six integer arguments (unused ones 0): io_uring_setup and io_uring_enter, which libc has no
     * wrappers for, and mmap/munmap of the rings (jnr-ffi passed a six-argument mmap(3) a wrong offset, and glibc
     * refused it with EINVAL before any system call). -1 with errno on error.
     */
    @LongLong long syscall(@LongLong long number, @LongLong long a1, @LongLong long a2, @LongLong long a3,
        @LongLong long a4, @LongLong long a5, @LongLong long a6);


    int socket(int domain, int type, int protocol);

    /**
     * signal(2), used only to give SIGHUP back its default disposition ({@code handler} 0, SIG_DFL) when the process
     * inherited it ignored (nohup): the JVM silently keeps an ignored signal ignored, so a reload handler would never
     * run. Returns the previous handler, -1 (SIG_ERR) on error.
     */
    @LongLong long signal(int signal, @LongLong long handler);
}
