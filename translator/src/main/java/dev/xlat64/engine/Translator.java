package dev.xlat64.engine;

import dev.xlat64.core.IcmpErrorOriginator;
import dev.xlat64.core.Outcome;
import dev.xlat64.core.PacketContext;
import dev.xlat64.core.PacketSink;
import dev.xlat64.core.TranslatorConfig;
import dev.xlat64.core.Verdict;
import dev.xlat64.map.MapCustomerEdge;
import dev.xlat64.map.MapDomain;
import dev.xlat64.map.MapTBorderRelay;
import dev.xlat64.map.SoftwireBorderRelay;
import dev.xlat64.siit.Ipv4ToIpv6;
import dev.xlat64.siit.Ipv6ToIpv4;
import dev.xlat64.sixrd.SixRdRelay;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * The pure translation engine: {@code translate(buffer, offset, length, sink) -> outcome}. No I/O, no clock, no
 * allocation, no locks; one instance per agent. Picks the mechanism for a packet: 6rd (RFC 5969) claims its packets
 * first, then MAP-E and lw4o6 (RFC 7597, 7596: 4in6); MAP-T (RFC 7599) maps the addresses of its domains' packets,
 * and SIIT (RFC 7915) translates by IP version. All share one ICMP-error originator and rate limiter.
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
    private final SixRdRelay sixRd = new SixRdRelay(icmpErrors);
    private final MapTBorderRelay mapT = new MapTBorderRelay(icmpErrors);
    private final SoftwireBorderRelay softwire = new SoftwireBorderRelay(scratch, icmpErrors);
    private final MapCustomerEdge ce = new MapCustomerEdge(scratch, icmpErrors, ipv4ToIpv6, ipv6ToIpv4);
    private final PacketContext context = new PacketContext();
    private int mapDomain = -1;
    private int mapDomainCount;
    /**
     * True when no mechanism that is checked before SIIT (6rd, MAP) has a domain: every packet is SIIT's, and one check
     * replaces the relays'. Kept in step with {@link #config(TranslatorConfig)} and {@link #mapDomains}.
     */
    private boolean siitOnly;

    public Translator(final TranslatorConfig config)
    {
        config(config);
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
        icmpErrors.clock(nanoTime);
    }

    /** Swaps in a new config snapshot; called by the owning agent between packets. */
    public void config(final TranslatorConfig config)
    {
        context.config = config;
        siitOnly = config.sixRdDomains.isEmpty() && mapDomainCount == 0;
    }

    /** The MAP-T, MAP-E and lw4o6 domains this engine serves as a BR (docs/map.md); called between packets. */
    public Translator mapDomains(final List<MapDomain> domains)
    {
        final MapDomain[] all = ce.domains(domains.toArray(new MapDomain[0]));  // CE mode takes its own domain
        mapT.domains(all);
        softwire.domains(all);
        mapDomainCount = domains.size();  // the CE's domain too: any of them means more than SIIT
        config(context.config);
        return this;
    }

    public TranslatorConfig config()
    {
        return context.config;
    }

    /** For an outcome of kind ICMP_ERROR: the reason the error answered (e.g. IPV4_TTL_EXPIRED). */
    public Outcome icmpErrorReason()
    {
        return icmpErrors.lastReason();
    }

    /** The MAP domain (position in the list given to {@link #mapDomains}) of the last packet; -1 for none. */
    public int mapDomainIndex()
    {
        return mapDomain;
    }

    /** The 6rd domain (position in {@code config().sixRdDomains}) of the last packet translated; -1 for none. */
    public int sixRdDomainIndex()
    {
        return siitOnly ? -1 : sixRd.domainIndex();
    }

    /**
     * Translates the packet at {@code offset} (with {@link #HEADROOM} free bytes before it) and hands the result, a
     * series of fragments or an ICMP error to {@code sink}; never throws. Fragments and ICMP errors are emitted from
     * this instance's scratch buffer, which the next emission reuses: the sink must write or copy the bytes before it
     * returns. A translated packet emitted from {@code buffer} may start before or after {@code offset}.
     */
    public Outcome translate(final MutableDirectBuffer buffer, final int offset, final int length,
        final PacketSink sink)
    {
        if (length <= 0)
        {
            return Outcome.EMPTY_PACKET;
        }
        final int version = (buffer.getByte(offset) & 0xF0) >>> 4;
        final PacketContext ctx = context.packet(buffer, offset, length, sink);
        mapDomain = -1;
        if (siitOnly)
        {
            return siit(ctx, version);
        }
        // RFC 5969: 6rd's packets (protocol 41, to a BR, to a 6rd prefix) are claimed before SIIT.
        if (sixRd.relay(ctx, version) == Verdict.DONE)
        {
            return ctx.outcome;
        }
        // RFC 7597 s.7-8, RFC 7599 s.6-7: as a MAP CE (CE mode), the CE's IPv4 and the IPv6 to its MAP address.
        if (ce.relay(ctx, version) == Verdict.DONE)
        {
            mapDomain = ce.domainIndex();
            return ctx.outcome;
        }
        // RFC 7597 s.8, RFC 7596 s.6: IPv4-in-IPv6 to a BR address, IPv4 to a MAP-E rule or lw4o6 binding.
        if (softwire.relay(ctx, version) == Verdict.DONE)
        {
            mapDomain = softwire.domainIndex();
            return ctx.outcome;
        }
        // RFC 7599 s.7: MAP-T's packets are checked and their addresses mapped; RFC 7915 then translates them.
        final Verdict mapped = mapT.relay(ctx, version);
        mapDomain = mapT.domainIndex();
        if (mapped == Verdict.DONE)
        {
            return ctx.outcome;
        }
        return siit(ctx, version);
    }

    /** RFC 7915: SIIT translates by IP version. */
    private Outcome siit(final PacketContext ctx, final int version)
    {
        if (version == 4)
        {
            return ipv4ToIpv6.translate(ctx);
        }
        if (version == 6)
        {
            return ipv6ToIpv4.translate(ctx);
        }
        return Outcome.UNKNOWN_IP_VERSION;
    }
}
