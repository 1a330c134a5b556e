package dev.xlat64.cli;

import dev.xlat64.config.Settings;
import dev.xlat64.config.Settings.Key;
import picocli.CommandLine.Option;

/**
 * One 6rd domain as flags (RFC 5969), shared by {@code run} and {@code 6rd-ce}; given at all, they replace the file's.
 */
public final class SixRdOptions
{
    @Option(names = "--6rd-prefix", paramLabel = "PREFIX",
        description = "6rd prefix of the domain (RFC 5969), e.g. 2001:db8::/32. With --6rd-ipv4-prefix and --6rd-br.")
    String prefix;

    @Option(names = "--6rd-ipv4-prefix", paramLabel = "PREFIX",
        description = "IPv4 prefix common to all CEs of the domain; its length is IPv4MaskLen (0.0.0.0/0: the CE's "
            + "whole address is embedded), e.g. 192.0.2.0/24.")
    String ipv4Prefix;

    @Option(names = "--6rd-br", paramLabel = "A.B.C.D",
        description = "The BR's IPv4 (anycast) address: 6in4 packets to it are decapsulated; source of what is "
            + "encapsulated.")
    String br;

    @Option(names = "--6rd-mtu", paramLabel = "N",
        description = "Tunnel MTU: the largest IPv6 packet sent into the tunnel (default: 1480 = 1500 - 20); larger "
            + "ones draw an ICMPv6 Packet Too Big.")
    String mtu;

    @Option(names = "--6rd-ttl", paramLabel = "N", description = "TTL of the outer IPv4 header (default: 64).")
    String ttl;

    @Option(names = "--6rd-br-ipv6", paramLabel = "ADDR",
        description = "Source of the ICMPv6 errors the relay sends (default: the subnet-router anycast address of "
            + "the 6rd prefix; in CE mode, of the CE's delegated prefix).")
    String brIpv6;

    @Option(names = "--6rd-allow-foreign-inner-source", paramLabel = "true|false",
        description = "Accept inner IPv6 sources outside every 6rd prefix from valid CEs (default: false: only the "
            + "CE's delegated prefix, RFC 5969 s.12).")
    String allowForeignInnerSource;

    /** Puts the given flags into the settings. */
    Settings apply(final Settings s)
    {
        return s.flag(Key.SIXRD_PREFIX, prefix).flag(Key.SIXRD_IPV4_PREFIX, ipv4Prefix).flag(Key.SIXRD_BR, br)
            .flag(Key.SIXRD_MTU, mtu).flag(Key.SIXRD_TTL, ttl).flag(Key.SIXRD_BR_IPV6, brIpv6)
            .flag(Key.SIXRD_ALLOW_FOREIGN_INNER_SOURCE, allowForeignInnerSource);
    }
}
