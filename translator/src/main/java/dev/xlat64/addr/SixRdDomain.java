package dev.xlat64.addr;

import dev.xlat64.packet.Ipv6Header;

import java.nio.ByteBuffer;

/**
 * One 6rd domain (RFC 5969 section 4): the 6rd prefix, the IPv4 prefix common to all its CEs (its length is
 * IPv4MaskLen), the BR's IPv4 address, the tunnel MTU and the outer TTL. A CE's delegated prefix is the 6rd prefix
 * followed by the low {@code 32 - IPv4MaskLen} bits of the CE's IPv4 address; it is at most a /64 (validated), so all
 * the arithmetic happens in the high 64 bits of an IPv6 address. Immutable; part of a config snapshot.
 *
 * <p>In CE mode ({@link #ceIpv4()} non-zero) the same domain describes the CE's side: it encapsulates from its WAN
 * address and sends what lies outside the 6rd prefix to the BR.
 */
public final class SixRdDomain
{
    /** The tunnel's IPv6 MTU, like a Linux sit device on a 1500-byte link (1500 - 20). */
    public static final int DEFAULT_MTU = 1480;
    public static final int DEFAULT_TTL = 64;
    /** RFC 8200 section 5: the smallest IPv6 link MTU. */
    public static final int MIN_MTU = Ipv6Header.MINIMUM_MTU;
    /** The outer packet (MTU + 20) must fit the IPv4 total length field. */
    public static final int MAX_MTU = 65535 - 20;

    private final Ipv6Prefix prefix;
    private final Ipv4Prefix ipv4Prefix;
    private final int brIpv4;
    private final int mtu;
    private final int ttl;
    private final boolean allowForeignInnerSource;
    private final long brIpv6High;
    private final long brIpv6Low;
    private final int ceIpv4;

    private final int embeddedBits;
    private final int delegatedLength;
    private final long delegatedMask;
    private final int suffixMask;

    private SixRdDomain(final Builder b)
    {
        if (b.prefix == null || b.ipv4Prefix == null)
        {
            throw new IllegalArgumentException("a 6rd domain needs a 6rd prefix and an IPv4 prefix");
        }
        this.prefix = b.prefix;
        this.ipv4Prefix = b.ipv4Prefix;
        this.embeddedBits = 32 - ipv4Prefix.length();
        this.delegatedLength = prefix.length() + embeddedBits;
        if (delegatedLength > 64)
        {
            throw new IllegalArgumentException("6rd prefix " + prefix + " with IPv4 prefix " + ipv4Prefix +
                " gives delegated prefixes of /" + delegatedLength + ": 6rd prefix length + (32 - IPv4MaskLen) = " +
                prefix.length() + " + " + embeddedBits + " must be at most 64");
        }
        if (b.mtu < MIN_MTU || b.mtu > MAX_MTU)
        {
            throw new IllegalArgumentException("6rd tunnel MTU must be between " + MIN_MTU + " and " + MAX_MTU +
                ", not " + b.mtu);
        }
        if (b.ttl < 1 || b.ttl > 255)
        {
            throw new IllegalArgumentException("6rd outer TTL must be between 1 and 255, not " + b.ttl);
        }
        if (b.brIpv4 == 0)
        {
            throw new IllegalArgumentException("a 6rd domain needs the BR's IPv4 address");
        }
        this.brIpv4 = b.brIpv4;
        this.mtu = b.mtu;
        this.ttl = b.ttl;
        this.allowForeignInnerSource = b.allowForeignInnerSource;
        this.ceIpv4 = b.ceIpv4;
        this.delegatedMask = delegatedLength == 0 ? 0 : -1L << (64 - delegatedLength);
        this.suffixMask = embeddedBits == 0 ? 0 : (int)((1L << embeddedBits) - 1);
        if (b.brIpv6 != null)
        {
            this.brIpv6High = b.brIpv6.high();
            this.brIpv6Low = b.brIpv6.low();
        }
        else if (ceIpv4 != 0)
        {
            // CE mode: the subnet-router anycast address of the CE's own delegated prefix.
            this.brIpv6High = delegatedHigh(ceIpv4);
            this.brIpv6Low = 0;
        }
        else
        {
            // RFC 4291 s.2.6.1: the subnet-router anycast address of the 6rd prefix.
            this.brIpv6High = prefix.high();
            this.brIpv6Low = prefix.low();
        }
    }

    public static Builder builder(final Ipv6Prefix prefix, final Ipv4Prefix ipv4Prefix, final int brIpv4)
    {
        return new Builder(prefix, ipv4Prefix, brIpv4);
    }

    /** Parses the three text values of the flags or a config table; errors are IllegalArgumentException. */
    public static Builder builder(final String prefix, final String ipv4Prefix, final String brIpv4)
    {
        return new Builder(Ipv6Prefix.parse(prefix), Ipv4Prefix.parse(ipv4Prefix), Addresses.parse4(brIpv4));
    }

    public Ipv6Prefix prefix()
    {
        return prefix;
    }

    public Ipv4Prefix ipv4Prefix()
    {
        return ipv4Prefix;
    }

    /** IPv4MaskLen of RFC 5969 section 4. */
    public int ipv4MaskLength()
    {
        return ipv4Prefix.length();
    }

    public int brIpv4()
    {
        return brIpv4;
    }

    /** The IPv6 MTU of the tunnel: the largest inner IPv6 packet that is encapsulated. */
    public int mtu()
    {
        return mtu;
    }

    public int ttl()
    {
        return ttl;
    }

    public boolean allowForeignInnerSource()
    {
        return allowForeignInnerSource;
    }

    /** The CE's WAN IPv4 address in CE mode; 0 for a BR. */
    public int ceIpv4()
    {
        return ceIpv4;
    }

    public boolean ceMode()
    {
        return ceIpv4 != 0;
    }

    /** The IPv4 address 6in4 packets are addressed to here, and the outer source of what is encapsulated here. */
    public int localIpv4()
    {
        return ceIpv4 != 0 ? ceIpv4 : brIpv4;
    }

    /** Source of the ICMPv6 errors this domain originates (high 64 bits). */
    public long brIpv6High()
    {
        return brIpv6High;
    }

    public long brIpv6Low()
    {
        return brIpv6Low;
    }

    public Ipv6Prefix brIpv6()
    {
        return new Ipv6Prefix(Addresses.bytes6(brIpv6High, brIpv6Low), 128);
    }

    /** Length of every CE's delegated prefix: 6rd prefix length + (32 - IPv4MaskLen). */
    public int delegatedLength()
    {
        return delegatedLength;
    }

    /** True when the IPv6 address lies in the 6rd prefix. */
    public boolean contains(final long high, final long low)
    {
        return prefix.contains(high, low);
    }

    /**
     * RFC 5969 s.7.1.1: the CE IPv4 address embedded in an address of the 6rd prefix, completed by the common prefix.
     */
    public int ceIpv4Of(final long high)
    {
        if (embeddedBits == 0)
        {
            return ipv4Prefix.address();
        }
        return ipv4Prefix.address() | ((int)(high >>> (64 - delegatedLength)) & suffixMask);
    }

    /** RFC 5969 s.4: the high 64 bits of the delegated prefix of the CE with this IPv4 address. */
    public long delegatedHigh(final int ipv4)
    {
        if (embeddedBits == 0)
        {
            return prefix.high();
        }
        return prefix.high() | ((ipv4 & suffixMask & 0xFFFF_FFFFL) << (64 - delegatedLength));
    }

    /** True when the IPv6 address (high 64 bits) lies in the delegated prefix of the CE with this IPv4 address. */
    public boolean inDelegatedPrefix(final int ipv4, final long high)
    {
        return ((high ^ delegatedHigh(ipv4)) & delegatedMask) == 0;
    }

    /** True when the IPv4 address can be a CE of this domain (it lies in the common IPv4 prefix). */
    public boolean isCeIpv4(final int ipv4)
    {
        return ipv4Prefix.contains(ipv4);
    }

    /** The delegated prefix of the CE with this IPv4 address (for display and config; allocates). */
    public Ipv6Prefix delegatedPrefix(final int ipv4)
    {
        return new Ipv6Prefix(Addresses.bytes6(delegatedHigh(ipv4), 0), delegatedLength);
    }

    /**
     * RFC 5969 s.7.1.1 OPTION_6RD (DHCPv4 option 212): code, length, IPv4MaskLen, 6rdPrefixLen, 6rdPrefix (16 bytes),
     * then each BR IPv4 address (4 bytes); this domain's BR when none is given.
     */
    public byte[] dhcpOption(final int... brIpv4Addresses)
    {
        final int[] brs = brIpv4Addresses.length == 0 ? new int[] {brIpv4} : brIpv4Addresses;
        final ByteBuffer out = ByteBuffer.allocate(2 + 18 + 4 * brs.length);
        out.put((byte)212).put((byte)(18 + 4 * brs.length)).put((byte)ipv4Prefix.length()).put((byte)prefix.length())
            .put(prefix.address());
        for (final int br : brs)
        {
            out.putInt(br);
        }
        return out.array();
    }

    @Override
    public String toString()
    {
        return "6rd " + prefix + " ipv4-prefix " + ipv4Prefix + " br " + Addresses.format4(brIpv4) + " mtu " + mtu +
            (ceIpv4 != 0 ? " ce " + Addresses.format4(ceIpv4) : "");
    }

    /** Defaults: MTU 1480, TTL 64, strict inner source check, BR IPv6 = the 6rd prefix's subnet-router anycast. */
    public static final class Builder
    {
        private final Ipv6Prefix prefix;
        private final Ipv4Prefix ipv4Prefix;
        private final int brIpv4;
        private int mtu = DEFAULT_MTU;
        private int ttl = DEFAULT_TTL;
        private boolean allowForeignInnerSource;
        private Ipv6Prefix brIpv6;
        private int ceIpv4;

        private Builder(final Ipv6Prefix prefix, final Ipv4Prefix ipv4Prefix, final int brIpv4)
        {
            this.prefix = prefix;
            this.ipv4Prefix = ipv4Prefix;
            this.brIpv4 = brIpv4;
        }

        public Builder mtu(final int v)
        {
            mtu = v;
            return this;
        }

        public Builder ttl(final int v)
        {
            ttl = v;
            return this;
        }

        public Builder allowForeignInnerSource(final boolean v)
        {
            allowForeignInnerSource = v;
            return this;
        }

        /** Source of the ICMPv6 errors the relay originates (a /128); null for the default. */
        public Builder brIpv6(final Ipv6Prefix v)
        {
            brIpv6 = v;
            return this;
        }

        /** CE mode: this node is the CE with this WAN address (0: BR mode). */
        public Builder ceIpv4(final int v)
        {
            ceIpv4 = v;
            return this;
        }

        public SixRdDomain build()
        {
            return new SixRdDomain(this);
        }
    }
}
