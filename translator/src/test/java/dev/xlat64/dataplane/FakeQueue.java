package dev.xlat64.dataplane;

import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * A queue without a TUN device, for the agent's offload rules: packets fed in (virtio-net header first when offloads
 * are on) are read into one slot, every write is captured as bytes. With {@code queueing}, it behaves like the io_uring
 * queue: the first write of a packet translated in place is queued from its slot and completes only when the test says
 * so ({@link #complete}).
 */
final class FakeQueue implements QueueIo
{
    private final Slot slot = new Slot(0);
    private final int readStart;
    private final boolean queueing;
    private final ArrayDeque<byte[]> input = new ArrayDeque<>();
    private Handler handler;
    /** Each packet written, whole (with its virtio-net header, if any), in the order written. */
    final List<byte[]> written = new ArrayList<>();
    /** For each write: whether it went out from the slot's own memory (translated in place, no copy). */
    final List<Boolean> inPlace = new ArrayList<>();
    /** What each write returns; 0 plays a full queue. */
    int writeResult = -1;

    FakeQueue(final boolean vnet, final boolean queueing)
    {
        this.readStart = Slot.readStart(vnet);
        this.queueing = queueing;
    }

    void feed(final byte[] read)
    {
        input.add(read);
    }

    /** The queued WRITE finishes with {@code result} bytes written (or -errno). */
    void complete(final int result)
    {
        if (!slot.writing)
        {
            throw new IllegalStateException("no write in flight");
        }
        slot.writing = false;
        handler.writeCompleted(slot, result);
    }

    @Override
    public int readBatch(final Handler handler, final int max)
    {
        this.handler = handler;
        int work = 0;
        while (work < max && !input.isEmpty())
        {
            if (slot.writing)
            {
                throw new IllegalStateException("the slot is read into while its write is in flight");
            }
            final byte[] read = input.poll();
            slot.buffer.putBytes(readStart, read);
            handler.packet(slot, read.length);
            work++;
        }
        return work;
    }

    @Override
    public int write(final long from, final int length)
    {
        capture(from, length, null, 0);
        final boolean fromSlot = slot.holds(from, length);
        inPlace.add(fromSlot);
        if (queueing && fromSlot && !slot.queuedNow)
        {
            slot.queuedNow = true;
            slot.writing = true;
            slot.writeLength = length;
            return length;
        }
        return writeResult < 0 ? length : writeResult;
    }

    @Override
    public int write(final long header, final int headerLength, final long from, final int length)
    {
        capture(header, headerLength, new UnsafeBuffer(from, length), length);
        inPlace.add(false);
        return writeResult < 0 ? headerLength + length : writeResult;
    }

    private void capture(final long first, final int firstLength, final UnsafeBuffer second, final int secondLength)
    {
        final byte[] out = new byte[firstLength + secondLength];
        new UnsafeBuffer(first, firstLength).getBytes(0, out, 0, firstLength);
        if (second != null)
        {
            second.getBytes(0, out, firstLength, secondLength);
        }
        written.add(out);
    }

    @Override
    public void flush()
    {
    }

    @Override
    public void awaitInput(final int timeoutMillis)
    {
    }

    @Override
    public boolean ioUring()
    {
        return queueing;
    }

    @Override
    public void close()
    {
    }
}
