package dev.xlat64.engine;

import dev.xlat64.siit.IcmpErrorOriginator;
import dev.xlat64.siit.Ipv4ToIpv6;
import dev.xlat64.siit.Ipv6ToIpv4;
import dev.xlat64.siit.SiitConfig;
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
    private SiitConfig config;

    public Translator(final SiitConfig config)
    {
        this.config = config;
    }

    /**
     * The data plane's monotonic clock ({@link System#nanoTime()}), passed once per batch: it refills the token bucket
     * that rate-limits the ICMP errors this instance originates. The engine never reads a clock itself.
     */
    public void clock(final long nanoTime)
    {
        icmpErrors.clock(nanoTime);
    }

    /** Swaps in a new config snapshot; called by the owning agent between packets. */
    public void config(final SiitConfig config)
    {
        this.config = config;
    }

    public SiitConfig config()
    {
        return config;
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
