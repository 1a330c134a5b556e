package dev.xlat64.dataplane;

/**
 * How one TUN queue's packets come in and go out: read a batch, write a packet, flush, await input. Two
 * implementations: {@link SyscallQueue} (read(2)/write(2) per packet) and {@link IoUringQueue} (batched through
 * io_uring). The agent ({@link TunAgent}) sees only this; tests use a fake. Single-threaded: the agent's thread only.
 */
interface QueueIo extends AutoCloseable
{
    /** Receives what a queue reads. */
    interface Handler
    {
        /** A packet of {@code read} bytes (with the virtio-net header, if any) in {@code slot}, after the headroom. */
        void packet(Slot slot, int read);

        /** A WRITE queued from {@code slot} finished with {@code result} (bytes written, or -errno). */
        void writeCompleted(Slot slot, int result);
    }

    /**
     * Reads what is pending, at most {@code max} packets (io_uring: every completion reaped by one enter), handing
     * each to {@code handler}; returns the packets handled (0: nothing pending, or an error retried next time).
     */
    int readBatch(Handler handler, int max);

    /**
     * Writes {@code length} bytes at native {@code from} as one packet. A packet translated in place in the slot being
     * handled may be queued (io_uring; its slot is then marked {@link Slot#queuedNow}); anything else is written at
     * once, after what was queued before it. Returns the bytes written (queued counts as written), 0 when the queue
     * is full, or -errno.
     */
    int write(long from, int length);

    /**
     * Writes two pieces as one packet (a virtio-net header and a packet that live apart), at once and after what was
     * queued before it. Returns the bytes written (both pieces), 0 when the queue is full, or -errno.
     */
    int write(long header, int headerLength, long from, int length);

    /** Submits the writes queued so far, so that nothing written later overtakes them. */
    void flush();

    /** Blocks until a packet can be handled or {@code timeoutMillis} pass (the {@code sleep} idle strategy). */
    void awaitInput(int timeoutMillis);

    /** Whether the queue goes through io_uring (for the start-up line and tests). */
    boolean ioUring();

    @Override
    void close();
}
