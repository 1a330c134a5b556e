package dev.xlat64.packet;

import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * The virtio-net header a TUN device with {@code IFF_VNET_HDR} puts before each packet
 * (include/uapi/linux/virtio_net.h, legacy layout, little-endian on x86). With {@code TUNSETOFFLOAD} the kernel hands
 * over TCP super-packets (GSO) of up to 64 KiB, and with {@code TUN_F_USO4/6} (Linux 6.2+) UDP ones (GSO_UDP_L4: one
 * UDP header, the payload cut into gso_size datagrams), whose L4 checksum field holds only the uncomplemented
 * pseudo-header sum (NEEDS_CSUM).
 *
 * <pre>
 *   | flags (1) | gso_type (1) | hdr_len (2) | gso_size (2) | csum_start (2) | csum_offset (2) |
 * </pre>
 */
public final class VirtioNetHeader
{
    public static final int LENGTH = 10;
    public static final int FLAGS = 0;
    public static final int GSO_TYPE = 1;
    public static final int HDR_LEN = 2;
    public static final int GSO_SIZE = 4;
    public static final int CSUM_START = 6;
    public static final int CSUM_OFFSET = 8;

    public static final int F_NEEDS_CSUM = 1;
    public static final int GSO_NONE = 0;
    public static final int GSO_TCPV4 = 1;
    public static final int GSO_UDP = 3;
    public static final int GSO_TCPV6 = 4;
    /** UDP segmentation (USO), the same value for IPv4 and IPv6: the IP version is in the packet itself. */
    public static final int GSO_UDP_L4 = 5;
    public static final int GSO_ECN = 0x80;

    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

    private MutableDirectBuffer buffer;
    private int offset;

    public VirtioNetHeader wrap(final MutableDirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.offset = offset;
        return this;
    }

    public int flags()
    {
        return buffer.getByte(offset + FLAGS) & 0xFF;
    }

    public int gsoType()
    {
        return buffer.getByte(offset + GSO_TYPE) & 0xFF;
    }

    public int hdrLen()
    {
        return buffer.getShort(offset + HDR_LEN, ORDER) & 0xFFFF;
    }

    public int gsoSize()
    {
        return buffer.getShort(offset + GSO_SIZE, ORDER) & 0xFFFF;
    }

    public int csumStart()
    {
        return buffer.getShort(offset + CSUM_START, ORDER) & 0xFFFF;
    }

    public int csumOffset()
    {
        return buffer.getShort(offset + CSUM_OFFSET, ORDER) & 0xFFFF;
    }

    /** Writes all five fields. */
    public void set(final int flags, final int gsoType, final int hdrLen, final int gsoSize, final int csumStart,
        final int csumOffset)
    {
        buffer.putByte(offset + FLAGS, (byte)flags);
        buffer.putByte(offset + GSO_TYPE, (byte)gsoType);
        buffer.putShort(offset + HDR_LEN, (short)hdrLen, ORDER);
        buffer.putShort(offset + GSO_SIZE, (short)gsoSize, ORDER);
        buffer.putShort(offset + CSUM_START, (short)csumStart, ORDER);
        buffer.putShort(offset + CSUM_OFFSET, (short)csumOffset, ORDER);
    }
}
