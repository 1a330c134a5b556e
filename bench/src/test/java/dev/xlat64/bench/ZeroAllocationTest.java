package dev.xlat64.bench;

import dev.xlat64.core.Outcome;
import dev.xlat64.core.PacketSink;
import dev.xlat64.engine.Translator;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/architecture.md, Invariants (zero allocation), as a property rather than a time: after warm-up, translating 100k
 * packets of each common kind allocates (next to) nothing on the translating thread, measured with the JVM's per-thread
 * allocation counter.
 */
class ZeroAllocationTest
{
    private static final int WARM_UP = 50_000;
    private static final int PACKETS = 100_000;
    /** Slack for the counter's own bookkeeping (TLAB refills are attributed to the thread), not for the engine. */
    private static final long ALLOWED_BYTES = 4096;

    private final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(Translator.HEADROOM + 65536 + 4096));
    private final Translator translator = new Translator(BenchPackets.config());
    private final CountingSink sink = new CountingSink();

    private static final class CountingSink implements PacketSink
    {
        long emitted;

        @Override
        public void emit(final MutableDirectBuffer buffer, final int offset, final int length)
        {
            emitted++;
        }
    }

    @ParameterizedTest
    @EnumSource(BenchPackets.Kind.class)
    void translatingAfterWarmUpAllocatesNothing(final BenchPackets.Kind kind)
    {
        final byte[] packet = BenchPackets.packet(kind, 64);
        final Outcome expected = kind.name().endsWith("6TO4") ? Outcome.TRANSLATED_6TO4 : Outcome.TRANSLATED_4TO6;
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final long threadId = Thread.currentThread().getId();

        int unexpected = translate(packet, expected, WARM_UP);
        final long before = threads.getThreadAllocatedBytes(threadId);
        unexpected += translate(packet, expected, PACKETS);
        final long allocated = threads.getThreadAllocatedBytes(threadId) - before;

        assertEquals(0, unexpected, kind + ": packets not translated");
        assertEquals(WARM_UP + PACKETS, sink.emitted, kind + ": packets emitted");
        assertTrue(allocated < ALLOWED_BYTES,
            kind + ": " + allocated + " bytes allocated while translating " + PACKETS + " packets");
    }

    private int translate(final byte[] packet, final Outcome expected, final int count)
    {
        int unexpected = 0;
        for (int i = 0; i < count; i++)
        {
            buffer.putBytes(Translator.HEADROOM, packet);
            if (translator.translate(buffer, Translator.HEADROOM, packet.length, sink) != expected)
            {
                unexpected++;
            }
        }
        return unexpected;
    }
}
