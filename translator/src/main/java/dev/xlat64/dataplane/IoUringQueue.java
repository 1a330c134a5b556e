package dev.xlat64.dataplane;

import dev.xlat64.tun.IoUring;
import dev.xlat64.tun.TunDevice;
import dev.xlat64.tun.TunException;

/**
 * A TUN queue read and written through io_uring (the default where the kernel allows it). The queue has {@link #SLOTS}
 * buffers, each either provided to the kernel for the queue's one multishot READ, or, once its packet is translated
 * in place, carrying the WRITE of the result. One io_uring_enter per duty cycle submits every request queued and reaps
 * every completion, instead of a read(2) and a write(2) per packet.
 *
 * <p>One multishot read (one poll on the TUN's wait queue, a completion per packet naming its buffer) rather than a
 * read per buffer: with a READ per buffer, each waiting on its own poll, every packet woke all of them, all but one
 * went back to waiting, and io_uring moved reads that had waited too often to its worker thread, where they completed
 * out of order (measured: ~8 poll arms per completion, and 2-3x the retransmits and out-of-order segments at the TCP
 * receiver; bench/README.md). What is not translated in place (ICMP errors, fragments, cut UDP segments: built in
 * scratch buffers the next packet reuses) is written at once with write(2), after the queued writes are submitted, so
 * it does not overtake them. A packet whose write is in flight is counted when the write completes, so a failed write
 * is still counted as {@code tun_write_failed} ({@link OutcomeRecorder}).
 */
final class IoUringQueue implements QueueIo
{
    /**
     * Buffers per queue, each provided for the multishot READ or carrying a WRITE (~70 KiB each); a power of two from
     * 2 to 4096. The system property {@code xlat64.ioUringBuffers} overrides it, for benchmarks.
     */
    static final int SLOTS = slots(Integer.getInteger("xlat64.ioUringBuffers", 64));
    private static final long WRITE_TAG = 1;
    private static final long READ_USER_DATA = 0;

    private final TunDevice tun;
    private final int queue;
    private final IoUring ring;
    private final Slot[] slots = new Slot[SLOTS];
    private final int readStart;
    private final int readCapacity;
    /** Whether the multishot read is in flight, and how many buffers the kernel holds for it. */
    private boolean readArmed;
    private int buffersProvided;
    /** Completions an idle wait ({@link #awaitInput}) made ready; the next duty cycle takes them without a syscall. */
    private int awaited;
    /** The slot of the packet being handled, null between packets. */
    private Slot current;

    private IoUringQueue(final TunDevice tun, final int queue, final IoUring ring, final boolean vnet)
    {
        this.tun = tun;
        this.queue = queue;
        this.ring = ring;
        this.readStart = Slot.readStart(vnet);
        this.readCapacity = Slot.readCapacity(vnet);
        for (int i = 0; i < SLOTS; i++)
        {
            slots[i] = new Slot(i);
            provide(slots[i]);
        }
        armRead();
    }

    /** On the agent's thread (the ring is single-issuer): the queue's ring, its buffers provided and its read armed. */
    static IoUringQueue open(final TunDevice tun, final int queue, final boolean vnet) throws TunException
    {
        return new IoUringQueue(tun, queue, openRing(tun, queue), vnet);
    }

    /** {@link #SLOTS} as requested, if the provided-buffer ring can take it (a power of two from 2 to 4096). */
    static int slots(final int requested)
    {
        if (requested < 2 || requested > 4096 || Integer.bitCount(requested) != 1)
        {
            throw new IllegalArgumentException("xlat64.ioUringBuffers: " + requested +
                " is not a power of two from 2 to 4096");
        }
        return requested;
    }

    /**
     * The ring of one queue, with {@link #SLOTS} provided buffers registered for its multishot read. Throws where the
     * kernel refuses io_uring or lacks what is used (multishot reads: Linux 6.7); the queue then reads and writes
     * packet by packet.
     */
    static IoUring openRing(final TunDevice tun, final int queue) throws TunException
    {
        final IoUring ring = IoUring.open(tun.fd(queue), 2 * SLOTS);
        try
        {
            ring.registerBufferRing(SLOTS);
            return ring;
        }
        catch (final TunException ex)
        {
            ring.close();
            throw ex;
        }
    }

    /**
     * One io_uring_enter submits the writes queued since the last cycle (and the multishot read, when it has to be
     * queued again) and reaps what completed; each packet read is handled in the buffer it was read into, each
     * finished write reported and its buffer handed back to the kernel for reading. Every completion reaped is taken
     * ({@code max} does not apply: the completion queue bounds the batch).
     */
    @Override
    public int readBatch(final Handler handler, final int max)
    {
        final int ready = awaited > 0 ? awaited : ring.submitAndReap();
        awaited = 0;
        if (ready <= 0)
        {
            return 0; // nothing completed; <0: the enter failed (-errno), retried on the next duty cycle
        }
        int work = 0;
        for (int i = 0; i < ready; i++)
        {
            work += complete(handler, ring.userData(i), ring.result(i), ring.flags(i));
        }
        ring.consumed(ready);
        armRead();
        return work;
    }

    /** One completion: a write finished, or a packet read (1 is returned for a packet handled). */
    private int complete(final Handler handler, final long userData, final int result, final int flags)
    {
        if (userData == IoUring.TIMEOUT_USER_DATA)
        {
            return 0; // the idle wait's timer fired (awaitInput)
        }
        if ((userData & WRITE_TAG) != 0)
        {
            final Slot slot = slots[(int)(userData >>> 1)];
            slot.writing = false;
            handler.writeCompleted(slot, result);
            provide(slot);
            return 0;
        }
        if ((flags & IoUring.IORING_CQE_F_MORE) == 0)
        {
            readArmed = false; // the multishot read ended (-ENOBUFS: every buffer taken); queued again after the batch
        }
        final int id = IoUring.bufferId(flags);
        if (id < 0)
        {
            return 0; // an error (-errno) with no packet: no work, so the runner may idle
        }
        buffersProvided--;
        final Slot slot = slots[id];
        int work = 0;
        if (result > 0)
        {
            current = slot;
            handler.packet(slot, result);
            current = null;
            work = 1;
        }
        if (!slot.writing)
        {
            provide(slot); // dropped, answered with write(2), or nothing read: the buffer can be read into again
        }
        return work;
    }

    /** Queues the multishot read again if it ended and the kernel has a buffer to read into. */
    private void armRead()
    {
        if (!readArmed && buffersProvided > 0 && ring.readMultishot(READ_USER_DATA))
        {
            readArmed = true;
        }
    }

    /** Hands the buffer of {@code slot} to the kernel for the multishot read. */
    private void provide(final Slot slot)
    {
        ring.provideBuffer(slot.address + readStart, readCapacity, slot.id);
        buffersProvided++;
    }

    /**
     * A result translated in place in the current slot is queued as that slot's WRITE (the slot stays untouched until
     * it completes); anything else is written now, after submitting what was queued before it.
     */
    @Override
    public int write(final long from, final int length)
    {
        final Slot slot = current;
        if (slot != null && !slot.queuedNow && slot.holds(from, length) &&
            ring.write(from, length, ((long)slot.id << 1) | WRITE_TAG))
        {
            slot.queuedNow = true;
            slot.writing = true;
            slot.writeLength = length;
            return length;
        }
        flush(); // the writes queued before this packet go first: no reordering within a flow
        return tun.write(queue, from, length);
    }

    @Override
    public int write(final long header, final int headerLength, final long from, final int length)
    {
        flush(); // the writes queued before this packet go first
        return tun.write(queue, header, headerLength, from, length);
    }

    /** Submits the queued writes now, without reaping (their completions come with the next enter). */
    @Override
    public void flush()
    {
        ring.submit();
    }

    /**
     * Waits for a completion of the requests in flight; the next {@link #readBatch} takes it without entering again.
     */
    @Override
    public void awaitInput(final int timeoutMillis)
    {
        awaited = ring.submitAndWait(timeoutMillis);
    }

    @Override
    public boolean ioUring()
    {
        return true;
    }

    @Override
    public void close()
    {
        ring.close();
    }
}
