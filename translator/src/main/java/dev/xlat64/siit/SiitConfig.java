package dev.xlat64.siit;

import dev.xlat64.addr.AddressMapper;

/**
 * The translation policy in force: immutable, swapped as a whole on reload (design.md section 2, "config snapshots").
 */
public final class SiitConfig
{
    /** What to do with an IPv4 UDP datagram whose checksum is zero (RFC 7915 section 4.5). */
    public enum UdpZeroChecksum
    {
        COMPUTE, DROP
    }

    public final AddressMapper mapper;
    public final UdpZeroChecksum udpZeroChecksum;
    /** RFC 7915 section 4.1: ignore the IPv4 TOS and set the traffic class to zero when false. */
    public final boolean copyTos;

    public SiitConfig(final AddressMapper mapper, final UdpZeroChecksum udpZeroChecksum, final boolean copyTos)
    {
        this.mapper = mapper;
        this.udpZeroChecksum = udpZeroChecksum;
        this.copyTos = copyTos;
    }
}
