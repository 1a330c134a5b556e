package dev.xlat64.reliability;

import dev.xlat64.core.Counters;
import dev.xlat64.core.Outcome;
import dev.xlat64.core.PacketSink;
import dev.xlat64.core.TranslatorConfig;
import dev.xlat64.engine.Translator;
import dev.xlat64.testing.TestPackets;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Runs inputs through the engine under its whole contract (docs/architecture.md, Invariants: one outcome per packet,
 * nothing crashes) and fails loudly, with the input in hex, when any part breaks:
 * <ul>
 * <li>nothing escapes {@code translate} (exception or error), and it returns exactly one outcome, which is
 * counted;</li>
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

    private final TranslatorConfig config;
    private final Run first;
    private final Run second;
    private final Counters counters = new Counters();
    private long clock = 1_000_000_000L;
    private long inputs;

    CheckedEngine(final TranslatorConfig config)
    {
        this.config = config;
        first = new Run(config, (byte)0x00);
        second = new Run(config, (byte)0xFF);
    }

    /**
     * The outcome and the packets emitted for one input; {@code reason} is the drop reason an originated ICMP error
     * answered (null unless the outcome's kind is ICMP_ERROR).
     */
    record Result(Outcome outcome, Outcome reason, List<byte[]> emitted)
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
        if (a.outcome != b.outcome || a.reason != b.reason || a.emitted.size() != b.emitted.size())
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
        final String broken = contractViolation(input, a, hairpins(input));
        if (broken != null)
        {
            throw failure(input, broken + " (" + describe(a) + ")");
        }
        counters.record(a.outcome, input.length);
        if (a.reason != null)
        {
            counters.recordIcmpErrorReason(a.reason);
        }
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

    private static String contractViolation(final byte[] in, final Result r, final boolean hairpins)
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
        if ((o.direction == Outcome.Direction.V4_TO_V6 && version != 4 && !hairpins) ||
            o.direction == Outcome.Direction.V6_TO_V4 && version != 6)
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
        if (sixRd(o))
        {
            return sixRdViolation(in, r);
        }
        if (o.kind == Outcome.Kind.ICMP_ERROR)
        {
            return icmpErrorViolation(in, r, hairpins);
        }
        for (final byte[] out : r.emitted)
        {
            final int outVersion = out.length == 0 ? -1 : (out[0] & 0xF0) >>> 4;
            // RFC 7757 s.4: a hairpinned packet goes IPv6 -> IPv4 -> IPv6 inside the engine.
            final int expected = o == Outcome.EAM_HAIRPINNED ? 6 : version == 4 ? 6 : 4;
            if (o.kind == Outcome.Kind.FORWARDED && outVersion != expected)
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

    /**
     * RFC 7757 s.4: an IPv6 packet to an EAM IPv4 address reached through the prefix becomes an IPv4 packet inside the
     * engine and goes straight back to IPv6. When the IPv4 -> IPv6 half refuses it, that half answers as it would for
     * any IPv4 packet: an IPv4 outcome (counted under the half that refused it), and where the RFC asks for one an
     * ICMPv4 error to the IPv4 (EAM) source, which the kernel routes back into the TUN so that it reaches the IPv6
     * sender translated. Classified with the engine's own address mapper: which packets hairpin is configuration, not
     * the contract under test.
     */
    private boolean hairpins(final byte[] in)
    {
        if (!config.eamHairpinning || in.length < 40 || (in[0] & 0xF0) != 0x60)
        {
            return false;
        }
        final ByteBuffer view = ByteBuffer.wrap(in);
        final long high = view.getLong(24);
        final long low = view.getLong(32);
        final long ipv4 = config.mapper.toIpv4(high, low);
        return ipv4 >= 0 && config.mapper.isEamIpv4((int)ipv4) && !config.mapper.isEamIpv6(high, low);
    }

    static boolean sixRd(final Outcome o)
    {
        return o.name().startsWith("SIXRD_");
    }

    /**
     * RFC 5969 (6rd): whatever the BR sends is a well-formed IPv4 or IPv6 packet; an IPv6-in-IPv4 packet (protocol 41,
     * RFC 4213 s.3.5) carries a well-formed IPv6 packet filling the rest of it; a forwarded IPv6 packet whose transport
     * checksum verified on input still verifies (6rd never rewrites it, only the hop limit).
     */
    private static String sixRdViolation(final byte[] in, final Result r)
    {
        for (final byte[] out : r.emitted)
        {
            final int outVersion = (out[0] & 0xF0) >>> 4;
            final String malformed = PacketOracle.malformation(out, outVersion == 4 ? 4 : 6);
            if (malformed != null)
            {
                return "6rd emitted a malformed packet: " + malformed + "\n" + hex(out);
            }
            final byte[] inner = outVersion == 4 && (out[9] & 0xFF) == 41 ?
                Arrays.copyOfRange(out, (out[0] & 0x0F) * 4, out.length) : outVersion == 6 ? out : null;
            if (inner == null)
            {
                continue; // an ICMPv4 message about the tunnel itself
            }
            final String innerMalformed = PacketOracle.malformation(inner, 6);
            if (innerMalformed != null)
            {
                return "6rd emitted a malformed IPv6 packet: " + innerMalformed + "\n" + hex(out);
            }
            if (r.outcome.kind == Outcome.Kind.FORWARDED
                && Boolean.FALSE.equals(PacketOracle.transportChecksumValid(inner)))
            {
                final byte[] innerIn = (in[0] & 0xF0) == 0x40 ? Arrays.copyOfRange(in, (in[0] & 0x0F) * 4,
                    Math.min(in.length, PacketOracle.u16(in, 2))) : in;
                if (innerIn.length >= 40 && Boolean.TRUE.equals(PacketOracle.transportChecksumValid(
                    Arrays.copyOf(innerIn, Math.min(innerIn.length, 40 + PacketOracle.u16(innerIn, 4))))))
                {
                    return "6rd forwarded an IPv6 packet whose transport checksum no longer verifies\n" + hex(out);
                }
            }
        }
        return null;
    }

    /**
     * RFC 7915 s.4.4 / s.5.4 (and RFC 792 / RFC 4443): an error xlat64 originates is one ICMP error of the input's
     * family, sent back to the input's source, within 576 (IPv4, RFC 1812 s.4.3.2.3) or 1280 bytes (IPv6, RFC 4443
     * s.2.4(c)), with a verifying ICMP checksum, and it names a drop reason.
     */
    private static String icmpErrorViolation(final byte[] in, final Result r, final boolean hairpins)
    {
        if (r.reason == null || r.reason.kind != Outcome.Kind.DROPPED)
        {
            return "ICMP error sent without a drop reason (reason " + r.reason + ")";
        }
        if (r.emitted.size() != 1)
        {
            return "ICMP error outcome with " + r.emitted.size() + " packets emitted";
        }
        final byte[] out = r.emitted.get(0);
        final int inVersion = (in[0] & 0xF0) >>> 4;
        final boolean hairpinned = hairpins && r.outcome == Outcome.ICMPV4_ERROR_SENT;
        final int version = hairpinned ? 4 : inVersion;
        final int outVersion = (out[0] & 0xF0) >>> 4;
        if (outVersion != version)
        {
            return "ICMP error about an IPv" + version + " packet sent as IPv" + outVersion;
        }
        final int limit = version == 4 ? 576 : 1280;
        if (out.length > limit)
        {
            return "ICMP error of " + out.length + " bytes, above " + limit;
        }
        final int outL4 = version == 4 ? (out[0] & 0x0F) * 4 : 40;
        final int protocol = version == 4 ? out[9] & 0xFF : out[6] & 0xFF;
        final int type = out.length > outL4 ? out[outL4] & 0xFF : -1;
        final boolean error = version == 4 ? protocol == PacketOracle.ICMP && (type == 3 || type == 11 || type == 12) :
            protocol == PacketOracle.ICMPV6 && type >= 1 && type <= 4;
        if (!error)
        {
            return "ICMP error outcome, but the packet sent is protocol " + protocol + " type " + type;
        }
        final int addressLength = version == 4 ? 4 : 16;
        final int inSource = version == 4 ? 12 : 8;
        final int outDestination = version == 4 ? 16 : 24;
        if (!hairpinned &&
            !Arrays.equals(in, inSource, inSource + addressLength, out, outDestination, outDestination + addressLength))
        {
            return "ICMP error not sent to the offending packet's source\n" + hex(out);
        }
        if (!Boolean.TRUE.equals(PacketOracle.transportChecksumValid(out)))
        {
            return "ICMP error checksum does not verify\n" + hex(out);
        }
        return null;
    }

    /**
     * A single translated packet keeps the transport payload and a verifying checksum. A translated ICMP error
     * (RFC 7915 s.4.3 / s.5.3) rewrites the packet it quotes, so it must only verify and fit the minimum MTU limits.
     */
    private static String translatedContentViolation(final byte[] in, final byte[] out)
    {
        // Only an ICMP message of the input's own family is translated as one (RFC 7915 s.4.1 / s.5.1); ICMP of the
        // other family is dropped (README deviation 13).
        final boolean icmpInput = (in[0] & 0xF0) == 0x40 ? (in[9] & 0xFF) == PacketOracle.ICMP : lastHeaderIsIcmpv6(in);
        if (icmpInput && translatedIcmpError(out))
        {
            final int limit = (out[0] & 0xF0) == 0x60 ? 1280 : 576;
            if (out.length > limit)
            {
                return "translated ICMP error of " + out.length + " bytes, above " + limit + "\n" + hex(out);
            }
            return Boolean.FALSE.equals(PacketOracle.transportChecksumValid(out)) ?
                "translated ICMP error checksum does not verify\n" + hex(out) : null;
        }
        final int version = (in[0] & 0xF0) >>> 4;
        final int declared = version == 4 ? PacketOracle.u16(in, 2) : 40 + PacketOracle.u16(in, 4);
        final byte[] trimmed = Arrays.copyOf(in, declared);
        final int outVersion = (out[0] & 0xF0) >>> 4;
        final int outL4 = outVersion == 6 ? 40 : (out[0] & 0x0F) * 4;
        final int l4Length = out.length - outL4;
        final int inL4 = declared - l4Length;
        final int protocol = version == 4 ? in[9] & 0xFF : outVersion == 4 ? out[9] & 0xFF : out[6] & 0xFF;
        if (outVersion == 6 && (out[6] & 0xFF) == 44)
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

    /** Whether an IPv6 packet's header chain (hop-by-hop, routing, destination options) ends in ICMPv6. */
    private static boolean lastHeaderIsIcmpv6(final byte[] in)
    {
        int next = in[6] & 0xFF;
        int at = 40;
        while ((next == 0 || next == 43 || next == 60) && at + 8 <= in.length)
        {
            final int length = ((in[at + 1] & 0xFF) + 1) * 8;
            next = in[at] & 0xFF;
            at += length;
        }
        return next == PacketOracle.ICMPV6;
    }

    /** An unfragmented ICMPv4 error (types 3, 11, 12) or ICMPv6 error (types 1 to 4). */
    private static boolean translatedIcmpError(final byte[] out)
    {
        if ((out[0] & 0xF0) == 0x40)
        {
            final int l4 = (out[0] & 0x0F) * 4;
            final int type = out.length > l4 ? out[l4] & 0xFF : -1;
            return (out[9] & 0xFF) == PacketOracle.ICMP && (PacketOracle.u16(out, 6) & 0x3FFF) == 0 &&
                (type == 3 || type == 11 || type == 12);
        }
        final int type = out.length > 40 ? out[40] & 0xFF : -1;
        return (out[6] & 0xFF) == PacketOracle.ICMPV6 && type >= 1 && type <= 4;
    }

    /** IPv4 identification is drawn fresh per packet, and the header checksum covers it: mask both. */
    private static byte[] withoutIdentification(final byte[] p)
    {
        final byte[] copy = p.clone();
        if (copy.length >= 20 && (copy[0] & 0xF0) == 0x40)
        {
            copy[4] = copy[5] = copy[10] = copy[11] = 0;
            // An ICMPv4 error may quote an IPv4 packet xlat64 built itself (a hairpinned one): mask its identification,
            // its header checksum and the ICMP checksum that covers them.
            final int l4 = (copy[0] & 0x0F) * 4;
            if ((copy[9] & 0xFF) == PacketOracle.ICMP && copy.length >= l4 + 8 + 20)
            {
                copy[l4 + 2] = copy[l4 + 3] = 0;
                copy[l4 + 8 + 4] = copy[l4 + 8 + 5] = copy[l4 + 8 + 10] = copy[l4 + 8 + 11] = 0;
            }
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
        return p.length <= 256 ? TestPackets.hex(p) : TestPackets.hex(Arrays.copyOf(p,
            256)) + " ... (" + p.length + " bytes)";
    }

    /** One engine and one buffer, with the bytes around each packet set to {@code fill}. */
    private static final class Run implements PacketSink
    {
        private final Translator translator;
        private final ByteBuffer memory = ByteBuffer.allocateDirect(Translator.HEADROOM + MAX_INPUT + TAIL);
        private final UnsafeBuffer window = new UnsafeBuffer(memory);
        private final byte fill;
        private final List<byte[]> emitted = new ArrayList<>();

        Run(final TranslatorConfig config, final byte fill)
        {
            this.translator = new Translator(config).seedIdentification(1); // reproducible fuzzing runs
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
            final Outcome reason = outcome.kind == Outcome.Kind.ICMP_ERROR && !sixRd(outcome) ?
                translator.icmpErrorReason() : null;
            return new Result(outcome, reason, List.copyOf(emitted));
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
