package dev.xlat64.map;

import dev.xlat64.core.Outcome;
import dev.xlat64.core.PacketContext;
import dev.xlat64.packet.Checksum;
import dev.xlat64.packet.Icmp;
import dev.xlat64.packet.Ipv4Header;
import dev.xlat64.packet.Ipv6Header;
import dev.xlat64.packet.Tcp;
import dev.xlat64.packet.Udp;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * MAP-T CE-to-CE through the BR (RFC 7599 s.12.2, hub-and-spoke; RFC 7597 s.8.2): an IPv6 packet from a CE to an IPv4
 * address of the domain under the DMR is sent straight to the CE that address and port map to, as the BR's own IPv4
 * round trip (RFC 7599 s.8.3 then s.8.4) would: source under the DMR, destination the CE's MAP address, hop limit less
 * one, the upper-layer checksum updated for the new pseudo-header (RFC 1624). Rewritten in place. Allocation-free.
 */
final class MapTHairpin
{
    /**
     * Hairpins the packet of {@code ctx} from IPv4 {@code source} to IPv4 {@code destination} when a rule of {@code d}
     * holds the destination: {@link Outcome#MAPT_HAIRPINNED}, or the drop (no port set, fragment without port); null
     * when it is not for another CE (or its hop limit expires here: the transform answers Time Exceeded).
     */
    Outcome relay(final PacketContext ctx, final MapDomain d, final int source, final int destination, final int l4,
        final int protocol, final int end, final boolean laterFragment)
    {
        final MapRule any = d.rules.ruleForIpv4(destination);
        final MutableDirectBuffer buffer = ctx.buffer;
        final int at = ctx.offset;
        final int hopLimit = buffer.getByte(at + Ipv6Header.HOP_LIMIT) & 0xFF;
        final int payloadLength = buffer.getShort(at + Ipv6Header.PAYLOAD_LENGTH, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        // A packet cut short (or a jumbogram) is left to the transform, which drops it with its reason.
        if (any == null || hopLimit <= 1 || payloadLength == 0 || Ipv6Header.LENGTH + payloadLength > ctx.length)
        {
            return null;
        }
        int port = MapTBorderRelay.NO_PORT;
        final MapRule rule;
        if (laterFragment)
        {
            // RFC 7599 s.10.2: as toward a CE from IPv4, only a rule without a port set can place the fragment.
            if (any.psidLength() > 0)
            {
                return Outcome.MAPT_FRAGMENT_WITHOUT_PORT;
            }
            rule = any;
        }
        else
        {
            port = Ports.ofCeSide(buffer, l4, end, protocol, true, false);
            if (port == Ports.TRUNCATED)
            {
                return null;  // the transform drops it with its reason
            }
            rule = port == MapTBorderRelay.NO_PORT ? (any.psidLength() == 0 ? any : null) :
                d.rules.ruleForIpv4(destination, port);
            if (rule == null)
            {
                return Outcome.MAPT_NO_PORT_SET;
            }
        }
        final int psid = rule.psidLength() == 0 ? 0 : rule.psidOfPort(port);
        final int oldSum = Checksum.fold(Checksum.add(buffer, at + Ipv6Header.SOURCE, 32, 0));
        buffer.putLong(at + Ipv6Header.SOURCE, d.dmr.high(source), ByteOrder.BIG_ENDIAN);
        buffer.putLong(at + Ipv6Header.SOURCE + 8, d.dmr.low(source), ByteOrder.BIG_ENDIAN);
        buffer.putLong(at + Ipv6Header.DESTINATION, rule.addressHigh(destination, psid), ByteOrder.BIG_ENDIAN);
        buffer.putLong(at + Ipv6Header.DESTINATION + 8, rule.addressLow(destination, psid, true), ByteOrder.BIG_ENDIAN);
        buffer.putByte(at + Ipv6Header.HOP_LIMIT, (byte)(hopLimit - 1));
        if (!laterFragment)
        {
            updateChecksum(buffer, l4, end, protocol, oldSum,
                Checksum.fold(Checksum.add(buffer, at + Ipv6Header.SOURCE, 32, 0)));
        }
        ctx.sink.emit(buffer, at, end - at);
        return Outcome.MAPT_HAIRPINNED;
    }

    /** RFC 1624: the TCP, UDP or ICMPv6 checksum (all cover the addresses) when its field is there. */
    private static void updateChecksum(final MutableDirectBuffer buffer, final int l4, final int end,
        final int protocol, final int oldSum, final int newSum)
    {
        final int field;
        switch (protocol)
        {
            case Ipv4Header.PROTOCOL_TCP:
                field = l4 + Tcp.CHECKSUM;
                break;
            case Ipv4Header.PROTOCOL_UDP:
                field = l4 + Udp.CHECKSUM;
                break;
            case Ipv6Header.NEXT_HEADER_ICMPV6:
                field = l4 + Icmp.CHECKSUM;
                break;
            default:
                return;
        }
        if (field + 2 <= end)
        {
            final int checksum = buffer.getShort(field, ByteOrder.BIG_ENDIAN) & 0xFFFF;
            final int updated = Checksum.update(checksum, oldSum, newSum);
            // RFC 768 / RFC 8200 s.8.1: a computed UDP checksum of 0 is sent as 0xFFFF.
            buffer.putShort(field, (short)(protocol == Ipv4Header.PROTOCOL_UDP && updated == 0 ? 0xFFFF : updated),
                ByteOrder.BIG_ENDIAN);
        }
    }
}
