package dev.xlat64.bench;

import dev.xlat64.engine.Outcome;
import dev.xlat64.engine.PacketSink;
import dev.xlat64.engine.Translator;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * ns per packet of the engine alone (no TUN, no syscalls) on the common paths. Translation is in place, so every
 * invocation first restores the input bytes into the buffer; {@link #copyOnly} measures that restore by itself, so
 * translate cost ~= translateX - copyOnly.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {
    "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED", "--add-opens", "java.base/java.nio=ALL-UNNAMED"})
@State(Scope.Thread)
public class TranslateBenchmark
{
    /** L4 payload bytes: 64 is the small-packet case of the end-to-end benchmark. */
    @Param({"64"})
    int payload;

    private final UnsafeBuffer buffer =
        new UnsafeBuffer(ByteBuffer.allocateDirect(Translator.HEADROOM + 65536 + 4096));
    private final Sink sink = new Sink();
    private final byte[][] packets = new byte[BenchPackets.Kind.values().length][];
    private Translator translator;

    /** Remembers what was emitted so the JIT cannot drop the translation. */
    static final class Sink implements PacketSink
    {
        int offset;
        int length;

        @Override
        public void emit(final MutableDirectBuffer buffer, final int offset, final int length)
        {
            this.offset = offset;
            this.length = length;
        }
    }

    @Setup(Level.Trial)
    public void setUp()
    {
        translator = new Translator(BenchPackets.config());
        for (final BenchPackets.Kind kind : BenchPackets.Kind.values())
        {
            packets[kind.ordinal()] = BenchPackets.packet(kind, payload);
            final Outcome outcome = run(kind);
            final Outcome expected = kind.name().endsWith("6TO4") ? Outcome.TRANSLATED_6TO4 : Outcome.TRANSLATED_4TO6;
            if (outcome != expected)
            {
                throw new IllegalStateException(kind + " gave " + outcome + ", expected " + expected);
            }
        }
    }

    private Outcome run(final BenchPackets.Kind kind)
    {
        final byte[] packet = packets[kind.ordinal()];
        buffer.putBytes(Translator.HEADROOM, packet);
        return translator.translate(buffer, Translator.HEADROOM, packet.length, sink);
    }

    private long result(final Outcome outcome)
    {
        return ((long)outcome.ordinal() << 32) | (sink.offset + sink.length);
    }

    @Benchmark
    public int copyOnly()
    {
        final byte[] packet = packets[BenchPackets.Kind.TCP_4TO6.ordinal()];
        buffer.putBytes(Translator.HEADROOM, packet);
        return buffer.getByte(Translator.HEADROOM + 9);
    }

    @Benchmark
    public long tcp6to4()
    {
        return result(run(BenchPackets.Kind.TCP_6TO4));
    }

    @Benchmark
    public long udp6to4()
    {
        return result(run(BenchPackets.Kind.UDP_6TO4));
    }

    @Benchmark
    public long echo6to4()
    {
        return result(run(BenchPackets.Kind.ECHO_6TO4));
    }

    @Benchmark
    public long tcp4to6()
    {
        return result(run(BenchPackets.Kind.TCP_4TO6));
    }

    @Benchmark
    public long udp4to6()
    {
        return result(run(BenchPackets.Kind.UDP_4TO6));
    }

    @Benchmark
    public long echo4to6()
    {
        return result(run(BenchPackets.Kind.ECHO_4TO6));
    }
}
