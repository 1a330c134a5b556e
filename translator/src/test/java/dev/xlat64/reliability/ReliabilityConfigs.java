package dev.xlat64.reliability;

import dev.xlat64.addr.AddressMapper;
import dev.xlat64.addr.Addresses;
import dev.xlat64.addr.Eamt;
import dev.xlat64.addr.Ipv4Prefix;
import dev.xlat64.addr.Ipv6Prefix;
import dev.xlat64.addr.Rfc6052Prefix;
import dev.xlat64.addr.SixRdDomain;
import dev.xlat64.core.TranslatorConfig;

import java.util.List;

/**
 * The translation configs the reliability tests drive the engine with, and a pair of translatable addresses per
 * direction for each. Own addresses and RFC 6791 pools are set, so ICMP-error paths run once they exist.
 */
final class ReliabilityConfigs
{
    static final String PREFIX = "2001:db8:64::/96";
    /** Engine-level address plan: 192.0.2.33 sits under the prefix, 198.51.100.0/24 is an EAM entry. */
    static final Addresses4 V4 = new Addresses4("192.0.2.33", "198.51.100.7");
    static final Addresses6 V6 = new Addresses6("2001:db8:6::7", "2001:db8:64::c000:221");

    /** Source and destination of IPv4 packets that translate. */
    record Addresses4(String source, String destination)
    {
    }

    /** Source and destination of IPv6 packets that translate. */
    record Addresses6(String source, String destination)
    {
    }

    private ReliabilityConfigs()
    {
    }

    static TranslatorConfig.Builder builder(final Rfc6052Prefix prefix, final Eamt eamt)
    {
        return TranslatorConfig.builder(new AddressMapper(prefix, eamt, true))
            .ipv4Address(Addresses.parse4("203.0.113.1"))
            .ipv6Address(Ipv6Prefix.parse("2001:db8:ffff::1/128"))
            .icmpPool4(Ipv4Prefix.parse("203.0.113.0/28"))
            .icmpPool6(Ipv6Prefix.parse("2001:db8:ffff::/120"));
    }

    /** Network-specific prefix plus one EAM /24. */
    static TranslatorConfig standard()
    {
        return builder(Rfc6052Prefix.parse(PREFIX), eamt()).build();
    }

    /** Standard, but IPv4 UDP without checksum is dropped and TOS is not copied. */
    static TranslatorConfig strict()
    {
        return builder(Rfc6052Prefix.parse(PREFIX), eamt())
            .udpZeroChecksum(TranslatorConfig.UdpZeroChecksum.DROP).copyTos(false).build();
    }

    /** The Well-Known Prefix 64:ff9b::/96 (RFC 6052 s.3.1 restrictions on), no EAM. */
    static TranslatorConfig wellKnown()
    {
        return builder(Rfc6052Prefix.parse("64:ff9b::/96"), Eamt.EMPTY).build();
    }

    /** EAM only, no prefix. */
    static TranslatorConfig eamOnly()
    {
        return builder(null, eamt()).build();
    }

    /**
     * Standard SIIT plus a 6rd domain (RFC 5969): 6rd prefix 2001:db8:d00::/40, IPv4MaskLen 24 over 203.0.113.0/24
     * (CE 203.0.113.5 delegates 2001:db8:d05::/48), BR 192.0.2.1, so 6rd is tried before SIIT on every packet.
     */
    static TranslatorConfig sixRd()
    {
        return builder(Rfc6052Prefix.parse(PREFIX), eamt())
            .sixRdDomains(List.of(SixRdDomain.builder("2001:db8:d00::/40", "203.0.113.0/24", "192.0.2.1").build()))
            .build();
    }

    static List<TranslatorConfig> all()
    {
        return List.of(standard(), strict(), wellKnown(), eamOnly(), sixRd());
    }

    static Eamt eamt()
    {
        return new Eamt(List.of(Eamt.Entry.parse("198.51.100.0/24=2001:db8:6::/120"),
            Eamt.Entry.parse("192.0.2.2=2001:db8:1::2")));
    }
}
