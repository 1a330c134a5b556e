package dev.xlat64.map;

import java.util.List;

/**
 * The mapping rules of a MAP domain, selected by longest match (RFC 7597 s.5: the BMR by the End-user IPv6 prefix,
 * s.8.1: a BR's rule by the IPv6 source; RFC 7599 s.8.4: the FMR by the IPv4 destination and port). Lookups allocate
 * nothing and return null when no rule matches.
 */
public interface MapRuleTable
{
    /** The rule with the longest Rule IPv6 prefix containing the address, or null. */
    MapRule ruleForIpv6(long high, long low);

    /** The rule with the longest Rule IPv4 prefix containing the address, or null. */
    MapRule ruleForIpv4(int ipv4);

    /**
     * The longest IPv4 match whose port set can hold the port (rules with an explicit PSID share an address and are
     * told apart by the port; a port with A = 0 belongs to no CE), or null.
     */
    MapRule ruleForIpv4(int ipv4, int port);

    /** Every rule, for tools and config reports. */
    List<MapRule> rules();
}
