package dev.xlat64.testing;

import dev.xlat64.core.PacketSink;
import dev.xlat64.engine.Translator;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.lang.management.ManagementFactory;

/**
 * Zero allocation as a property (docs/architecture.md, invariant 1): runs packets through an engine until it is warm,
 * then counts the bytes the translating thread allocates over as many packets again (the JVM's per-thread counter).
 */
public final class AllocationProbe
{
    /** Packets run to warm up, then again while measuring. */
    public static final int PACKETS = 200_000;

    private AllocationProbe()
    {
    }

    /** A sink that only adds up the bytes emitted (so a test can check something came out), allocating nothing. */
    public static final class ByteCountingSink implements PacketSink
    {
        /** Bytes emitted so far. */
        public long bytes;

        @Override
        public void emit(final MutableDirectBuffer buffer, final int offset, final int length)
        {
            bytes += length;
        }
    }

    /** Bytes this thread allocated over {@link #PACKETS} packets taken in turn from {@code packets}, after warm-up. */
    public static long allocatedBytes(
        final Translator translator, final UnsafeBuffer buffer, final byte[][] packets, final PacketSink sink)
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final long thread = Thread.currentThread().getId();
        run(translator, buffer, packets, sink);
        final long before = threads.getThreadAllocatedBytes(thread);
        run(translator, buffer, packets, sink);
        return threads.getThreadAllocatedBytes(thread) - before;
    }

    private static void run(
        final Translator translator, final UnsafeBuffer buffer, final byte[][] packets, final PacketSink sink)
    {
        for (int i = 0; i < PACKETS; i++)
        {
            final byte[] packet = packets[i % packets.length];
            translator.clock(i * 1_000L);
            buffer.putBytes(Translator.HEADROOM, packet);
            translator.translate(buffer, Translator.HEADROOM, packet.length, sink);
        }
    }
}
