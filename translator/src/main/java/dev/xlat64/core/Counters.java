package dev.xlat64.core;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * One agent's outcome counters. Single writer (the agent) with release stores, so the metrics thread reads them safely
 * without a lock; readers sum the counters of all agents.
 */
public final class Counters
{
    private final AtomicLongArray packets = new AtomicLongArray(Outcome.count());
    private final AtomicLongArray bytes = new AtomicLongArray(Outcome.count());
    private final AtomicLongArray icmpErrorReasons = new AtomicLongArray(Outcome.count());
    private final AtomicLongArray sixRdDomainPackets = new AtomicLongArray(MAX_SIXRD_DOMAINS * Outcome.count());

    /** 6rd domains counted one by one (by their position in the config); packets of later ones are not split out. */
    public static final int MAX_SIXRD_DOMAINS = 64;
    /** MAP-T/MAP-E/lw4o6 domains counted one by one (by their position in the config), likewise. */
    public static final int MAX_MAP_DOMAINS = 64;
    private final AtomicLongArray mapDomainPackets = new AtomicLongArray(MAX_MAP_DOMAINS * Outcome.count());

    /** Counts one packet of {@code length} bytes (the input length) with its outcome. Writer thread only. */
    public void record(final Outcome outcome, final int length)
    {
        final int i = outcome.ordinal();
        packets.lazySet(i, packets.get(i) + 1);
        bytes.lazySet(i, bytes.get(i) + length);
    }

    /** Also counts the packet under its 6rd domain (position in the config's domain list; negative: none). */
    public void recordSixRdDomain(final int domainIndex, final Outcome outcome)
    {
        if (domainIndex >= 0 && domainIndex < MAX_SIXRD_DOMAINS)
        {
            final int i = domainIndex * Outcome.count() + outcome.ordinal();
            sixRdDomainPackets.lazySet(i, sixRdDomainPackets.get(i) + 1);
        }
    }

    /** Also counts the packet under its MAP domain (position in the config's MAP domain list; negative: none). */
    public void recordMapDomain(final int domainIndex, final Outcome outcome)
    {
        if (domainIndex >= 0 && domainIndex < MAX_MAP_DOMAINS)
        {
            final int i = domainIndex * Outcome.count() + outcome.ordinal();
            mapDomainPackets.lazySet(i, mapDomainPackets.get(i) + 1);
        }
    }

    /** Packets of one MAP domain with this outcome (spoofed source, port outside set, hairpinned, ...). */
    public long mapDomainPackets(final int domainIndex, final Outcome outcome)
    {
        return mapDomainPackets.get(domainIndex * Outcome.count() + outcome.ordinal());
    }

    /** Packets of one 6rd domain with this outcome. */
    public long sixRdDomainPackets(final int domainIndex, final Outcome outcome)
    {
        return sixRdDomainPackets.get(domainIndex * Outcome.count() + outcome.ordinal());
    }

    /** Counts why an ICMP error was originated (the packet's outcome is ICMPV4/6_ERROR_SENT). Writer thread only. */
    public void recordIcmpErrorReason(final Outcome reason)
    {
        final int i = reason.ordinal();
        icmpErrorReasons.lazySet(i, icmpErrorReasons.get(i) + 1);
    }

    /** ICMP errors originated for packets that would otherwise have ended with {@code reason}. */
    public long icmpErrors(final Outcome reason)
    {
        return icmpErrorReasons.get(reason.ordinal());
    }

    public long packets(final Outcome outcome)
    {
        return packets.get(outcome.ordinal());
    }

    public long bytes(final Outcome outcome)
    {
        return bytes.get(outcome.ordinal());
    }

    /** Total packets over all outcomes. */
    public long total()
    {
        long sum = 0;
        for (int i = 0; i < packets.length(); i++)
        {
            sum += packets.get(i);
        }
        return sum;
    }
}
