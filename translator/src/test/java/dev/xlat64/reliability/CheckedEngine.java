package dev.xlat64.reliability;

import dev.xlat64.engine.Counters;
import dev.xlat64.engine.Outcome;
import dev.xlat64.engine.PacketSink;
import dev.xlat64.engine.Translator;
import dev.xlat64.siit.SiitConfig;
import dev.xlat64.testing.TestPackets;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Runs inputs through the engine under its whole contract (design.md invariants 2 and 3) and fails loudly, with the
 * input in hex, when any part breaks:
 * <ul>
 * <li>nothing escapes {@code translate} (exception or error), and it returns exactly one outcome, which is counted;</li>
 * <li>the engine touches no byte outside [0, packet end + {@link #TAIL}): the buffer it gets is exactly that big, so
 * Agrona's bounds checks turn any stray access into an exception;</li>
 * <li>it reads nothing outside the packet that it has not written itself: each input runs twice, on two engines,
 * with the bytes around the packet filled differently, and both runs must agree;</li>
 * <li>dropped packets emit nothing; translated ones emit well-formed packets of the other family (lengths agree,
 * header checksum verifies), the transport checksum still verifies when it did on input, and the payload arrives
 * unchanged.</li>
 * </ul>
 * Not thread safe.
 */
final class CheckedEngine
{
    /** Bytes after the packet the engine may use: the data plane guarantees at least this much (TunAgent). */
    static final int TAIL = 4096;
    /** The largest input: an IPv6 header plus the largest payload length. */
    static final int MAX_INPUT = 40 + 65535;

    private final Run first;
    private final Run second;
    private final Counters counters = new Counters();
    private long clock = 1_000_000_000L;
    private long inputs;

    CheckedEngine(final SiitConfig config)
    {
        first = new Run(config, (byte)0x00);
        second = new Run(config, (byte)0xFF);
    }

    /** The outcome and the packets emitted for one input. */
    record Result(Outcome outcome, List<byte[]> emitted)
    {
    }

    /** Translates {@code input} under the contract; throws AssertionError (input in hex) when it is broken. */
    Result translate(final byte[] input)
    {
        if (input.length > MAX_INPUT)
        {
            throw new IllegalArgumentException("inputs are at most " + MAX_INPUT + " bytes");
        }
        clock += 1_000_000L; // one millisecond per input: time-based limits see a steady, plausible clock
        final Result a = first.translate(input, clock);
        final Result b = second.translate(input, clock);
        if (a.outcome != b.outcome || a.emitted.size() != b.emitted.size())
        {
            throw failure(input, "outcome depends on bytes outside the packet: " + describe(a) + " vs " + describe(b));
        }
        for (int i = 0; i < a.emitted.size(); i++)
        {
            if (!Arrays.equals(withoutIdentification(a.emitted.get(i)), withoutIdentification(b.emitted.get(i))))
            {
                throw failure(input, "emitted packet " + i + " depends on bytes outside the packet:\n" +
                    hex(a.emitted.get(i)) + "\nvs\n" + hex(b.emitted.get(i)));
            }
        }
        final String broken = contractViolation(input, a);
        if (broken != null)
        {
            throw failure(input, broken + " (" + describe(a) + ")");
        }
        counters.record(a.outcome, input.length);
        inputs++;
        return a;
    }

    /** Inputs translated so far. */
    long inputs()
    {
        return inputs;
    }

    /** The outcome counters, one count per input. */
    Counters counters()
    {
        return counters;
    }

    private static String contractViolation(final byte[] in, final Result r)
    {
        final Outcome o = r.outcome;
        if (o == null)
        {
            return "no outcome";
        }
        final int version = in.length == 0 ? -1 : (in[0] & 0xF0) >>> 4;
        if ((o == Outcome.EMPTY_PACKET) != (in.length == 0))
        {
            return "empty_packet is for, and only for, zero-length input";
        }
        if ((o == Outcome.UNKNOWN_IP_VERSION) != (in.length > 0 && version != 4 && version != 6))
        {
            return "unknown_ip_version is for, and only for, version nibbles other than 4 and 6";
        }
        if (o.direction == Outcome.Direction.V4_TO_V6 && version != 4 || o.direction == Outcome.Direction.V6_TO_V4 && version != 6)
        {
            return "outcome of the wrong direction for an IPv" + version + " input";
        }
        if (o.kind == Outcome.Kind.DROPPED)
        {
            return r.emitted.isEmpty() ? null : "dropped, yet " + r.emitted.size() + " packet(s) emitted";
        }
        if (r.emitted.isEmpty())
        {
            return o.kind + " without an emitted packet";
        }
        for (final byte[] out : r.emitted)
        {
            final int outVersion = out.length == 0 ? -1 : (out[0] & 0xF0) >>> 4;
            if (o.kind == Outcome.Kind.FORWARDED && outVersion != (version == 4 ? 6 : 4))
            {
                return "translated into IPv" + outVersion + " from IPv" + version;
            }
            final String malformed = PacketOracle.malformation(out, outVersion == 4 ? 4 : 6);
            if (malformed != null)
            {
                return "emitted a malformed packet: " + malformed + "\n" + hex(out);
            }
        }
        if (o.kind == Outcome.Kind.FORWARDED && r.emitted.size() == 1)
        {
            return translatedContentViolation(in, r.emitted.get(0));
        }
        return null;
    }

    /** A single translated packet keeps the transport payload and a verifying checksum. */
    private static String translatedContentViolation(final byte[] in, final byte[] out)
    {
        final int version = (in[0] & 0xF0) >>> 4;
        final int declared = version == 4 ? PacketOracle.u16(in, 2) : 40 + PacketOracle.u16(in, 4);
        final byte[] trimmed = Arrays.copyOf(in, declared);
        final int outL4 = version == 4 ? 40 : (out[0] & 0x0F) * 4;
        final int l4Length = out.length - outL4;
        final int inL4 = declared - l4Length;
        final int protocol = version == 4 ? in[9] & 0xFF : out[9] & 0xFF;
        if (version == 4 && (out[6] & 0xFF) == 44)
        {
            return null; // carries a fragment header: the payload comparison below does not apply
        }
        if (inL4 < (version == 4 ? 20 : 40))
        {
            return "translated packet carries " + l4Length + " transport bytes, more than the input had";
        }
        final int checksumAt = protocol == PacketOracle.TCP ? 16 : protocol == PacketOracle.UDP ? 6 :
            protocol == PacketOracle.ICMP || protocol == PacketOracle.ICMPV6 ? 2 : -1;
        for (int i = 0; i < l4Length; i++)
        {
            final boolean rewritten = checksumAt >= 0 && (i == checksumAt || i == checksumAt + 1) ||
                (protocol == PacketOracle.ICMP || protocol == PacketOracle.ICMPV6) && i < 2;
            if (!rewritten && in[inL4 + i] != out[outL4 + i])
            {
                return "transport byte " + i + " changed in translation";
            }
        }
        final Boolean inValid = PacketOracle.transportChecksumValid(trimmed);
        final boolean ipv4UdpWithoutChecksum = version == 4 && protocol == PacketOracle.UDP && l4Length >= 8 &&
            PacketOracle.u16(trimmed, inL4 + 6) == 0;
        final Boolean outValid = PacketOracle.transportChecksumValid(out);
        if ((Boolean.TRUE.equals(inValid) || ipv4UdpWithoutChecksum) && Boolean.FALSE.equals(outValid))
        {
            return "transport checksum verified on input but not after translation\n" + hex(out);
        }
        return null;
    }

    /** IPv4 identification is drawn fresh per packet, and the header checksum covers it: mask both. */
    private static byte[] withoutIdentification(final byte[] p)
    {
        final byte[] copy = p.clone();
        if (copy.length >= 20 && (copy[0] & 0xF0) == 0x40)
        {
            copy[4] = copy[5] = copy[10] = copy[11] = 0;
        }
        return copy;
    }

    private static String describe(final Result r)
    {
        return r.outcome + " with " + r.emitted.size() + " packet(s) emitted";
    }

    static AssertionError failure(final byte[] input, final String what)
    {
        return new AssertionError(what + "\ninput (" + input.length + " bytes):\n" + hex(input));
    }

    /** Hex of at most the first 256 bytes (the headers; large cases are mostly payload). */
    static String hex(final byte[] p)
    {
        return p.length <= 256 ? TestPackets.hex(p) : TestPackets.hex(Arrays.copyOf(p, 256)) + " ... (" + p.length + " bytes)";
    }

    /** One engine and one buffer, with the bytes around each packet set to {@code fill}. */
    private static final class Run implements PacketSink
    {
        private final Translator translator;
        private final ByteBuffer memory = ByteBuffer.allocateDirect(Translator.HEADROOM + MAX_INPUT + TAIL);
        private final UnsafeBuffer window = new UnsafeBuffer(memory);
        private final byte fill;
        private final List<byte[]> emitted = new ArrayList<>();

        Run(final SiitConfig config, final byte fill)
        {
            this.translator = new Translator(config);
            this.fill = fill;
        }

        Result translate(final byte[] input, final long nanoTime)
        {
            emitted.clear();
            window.wrap(memory, 0, memory.capacity());
            window.setMemory(0, window.capacity(), fill);
            window.putBytes(Translator.HEADROOM, input);
            window.wrap(memory, 0, Translator.HEADROOM + input.length + TAIL);
            translator.clock(nanoTime);
            final Outcome outcome;
            try
            {
                outcome = translator.translate(window, Translator.HEADROOM, input.length, this);
            }
            catch (final Throwable t)
            {
                final AssertionError e = failure(input, "translate threw " + t);
                e.initCause(t);
                throw e;
            }
            return new Result(outcome, List.copyOf(emitted));
        }

        @Override
        public void emit(final MutableDirectBuffer buffer, final int offset, final int length)
        {
            final byte[] out = new byte[length];
            buffer.getBytes(offset, out);
            emitted.add(out);
        }
    }
}
