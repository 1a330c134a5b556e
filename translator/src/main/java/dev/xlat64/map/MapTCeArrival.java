package dev.xlat64.map;

import dev.xlat64.addr.SpecialIpv4;
import dev.xlat64.core.Outcome;
import dev.xlat64.core.PacketContext;
import dev.xlat64.packet.FragmentHeader;
import dev.xlat64.packet.Icmp;
import dev.xlat64.packet.Ipv6ExtensionHeaders;
import dev.xlat64.packet.Ipv6Header;
import dev.xlat64.siit.Ipv6ToIpv4;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * IPv6 arriving at a MAP-T CE's MAP address (RFC 7599 s.8.2): from the BR (a source under the DMR) or an FMR peer, for
 * a destination port of the CE's set; an ICMPv6 error about a packet the CE sent (RFC 7599 s.9-10, RFC 7915 s.5.3) is
 * accepted from any IPv6 router and translated with its quoted packet mapped too, through the same
 * {@link PacketContext#mapQuotedIpv4} hook as the BR's, so that the kernel's NAPT44 finds the LAN host. Then the
 * RFC 7915 transform. Allocation-free; not thread safe: one instance per {@link MapCustomerEdge}.
 */
final class MapTCeArrival
{
    /** {@link #ipv4Of}: the IPv6 address maps under neither the DMR nor an FMR. */
    private static final long UNMAPPED = -1;

    private final Ipv6ExtensionHeaders chain = new Ipv6ExtensionHeaders();
    private final Ipv6ToIpv4 ipv6ToIpv4;
    private MapDomain domain;
    private MapRule bmr;
    private int ceIpv4;
    private int ceMask;
    private int psid;

    MapTCeArrival(final Ipv6ToIpv4 ipv6ToIpv4)
    {
        this.ipv6ToIpv4 = ipv6ToIpv4;
    }

    /** The CE this serves: its domain, BMR, IPv4 address (prefix: with its mask) and PSID; called between packets. */
    void serve(final MapDomain ce, final MapRule basicRule, final int ipv4, final int mask, final int ownPsid)
    {
        domain = ce;
        bmr = basicRule;
        ceIpv4 = ipv4;
        ceMask = mask;
        psid = ownPsid;
    }

    /**
     * RFC 7599 s.8.2: IPv6 to the CE's MAP address (full IPv4 in the interface ID) from an address under the DMR or an
     * FMR peer whose interface ID agrees with its EA bits (an ICMPv6 error: from anywhere), for a destination port of
     * the CE's set; then RFC 7915. Null: not for this CE.
     */
    Outcome arrive(final PacketContext ctx)
    {
        final MutableDirectBuffer buffer = ctx.buffer;
        final int at = ctx.offset;
        final long destinationHigh = buffer.getLong(at + Ipv6Header.DESTINATION, ByteOrder.BIG_ENDIAN);
        final long destinationLow = buffer.getLong(at + Ipv6Header.DESTINATION + 8, ByteOrder.BIG_ENDIAN);
        final int destination = (int)(destinationLow >>> 16);
        if (!isOwnMapAddress(destinationHigh, destinationLow))
        {
            return null;
        }
        final int payload = buffer.getShort(at + Ipv6Header.PAYLOAD_LENGTH, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        final int end = at + Math.min(ctx.length, Ipv6Header.LENGTH + payload);
        // A chain that cannot be walked is left to the transform, which drops it with its reason.
        final boolean walked =
            chain.walk(buffer, at + Ipv6Header.LENGTH, buffer.getByte(at + Ipv6Header.NEXT_HEADER) & 0xFF, end);
        final int fragment = walked ? chain.fragmentHeaderOffset() : -1;
        final int upper = walked && (fragment < 0 || FragmentHeader.fragmentOffset(buffer, fragment) == 0) ?
            chain.upperLayerOffset() : -1;
        final int protocol = upper < 0 ? -1 : chain.upperLayerProtocol();
        final boolean error = upper >= 0 && upper + Icmp.HEADER_LENGTH <= end &&
            Ports.isIcmpError(buffer, upper, protocol, true);
        final long source = ipv4Of(buffer.getLong(at + Ipv6Header.SOURCE, ByteOrder.BIG_ENDIAN),
            buffer.getLong(at + Ipv6Header.SOURCE + 8, ByteOrder.BIG_ENDIAN));
        if (source == UNMAPPED && !error)
        {
            return Outcome.MAP_CE_UNKNOWN_SOURCE;
        }
        if (upper >= 0)
        {
            final Outcome port = MapCustomerEdge.checkDestinationPort(bmr, psid, buffer, upper, end, protocol, true);
            if (port != null)
            {
                return port;
            }
        }
        // RFC 7915 s.5.3: a router's address that maps to no IPv4 (RFC 6791) becomes the dummy address.
        // RFC 7915 s.5.3 leaves the source of an error from a router that no rule maps to RFC 6791: RFC 7600's dummy.
        ctx.mapIpv4(source == UNMAPPED ? SpecialIpv4.DUMMY : (int)source, destination);
        if (error)
        {
            final Outcome quoted = mapQuoted(ctx, upper + Icmp.HEADER_LENGTH, end);
            if (quoted != null)
            {
                return quoted;
            }
        }
        return ipv6ToIpv4.translate(ctx);
    }

    /** RFC 7599 s.6: a MAP address of this CE: its IPv4 (an address of its prefix) in the interface ID, its PSID. */
    private boolean isOwnMapAddress(final long high, final long low)
    {
        final int ipv4 = (int)(low >>> 16);
        return ((ipv4 ^ ceIpv4) & ceMask) == 0 && high == bmr.addressHigh(ipv4, psid) &&
            low == bmr.addressLow(ipv4, psid, true);
    }

    /**
     * RFC 7599 s.5.1 and s.8.2: the IPv4 address of an IPv6 address under the DMR, or of an FMR peer's MAP address
     * whose interface ID holds the IPv4 its EA bits give (RFC 7599 s.8.3 at the CE); {@link #UNMAPPED} otherwise.
     */
    private long ipv4Of(final long high, final long low)
    {
        if (domain.dmr.contains(high, low))
        {
            return domain.dmr.extract(high, low) & 0xFFFF_FFFFL;
        }
        final MapRule rule = domain.rules.ruleForIpv6(high, low);
        final int ipv4 = (int)(low >>> 16);
        final int length = rule == null ? 0 : rule.ceIpv4PrefixLength();
        final int mask = length == 0 ? 0 : -1 << (32 - length);
        if (rule == null || !rule.forwarding() || ((ipv4 ^ rule.ipv4Of(high, low)) & mask) != 0)
        {
            return UNMAPPED;
        }
        return ipv4 & 0xFFFF_FFFFL;
    }

    /**
     * RFC 7599 s.10, RFC 7915 s.5.3: an ICMPv6 error to the CE is about a packet the CE sent: the quoted source must be
     * a MAP address of this CE and becomes its IPv4 address; the quoted destination maps under the DMR or an FMR.
     * Null: both mapped (or the quote is unreadable: the transform drops it with its reason).
     */
    private Outcome mapQuoted(final PacketContext ctx, final int quoted, final int end)
    {
        final MutableDirectBuffer buffer = ctx.buffer;
        if (quoted + Ipv6Header.LENGTH > end)
        {
            return null;
        }
        final long sourceHigh = buffer.getLong(quoted + Ipv6Header.SOURCE, ByteOrder.BIG_ENDIAN);
        final long sourceLow = buffer.getLong(quoted + Ipv6Header.SOURCE + 8, ByteOrder.BIG_ENDIAN);
        final long destination = ipv4Of(buffer.getLong(quoted + Ipv6Header.DESTINATION, ByteOrder.BIG_ENDIAN),
            buffer.getLong(quoted + Ipv6Header.DESTINATION + 8, ByteOrder.BIG_ENDIAN));
        if (!isOwnMapAddress(sourceHigh, sourceLow) || destination == UNMAPPED)
        {
            return Outcome.MAPT_ICMP_ERROR_NOT_TRANSLATED;
        }
        ctx.mapQuotedIpv4((int)(sourceLow >>> 16), (int)destination);
        return null;
    }
}
