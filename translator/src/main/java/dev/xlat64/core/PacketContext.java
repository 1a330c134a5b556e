package dev.xlat64.core;

import dev.xlat64.packet.Ipv6ExtensionHeaders;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

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
    /**
     * The IPv6 packet's extension-header chain, walked once per packet: a mechanism that walked it (MAP-T's checks)
     * sets {@link #ipv6ChainEnd} to the packet end it walked to, and the RFC 7915 transform reuses the walk for the
     * same end instead of walking again; -1: not walked yet.
     */
    public final Ipv6ExtensionHeaders ipv6Chain = new Ipv6ExtensionHeaders();
    public int ipv6ChainEnd = -1;
    /**
     * Set by a mechanism that mapped the packet's addresses itself (MAP-T, RFC 7599 s.6/s.7: the MAP address mapping
     * with its port); the RFC 7915 transform then uses the addresses below instead of the config's mapper.
     */
    public boolean addressesMapped;
    /** IPv6 to IPv4: the mapped IPv4 source and destination (valid when {@link #addressesMapped}). */
    public int mappedIpv4Source;
    public int mappedIpv4Destination;
    /**
     * IPv4 to IPv6: the mapped IPv6 source and destination, big-endian halves (valid when {@link #addressesMapped}).
     */
    public long mappedSourceHigh;
    public long mappedSourceLow;
    public long mappedDestinationHigh;
    public long mappedDestinationLow;

    /** Starts a packet: everything but the config, which changes only between batches. */
    public PacketContext packet(
        final MutableDirectBuffer buffer, final int offset, final int length, final PacketSink sink)
    {
        this.buffer = buffer;
        this.offset = offset;
        this.length = length;
        this.sink = sink;
        this.outcome = null;
        this.addressesMapped = false;
        this.ipv6ChainEnd = -1;
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
        this.ipv6ChainEnd = -1;
        return this;
    }

    /** IPv6 to IPv4: the addresses a mechanism mapped (RFC 7599 s.7.2), for the RFC 7915 transform. */
    public void mapIpv4(final int source, final int destination)
    {
        addressesMapped = true;
        mappedIpv4Source = source;
        mappedIpv4Destination = destination;
    }

    /** IPv4 to IPv6: the addresses a mechanism mapped (RFC 7599 s.7.1), for the RFC 7915 transform. */
    public void mapIpv6(
        final long sourceHigh, final long sourceLow, final long destinationHigh, final long destinationLow)
    {
        addressesMapped = true;
        mappedSourceHigh = sourceHigh;
        mappedSourceLow = sourceLow;
        mappedDestinationHigh = destinationHigh;
        mappedDestinationLow = destinationLow;
    }

    /** Records the packet's outcome and stops the steps: {@code return ctx.done(Outcome.X);}. */
    public Verdict done(final Outcome outcome)
    {
        this.outcome = outcome;
        return Verdict.DONE;
    }

    /**
     * An ICMP error whose addresses a mechanism mapped (RFC 7599 s.10.1 / RFC 7915 s.4.3, s.5.3, with the quoted
     * packet's port, RFC 7596 s.8.1 step 3): the quoted packet's mapped addresses, valid with {@link #addressesMapped}.
     */
    public int mappedQuotedIpv4Source;
    public int mappedQuotedIpv4Destination;
    public long mappedQuotedSourceHigh;
    public long mappedQuotedSourceLow;
    public long mappedQuotedDestinationHigh;
    public long mappedQuotedDestinationLow;

    /** IPv6 to IPv4, an ICMPv6 error: the quoted packet's mapped addresses (after {@link #mapIpv4}). */
    public void mapQuotedIpv4(final int source, final int destination)
    {
        mappedQuotedIpv4Source = source;
        mappedQuotedIpv4Destination = destination;
    }

    /** IPv4 to IPv6, an ICMPv4 error: the quoted packet's mapped addresses (after {@link #mapIpv6}). */
    public void mapQuotedIpv6(
        final long sourceHigh, final long sourceLow, final long destinationHigh, final long destinationLow)
    {
        mappedQuotedSourceHigh = sourceHigh;
        mappedQuotedSourceLow = sourceLow;
        mappedQuotedDestinationHigh = destinationHigh;
        mappedQuotedDestinationLow = destinationLow;
    }

    /**
     * Writes the mapped IPv6 addresses (source then destination, 32 bytes) of the packet at {@code outer} and of its
     * quoted packet at {@code quoted} into {@code out}: an ICMPv4 error translated with a mechanism's mapping.
     */
    public void writeMappedIpv6(final MutableDirectBuffer out, final int outer, final int quoted)
    {
        out.putLong(outer, mappedSourceHigh, ByteOrder.BIG_ENDIAN);
        out.putLong(outer + 8, mappedSourceLow, ByteOrder.BIG_ENDIAN);
        out.putLong(outer + 16, mappedDestinationHigh, ByteOrder.BIG_ENDIAN);
        out.putLong(outer + 24, mappedDestinationLow, ByteOrder.BIG_ENDIAN);
        out.putLong(quoted, mappedQuotedSourceHigh, ByteOrder.BIG_ENDIAN);
        out.putLong(quoted + 8, mappedQuotedSourceLow, ByteOrder.BIG_ENDIAN);
        out.putLong(quoted + 16, mappedQuotedDestinationHigh, ByteOrder.BIG_ENDIAN);
        out.putLong(quoted + 24, mappedQuotedDestinationLow, ByteOrder.BIG_ENDIAN);
    }
}
