package dev.xlat64.testing;

import dev.xlat64.core.Outcome;
import dev.xlat64.core.PacketSink;
import dev.xlat64.core.TranslatorConfig;
import dev.xlat64.engine.Translator;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Feeds byte arrays through a {@link Translator} the way the data plane does (headroom, one buffer) and collects
 * output.
 */
public final class EngineHarness implements PacketSink
{
    private final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(Translator.HEADROOM + 65536 + 4096));
    private final Translator translator;
    private final List<byte[]> emitted = new ArrayList<>();
    private Outcome lastOutcome;

    public EngineHarness(final TranslatorConfig config)
    {
        this.translator = new Translator(config);
    }

    public Translator translator()
    {
        return translator;
    }

    /** Translates one packet; returns the outcome, emitted packets in {@link #emitted()}. */
    public Outcome translate(final byte[] packet)
    {
        emitted.clear();
        buffer.setMemory(0, buffer.capacity(), (byte)0x5a);
        buffer.putBytes(Translator.HEADROOM, packet);
        lastOutcome = translator.translate(buffer, Translator.HEADROOM, packet.length, this);
        return lastOutcome;
    }

    public List<byte[]> emitted()
    {
        return emitted;
    }

    /** The single packet emitted; fails when there was not exactly one. */
    public byte[] single()
    {
        if (emitted.size() != 1)
        {
            throw new AssertionError("expected one emitted packet, got " + emitted.size() + " (outcome " + lastOutcome
                + ")");
        }
        return emitted.get(0);
    }

    @Override
    public void emit(final MutableDirectBuffer buffer, final int offset, final int length)
    {
        final byte[] out = new byte[length];
        buffer.getBytes(offset, out);
        emitted.add(out);
    }
}
