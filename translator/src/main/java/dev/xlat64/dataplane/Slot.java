package dev.xlat64.dataplane;

import dev.xlat64.core.Outcome;
import dev.xlat64.engine.Translator;
import dev.xlat64.packet.VirtioNetHeader;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;

/**
 * One packet buffer of a queue and what is pending on it: the packet is read into it after {@link Translator#HEADROOM}
 * bytes, translated in place, and (io_uring) written from it by a queued WRITE, during which the buffer stays
 * untouched and the packet's outcome waits here to be counted when the write completes ({@link OutcomeRecorder}).
 * A queue preallocates its slots; nothing is created per packet.
 */
final class Slot
{
    /** Headroom, the largest packet (64 KiB) and a page to spare. */
    static final int BUFFER_SIZE = Translator.HEADROOM + 65536 + 4096;
    /** The largest packet read into a slot. */
    static final int MAX_PACKET = BUFFER_SIZE - Translator.HEADROOM - 4096;

    /** The position of this slot in its queue (its io_uring buffer id). */
    final int id;
    final UnsafeBuffer buffer;
    /** Native address of {@link #buffer}'s first byte. */
    final long address;

    /** A WRITE from this buffer is in flight (io_uring): the buffer is not handed back for reading until it ends. */
    boolean writing;
    /** The WRITE was queued while the current packet was being handled: its outcome is counted on completion. */
    boolean queuedNow;
    /** Bytes the in-flight WRITE should write: fewer written is a failed write. */
    int writeLength;

    /** The deferred count of the packet whose WRITE is in flight (see {@link OutcomeRecorder#defer}). */
    Outcome outcome;
    int inputLength;
    int sixRdDomain;
    int mapDomain;
    Outcome icmpReason;

    Slot(final int id)
    {
        this.id = id;
        this.buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(BUFFER_SIZE));
        this.address = buffer.addressOffset();
    }

    /** Where a read starts in a slot: the virtio-net header, if any, goes just before the packet's headroom end. */
    static int readStart(final boolean vnet)
    {
        return vnet ? Translator.HEADROOM - VirtioNetHeader.LENGTH : Translator.HEADROOM;
    }

    /** How many bytes a read may put at {@link #readStart}. */
    static int readCapacity(final boolean vnet)
    {
        return MAX_PACKET + Translator.HEADROOM - readStart(vnet);
    }

    /** Whether {@code length} bytes at native {@code from} lie inside this slot's buffer. */
    boolean holds(final long from, final int length)
    {
        return from >= address && from + length <= address + BUFFER_SIZE;
    }
}
