package dev.xlat64.sixrd;

import dev.xlat64.addr.SixRdDomain;
import dev.xlat64.addr.SixRdDomains;
import dev.xlat64.core.IcmpErrorOriginator;
import dev.xlat64.core.Outcome;
import dev.xlat64.core.PacketContext;
import dev.xlat64.core.RouterChecks;
import dev.xlat64.core.Verdict;
import dev.xlat64.packet.Ipv4Header;
import dev.xlat64.packet.Ipv6Header;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * The 6rd mechanism (RFC 5969) = the 6rd domain mapping ({@link SixRdDomain}) + the 6in4 transform + this relay
 * policy: it decides which packets are 6rd's, before SIIT sees them, and hands them to the {@link Decapsulator}, the
 * {@link Encapsulator} or the {@link Icmp4ErrorRelay}. A BR claims IPv4 protocol 41 and whatever is addressed to a BR
 * address, and IPv6 packets whose destination lies in a 6rd prefix; a CE claims everything on its TUN device. A packet
 * that is not 6rd's gets {@link Verdict#CONTINUE}. Not thread safe: one instance per engine.
 */
public final class SixRdRelay
{
    private final Encapsulator encapsulator;
    private final Decapsulator decapsulator;
    private final Icmp4ErrorRelay icmp4ErrorRelay;
    private final Ipv4Header outer = new Ipv4Header();
    private int domainIndex = -1;

    public SixRdRelay(final IcmpErrorOriginator icmpErrors)
    {
        encapsulator = new Encapsulator(icmpErrors);
        decapsulator = new Decapsulator(encapsulator, icmpErrors);
        icmp4ErrorRelay = new Icmp4ErrorRelay(encapsulator, icmpErrors);
    }

    /**
     * The engine's entry point: an IP packet of {@code version} from the TUN device. DONE (the outcome in the context)
     * when it was 6rd's, CONTINUE when not. Afterwards {@link #domainIndex()} tells which domain it belonged to.
     */
    public Verdict relay(final PacketContext ctx, final int version)
    {
        domainIndex = -1;
        // Checked here, not only in fromIpv4/fromIpv6, so that without 6rd this stays small enough to be inlined.
        if (ctx.config.sixRdDomains.isEmpty())
        {
            return Verdict.CONTINUE;
        }
        return version == 4 ? fromIpv4(ctx) : version == 6 ? fromIpv6(ctx) : Verdict.CONTINUE;
    }

    /** The position in the config's domain list of the last packet's 6rd domain; -1 when it had none. */
    public int domainIndex()
    {
        return domainIndex;
    }

    /** An IPv4 packet from the TUN device: 6in4 to decapsulate, an ICMPv4 error to relay, or not 6rd's. */
    private Verdict fromIpv4(final PacketContext ctx)
    {
        final SixRdDomains domains = ctx.config.sixRdDomains;
        final MutableDirectBuffer buffer = ctx.buffer;
        final int offset = ctx.offset;
        if (ctx.length < Ipv4Header.MIN_LENGTH)
        {
            return Verdict.CONTINUE;
        }
        final int protocol = buffer.getByte(offset + Ipv4Header.PROTOCOL) & 0xFF;
        final int destination = buffer.getInt(offset + Ipv4Header.DESTINATION, ByteOrder.BIG_ENDIAN);
        final int source = buffer.getInt(offset + Ipv4Header.SOURCE, ByteOrder.BIG_ENDIAN);
        final SixRdDomain domain = domainOfLocal(domains, destination, source);
        if (domain == null && protocol != Ipv4Header.PROTOCOL_IPV6 && !domains.get(0).ceMode())
        {
            return Verdict.CONTINUE;
        }
        domainIndex = indexOf(domains, domain);
        if (RouterChecks.validateIpv4(outer.wrap(buffer, offset), ctx.length, ctx) == Verdict.DONE)
        {
            return Verdict.DONE;
        }
        if (domain == null)
        {
            return ctx.done(protocol == Ipv4Header.PROTOCOL_IPV6 ? Outcome.SIXRD_NOT_BR_ADDRESS
                : Outcome.SIXRD_NOT_6IN4);
        }
        if (protocol == Ipv4Header.PROTOCOL_IPV6)
        {
            return ctx.done(fromCe(ctx, domain, source));
        }
        if (protocol == Ipv4Header.PROTOCOL_ICMP)
        {
            final int headerLength = (buffer.getByte(offset) & 0x0F) << 2;
            final int totalLength = buffer.getShort(offset + Ipv4Header.TOTAL_LENGTH, ByteOrder.BIG_ENDIAN) & 0xFFFF;
            return ctx.done(icmp4ErrorRelay.relay(ctx, domain, headerLength, totalLength));
        }
        return ctx.done(Outcome.SIXRD_NOT_6IN4);
    }

    /**
     * RFC 5969 s.8: a 6in4 packet to a local address: whole (not a fragment) and from a CE of the domain (or its BR).
     */
    private Outcome fromCe(final PacketContext ctx, final SixRdDomain domain, final int source)
    {
        // RFC 5969 s.9 / RFC 4213 s.3.6: no reassembly here; the BR sends DF packets and CEs are asked to.
        final int fragment = ctx.buffer.getShort(ctx.offset + Ipv4Header.FLAGS_FRAGMENT_OFFSET, ByteOrder.BIG_ENDIAN) &
            (Ipv4Header.FLAG_MF | Ipv4Header.FRAGMENT_OFFSET_MASK);
        if (fragment != 0)
        {
            return Outcome.SIXRD_OUTER_FRAGMENT;
        }
        // RFC 5969 s.8: a BR serves the CEs of its domains only; a CE hears its BR and its domain's CEs.
        if (!domain.isCeIpv4(source) && !(domain.ceMode() && source == domain.brIpv4()))
        {
            return Outcome.SIXRD_SOURCE_NOT_IN_DOMAIN;
        }
        return decapsulator.decapsulate(ctx, domain);
    }

    /** An IPv6 packet from the TUN device: encapsulated when its destination is in a 6rd prefix (a CE: always). */
    private Verdict fromIpv6(final PacketContext ctx)
    {
        final SixRdDomains domains = ctx.config.sixRdDomains;
        final MutableDirectBuffer buffer = ctx.buffer;
        final int offset = ctx.offset;
        if (ctx.length < Ipv6Header.LENGTH)
        {
            return Verdict.CONTINUE;
        }
        SixRdDomain domain = domains.get(0);
        if (!domain.ceMode())
        {
            domain = domainOf(domains, buffer.getLong(offset + Ipv6Header.DESTINATION, ByteOrder.BIG_ENDIAN),
                buffer.getLong(offset + Ipv6Header.DESTINATION + 8, ByteOrder.BIG_ENDIAN));
            if (domain == null)
            {
                return Verdict.CONTINUE;
            }
        }
        domainIndex = indexOf(domains, domain);
        final int payloadLength = buffer.getShort(offset + Ipv6Header.PAYLOAD_LENGTH, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        if (payloadLength == 0 || Ipv6Header.LENGTH + payloadLength > ctx.length)
        {
            return ctx.done(Outcome.IPV6_BAD_PAYLOAD_LENGTH);
        }
        return ctx.done(encapsulator.encapsulate(ctx, domain, offset, Ipv6Header.LENGTH + payloadLength,
            !domain.ceMode()));
    }

    /** The domain whose 6rd prefix holds the IPv6 address, or null (prefixes never overlap: validated). */
    public static SixRdDomain domainOf(final SixRdDomains domains, final long high, final long low)
    {
        return domains.byIpv6(high, low);
    }

    /**
     * The domain a packet to a local (BR or CE WAN) address belongs to: a BR picks the domain whose CE IPv4 prefix
     * holds the source (several domains may share an anycast BR address); a CE has one domain. Null when none.
     */
    static SixRdDomain domainOfLocal(final SixRdDomains domains, final int destination, final int source)
    {
        if (domains.hasCeIpv4Table())
        {
            // The one domain whose CE prefix holds the source; anything else (a CE, a foreign source) scans below.
            final SixRdDomain d = domains.byCeIpv4(source);
            if (d != null && d.localIpv4() == destination)
            {
                return d;
            }
        }
        SixRdDomain fallback = null;
        for (int i = 0; i < domains.size(); i++)
        {
            final SixRdDomain d = domains.get(i);
            if (d.localIpv4() != destination)
            {
                continue;
            }
            if (d.ceMode() || d.isCeIpv4(source))
            {
                return d;
            }
            fallback = fallback == null ? d : fallback;
        }
        return fallback;
    }

    private static int indexOf(final SixRdDomains domains, final SixRdDomain domain)
    {
        return domains.indexOf(domain);
    }
}
