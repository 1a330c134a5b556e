package dev.xlat64.dataplane;

import dev.xlat64.core.Counters;
import dev.xlat64.core.Outcome;
import dev.xlat64.engine.Translator;

/**
 * Counts each packet's outcome, once, in the agent's own {@link Counters}: with its input length, the reason of an
 * ICMP error it was answered with, and its 6rd domain. A packet whose WRITE is still in flight (io_uring) is counted
 * when the write completes, so that a failed write counts as {@code tun_write_failed}; its count waits in its
 * {@link Slot} until then.
 */
final class OutcomeRecorder
{
    private final Counters counters = new Counters();

    Counters counters()
    {
        return counters;
    }

    /**
     * The outcome of the packet of {@code length} input bytes just translated by {@code translator} from {@code slot}:
     * counted now ({@code tun_write_failed} if a write of its result failed), or deferred to {@link #writeCompleted}
     * when its WRITE was queued meanwhile.
     */
    void record(final Slot slot, final Outcome translated, final int length, final boolean writeFailed,
        final Translator translator)
    {
        final Outcome outcome = writeFailed && translated.kind != Outcome.Kind.DROPPED ?
            Outcome.TUN_WRITE_FAILED : translated;
        final Outcome icmpReason = outcome == Outcome.ICMPV4_ERROR_SENT || outcome == Outcome.ICMPV6_ERROR_SENT ?
            translator.icmpErrorReason() : null;
        if (slot.queuedNow)
        {
            slot.queuedNow = false;
            slot.outcome = outcome;
            slot.inputLength = length;
            slot.sixRdDomain = translator.sixRdDomainIndex();
            slot.mapDomain = translator.mapDomainIndex();
            slot.icmpReason = icmpReason;
            return;
        }
        count(outcome, length, translator.sixRdDomainIndex(), translator.mapDomainIndex(), icmpReason);
    }

    /** A packet too short to hold its virtio-net header: counted at once, the engine never saw it. */
    void empty(final int length)
    {
        counters.record(Outcome.EMPTY_PACKET, length);
    }

    /**
     * The WRITE queued from {@code slot} finished: its packet is counted now, as a failed write if fewer bytes went
     * out.
     */
    void writeCompleted(final Slot slot, final int result)
    {
        Outcome outcome = slot.outcome;
        if (result != slot.writeLength && outcome.kind != Outcome.Kind.DROPPED)
        {
            outcome = Outcome.TUN_WRITE_FAILED;
        }
        count(outcome, slot.inputLength, slot.sixRdDomain, slot.mapDomain, slot.icmpReason);
        slot.outcome = null;
        slot.icmpReason = null;
    }

    private void count(
        final Outcome outcome, final int length, final int sixRdDomain, final int mapDomain, final Outcome icmpReason)
    {
        counters.record(outcome, length);
        if (icmpReason != null)
        {
            counters.recordIcmpErrorReason(icmpReason);
        }
        counters.recordSixRdDomain(sixRdDomain, outcome);
        counters.recordMapDomain(mapDomain, outcome);
    }
}
