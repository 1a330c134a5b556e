package dev.xlat64.core;

import org.agrona.MutableDirectBuffer;

/**
 * The packet being handled and what handles it: the config snapshot in force, the buffer and the packet's place in it,
 * the sink for what the engine produces, and the outcome once a step decided it. One instance per engine, refilled for
 * every packet (no allocation), so the steps take one argument instead of seven.
 */
public final class PacketContext
{
    public TranslatorConfig config;
    public PacketSink sink;
    public MutableDirectBuffer buffer;
    public int offset;
    public int length;
    public Outcome outcome;

    /** Starts a packet: everything but the config, which changes only between batches. */
    public PacketContext packet(
        final MutableDirectBuffer buffer, final int offset, final int length, final PacketSink sink)
    {
        this.buffer = buffer;
        this.offset = offset;
        this.length = length;
        this.sink = sink;
        this.outcome = null;
        return this;
    }

    /**
     * Repoints the context at another packet (a hairpinned one, rebuilt by the engine) with the same config and sink.
     */
    public PacketContext repoint(final MutableDirectBuffer buffer, final int offset, final int length)
    {
        this.buffer = buffer;
        this.offset = offset;
        this.length = length;
        return this;
    }

    /** Records the packet's outcome and stops the steps: {@code return ctx.done(Outcome.X);}. */
    public Verdict done(final Outcome outcome)
    {
        this.outcome = outcome;
        return Verdict.DONE;
    }
}
