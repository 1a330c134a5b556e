package dev.xlat64.bench;

import dev.xlat64.core.Outcome;
import dev.xlat64.core.PacketSink;
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
 * invocation first restores the input: only the IP and L4 headers, the one part the common paths rewrite (setup checks
 * that this gives the same bytes as restoring the whole packet). {@link #copyOnly} measures the largest such restore by
 * itself, so translate cost ~= translateX - copyOnly.
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
    /** Per kind, how many leading bytes each invocation restores: the IP and L4 headers. */
    private final int[] restoreLengths = new int[BenchPackets.Kind.values().length];
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
            final byte[] packet = BenchPackets.packet(kind, payload);
            packets[kind.ordinal()] = packet;
            restoreLengths[kind.ordinal()] = BenchPackets.headerLength(packet);
            buffer.putBytes(Translator.HEADROOM, packet);
            final byte[] expectedBytes =
                translated(kind, translator.translate(buffer, Translator.HEADROOM, packet.length, sink));
            for (int i = 0; i < 3; i++)
            {
                if (!java.util.Arrays.equals(translated(kind, run(kind)), expectedBytes))
                {
                    throw new IllegalStateException(kind + ": restoring the headers only changed the translation");
                }
            }
        }
    }

    private byte[] translated(final BenchPackets.Kind kind, final Outcome outcome)
    {
        final Outcome expected = kind.name().endsWith("6TO4") ? Outcome.TRANSLATED_6TO4 : Outcome.TRANSLATED_4TO6;
        if (outcome != expected)
        {
            throw new IllegalStateException(kind + " gave " + outcome + ", expected " + expected);
        }
        final byte[] bytes = new byte[sink.length];
        buffer.getBytes(sink.offset, bytes);
        if (outcome == Outcome.TRANSLATED_6TO4)
        {
            // Identification comes from a sequence (RFC 7915 s.5.1), and the header checksum with it: not compared.
            bytes[4] = bytes[5] = bytes[10] = bytes[11] = 0;
        }
        return bytes;
    }

    private void restore(final int kind)
    {
        buffer.putBytes(Translator.HEADROOM, packets[kind], 0, restoreLengths[kind]);
    }

    private Outcome run(final BenchPackets.Kind kind)
    {
        restore(kind.ordinal());
        return translator.translate(buffer, Translator.HEADROOM, packets[kind.ordinal()].length, sink);
    }

    private long result(final Outcome outcome)
    {
        return ((long)outcome.ordinal() << 32) | (sink.offset + sink.length);
    }

    @Benchmark
    public int copyOnly()
    {
        restore(BenchPackets.Kind.TCP_6TO4.ordinal());
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
