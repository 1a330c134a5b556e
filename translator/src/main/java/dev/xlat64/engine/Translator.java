package dev.xlat64.engine;

import dev.xlat64.core.Outcome;
import dev.xlat64.core.PacketSink;
import dev.xlat64.core.TranslatorConfig;
import dev.xlat64.siit.IcmpErrorOriginator;
import dev.xlat64.siit.Ipv4ToIpv6;
import dev.xlat64.siit.Ipv6ToIpv4;
import dev.xlat64.sixrd.SixRdRelay;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;

/**
 * The pure translation engine: {@code translate(buffer, offset, length, sink) -> outcome}. No I/O, no clock, no
 * allocation, no locks; one instance per agent. Dispatches on the IP version nibble.
 */
public final class Translator
{
    /** Bytes the caller leaves free before each packet, so IPv4 to IPv6 can prepend its longer header in place. */
    public static final int HEADROOM = 128;

    /** Size of the per-instance scratch buffer: ICMP errors and fragments are built there (a 64 KiB packet fits). */
    public static final int SCRATCH_SIZE = 65536 + HEADROOM;

    private final UnsafeBuffer scratch = new UnsafeBuffer(ByteBuffer.allocateDirect(SCRATCH_SIZE));
    private final IcmpErrorOriginator icmpErrors = new IcmpErrorOriginator(scratch);
    private final Ipv4ToIpv6 ipv4ToIpv6 = new Ipv4ToIpv6(scratch, icmpErrors);
    private final Ipv6ToIpv4 ipv6ToIpv4 = new Ipv6ToIpv4(scratch, icmpErrors, ipv4ToIpv6);
    private final SixRdRelay sixRd = new SixRdRelay();
    private TranslatorConfig config;
    private long nanoTime;

    public Translator(final TranslatorConfig config)
    {
        this.config = config;
    }

    /**
     * Makes the IPv4 identifications this engine writes a fixed sequence instead of one seeded per instance, so that a
     * run can be replayed byte for byte (the fuzzer's coverage depends on checksum carries, so on those bytes too).
     */
    public Translator seedIdentification(final int seed)
    {
        icmpErrors.seedIdentification(seed);
        return this;
    }

    /**
     * The data plane's monotonic clock ({@link System#nanoTime()}), passed once per batch: it refills the token bucket
     * that rate-limits the ICMP errors this instance originates. The engine never reads a clock itself.
     */
    public void clock(final long nanoTime)
    {
        this.nanoTime = nanoTime;
        icmpErrors.clock(nanoTime);
    }

    /** Swaps in a new config snapshot; called by the owning agent between packets. */
    public void config(final TranslatorConfig config)
    {
        this.config = config;
    }

    public TranslatorConfig config()
    {
        return config;
    }

    /** For an outcome of kind ICMP_ERROR: the reason the error answered (e.g. IPV4_TTL_EXPIRED). */
    public Outcome icmpErrorReason()
    {
        return icmpErrors.lastReason();
    }

    /** The 6rd domain (position in {@code config().sixRdDomains}) of the last packet translated; -1 for none. */
    public int sixRdDomainIndex()
    {
        return sixRd.domainIndex();
    }

    /**
     * Translates the packet at {@code offset} (with {@link #HEADROOM} free bytes before it) and hands the result, a
     * series of fragments or an ICMP error to {@code sink}; never throws. Fragments and ICMP errors are emitted from
     * this instance's scratch buffer, which the next emission reuses: the sink must write or copy the bytes before it
     * returns. A translated packet emitted from {@code buffer} may start before or after {@code offset}.
     */
    public Outcome translate(final MutableDirectBuffer buffer, final int offset, final int length, final PacketSink sink)
    {
        if (length <= 0)
        {
            return Outcome.EMPTY_PACKET;
        }
        final int version = (buffer.getByte(offset) & 0xF0) >>> 4;
        // RFC 5969: 6rd's packets (protocol 41, to a BR, to a 6rd prefix) are claimed before SIIT; null means not 6rd's.
        final Outcome sixRdOutcome = sixRd.relay(config, nanoTime, version, buffer, offset, length, sink);
        if (sixRdOutcome != null)
        {
            return sixRdOutcome;
        }
        if (version == 4)
        {
            return ipv4ToIpv6.translate(config, buffer, offset, length, sink);
        }
        if (version == 6)
        {
            return ipv6ToIpv4.translate(config, buffer, offset, length, sink);
        }
        return Outcome.UNKNOWN_IP_VERSION;
    }
}
