package dev.xlat64.dataplane;

import dev.xlat64.tun.TunDevice;

/**
 * A TUN queue read and written with one read(2) and one write(2) per packet, into and from one buffer: where io_uring
 * is refused (by the kernel, a seccomp filter, or {@code --no-io-uring}).
 */
final class SyscallQueue implements QueueIo
{
    private final TunDevice tun;
    private final int queue;
    private final Slot slot = new Slot(0);
    private final int readStart;
    private final int readCapacity;

    SyscallQueue(final TunDevice tun, final int queue, final boolean vnet)
    {
        this.tun = tun;
        this.queue = queue;
        this.readStart = Slot.readStart(vnet);
        this.readCapacity = Slot.readCapacity(vnet);
    }

    @Override
    public int readBatch(final Handler handler, final int max)
    {
        int work = 0;
        while (work < max)
        {
            final int read = tun.read(queue, slot.address + readStart, readCapacity);
            if (read <= 0)
            {
                break; // 0: nothing pending; <0: a read error, retried on the next duty cycle
            }
            handler.packet(slot, read);
            work++;
        }
        return work;
    }

    @Override
    public int write(final long from, final int length)
    {
        return tun.write(queue, from, length);
    }

    @Override
    public int write(final long header, final int headerLength, final long from, final int length)
    {
        return tun.write(queue, header, headerLength, from, length);
    }

    @Override
    public void flush()
    {
    }

    @Override
    public void awaitInput(final int timeoutMillis)
    {
        tun.poll(queue, timeoutMillis);
    }

    @Override
    public boolean ioUring()
    {
        return false;
    }

    @Override
    public void close()
    {
    }
}
