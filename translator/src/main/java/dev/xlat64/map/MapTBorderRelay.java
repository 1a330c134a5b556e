package dev.xlat64.map;

import dev.xlat64.core.Outcome;
import dev.xlat64.core.PacketContext;
import dev.xlat64.core.Verdict;
import dev.xlat64.packet.FragmentHeader;
import dev.xlat64.packet.Icmp;
import dev.xlat64.packet.Ipv4Header;
import dev.xlat64.packet.Ipv6ExtensionHeaders;
import dev.xlat64.packet.Ipv6Header;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * The MAP-T border relay (RFC 7599 s.7-8, RFC 7597 s.5-8): the MAP address mapping plus the security checks, in front
 * of the unchanged RFC 7915 transform. It claims the packets of its domains, checks them, and hands the mapped
 * addresses to the transform through {@link PacketContext#mapIpv4} / {@link PacketContext#mapIpv6}; everything else
 * is left to SIIT. Allocation-free; not thread safe: one instance per engine.
 */
public final class MapTBorderRelay
{
    /** No port could be read (a non-first fragment, a protocol without ports, a truncated header). */
    static final int NO_PORT = -1;

    private final Ipv6ExtensionHeaders chain = new Ipv6ExtensionHeaders();
    private MapDomain[] domains = new MapDomain[0];
    /** Each domain's position in the list the owner gave (for per-domain counters). */
    private int[] positions = new int[0];
    private int domainIndex = -1;

    /** The MAP-T domains to serve (other mechanisms in the array are ignored); called by the owner between packets. */
    public void domains(final MapDomain[] all)
    {
        int n = 0;
        for (final MapDomain d : all)
        {
            n += d.mechanism == Mechanism.MAP_T ? 1 : 0;
        }
        final MapDomain[] mapT = new MapDomain[n];
        final int[] at = new int[n];
        n = 0;
        for (int i = 0; i < all.length; i++)
        {
            if (all[i].mechanism == Mechanism.MAP_T)
            {
                at[n] = i;
                mapT[n++] = all[i];
            }
        }
        positions = at;
        domains = mapT;
    }

    /**
     * Claims a packet of a MAP-T domain: drops it with a MAP-T outcome ({@link Verdict#DONE}) or maps its addresses
     * into {@code ctx} and returns {@link Verdict#CONTINUE} for the RFC 7915 transform; packets of no domain continue
     * unmapped.
     */
    public Verdict relay(final PacketContext ctx, final int version)
    {
        domainIndex = -1;
        if (domains.length == 0)
        {
            return Verdict.CONTINUE;
        }
        if (version == 6 && ctx.length >= Ipv6Header.LENGTH)
        {
            return fromCe(ctx);
        }
        if (version == 4 && ctx.length >= Ipv4Header.MIN_LENGTH)
        {
            return towardCe(ctx);
        }
        return Verdict.CONTINUE;
    }

    /** The position of the domain that claimed the last packet, -1 for none. */
    public int domainIndex()
    {
        return domainIndex;
    }

    /**
     * RFC 7599 s.7.2 and s.8.3 (RFC 7597 s.8.1): IPv6 from a CE. The source selects the rule; its interface ID
     * carries the IPv4 source, which must be the CE's (or in the CE's prefix); the source port must be in the CE's
     * port set; the destination is the DMR's RFC 6052 address.
     */
    private Verdict fromCe(final PacketContext ctx)
    {
        final MutableDirectBuffer buffer = ctx.buffer;
        final int at = ctx.offset;
        final long sourceHigh = buffer.getLong(at + Ipv6Header.SOURCE, ByteOrder.BIG_ENDIAN);
        final long sourceLow = buffer.getLong(at + Ipv6Header.SOURCE + 8, ByteOrder.BIG_ENDIAN);
        final long destinationHigh = buffer.getLong(at + Ipv6Header.DESTINATION, ByteOrder.BIG_ENDIAN);
        final long destinationLow = buffer.getLong(at + Ipv6Header.DESTINATION + 8, ByteOrder.BIG_ENDIAN);
        for (int i = 0; i < domains.length; i++)
        {
            final MapDomain d = domains[i];
            if (!d.dmr.contains(destinationHigh, destinationLow))
            {
                continue;
            }
            final MapRule rule = d.rules.ruleForIpv6(sourceHigh, sourceLow);
            if (rule == null)
            {
                continue;
            }
            domainIndex = positions[i];
            // RFC 7599 s.6 (full IPv4 in the interface ID, docs/map.md): 0 (16) | IPv4 (32) | PSID (16).
            final int source = (int)(sourceLow >>> 16);
            final int length = rule.ceIpv4PrefixLength();
            final int mask = length == 0 ? 0 : -1 << (32 - length);
            // RFC 7597 s.8.1: the IPv4 source must be the one the EA bits give (a CE's prefix: an address in it).
            if (((source ^ rule.ipv4Of(sourceHigh, sourceLow)) & mask) != 0)
            {
                return ctx.done(Outcome.MAPT_SPOOFED_SOURCE);
            }
            if (checkFromCe(ctx, rule, rule.psidOf(sourceHigh, sourceLow)) == Verdict.DONE)
            {
                return Verdict.DONE;
            }
            ctx.mapIpv4(source, d.dmr.extract(destinationHigh, destinationLow));
            return Verdict.CONTINUE;
        }
        return Verdict.CONTINUE;
    }

    /**
     * RFC 7597 s.8.1, RFC 7599 s.8.3: the source port of a CE with a port set must be in its set; ICMPv6 errors
     * (any CE) are not translated yet (their quoted addresses need the MAP mapping too). A non-first fragment
     * has no port: it passed the address check and is forwarded (the residual spoofing stays within the CE's own
     * shared address, docs/map.md). Malformed packets are left to the transform, which drops them with their reason.
     */
    private Verdict checkFromCe(final PacketContext ctx, final MapRule rule, final int psid)
    {
        final MutableDirectBuffer buffer = ctx.buffer;
        final int end = ctx.offset + Math.min(ctx.length,
            Ipv6Header.LENGTH + (buffer.getShort(ctx.offset + 4, ByteOrder.BIG_ENDIAN) & 0xFFFF));
        if (!chain.walk(buffer, ctx.offset + Ipv6Header.LENGTH, buffer.getByte(ctx.offset + 6) & 0xFF, end))
        {
            return Verdict.CONTINUE;
        }
        final int fragment = chain.fragmentHeaderOffset();
        if (fragment >= 0 && FragmentHeader.fragmentOffset(buffer, fragment) != 0)
        {
            return Verdict.CONTINUE;
        }
        final int l4 = chain.upperLayerOffset();
        final int protocol = chain.upperLayerProtocol();
        if (rule.psidLength() > 0)
        {
            final int port = Ports.ofCeSide(buffer, l4, end, protocol, true, true);
            if (port == Ports.TRUNCATED)
            {
                return Verdict.CONTINUE;
            }
            if (port == NO_PORT || !rule.portAllowed(port) || rule.psidOfPort(port) != psid)
            {
                return ctx.done(Outcome.MAPT_PORT_OUTSIDE_SET);
            }
        }
        return l4 + Icmp.HEADER_LENGTH <= end && Ports.isIcmpError(buffer, l4, protocol, true) ?
            ctx.done(Outcome.MAPT_ICMP_ERROR_NOT_TRANSLATED) : Verdict.CONTINUE;
    }

    /**
     * RFC 7599 s.7.1, RFC 7597 s.8.2: IPv4 toward a CE. The destination address and port select the rule and the
     * PSID, so the CE's MAP address (full IPv4 in the interface ID); the source goes under the DMR.
     */
    private Verdict towardCe(final PacketContext ctx)
    {
        final MutableDirectBuffer buffer = ctx.buffer;
        final int at = ctx.offset;
        final int destination = buffer.getInt(at + Ipv4Header.DESTINATION, ByteOrder.BIG_ENDIAN);
        for (int i = 0; i < domains.length; i++)
        {
            final MapDomain d = domains[i];
            final MapRule any = d.rules.ruleForIpv4(destination);
            if (any == null)
            {
                continue;
            }
            domainIndex = positions[i];
            final int headerLength = (buffer.getByte(at) & 0x0F) * 4;
            final int totalLength = buffer.getShort(at + Ipv4Header.TOTAL_LENGTH, ByteOrder.BIG_ENDIAN) & 0xFFFF;
            if (headerLength < Ipv4Header.MIN_LENGTH || totalLength < headerLength || totalLength > ctx.length)
            {
                return Verdict.CONTINUE;  // not mapped: the transform's header checks drop it with their reason
            }
            final int protocol = buffer.getByte(at + Ipv4Header.PROTOCOL) & 0xFF;
            final boolean nonFirstFragment =
                (buffer.getShort(at + Ipv4Header.FLAGS_FRAGMENT_OFFSET, ByteOrder.BIG_ENDIAN) & 0x1FFF) != 0;
            final MapRule rule;
            int port = NO_PORT;
            if (nonFirstFragment)
            {
                // RFC 7599 s.10.2: no port; only a rule without a port set can place the fragment (docs/map.md).
                if (any.psidLength() > 0)
                {
                    return ctx.done(Outcome.MAPT_FRAGMENT_WITHOUT_PORT);
                }
                rule = any;
            }
            else
            {
                port = Ports.ofCeSide(buffer, at + headerLength, at + totalLength, protocol, false, false);
                if (port == Ports.TRUNCATED)
                {
                    return Verdict.CONTINUE;
                }
                rule = port == NO_PORT ? (any.psidLength() == 0 ? any : null) : d.rules.ruleForIpv4(destination, port);
                if (rule == null)
                {
                    return ctx.done(Outcome.MAPT_NO_PORT_SET);
                }
                if (Ports.isIcmpError(buffer, at + headerLength, protocol, false))
                {
                    return ctx.done(Outcome.MAPT_ICMP_ERROR_NOT_TRANSLATED);
                }
            }
            final int psid = rule.psidLength() == 0 ? 0 : rule.psidOfPort(port);
            final int source = buffer.getInt(at + Ipv4Header.SOURCE, ByteOrder.BIG_ENDIAN);
            ctx.mapIpv6(d.dmr.high(source), d.dmr.low(source),
                rule.addressHigh(destination, psid), rule.addressLow(destination, psid, true));
            return Verdict.CONTINUE;
        }
        return Verdict.CONTINUE;
    }
}
