package dev.xlat64.dataplane;

import dev.xlat64.engine.Translator;
import dev.xlat64.packet.Checksum;
import dev.xlat64.packet.Ipv4Header;
import dev.xlat64.packet.Tcp;
import dev.xlat64.packet.Udp;
import dev.xlat64.packet.VirtioNetHeader;
import dev.xlat64.siit.PathMtu;
import dev.xlat64.core.TranslatorConfig;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The TUN offloads around the engine, which knows nothing of them: the virtio-net header of the packet being handled
 * ({@link #read}), and the header written before its in-place translation ({@link #writeHeader}). A TCP or UDP
 * super-packet (GSO) is translated once, its header fields moved by the size difference of the IP headers and its GSO
 * type switched between TCPV4 and TCPV6 (UDP_L4 serves both IP versions). A partial checksum (NEEDS_CSUM: the field
 * holds the uncomplemented pseudo-header sum P) is complemented around the translation, because the engine's RFC 1624
 * update applied to {@code ~P} yields {@code ~P'}. One instance per agent; its state is the current packet's.
 */
final class VirtioNetOffload
{
    /** IPv4 TTL and IPv6 hop limit offsets: a packet about to expire is quoted in Time Exceeded. */
    private static final int IPV4_TTL = 8;
    private static final int IPV6_HOP_LIMIT = 7;
    /** Largest growth of a translated header (IPv4 to IPv6), for the GSO segment-size check. */
    private static final int MAX_GROWTH = 20;

    private final VirtioNetHeader header = new VirtioNetHeader();
    /** The virtio-net header of a packet built elsewhere (an ICMP error, a fragment): no offload, all zero. */
    private final UnsafeBuffer plainHeader = new UnsafeBuffer(ByteBuffer.allocateDirect(VirtioNetHeader.LENGTH));

    /** The current packet's buffer (its packet at {@link Translator#HEADROOM}) and its virtio-net header fields. */
    private MutableDirectBuffer buffer;
    private int gsoType;
    private int hdrLen;
    private int gsoSize;
    private int csumStart;
    private int csumOffset;
    /** The L4 checksum field holds ~P until {@link #writeHeader} puts P back for the kernel to complete. */
    private boolean partialChecksum;
    private int checksumPosition;

    /**
     * Takes the virtio-net header just before the packet of {@code length} bytes at {@link Translator#HEADROOM} of
     * {@code buffer}, and prepares its checksum for the engine (completed, or complemented) under {@code config}. False
     * for a read too short to hold a header.
     */
    boolean read(final MutableDirectBuffer buffer, final int length, final TranslatorConfig config)
    {
        if (length <= 0)
        {
            return false;
        }
        this.buffer = buffer;
        header.wrap(buffer, Translator.HEADROOM - VirtioNetHeader.LENGTH);
        gsoType = header.gsoType();
        hdrLen = header.hdrLen();
        gsoSize = header.gsoSize();
        csumStart = header.csumStart();
        csumOffset = header.csumOffset();
        partialChecksum = (header.flags() & VirtioNetHeader.F_NEEDS_CSUM) != 0 && csumStart + csumOffset + 2 <= length;
        if (!partialChecksum)
        {
            gsoType = VirtioNetHeader.GSO_NONE; // GSO always comes with NEEDS_CSUM; without it, treat as plain
            return true;
        }
        checksumPosition = Translator.HEADROOM + csumStart + csumOffset;
        if (finaliseChecksumFirst(gsoType, length, csumOffset) || gsoType == VirtioNetHeader.GSO_NONE &&
            mayBeFragmentedOrQuoted(buffer, Translator.HEADROOM, length, config))
        {
            final int sum =
                Checksum.finish(Checksum.add(buffer, Translator.HEADROOM + csumStart, length - csumStart, 0));
            buffer.putShort(checksumPosition, (short)sum, ByteOrder.BIG_ENDIAN);
            partialChecksum = false;
            return true;
        }
        complementChecksumField();
        if (buffer.getShort(checksumPosition) == 0)
        {
            // P = 0xFFFF: ~P would read as UDP's "no checksum" (RFC 768); 0xFFFF is the same ones'-complement value.
            buffer.putShort(checksumPosition, (short)0xFFFF);
        }
        return true;
    }

    /**
     * Whether a partial checksum is completed in software before translation instead of complemented around it. The
     * complement trick only holds where translation changes nothing the kernel will sum itself: TCP and UDP, whose
     * pseudo-header (outside the summed range) is all that changes. An ICMPv6 echo also changes its type byte, which
     * the kernel sums, and loses its pseudo-header (RFC 7915 s.5.2), so ICMP is completed first; so is a non-GSO
     * packet that might be fragmented or quoted in an ICMP error ({@link #mayBeFragmentedOrQuoted}).
     */
    static boolean finaliseChecksumFirst(final int gsoType, final int length, final int csumOffset)
    {
        return gsoType == VirtioNetHeader.GSO_NONE && csumOffset != Tcp.CHECKSUM && csumOffset != Udp.CHECKSUM;
    }

    /**
     * Whether the packet of {@code length} bytes at {@code ip} may leave in fragments or be quoted in an ICMP error
     * (Fragmentation Needed / Packet Too Big, Time Exceeded): its checksum must then be complete. RFC 7915 s.4.1: IPv4
     * grows by 20 bytes and DF=0 packets are fragmented to the lowest IPv6 MTU; s.5.1: IPv6 shrinks by 20 (or more
     * with extension headers) toward the IPv4 next hop. Derived from the configured MTUs, not a fixed size.
     */
    static boolean mayBeFragmentedOrQuoted(
        final MutableDirectBuffer buffer, final int ip, final int length, final TranslatorConfig config)
    {
        if ((buffer.getByte(ip) & 0xF0) == 0x40)
        {
            return (buffer.getByte(ip + IPV4_TTL) & 0xFF) <= 1 ||
                length + MAX_GROWTH > Math.min(config.lowestIpv6Mtu, PathMtu.ipv6NextHop(config));
        }
        return (buffer.getByte(ip + IPV6_HOP_LIMIT) & 0xFF) <= 1 || length - MAX_GROWTH > PathMtu.ipv4NextHop(config);
    }

    /** Whether the current packet is a super-packet (GSO) with a partial checksum. */
    boolean superPacket()
    {
        return gsoType != VirtioNetHeader.GSO_NONE;
    }

    /** Whether the current packet is a TCP super-packet (TSO), which may have to be cut ({@link TcpSegmenter}). */
    boolean tcpSuperPacket()
    {
        return gsoType != VirtioNetHeader.GSO_NONE && gsoType != VirtioNetHeader.GSO_UDP_L4;
    }

    /** Whether the current packet is a UDP super-packet (USO), which may have to be cut ({@link UdpSegmenter}). */
    boolean udpSuperPacket()
    {
        return gsoType == VirtioNetHeader.GSO_UDP_L4;
    }

    /** Where the current packet's L4 header starts, from the IP header (csum_start). */
    int l4Offset()
    {
        return csumStart;
    }

    /** Payload bytes per segment of the current super-packet (gso_size). */
    int segmentSize()
    {
        return gsoSize;
    }

    /** The current packet's datagrams are cut and get complete checksums: no partial checksum to hand back. */
    void checksumsCompleted()
    {
        partialChecksum = false;
    }

    /**
     * True when each segment of the super-packet fits the next hop after translation under {@code config}; otherwise
     * the packet takes the normal path and its sender gets Fragmentation Needed / Packet Too Big.
     */
    boolean segmentsFit(final TranslatorConfig config)
    {
        final int segment = csumStart + l4HeaderLength(buffer, Translator.HEADROOM + csumStart, gsoType) + gsoSize;
        final boolean ipv4 = (buffer.getByte(Translator.HEADROOM) & 0xF0) == 0x40;
        if (!ipv4)
        {
            return segment <= mtu(config, config.ipv4Mtu) + MAX_GROWTH;
        }
        // RFC 7915 s.4.1: DF=0 packets above the lowest IPv6 MTU are fragmented to it, so such TCP or UDP segments are
        // cut and translated one by one, as they would be without GSO (the same packets on the wire either way).
        final boolean withoutDf = (buffer.getShort(Translator.HEADROOM + Ipv4Header.FLAGS_FRAGMENT_OFFSET,
            ByteOrder.BIG_ENDIAN) & Ipv4Header.FLAG_DF) == 0;
        final int ipv6Mtu = mtu(config, config.ipv6Mtu);
        final int limit = withoutDf ? Math.min(config.lowestIpv6Mtu, ipv6Mtu) : ipv6Mtu;
        return segment + MAX_GROWTH <= limit;
    }

    private static int mtu(final TranslatorConfig config, final int configured)
    {
        return configured != 0 ? configured : config.tunMtu;
    }

    /**
     * Header bytes every segment of a super-packet repeats from its L4 header at {@code l4}: 8 for UDP, the data offset
     * for TCP. (hdr_len from the kernel is the length of the linear head, not of the headers, so they are measured.)
     */
    static int l4HeaderLength(final MutableDirectBuffer buffer, final int l4, final int gsoType)
    {
        return (gsoType & ~VirtioNetHeader.GSO_ECN) == VirtioNetHeader.GSO_UDP_L4 ?
            Udp.HEADER_LENGTH : (buffer.getByte(l4 + 12) & 0xF0) >>> 2;
    }

    /**
     * Writes the virtio-net header just before the current packet's translation, which starts at {@code offset} of the
     * same buffer (translated in place: the L4 header did not move, only the IP header in front of it changed size).
     * The first call for a packet hands its partial checksum back; a later one (nothing left to offload) writes a
     * plain header.
     */
    void writeHeader(final int offset)
    {
        final int shift = Translator.HEADROOM - offset;
        header.wrap(buffer, offset - VirtioNetHeader.LENGTH);
        if (!partialChecksum)
        {
            header.set(0, VirtioNetHeader.GSO_NONE, 0, 0, 0, 0);
            return;
        }
        complementChecksumField();
        partialChecksum = false;
        int type = VirtioNetHeader.GSO_NONE;
        if (gsoType != VirtioNetHeader.GSO_NONE)
        {
            final boolean ipv4 = (buffer.getByte(offset) & 0xF0) == 0x40;
            type = gsoType(gsoType, ipv4);
            if (ipv4)
            {
                final int l4 = csumStart + shift;
                clearDontFragmentOfSmallSegments(buffer, offset,
                    l4 + l4HeaderLength(buffer, offset + l4, gsoType) + gsoSize);
            }
        }
        final boolean gso = type != VirtioNetHeader.GSO_NONE;
        header.set(VirtioNetHeader.F_NEEDS_CSUM, type, gso ? Math.max(0, hdrLen + shift) : 0, gso ? gsoSize : 0,
            csumStart + shift, csumOffset);
    }

    /**
     * The GSO type of a super-packet of type {@code gsoType} once translated to IPv4 ({@code ipv4}) or IPv6: TCPV4 and
     * TCPV6 swap (the ECN bit kept), UDP_L4 serves both IP versions.
     */
    static int gsoType(final int gsoType, final boolean ipv4)
    {
        if (gsoType == VirtioNetHeader.GSO_UDP_L4)
        {
            return VirtioNetHeader.GSO_UDP_L4;
        }
        return (ipv4 ? VirtioNetHeader.GSO_TCPV4 : VirtioNetHeader.GSO_TCPV6) | (gsoType & VirtioNetHeader.GSO_ECN);
    }

    /**
     * RFC 7915 s.5.1: DF is set only on translated packets above 1260 bytes. The engine decided DF for the whole
     * super-packet; the kernel copies that header to every segment, so when a full segment is 1260 bytes or less
     * (64-byte UDP datagrams, a small TCP MSS) DF is cleared here and the header checksum updated (RFC 1624). A short
     * last segment of a super-packet whose full segments exceed 1260 bytes keeps DF, like its siblings. Each segment's
     * identification is the kernel's increment of the engine's random one.
     */
    static void clearDontFragmentOfSmallSegments(final MutableDirectBuffer buffer, final int ipv4,
        final int segmentLength)
    {
        final int flags = buffer.getShort(ipv4 + Ipv4Header.FLAGS_FRAGMENT_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        if ((flags & Ipv4Header.FLAG_DF) == 0 || segmentLength > PathMtu.DF_THRESHOLD)
        {
            return;
        }
        final int cleared = flags & ~Ipv4Header.FLAG_DF;
        buffer.putShort(ipv4 + Ipv4Header.FLAGS_FRAGMENT_OFFSET, (short)cleared, ByteOrder.BIG_ENDIAN);
        final int checksum = buffer.getShort(ipv4 + Ipv4Header.HEADER_CHECKSUM, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        buffer.putShort(ipv4 + Ipv4Header.HEADER_CHECKSUM, (short)Checksum.update(checksum, flags, cleared),
            ByteOrder.BIG_ENDIAN);
    }

    /** Native address of an all-zero virtio-net header: for a packet built elsewhere, with real checksums. */
    long plainHeaderAddress()
    {
        return plainHeader.addressOffset();
    }

    private void complementChecksumField()
    {
        buffer.putShort(checksumPosition, (short)~buffer.getShort(checksumPosition));
    }
}
