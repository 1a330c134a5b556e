package dev.xlat64.sixrd;

import dev.xlat64.core.Outcome;
import dev.xlat64.core.PacketSink;
import dev.xlat64.engine.Translator;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;

import static dev.xlat64.testing.TestPackets.UDP;
import static dev.xlat64.testing.TestPackets.bytes;
import static dev.xlat64.testing.TestPackets.ipv6;
import static dev.xlat64.testing.TestPackets.sixInFour;
import static dev.xlat64.testing.TestPackets.udp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * docs/architecture.md, Invariants (zero allocation), on the 6rd paths: after warm-up, encapsulation, decapsulation and
 * CE-to-CE allocate nothing.
 */
class Rfc5969AllocationTest
{
    private static final int ROUNDS = 50_000;

    private final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(Translator.HEADROOM + 4096));
    private final Translator translator = new Translator(SixRdTestConfigs.of(SixRdTestConfigs.vpp()));
    private final PacketSink discard = (b, o, l) -> { };

    private Outcome once(final byte[] packet)
    {
        buffer.putBytes(Translator.HEADROOM, packet);
        return translator.translate(buffer, Translator.HEADROOM, packet.length, discard);
    }

    @Test
    void sixRdPathsDoNotAllocate()
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        assumeTrue(threads.isThreadAllocatedMemorySupported(), "per-thread allocation counting unavailable");
        final byte[] encap = ipv6("1::1", "2002:ac10:202::1", UDP, 64, 0, 0, udp("1::1", "2002:ac10:202::1", 1, 2,
            bytes(64, 1)));
        final byte[] decap = sixInFour("172.16.2.2", "172.16.1.1", 64, 0,
            ipv6("2002:ac10:202::1", "1::1", UDP, 64, 0, 0, udp("2002:ac10:202::1", "1::1", 1, 2, bytes(64, 1))));
        final byte[] relay = sixInFour("172.16.2.2", "172.16.1.1", 64, 0, ipv6("2002:ac10:202::1", "2002:ac10:303::1",
            UDP, 64, 0, 0, udp("2002:ac10:202::1", "2002:ac10:303::1", 1, 2, bytes(64, 1))));
        for (int i = 0; i < ROUNDS; i++)
        {
            once(encap);
            once(decap);
            once(relay);
        }
        final long id = Thread.currentThread().getId();
        final long before = threads.getThreadAllocatedBytes(id);
        for (int i = 0; i < ROUNDS; i++)
        {
            once(encap);
            once(decap);
            once(relay);
        }
        final long allocated = threads.getThreadAllocatedBytes(id) - before;
        assertEquals(Outcome.SIXRD_ENCAPSULATED, once(encap));
        assertEquals(Outcome.SIXRD_DECAPSULATED, once(decap));
        assertEquals(Outcome.SIXRD_RELAYED_CE_TO_CE, once(relay));
        // A little slack for the JIT's own bookkeeping; one object per packet would be megabytes.
        assertTrue(allocated < 16 * 1024, "allocated " + allocated + " bytes over " + 3 * ROUNDS + " packets");
    }
}
