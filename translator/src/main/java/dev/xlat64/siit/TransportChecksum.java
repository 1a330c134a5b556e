package dev.xlat64.siit;

import dev.xlat64.packet.Checksum;
import dev.xlat64.packet.Ipv6Header;
import dev.xlat64.packet.Udp;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * RFC 7915 s.4.5 and s.5.5: TCP and UDP checksums cover a pseudo-header with the IP addresses, so translation changes
 * them by the difference of the address sums (RFC 1624), in both directions alike. Pure functions.
 */
final class TransportChecksum
{
    /** RFC 768: a computed UDP checksum of zero is sent as all ones (zero means "no checksum"). */
    private static final int UDP_ZERO_AS_SENT = 0xFFFF;

    private TransportChecksum()
    {
    }

    /** Folded sum of two IPv4 addresses. */
    static int ipv4AddressSum(final int source, final int destination)
    {
        return Checksum.fold(Checksum.addInt(source, Checksum.addInt(destination, 0)));
    }

    /** Folded sum of the two IPv6 addresses of the header at {@code ipv6Offset}. */
    static int ipv6AddressSum(final MutableDirectBuffer buffer, final int ipv6Offset)
    {
        return Checksum.fold(Checksum.addIpv6Address(buffer, ipv6Offset + Ipv6Header.SOURCE,
            Checksum.addIpv6Address(buffer, ipv6Offset + Ipv6Header.DESTINATION, 0)));
    }

    /** RFC 1624: replaces {@code oldSum} by {@code newSum} in the checksum at {@code checksumOffset}. */
    static void update(
        final MutableDirectBuffer buffer, final int checksumOffset, final int oldSum, final int newSum,
        final boolean udp)
    {
        final int checksum = buffer.getShort(checksumOffset, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        int updated = Checksum.update(checksum, oldSum, newSum);
        if (udp && updated == 0)
        {
            updated = UDP_ZERO_AS_SENT;
        }
        buffer.putShort(checksumOffset, (short)updated, ByteOrder.BIG_ENDIAN);
    }

    /** RFC 7915 s.4.5: IPv6 requires a UDP checksum; a zero one from IPv4 is computed over the whole datagram. */
    static void computeUdpOverIpv6(
        final MutableDirectBuffer buffer, final int l4, final int payloadLength, final int ipv6AddressSum)
    {
        long acc = ipv6AddressSum + (long)payloadLength + Ipv6Header.NEXT_HEADER_UDP;
        acc = Checksum.add(buffer, l4, payloadLength, acc);
        final int checksum = Checksum.finish(acc);
        buffer.putShort(l4 + Udp.CHECKSUM, (short)(checksum == 0 ? UDP_ZERO_AS_SENT : checksum), ByteOrder.BIG_ENDIAN);
    }
}
