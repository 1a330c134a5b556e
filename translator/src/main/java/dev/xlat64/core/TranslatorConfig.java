package dev.xlat64.core;

import dev.xlat64.addr.AddressMapper;
import dev.xlat64.addr.Ipv4Prefix;
import dev.xlat64.addr.Ipv6Prefix;
import dev.xlat64.addr.SixRdDomain;
import dev.xlat64.addr.SixRdDomains;
import dev.xlat64.packet.Ipv6Header;

import java.util.List;

/**
 * The translation policy in force: immutable, swapped as a whole on reload (docs/architecture.md, Config snapshots).
 * Built by {@link Builder}; the config file and the flags both end here.
 */
public final class TranslatorConfig
{
    /** What to do with an IPv4 UDP datagram whose checksum is zero (RFC 7915 section 4.5). */
    public enum UdpZeroChecksum
    {
        COMPUTE, DROP
    }

    public final AddressMapper mapper;
    public final UdpZeroChecksum udpZeroChecksum;
    /** RFC 7915 section 4.1: false ignores the IPv4 TOS and sets the traffic class to zero. */
    public final boolean copyTos;
    /** xlat64's own IPv4 address: source of the ICMPv4 errors it originates; 0 when unset. */
    public final int ipv4Address;
    /** xlat64's own IPv6 address (a /128): source of the ICMPv6 errors it originates; null when unset. */
    public final Ipv6Prefix ipv6Address;
    /** RFC 6791 pool for ICMPv4 errors from IPv6 routers whose addresses do not translate; null when unset. */
    public final Ipv4Prefix icmpPool4;
    /** Pool for ICMPv6 errors from IPv4 routers whose addresses do not translate; null when unset. */
    public final Ipv6Prefix icmpPool6;
    /** RFC 7915 section 4: the smallest MTU on the IPv6 side; IPv4 packets with DF=0 are fragmented to fit it. */
    public final int lowestIpv6Mtu;
    /** Next-hop MTU toward the IPv4 side (0: the TUN device's MTU). */
    public final int ipv4Mtu;
    /** Next-hop MTU toward the IPv6 side (0: the TUN device's MTU). */
    public final int ipv6Mtu;
    /** MTU of the TUN device itself, filled in by the data plane. */
    public final int tunMtu;
    /** ICMP errors xlat64 may originate per second, per agent (docs/architecture.md, Invariants); 0 disables them. */
    public final int icmpErrorsPerSecond;
    /** RFC 7757 section 4: translate EAM-to-EAM traffic back inside xlat64 (hairpinning). */
    public final boolean eamHairpinning;
    /** RFC 5969 6rd domains served on the same TUN device (checked before SIIT); empty when 6rd is off. */
    public final SixRdDomains sixRdDomains;

    private TranslatorConfig(final Builder b)
    {
        this.mapper = b.mapper;
        this.udpZeroChecksum = b.udpZeroChecksum;
        this.copyTos = b.copyTos;
        this.ipv4Address = b.ipv4Address;
        this.ipv6Address = b.ipv6Address;
        this.icmpPool4 = b.icmpPool4;
        this.icmpPool6 = b.icmpPool6;
        this.lowestIpv6Mtu = b.lowestIpv6Mtu;
        this.ipv4Mtu = b.ipv4Mtu;
        this.ipv6Mtu = b.ipv6Mtu;
        this.tunMtu = b.tunMtu;
        this.icmpErrorsPerSecond = b.icmpErrorsPerSecond;
        this.eamHairpinning = b.eamHairpinning;
        this.sixRdDomains = b.sixRdDomains;
    }

    public static Builder builder(final AddressMapper mapper)
    {
        return new Builder(mapper);
    }

    /** A builder preloaded with this config's values. */
    public Builder toBuilder()
    {
        return new Builder(mapper).udpZeroChecksum(udpZeroChecksum).copyTos(copyTos).ipv4Address(ipv4Address)
            .ipv6Address(ipv6Address).icmpPool4(icmpPool4).icmpPool6(icmpPool6).lowestIpv6Mtu(lowestIpv6Mtu)
            .ipv4Mtu(ipv4Mtu).ipv6Mtu(ipv6Mtu).tunMtu(tunMtu).icmpErrorsPerSecond(icmpErrorsPerSecond)
            .eamHairpinning(eamHairpinning).sixRdDomains(sixRdDomains);
    }

    /** Defaults are those of RFC 7915 and of the README's flag reference. */
    public static final class Builder
    {
        private AddressMapper mapper;
        private UdpZeroChecksum udpZeroChecksum = UdpZeroChecksum.COMPUTE;
        private boolean copyTos = true;
        private int ipv4Address;
        private Ipv6Prefix ipv6Address;
        private Ipv4Prefix icmpPool4;
        private Ipv6Prefix icmpPool6;
        private int lowestIpv6Mtu = Ipv6Header.MINIMUM_MTU;
        private int ipv4Mtu;
        private int ipv6Mtu;
        private int tunMtu = 1500;
        private int icmpErrorsPerSecond = 1000;
        private boolean eamHairpinning = true;
        private SixRdDomains sixRdDomains = SixRdDomains.of(List.of());

        private Builder(final AddressMapper mapper)
        {
            this.mapper = mapper;
        }

        public Builder mapper(final AddressMapper v)
        {
            mapper = v;
            return this;
        }

        public Builder udpZeroChecksum(final UdpZeroChecksum v)
        {
            udpZeroChecksum = v;
            return this;
        }

        public Builder copyTos(final boolean v)
        {
            copyTos = v;
            return this;
        }

        public Builder ipv4Address(final int v)
        {
            ipv4Address = v;
            return this;
        }

        public Builder ipv6Address(final Ipv6Prefix v)
        {
            ipv6Address = v;
            return this;
        }

        public Builder icmpPool4(final Ipv4Prefix v)
        {
            icmpPool4 = v;
            return this;
        }

        public Builder icmpPool6(final Ipv6Prefix v)
        {
            icmpPool6 = v;
            return this;
        }

        public Builder lowestIpv6Mtu(final int v)
        {
            lowestIpv6Mtu = v;
            return this;
        }

        public Builder ipv4Mtu(final int v)
        {
            ipv4Mtu = v;
            return this;
        }

        public Builder ipv6Mtu(final int v)
        {
            ipv6Mtu = v;
            return this;
        }

        public Builder tunMtu(final int v)
        {
            tunMtu = v;
            return this;
        }

        public Builder icmpErrorsPerSecond(final int v)
        {
            icmpErrorsPerSecond = v;
            return this;
        }

        public Builder eamHairpinning(final boolean v)
        {
            eamHairpinning = v;
            return this;
        }

        public Builder sixRdDomains(final List<SixRdDomain> v)
        {
            // With its lookup tables (docs/tables.md), built here, off the data path.
            sixRdDomains = SixRdDomains.of(List.copyOf(v));
            return this;
        }

        public TranslatorConfig build()
        {
            return new TranslatorConfig(this);
        }
    }
}
