package dev.xlat64.siit;

import dev.xlat64.core.PacketSink;
import dev.xlat64.packet.FragmentHeader;
import dev.xlat64.packet.Ipv4Header;
import dev.xlat64.packet.Ipv6Header;
import org.agrona.MutableDirectBuffer;

/**
 * Fragmentation of a translated packet too big for its next hop: IPv6 fragments (RFC 7915 s.4.1, RFC 8200 s.4.5) and
 * IPv4 fragments (RFC 791, RFC 1812 s.5.2.6). Each fragment is built in the scratch buffer and emitted before the
 * next one is built. Not thread safe: one per engine.
 */
final class Fragmenter
{
    /** Fragment data is a multiple of 8 bytes, except in the last fragment (RFC 791, RFC 8200 s.4.5). */
    private static final int FRAGMENT_UNIT = 8;
    /** RFC 791 / RFC 8200 s.4.5: no fragment's data may end beyond byte 65535 of its datagram (or payload). */
    static final int MAX_END = 0xFFFF;

    private final MutableDirectBuffer scratch;
    private final Ipv4Header ip4 = new Ipv4Header();
    private final Ipv6Header ip6 = new Ipv6Header();

    Fragmenter(final MutableDirectBuffer scratch)
    {
        this.scratch = scratch;
    }

    /**
     * RFC 7915 s.4.1: fragments the translated IPv6 packet at {@code out} (with a fragment header already when
     * {@code hasFragmentHeader}) so that each fragment fits {@code mtu}; every fragment carries the IPv4
     * identification and continues the offsets and M flag of an already fragmented input. False (nothing sent) when
     * the last fragment's offset would not fit 13 bits.
     */
    boolean fragmentIpv6(
        final MutableDirectBuffer buffer, final int out, final int translatedLength, final boolean hasFragmentHeader,
        final FragmentFields fields, final int mtu, final PacketSink sink)
    {
        final int dataStart = out + Ipv6Header.LENGTH + (hasFragmentHeader ? FragmentHeader.LENGTH : 0);
        final int dataLength = out + translatedLength - dataStart;
        final int headers = Ipv6Header.LENGTH + FragmentHeader.LENGTH;
        final int chunkMax = Math.max(FRAGMENT_UNIT, (mtu - headers) & ~(FRAGMENT_UNIT - 1));
        // The 13-bit offset must not wrap (a crafted fragment would land at offset 0): callers refuse these first.
        if ((fields.fragmentOffset << 3) + dataLength > MAX_END)
        {
            return false;
        }
        for (int done = 0; done < dataLength; done += chunkMax)
        {
            final int chunk = Math.min(chunkMax, dataLength - done);
            final boolean last = done + chunk >= dataLength;
            scratch.putBytes(0, buffer, out, Ipv6Header.LENGTH);
            ip6.wrap(scratch, 0).payloadLength(FragmentHeader.LENGTH + chunk)
                .nextHeader(Ipv6Header.NEXT_HEADER_FRAGMENT);
            FragmentHeader.write(scratch, Ipv6Header.LENGTH, fields.upperLayer, fields.fragmentOffset + (done >>> 3),
                !last || fields.moreFragments, fields.identification & 0xFFFF);
            scratch.putBytes(headers, buffer, dataStart + done, chunk);
            sink.emit(scratch, 0, headers + chunk);
        }
        return true;
    }

    /**
     * RFC 1812 s.5.2.6 / RFC 791: a DF=0 translated IPv4 packet larger than the next-hop MTU is fragmented, each
     * fragment keeping the identification and continuing the offset (and MF) of an already fragmented input. False
     * (nothing sent) when the last fragment's offset would not fit 13 bits.
     */
    boolean fragmentIpv4(
        final MutableDirectBuffer buffer, final int out, final int totalLength, final int mtu, final PacketSink sink)
    {
        final Ipv4Header in = ip4.wrap(buffer, out);
        final int flags = in.flagsAndFragmentOffset();
        final int baseOffset = flags & Ipv4Header.FRAGMENT_OFFSET_MASK;
        final boolean moreFragments = (flags & Ipv4Header.FLAG_MF) != 0;
        final int dataStart = out + Ipv4Header.MIN_LENGTH;
        final int dataLength = totalLength - Ipv4Header.MIN_LENGTH;
        final int chunkMax = Math.max(FRAGMENT_UNIT, (mtu - Ipv4Header.MIN_LENGTH) & ~(FRAGMENT_UNIT - 1));
        // The 13-bit offset must not overflow into the flags: callers refuse these first.
        if ((baseOffset << 3) + dataLength > MAX_END)
        {
            return false;
        }
        for (int done = 0; done < dataLength; done += chunkMax)
        {
            final int chunk = Math.min(chunkMax, dataLength - done);
            final boolean last = done + chunk >= dataLength;
            scratch.putBytes(0, buffer, out, Ipv4Header.MIN_LENGTH);
            ip4.wrap(scratch, 0).totalLength(Ipv4Header.MIN_LENGTH + chunk)
                .flagsAndFragmentOffset((!last || moreFragments ? Ipv4Header.FLAG_MF : 0) | (baseOffset + (done >>> 3)))
                .computeHeaderChecksum();
            scratch.putBytes(Ipv4Header.MIN_LENGTH, buffer, dataStart + done, chunk);
            sink.emit(scratch, 0, Ipv4Header.MIN_LENGTH + chunk);
        }
        return true;
    }
}
