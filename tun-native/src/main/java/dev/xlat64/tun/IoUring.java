package dev.xlat64.tun;

import com.kenai.jffi.CallContext;
import com.kenai.jffi.CallContextCache;
import com.kenai.jffi.CallingConvention;
import com.kenai.jffi.Invoker;
import com.kenai.jffi.Library;
import com.kenai.jffi.Type;
import jnr.ffi.Platform;
import org.agrona.concurrent.UnsafeBuffer;

import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;

/**
 * A minimal io_uring (Linux 6.7: multishot reads; {@link #open} checks) for one TUN queue: READ,
 * multishot READ into provided buffers, and WRITE requests on one fd, submitted and reaped in batches, so a busy queue
 * costs one {@code io_uring_enter} per batch instead of a read(2) and a write(2) per packet. On a machine where a
 * system call is expensive (a paravirtualised guest, PTI) that is most of the per-packet cost of a TUN translator
 * outside the kernel's own forwarding work.
 *
 * <p>Only what the data plane needs, written against the kernel ABI ({@code include/uapi/linux/io_uring.h}): the SQ
 * and CQ rings and the SQE array are mmap'ed from the ring fd; SQ tail and CQ head are published with release stores,
 * SQ head and CQ tail read with acquire loads. Single-threaded: the ring is created with
 * {@code IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN} (completions are posted when this thread enters the
 * kernel, never behind its back), so it must be created and used on the same thread. Nothing allocates after
 * {@link #open}.
 */
public final class IoUring implements AutoCloseable
{
    static final int SYS_IO_URING_ENTER = 426;
    static final int IORING_OP_TIMEOUT = 11;
    static final int IORING_OP_READ = 22;
    static final int IORING_OP_WRITE = 23;
    static final int IORING_OP_READ_MULTISHOT = 49; // Linux 6.7
    static final int IOSQE_BUFFER_SELECT = 1 << 5;
    static final int IORING_TIMEOUT_MULTISHOT = 1 << 6; // Linux 6.4
    /** cqe.flags: the completion names a provided buffer (its id in the upper 16 bits). */
    public static final int IORING_CQE_F_BUFFER = 1;
    /** cqe.flags: a multishot request goes on; without it, this was its last completion. */
    public static final int IORING_CQE_F_MORE = 2;
    static final int IORING_CQE_BUFFER_SHIFT = 16;
    static final int BUFFER_GROUP = 0;
    static final int IORING_ENTER_GETEVENTS = 1;
    static final int SQE_SIZE = 64;
    static final int CQE_SIZE = 16;
    /** user_data of the ring's own idle timeout ({@link #submitAndWait}); callers skip its completion. */
    public static final long TIMEOUT_USER_DATA = -1L;

    private static final LibC LIBC = LibC.INSTANCE;
    /**
     * io_uring_enter is called through jffi directly, as syscall(2) with six integer arguments: jnr-ffi's generated
     * six-parameter call passed a wrong sixth argument (seen with syscall and mmap, jnr-ffi 2.2.17), and its
     * seven-parameter call allocates ~100 bytes per call. jffi's invokeL6 does neither. errno is saved, as by LibC.
     */
    private static final Invoker INVOKER = Invoker.getInstance();
    private static final long SYSCALL_FUNCTION = Library.getCachedInstance(
        Platform.getNativePlatform().getStandardCLibraryName(),
            Library.LAZY | Library.GLOBAL).getSymbolAddress("syscall");
    private static final CallContext SIX_LONGS = CallContextCache.getInstance().getCallContext(Type.SINT64,
        new Type[] {Type.SINT64, Type.SINT64, Type.SINT64, Type.SINT64, Type.SINT64, Type.SINT64},
        CallingConvention.DEFAULT, true);

    private final int ringFd;
    private final int fd;
    /** One mapping holds both rings (IORING_FEAT_SINGLE_MMAP); their fields are at the offsets the kernel gave. */
    private final long ringAddress;
    private final long ringSize;
    private final long sqesAddress;
    private final long sqesSize;
    private final UnsafeBuffer rings;
    private final UnsafeBuffer sqes;
    private final int sqHead;
    private final int sqTail;
    private final int sqMask;
    private final int sqEntries;
    private final int sqArray;
    private final int cqHead;
    private final int cqTail;
    private final int cqMask;
    private final int cqes;
    /** The __kernel_timespec of the idle timer's period (the kernel reads it when the timer is submitted). */
    private final UnsafeBuffer timeout = new UnsafeBuffer(ByteBuffer.allocateDirect(16));
    private boolean timerRunning;
    /** The provided-buffer ring (struct io_uring_buf entries; its tail is the u16 at 14), null until registered. */
    private UnsafeBuffer bufferRing;
    private int bufferMask;
    private short bufferTail;

    private int localSqTail;
    private int toSubmit;
    private int localCqHead;
    private int cqTailSeen;
    private boolean closed;

    private IoUring(final int ringFd, final int fd, final UnsafeBuffer params, final long ringAddress,
        final long ringSize, final long sqesAddress, final long sqesSize)
    {
        this.ringFd = ringFd;
        this.fd = fd;
        this.ringAddress = ringAddress;
        this.ringSize = ringSize;
        this.sqesAddress = sqesAddress;
        this.sqesSize = sqesSize;
        this.rings = new UnsafeBuffer(ringAddress, (int)ringSize);
        this.sqes = new UnsafeBuffer(sqesAddress, (int)sqesSize);
        // struct io_sqring_offsets at 40: head, tail, ring_mask, ring_entries, flags, dropped, array (u32 each).
        this.sqHead = params.getInt(40);
        this.sqTail = params.getInt(44);
        this.sqMask = rings.getInt(params.getInt(48));
        this.sqEntries = rings.getInt(params.getInt(52));
        this.sqArray = params.getInt(64);
        // struct io_cqring_offsets at 80: head, tail, ring_mask, ring_entries, overflow, cqes.
        this.cqHead = params.getInt(80);
        this.cqTail = params.getInt(84);
        this.cqMask = rings.getInt(params.getInt(88));
        this.cqes = params.getInt(100);
        this.localSqTail = rings.getIntVolatile(sqTail);
        this.localCqHead = rings.getIntVolatile(cqHead);
        this.cqTailSeen = localCqHead;
    }

    /**
     * Sets up a ring of {@code entries} submission slots (a power of two) for requests on {@code fd}. Throws when the
     * kernel has no io_uring, refuses it (the sysctl kernel.io_uring_disabled, a seccomp filter, as in many
     * containers) or lacks the features used: the caller then falls back to read(2)/write(2).
     */
    public static IoUring open(final int fd, final int entries) throws TunException
    {
        final IoUringSetup.Rings r = IoUringSetup.setUp(entries);
        return new IoUring(r.ringFd(), fd, r.params(), r.ringAddress(), r.ringSize(), r.sqesAddress(), r.sqesSize());
    }

    /** Room for this many more requests before the next {@link #submitAndReap}. */
    public int freeSlots()
    {
        return sqEntries - (localSqTail - rings.getIntVolatile(sqHead));
    }

    /**
     * Queues a read of up to {@code capacity} bytes into native memory at {@code address}; false when the SQ is full.
     */
    public boolean read(final long address, final int capacity, final long userData)
    {
        return queue(IORING_OP_READ, fd, address, capacity, 0, userData, 0, 0);
    }

    /**
     * Sets up the ring of {@code entries} provided buffers (a power of two, at most 32768) that {@link #readMultishot}
     * reads into. The buffers themselves are handed over with {@link #provideBuffer}. Throws if the kernel refuses.
     */
    public void registerBufferRing(final int entries) throws TunException
    {
        // The ring must be page-aligned: a direct buffer with a page to spare, sliced at a page boundary.
        // (alignedSlice also rounds the end down to a page boundary, hence whole pages plus one.)
        final int pages = (entries * 16 + IoUringSetup.PAGE - 1) / IoUringSetup.PAGE;
        final ByteBuffer memory = ByteBuffer.allocateDirect((pages + 1) * IoUringSetup.PAGE)
            .alignedSlice(IoUringSetup.PAGE);
        final UnsafeBuffer ring = new UnsafeBuffer(memory);
        // struct io_uring_buf_reg: ring_addr (u64), ring_entries (u32), bgid (u16), flags (u16), resv[3] (u64).
        final UnsafeBuffer reg = new UnsafeBuffer(ByteBuffer.allocateDirect(40));
        reg.putLong(0, ring.addressOffset());
        reg.putInt(8, entries);
        reg.putShort(12, (short)BUFFER_GROUP);
        if (IoUringSetup.register(ringFd, IoUringSetup.IORING_REGISTER_PBUF_RING, reg.addressOffset(), 1) < 0)
        {
            throw new TunException("io_uring refused a provided-buffer ring", LibC.errno());
        }
        bufferRing = ring;
        bufferMask = entries - 1;
        bufferTail = 0;
    }

    /**
     * Hands the buffer of {@code length} bytes at native {@code address} to the kernel under {@code id}: a multishot
     * read may fill it from now on, and its completion names {@code id} ({@link #bufferId}). A buffer must be handed
     * over again each time a completion has returned it; at most the registered number are with the kernel at once.
     */
    public void provideBuffer(final long address, final int length, final int id)
    {
        final int entry = (bufferTail & bufferMask) * 16;
        bufferRing.putLong(entry, address); // struct io_uring_buf: addr, len, bid; its resv (the ring's tail
        bufferRing.putInt(entry + 8, length); // in entry 0) is left alone
        bufferRing.putShort(entry + 12, (short)id);
        bufferTail++;
        VarHandle.releaseFence(); // the entry is written before the kernel can see the new tail
        bufferRing.putShort(14, bufferTail);
    }

    /**
     * Queues one IORING_OP_READ_MULTISHOT into the provided buffers: one poll on the fd, then a completion per read,
     * each naming the buffer it filled and carrying {@link #IORING_CQE_F_MORE} while the request goes on (it ends, for
     * example, with -ENOBUFS when every buffer is taken; queue it again then). False when the SQ is full.
     */
    public boolean readMultishot(final long userData)
    {
        return queue(IORING_OP_READ_MULTISHOT, fd, 0, 0, 0, userData, IOSQE_BUFFER_SELECT, 0);
    }

    /** Queues a write of {@code length} bytes from native memory at {@code address}; false when the SQ is full. */
    public boolean write(final long address, final int length, final long userData)
    {
        return queue(IORING_OP_WRITE, fd, address, length, 0, userData, 0, 0);
    }

    private boolean queue(final int opcode, final int fd, final long address, final int length, final long offset,
        final long userData, final int sqeFlags, final int opFlags)
    {
        if (localSqTail - rings.getIntVolatile(sqHead) >= sqEntries)
        {
            return false;
        }
        final int index = localSqTail & sqMask;
        final int sqe = index * SQE_SIZE;
        sqes.setMemory(sqe, SQE_SIZE, (byte)0);
        sqes.putByte(sqe, (byte)opcode);
        sqes.putByte(sqe + 1, (byte)sqeFlags);
        sqes.putInt(sqe + 4, fd);
        sqes.putLong(sqe + 8, offset);     // off: ignored for a TUN (a stream); a timeout's count
        sqes.putLong(sqe + 16, address);   // addr
        sqes.putInt(sqe + 24, length);     // len
        sqes.putInt(sqe + 28, opFlags);    // the op's flags (rw_flags, timeout_flags)
        sqes.putLong(sqe + 32, userData);  // user_data, echoed by the completion
        sqes.putShort(sqe + 40, (short)BUFFER_GROUP); // buf_group: read only with IOSQE_BUFFER_SELECT
        rings.putInt(sqArray + 4 * index, index);
        localSqTail++;
        toSubmit++;
        return true;
    }

    /**
     * One io_uring_enter: submits everything queued and, with DEFER_TASKRUN, posts what has completed; never blocks.
     * Returns the number of completions ready to read with {@link #userData}/{@link #result}, or -errno.
     */
    public int submitAndReap()
    {
        return enter(0);
    }

    /**
     * Submits what is queued, now, without reaping: so that a packet written with write(2) next does not overtake
     * the ones queued before it. The completions stay for the next {@link #submitAndReap}; what {@link #userData}
     * and {@link #result} return for the ones already counted is unchanged.
     */
    public void submit()
    {
        if (toSubmit > 0)
        {
            ioUringEnter(0, 0);
        }
    }

    private int enter(final int minComplete)
    {
        if (ioUringEnter(minComplete, IORING_ENTER_GETEVENTS) < 0)
        {
            final int errno = LibC.errno();
            // EINTR: a signal; EAGAIN/EBUSY: no room for completions yet, try again. Not errors of the ring.
            if (errno != Errno.EINTR && errno != Errno.EAGAIN && errno != Errno.EBUSY)
            {
                return -errno;
            }
        }
        cqTailSeen = rings.getIntVolatile(cqTail);
        return cqTailSeen - localCqHead;
    }

    /** Publishes the SQ tail and makes the system call; returns its result (requests submitted, or -1 with errno). */
    private long ioUringEnter(final int minComplete, final int flags)
    {
        rings.putIntOrdered(sqTail, localSqTail);
        final int submitting = toSubmit;
        // io_uring_enter(fd, to_submit, min_complete, flags, argp NULL, argsz): argsz is whatever the stack holds,
        // which the kernel ignores without IORING_ENTER_EXT_ARG and with a NULL sigset.
        final long result = INVOKER.invokeL6(SIX_LONGS, SYSCALL_FUNCTION, SYS_IO_URING_ENTER, ringFd, submitting,
            minComplete, flags, 0);
        if (result > 0)
        {
            toSubmit -= Math.min(submitting, (int)result);
        }
        return result;
    }

    /**
     * Like {@link #submitAndReap}, but blocks in io_uring_enter until at least one completion is ready: the idle
     * path, one system call that submits what is queued and waits. So that it returns at the latest after about
     * {@code timeoutMillis}, a timer runs as a request of its own, queued by the first wait and never again: a
     * multishot IORING_OP_TIMEOUT (count 0: a pure timer, which other completions do not end; shots 0: it repeats
     * until the ring closes), so its period is the first wait's {@code timeoutMillis}. Each time it fires it
     * completes with {@link #TIMEOUT_USER_DATA} and -ETIME (and IORING_CQE_F_MORE): callers skip it. A wait that a
     * packet ends costs no request of its own. (Not IORING_ENTER_EXT_ARG's timeout: its argument size is the
     * seventh argument of syscall(2), and the direct call used here passes six. Not poll(2) on the ring's fd: with
     * DEFER_TASKRUN a finished read is only work queued for this thread, which does not make the fd readable.)
     * Returns the completions ready, or -errno.
     */
    public int submitAndWait(final int timeoutMillis)
    {
        if (!timerRunning)
        {
            timeout.putLong(0, timeoutMillis / 1000);
            timeout.putLong(8, (timeoutMillis % 1000) * 1_000_000L);
            timerRunning = queue(IORING_OP_TIMEOUT, -1, timeout.addressOffset(), 1, 0, TIMEOUT_USER_DATA, 0,
                IORING_TIMEOUT_MULTISHOT);
        }
        return enter(1);
    }

    /** user_data of the {@code i}-th ready completion (0-based, below what the last enter returned). */
    public long userData(final int i)
    {
        return rings.getLong(cqes + ((localCqHead + i) & cqMask) * CQE_SIZE);
    }

    /** res of the {@code i}-th ready completion: bytes read or written, or -errno. */
    public int result(final int i)
    {
        return rings.getInt(cqes + ((localCqHead + i) & cqMask) * CQE_SIZE + 8);
    }

    /** flags of the {@code i}-th ready completion ({@link #IORING_CQE_F_BUFFER}, {@link #IORING_CQE_F_MORE}). */
    public int flags(final int i)
    {
        return rings.getInt(cqes + ((localCqHead + i) & cqMask) * CQE_SIZE + 12);
    }

    /** The provided buffer named by completion {@code flags}, or -1 when they name none. */
    public static int bufferId(final int flags)
    {
        return (flags & IORING_CQE_F_BUFFER) != 0 ? flags >>> IORING_CQE_BUFFER_SHIFT : -1;
    }

    /** Hands the first {@code count} ready completions back to the kernel. */
    public void consumed(final int count)
    {
        localCqHead += count;
        rings.putIntOrdered(cqHead, localCqHead);
    }

    /** The ring's fd (for a diagnostic). */
    public int ringFd()
    {
        return ringFd;
    }

    /** Unmaps and closes the ring; the kernel cancels what is still in flight. Idempotent. */
    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        IoUringSetup.munmap(sqesAddress, sqesSize);
        IoUringSetup.munmap(ringAddress, ringSize);
        LIBC.close(ringFd);
    }
}
