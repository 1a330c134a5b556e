package dev.xlat64.tun;

import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;

/**
 * Setting up an {@link IoUring} once, away from its per-packet code: io_uring_setup(2) with the features checked,
 * the mmap of its rings and submission entries, and io_uring_register(2). Kernel ABI numbers from
 * {@code include/uapi/linux/io_uring.h}; mmap and munmap are raw system calls (see {@link LibC#syscall}).
 */
final class IoUringSetup
{
    static final int SYS_IO_URING_SETUP = 425; // the same number on every architecture (asm-generic, 5.1)
    static final int SYS_IO_URING_REGISTER = 427;
    /** mmap and munmap differ by architecture: x86-64 and arm64; elsewhere io_uring is not used. */
    private static final boolean X86_64 = "amd64".equals(System.getProperty("os.arch")) ||
        "x86_64".equals(System.getProperty("os.arch"));
    private static final boolean ARM64 = "aarch64".equals(System.getProperty("os.arch"));
    private static final int SYS_MMAP = X86_64 ? 9 : ARM64 ? 222 : -1;
    private static final int SYS_MUNMAP = X86_64 ? 11 : ARM64 ? 215 : -1;
    static final int IORING_REGISTER_PROBE = 8;
    static final int IORING_REGISTER_PBUF_RING = 22; // Linux 5.19
    static final int IO_URING_OP_SUPPORTED = 1;
    static final int PAGE = 4096;
    static final int IORING_SETUP_SINGLE_ISSUER = 1 << 12;
    static final int IORING_SETUP_DEFER_TASKRUN = 1 << 13;
    static final int IORING_FEAT_SINGLE_MMAP = 1;
    static final long IORING_OFF_SQ_RING = 0L;
    static final long IORING_OFF_CQ_RING = 0x8000000L;
    static final long IORING_OFF_SQES = 0x10000000L;
    private static final int PROT_READ_WRITE = 0x1 | 0x2;
    private static final int MAP_SHARED_POPULATE = 0x01 | 0x8000;
    private static final int PARAMS_SIZE = 120;
    private static final LibC LIBC = LibC.INSTANCE;

    /** A ring as set up: its fd, the io_uring_params the kernel filled in, and the two mappings. */
    record Rings(int ringFd, UnsafeBuffer params, long ringAddress, long ringSize, long sqesAddress, long sqesSize)
    {
    }

    private IoUringSetup()
    {
    }

    /**
     * io_uring_setup(2) of {@code entries} submission slots (a power of two), single issuer with deferred task work;
     * checks the features used and maps the rings. Throws, having undone what it did, when the kernel has no
     * io_uring, refuses it or lacks a feature.
     */
    static Rings setUp(final int entries) throws TunException
    {
        if (SYS_MMAP < 0)
        {
            throw new TunException("io_uring is used on x86-64 and arm64 only, not on " + System.getProperty("os.arch"),
                Errno.ENOSYS);
        }
        final UnsafeBuffer params = new UnsafeBuffer(ByteBuffer.allocateDirect(PARAMS_SIZE));
        params.putInt(8, IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN);
        final long ringFd = LIBC.syscall(SYS_IO_URING_SETUP, entries, params.addressOffset(), 0, 0, 0, 0);
        if (ringFd < 0)
        {
            throw new TunException("io_uring_setup refused", LibC.errno());
        }
        final int features = params.getInt(20);
        if ((features & IORING_FEAT_SINGLE_MMAP) == 0)
        {
            LIBC.close((int)ringFd);
            throw new TunException("io_uring lacks the single mmap of both rings (Linux 5.4)", Errno.EINVAL);
        }
        try
        {
            requireMultishotReads(ringFd);
        }
        catch (final TunException ex)
        {
            LIBC.close((int)ringFd);
            throw ex;
        }
        final int sqEntries = params.getInt(0);
        final int cqEntries = params.getInt(4);
        final long sqRingSize = params.getInt(64) + 4L * sqEntries;       // sq_off.array + the index array
        final long cqRingSize = params.getInt(100) + (long)IoUring.CQE_SIZE * cqEntries; // cq_off.cqes + the CQEs
        final long ringSize = Math.max(sqRingSize, cqRingSize);             // one mapping serves both rings
        final long ring = mmap(ringSize, ringFd, IORING_OFF_SQ_RING);
        if (ring == -1)
        {
            final int errno = LibC.errno();
            LIBC.close((int)ringFd);
            throw new TunException("cannot map the io_uring rings", errno);
        }
        final long sqesSize = (long)IoUring.SQE_SIZE * sqEntries;
        final long sqesAddress = mmap(sqesSize, ringFd, IORING_OFF_SQES);
        if (sqesAddress == -1)
        {
            final int errno = LibC.errno();
            munmap(ring, ringSize);
            LIBC.close((int)ringFd);
            throw new TunException("cannot map the io_uring submission entries", errno);
        }
        return new Rings((int)ringFd, params, ring, ringSize, sqesAddress, sqesSize);
    }

    static long mmap(final long length, final long fd, final long offset)
    {
        return LIBC.syscall(SYS_MMAP, 0, length, PROT_READ_WRITE, MAP_SHARED_POPULATE, fd, offset);
    }

    static void munmap(final long address, final long length)
    {
        LIBC.syscall(SYS_MUNMAP, address, length, 0, 0, 0, 0);
    }

    /**
     * Throws unless the kernel has IORING_OP_READ_MULTISHOT (Linux 6.7), the newest thing used here; with it comes
     * everything else (the multishot timer of {@link IoUring#submitAndWait}: 6.4; provided-buffer rings: 5.19).
     */
    static void requireMultishotReads(final long ringFd) throws TunException
    {
        final UnsafeBuffer probe = new UnsafeBuffer(ByteBuffer.allocateDirect(16 + 8 * 256));
        // struct io_uring_probe: last_op (u8), ops_len, resv, resv2[3]; then ops[] of {op, resv, flags (u16), resv2}.
        if (register(ringFd, IORING_REGISTER_PROBE, probe.addressOffset(), 256) < 0)
        {
            throw new TunException("io_uring cannot list its operations", LibC.errno());
        }
        if ((probe.getByte(0) & 0xff) < IoUring.IORING_OP_READ_MULTISHOT ||
            (probe.getShort(16 + 8 * IoUring.IORING_OP_READ_MULTISHOT + 2) & IO_URING_OP_SUPPORTED) == 0)
        {
            throw new TunException("io_uring lacks multishot reads (Linux 6.7)", Errno.EINVAL);
        }
    }

    static long register(final long ringFd, final int opcode, final long argument, final int count)
    {
        return LIBC.syscall(SYS_IO_URING_REGISTER, ringFd, opcode, argument, count, 0, 0);
    }
}
