package dev.xlat64.core;

/**
 * Every packet ends in exactly one of these outcomes (docs/architecture.md, Invariants). Each has a stable id (its
 * metric label value, never renamed), the direction it applies to, a sentence for operators, and the rule behind it.
 * Counters are a per-agent array indexed by {@link #ordinal()}; a new outcome is appended, never inserted.
 */
public enum Outcome
{
    TRANSLATED_4TO6(Kind.FORWARDED, Direction.V4_TO_V6, "translated_4to6",
        "IPv4 packet translated to IPv6", "RFC 7915 s.4"),
    TRANSLATED_6TO4(Kind.FORWARDED, Direction.V6_TO_V4, "translated_6to4",
        "IPv6 packet translated to IPv4", "RFC 7915 s.5"),
    ICMPV4_ERROR_SENT(Kind.ICMP_ERROR, Direction.V4_TO_V6, "icmp4_error_sent",
        "IPv4 packet answered with an ICMPv4 error originated by xlat64", "RFC 7915 s.4"),
    ICMPV6_ERROR_SENT(Kind.ICMP_ERROR, Direction.V6_TO_V4, "icmp6_error_sent",
        "IPv6 packet answered with an ICMPv6 error originated by xlat64", "RFC 7915 s.5"),

    EMPTY_PACKET(Kind.DROPPED, Direction.ANY, "empty_packet",
        "zero-length read from the TUN device", "-"),
    UNKNOWN_IP_VERSION(Kind.DROPPED, Direction.ANY, "unknown_ip_version",
        "IP version nibble is neither 4 nor 6", "RFC 791 / RFC 8200"),

    IPV4_TRUNCATED(Kind.DROPPED, Direction.V4_TO_V6, "ipv4_truncated",
        "IPv4 header shorter than 20 bytes or than its IHL", "RFC 1812 s.5.2.2"),
    IPV4_BAD_IHL(Kind.DROPPED, Direction.V4_TO_V6, "ipv4_bad_ihl",
        "IPv4 IHL below 5", "RFC 1812 s.5.2.2"),
    IPV4_BAD_TOTAL_LENGTH(Kind.DROPPED, Direction.V4_TO_V6, "ipv4_bad_total_length",
        "IPv4 total length below the header length or beyond the bytes received", "RFC 1812 s.5.2.2"),
    IPV4_BAD_HEADER_CHECKSUM(Kind.DROPPED, Direction.V4_TO_V6, "ipv4_bad_header_checksum",
        "IPv4 header checksum does not verify", "RFC 1812 s.5.2.2"),
    IPV4_SOURCE_UNTRANSLATABLE(Kind.DROPPED, Direction.V4_TO_V6, "ipv4_source_untranslatable",
        "IPv4 source matches no EAM entry and no prefix is configured", "RFC 7915 s.4.1, RFC 7757 s.3"),
    IPV4_DESTINATION_UNTRANSLATABLE(Kind.DROPPED, Direction.V4_TO_V6, "ipv4_destination_untranslatable",
        "IPv4 destination matches no EAM entry and no prefix is configured", "RFC 7915 s.4.1, RFC 7757 s.3"),
    IPV4_NON_GLOBAL_UNDER_WKP(Kind.DROPPED, Direction.ANY, "ipv4_non_global_under_wkp",
        "non-global IPv4 address would be embedded in the Well-Known Prefix 64:ff9b::/96", "RFC 6052 s.3.1"),
    IPV4_TTL_EXPIRED(Kind.DROPPED, Direction.V4_TO_V6, "ipv4_ttl_expired",
        "IPv4 TTL would reach zero at this hop", "RFC 7915 s.4.1, RFC 1812 s.5.3.1"),
    IPV4_FRAGMENT_UNSUPPORTED(Kind.DROPPED, Direction.V4_TO_V6, "ipv4_fragment_unsupported",
        "fragmented ICMPv4 message: its ICMPv6 checksum covers the whole message's length, unknown without reassembly",
        "RFC 7915 s.4.2, RFC 4443 s.2.3"),
    IPV4_L4_TRUNCATED(Kind.DROPPED, Direction.V4_TO_V6, "ipv4_l4_truncated",
        "TCP, UDP or ICMP header of an IPv4 packet is truncated", "RFC 7915 s.4"),
    IPV4_UDP_ZERO_CHECKSUM(Kind.DROPPED, Direction.V4_TO_V6, "ipv4_udp_zero_checksum",
        "IPv4 UDP datagram without checksum that cannot get one (fragment, or policy 'drop')", "RFC 7915 s.4.5"),
    ICMPV4_UNTRANSLATABLE(Kind.DROPPED, Direction.V4_TO_V6, "icmp4_untranslatable",
        "ICMPv4 type or code that has no ICMPv6 counterpart", "RFC 7915 s.4.2"),

    IPV6_TRUNCATED(Kind.DROPPED, Direction.V6_TO_V4, "ipv6_truncated",
        "IPv6 packet shorter than its 40-byte header", "RFC 8200 s.3"),
    IPV6_BAD_PAYLOAD_LENGTH(Kind.DROPPED, Direction.V6_TO_V4, "ipv6_bad_payload_length",
        "IPv6 payload length beyond the bytes received, or zero (jumbogram)", "RFC 8200 s.3"),
    IPV6_SOURCE_UNTRANSLATABLE(Kind.DROPPED, Direction.V6_TO_V4, "ipv6_source_untranslatable",
        "IPv6 source lies in no EAM entry and not under the prefix", "RFC 7915 s.5.1, RFC 7757 s.3"),
    IPV6_DESTINATION_UNTRANSLATABLE(Kind.DROPPED, Direction.V6_TO_V4, "ipv6_destination_untranslatable",
        "IPv6 destination lies in no EAM entry and not under the prefix", "RFC 7915 s.5.1, RFC 7757 s.3"),
    IPV6_HOP_LIMIT_EXPIRED(Kind.DROPPED, Direction.V6_TO_V4, "ipv6_hop_limit_expired",
        "IPv6 hop limit would reach zero at this hop", "RFC 7915 s.5.1, RFC 8200 s.3"),
    IPV6_EXTENSION_HEADER_UNSUPPORTED(Kind.DROPPED, Direction.V6_TO_V4, "ipv6_extension_header_unsupported",
        "routing header with segments left > 0 and no ICMPv6 Parameter Problem could be sent (no ipv6Address, " +
        "or the packet may not be answered)", "RFC 7915 s.5.1, RFC 8200 s.4.4"),
    IPV6_EXTENSION_HEADER_TRUNCATED(Kind.DROPPED, Direction.V6_TO_V4, "ipv6_extension_header_truncated",
        "IPv6 extension header chain runs past the packet", "RFC 8200 s.4"),
    IPV6_L4_TRUNCATED(Kind.DROPPED, Direction.V6_TO_V4, "ipv6_l4_truncated",
        "TCP, UDP or ICMPv6 header of an IPv6 packet is truncated", "RFC 7915 s.5"),
    ICMPV6_UNTRANSLATABLE(Kind.DROPPED, Direction.V6_TO_V4, "icmp6_untranslatable",
        "ICMPv6 type or code that has no ICMPv4 counterpart (incl. ND and MLD)", "RFC 7915 s.5.2"),

    TUN_WRITE_FAILED(Kind.DROPPED, Direction.ANY, "tun_write_failed",
        "the TUN device refused the translated packet (write error)", "-"),

    ICMP_ERROR_RATE_LIMITED(Kind.DROPPED, Direction.ANY, "icmp_error_rate_limited",
        "an ICMP error xlat64 would originate was suppressed by the per-agent token bucket (icmpErrorsPerSecond)",
        "docs/architecture.md Invariants, RFC 1812 s.4.3.2.8, RFC 4443 s.2.4(f)"),
    ICMPV4_BAD_CHECKSUM(Kind.DROPPED, Direction.V4_TO_V6, "icmp4_bad_checksum",
        "ICMPv4 error whose checksum does not verify (recomputing it would launder the corruption)",
        "RFC 792, RFC 7915 s.4.3"),
    ICMPV4_INNER_UNTRANSLATABLE(Kind.DROPPED, Direction.V4_TO_V6, "icmp4_inner_untranslatable",
        "ICMPv4 error whose quoted packet cannot be translated: truncated, not IPv4, itself an ICMP error, or unmapped",
        "RFC 7915 s.4.3"),
    ICMPV4_BAD_EXTENSION_LENGTH(Kind.DROPPED, Direction.V4_TO_V6, "icmp4_bad_extension_length",
        "ICMPv4 error whose RFC 4884 length attribute points beyond the message", "RFC 4884 s.4.1, RFC 7915 s.4.3"),
    IPV4_SOURCE_ROUTE(Kind.DROPPED, Direction.V4_TO_V6, "ipv4_source_route",
        "IPv4 packet with an unexpired loose or strict source route option; no ICMPv4 3/5 could be sent",
        "RFC 7915 s.4.1"),
    IPV4_PACKET_TOO_BIG(Kind.DROPPED, Direction.V4_TO_V6, "ipv4_packet_too_big",
        "IPv4 packet with DF set too big for the IPv6 next hop; no ICMPv4 Fragmentation Needed could be sent",
        "RFC 7915 s.4.1, RFC 1191"),
    ICMPV6_BAD_CHECKSUM(Kind.DROPPED, Direction.V6_TO_V4, "icmp6_bad_checksum",
        "ICMPv6 error whose checksum does not verify (recomputing it would launder the corruption)",
        "RFC 4443 s.2.3, RFC 7915 s.5.3"),
    ICMPV6_INNER_UNTRANSLATABLE(Kind.DROPPED, Direction.V6_TO_V4, "icmp6_inner_untranslatable",
        "ICMPv6 error whose quoted packet cannot be translated: truncated, not IPv6, itself an ICMPv6 error, "
            + "or unmapped",
        "RFC 7915 s.5.3"),
    ICMPV6_BAD_EXTENSION_LENGTH(Kind.DROPPED, Direction.V6_TO_V4, "icmp6_bad_extension_length",
        "ICMPv6 error whose RFC 4884 length attribute points beyond the message", "RFC 4884 s.4.2, RFC 7915 s.5.3"),
    IPV6_FRAGMENTED_ICMP(Kind.DROPPED, Direction.V6_TO_V4, "ipv6_fragmented_icmp",
        "fragmented ICMPv6 message: its checksum covers a pseudo-header whose length is unknown without reassembly",
        "RFC 7915 s.5.2, RFC 4443 s.2.3"),
    IPV6_PACKET_TOO_BIG(Kind.DROPPED, Direction.V6_TO_V4, "ipv6_packet_too_big",
        "IPv6 packet too big for the IPv4 next hop; no ICMPv6 Packet Too Big could be sent",
            "RFC 7915 s.5.1, RFC 4443 s.3.2"),
    EAM_HAIRPINNED(Kind.FORWARDED, Direction.V6_TO_V4, "eam_hairpinned",
        "IPv6 packet to an EAM IPv4 address translated back to IPv6 inside xlat64 (source via the prefix)",
        "RFC 7757 s.4"),
    SIXRD_DECAPSULATED(Kind.FORWARDED, Direction.V4_TO_V6, "sixrd_decapsulated",
        "6in4 packet from a CE decapsulated and its IPv6 packet forwarded", "RFC 5969 s.8"),
    SIXRD_ENCAPSULATED(Kind.FORWARDED, Direction.V6_TO_V4, "sixrd_encapsulated",
        "IPv6 packet encapsulated in IPv4 toward a CE (or, in CE mode, the BR or another CE)", "RFC 5969 s.7, s.8"),
    SIXRD_RELAYED_CE_TO_CE(Kind.FORWARDED, Direction.ANY, "sixrd_relayed_ce_to_ce",
        "6in4 packet from one CE re-encapsulated toward another CE of a 6rd domain, in user space", "RFC 5969 s.8"),
    SIXRD_TOO_BIG(Kind.ICMP_ERROR, Direction.ANY, "sixrd_too_big",
        "IPv6 packet larger than the 6rd tunnel MTU answered with ICMPv6 Packet Too Big",
            "RFC 4213 s.3.2, RFC 4443 s.3.2"),
    SIXRD_HOP_LIMIT_EXPIRED(Kind.ICMP_ERROR, Direction.ANY, "sixrd_hop_limit_expired",
        "IPv6 hop limit expired at the 6rd relay, answered with ICMPv6 Time Exceeded", "RFC 8200 s.3, RFC 4443 s.3.3"),
    SIXRD_ICMP4_ERROR_RELAYED(Kind.ICMP_ERROR, Direction.V4_TO_V6, "sixrd_icmp4_error_relayed",
        "ICMPv4 error quoting one of our 6in4 packets relayed to the IPv6 source as ICMPv6", "RFC 4213 s.3.4"),
    SIXRD_NOT_BR_ADDRESS(Kind.DROPPED, Direction.V4_TO_V6, "sixrd_not_br_address",
        "6in4 (protocol 41) packet not addressed to a BR address (or, in CE mode, the WAN address)", "RFC 5969 s.8"),
    SIXRD_OUTER_FRAGMENT(Kind.DROPPED, Direction.V4_TO_V6, "sixrd_outer_fragment",
        "fragmented 6in4 packet: xlat64 does not reassemble (the BR sends DF packets and CEs should too)",
        "RFC 5969 s.9, RFC 4213 s.3.6"),
    SIXRD_SOURCE_NOT_IN_DOMAIN(Kind.DROPPED, Direction.V4_TO_V6, "sixrd_source_not_in_domain",
        "6in4 packet whose outer IPv4 source lies outside the IPv4 prefix of every domain of that BR address",
        "RFC 5969 s.8"),
    SIXRD_SPOOFED_INNER_SOURCE(Kind.DROPPED, Direction.V4_TO_V6, "sixrd_spoofed_inner_source",
        "inner IPv6 source is not in the delegated prefix the outer IPv4 source gives", "RFC 5969 s.8, s.12"),
    SIXRD_INNER_TRUNCATED(Kind.DROPPED, Direction.V4_TO_V6, "sixrd_inner_truncated",
        "inner IPv6 header shorter than 40 bytes, or its payload length runs past the 6in4 packet", "RFC 8200 s.3"),
    SIXRD_INNER_NOT_IPV6(Kind.DROPPED, Direction.V4_TO_V6, "sixrd_inner_not_ipv6",
        "protocol-41 payload is not an IPv6 packet (version not 6, or a jumbogram)", "RFC 4213 s.3.5"),
    SIXRD_ECN_DROP(Kind.DROPPED, Direction.V4_TO_V6, "sixrd_ecn_drop",
        "outer ECN is CE but the inner packet is Not-ECT", "RFC 6040 s.4.2"),
    SIXRD_INVALID_CE_ADDRESS(Kind.DROPPED, Direction.ANY, "sixrd_invalid_ce_address",
        "IPv6 destination embeds an IPv4 address that cannot be a CE (0/8, 127/8, multicast, reserved, our own), "
            + "or is the BR's own IPv6 address",
        "RFC 5969 s.7.1.1, RFC 1812 s.5.3.7"),
    SIXRD_ICMP_ERROR_SUPPRESSED(Kind.DROPPED, Direction.ANY, "sixrd_icmp_error_suppressed",
        "6rd packet that called for an ICMPv6 error not answered: it was itself an ICMPv6 error or had a "
            + "multicast/unspecified source", "RFC 4443 s.2.4(e)"),
    SIXRD_ICMP_RATE_LIMITED(Kind.DROPPED, Direction.ANY, "sixrd_icmp_rate_limited",
        "6rd packet that called for an ICMPv6 error dropped silently: the ICMP error rate limit was reached",
        "RFC 4443 s.2.4(f)"),
    SIXRD_ICMP4_NOT_RELAYABLE(Kind.DROPPED, Direction.V4_TO_V6, "sixrd_icmp4_not_relayable",
        "ICMPv4 message to a BR address that is not a relayable error (wrong type, bad checksum, not quoting our "
            + "6in4 packet, or too little of the inner IPv6 header to know its source)", "RFC 4213 s.3.4"),
    SIXRD_NOT_6IN4(Kind.DROPPED, Direction.V4_TO_V6, "sixrd_not_6in4",
        "IPv4 packet to a BR (or CE WAN) address that is neither 6in4 nor an ICMPv4 error", "RFC 5969 s.8"),
    SIXRD_LINK_SCOPE_NOT_TUNNELLED(Kind.DROPPED, Direction.ANY, "sixrd_link_scope_not_tunnelled",
        "IPv6 packet with a multicast or link-local destination or a link-local source kept off the 6rd tunnel "
            + "(e.g. router solicitations and MLD from the TUN device)", "RFC 5969 s.8, RFC 4291 s.2.5.6"),
    IPV4_CARRIES_ICMPV6(Kind.DROPPED, Direction.V4_TO_V6, "ipv4_carries_icmpv6",
        "IPv4 packet with protocol 58 (ICMPv6): copied through, it would reach IPv6 hosts as ICMPv6 that no RFC 7915 "
            + "s.4.2 rule translated (policy: dropped)", "RFC 7915 s.4.1 (Next Header), README deviation 13"),
    IPV6_CARRIES_ICMPV4(Kind.DROPPED, Direction.V6_TO_V4, "ipv6_carries_icmpv4",
        "IPv6 packet with upper-layer next header 1 (ICMPv4): copied through, it would reach IPv4 hosts "
            + "(or, hairpinned, xlat64 itself) as ICMPv4 that no RFC 7915 s.5.2 rule translated (policy: dropped)",
        "RFC 7915 s.5.1 (Protocol), README deviation 13"),
    MAPT_SPOOFED_SOURCE(Kind.DROPPED, Direction.V6_TO_V4, "mapt_spoofed_source",
        "MAP-T: the IPv4 address in the source's interface ID is not the address (or in the prefix) that the CE's "
            + "End-user prefix gives under its mapping rule", "RFC 7599 s.8.3, RFC 7597 s.8.1"),
    MAPT_PORT_OUTSIDE_SET(Kind.DROPPED, Direction.V6_TO_V4, "mapt_port_outside_set",
        "MAP-T: the source port (echo identifier; an ICMP error's quoted destination port) is not in the CE's port "
            + "set, or a CE with a port set sent a protocol without ports", "RFC 7599 s.8.3, RFC 7597 s.8.1"),
    MAPT_NO_PORT_SET(Kind.DROPPED, Direction.V4_TO_V6, "mapt_no_port_set",
        "MAP-T: IPv4 packet to a MAP rule's IPv4 prefix whose address/port is in no CE's port set (A = 0, no "
            + "explicit-PSID rule for the port, or a protocol without ports to a shared address)",
        "RFC 7597 s.5.1, s.8.2"),
    MAPT_FRAGMENT_WITHOUT_PORT(Kind.DROPPED, Direction.V4_TO_V6, "mapt_fragment_without_port",
        "MAP-T: non-first IPv4 fragment to a shared address: it carries no port, so a stateless BR cannot tell "
            + "which CE owns it (docs/map.md, Non-first fragments)", "RFC 7599 s.10.2, RFC 7597 s.8.3.2"),
    MAPT_ICMP_ERROR_NOT_TRANSLATED(Kind.DROPPED, Direction.ANY, "mapt_icmp_error_not_translated",
        "MAP-T: ICMP error whose quoted packet cannot be mapped: toward a CE, the quoted source is not the outer "
            + "destination; from a CE, the quoted destination is not a MAP address of that CE or the quoted source is "
            + "not under the DMR (docs/map.md)", "RFC 7599 s.10.1, RFC 7915 s.4.3, s.5.3"),
    SOFTWIRE_ENCAPSULATED(Kind.FORWARDED, Direction.V4_TO_V6, "softwire_encapsulated",
        "MAP-E/lw4o6: IPv4 packet encapsulated in IPv6 toward the CE/B4 its destination address and port map to",
        "RFC 7597 s.8.2, RFC 7596 s.6.2, RFC 2473 s.3"),
    SOFTWIRE_DECAPSULATED(Kind.FORWARDED, Direction.V6_TO_V4, "softwire_decapsulated",
        "MAP-E/lw4o6: IPv4-in-IPv6 packet from a CE/B4 that passed the source checks, decapsulated",
        "RFC 7597 s.8.1, RFC 7596 s.6.2, RFC 2473 s.3"),
    SOFTWIRE_HAIRPINNED(Kind.FORWARDED, Direction.V6_TO_V4, "softwire_hairpinned",
        "MAP-E/lw4o6: IPv4-in-IPv6 packet from a CE/B4 to another CE/B4 of the domain, re-encapsulated toward "
            + "it",
        "RFC 7596 s.6.2, RFC 7597 s.8.2"),
    SOFTWIRE_NO_PORT_SET(Kind.DROPPED, Direction.ANY, "softwire_no_port_set",
        "MAP-E/lw4o6: IPv4 destination of the domain whose port is in no CE's set (A = 0, no binding for the "
            + "PSID, or a protocol without ports to a shared address)",
        "RFC 7597 s.5.1, s.8.2, RFC 7596 s.6.2"),
    SOFTWIRE_FRAGMENT_WITHOUT_PORT(Kind.DROPPED, Direction.ANY, "softwire_fragment_without_port",
        "MAP-E/lw4o6: non-first IPv4 fragment to or from a shared address: no port, so a stateless BR cannot "
            + "tell the CE (docs/map.md)",
        "RFC 7597 s.8.3.2"),
    SOFTWIRE_SPOOFED_SOURCE(Kind.DROPPED, Direction.V6_TO_V4, "softwire_spoofed_source",
        "MAP-E/lw4o6: the outer IPv6 source is not the CE/B4 that the inner IPv4 source address and port map to",
        "RFC 7597 s.8.1, RFC 7596 s.6.2"),
    SOFTWIRE_NOT_4IN6(Kind.DROPPED, Direction.V6_TO_V4, "softwire_not_4in6",
        "MAP-E/lw4o6: IPv6 packet to a BR/lwAFTR address whose upper layer (after any extension headers) is "
            + "neither 4 nor ICMPv6, or a fragment of a tunnel packet (not reassembled)",
        "RFC 2473 s.4, s.7.1"),
    SOFTWIRE_INNER_MALFORMED(Kind.DROPPED, Direction.V6_TO_V4, "softwire_inner_malformed",
        "MAP-E/lw4o6: the encapsulated packet is not a whole IPv4 packet (version, header length, total length)",
        "RFC 2473 s.3, RFC 791"),
    SOFTWIRE_ECN_DROP(Kind.DROPPED, Direction.V6_TO_V4, "softwire_ecn_drop",
        "MAP-E/lw4o6: outer ECN is CE but the inner packet is Not-ECT", "RFC 6040 s.4.2"),
    SOFTWIRE_TOO_BIG(Kind.DROPPED, Direction.V4_TO_V6, "softwire_too_big",
        "MAP-E/lw4o6: DF IPv4 packet too big for the tunnel (IPv6 next-hop MTU less 40); no ICMPv4 "
            + "Fragmentation Needed could be sent",
        "RFC 2473 s.7.1, RFC 1191"),
    IPV6_EXTENSION_HEADER_AFTER_FRAGMENT(Kind.DROPPED, Direction.V6_TO_V4, "ipv6_extension_header_after_fragment",
        "IPv6 packet whose upper layer would be an extension header: one after the Fragment Header (the upper layer "
            + "of the later fragments cannot be known) or an IPv6-only one (Mobility, HIP, Shim6); no IPv4 protocol "
            + "carries it (answered with ICMPv6 1/1 where possible)", "RFC 7915 s.5.1, RFC 8200 s.4.5"),
    FRAGMENT_BEYOND_65535(Kind.DROPPED, Direction.ANY, "fragment_beyond_65535",
        "fragment whose offset plus length passes 65535 bytes (no datagram ends there; cut again its offset would "
            + "wrap): answered with Parameter Problem pointing at the offset where possible",
        "RFC 8200 s.4.5, RFC 791"),
    IPV4_DENYLISTED(Kind.DROPPED, Direction.ANY, "ipv4_denylisted",
        "IPv4 address (a packet's IPv4 source or destination, or one mapped from IPv6 by the prefix or an EAM) in "
            + "translator.ipv4-denylist (by default this network, loopback, link-local, multicast, 240/4, broadcast)",
        "RFC 1812 s.5.3.7, RFC 6890"),
    MAPT_HAIRPINNED(Kind.FORWARDED, Direction.V6_TO_V4, "mapt_hairpinned",
        "MAP-T: IPv6 from a CE to an IPv4 address of the domain (under the DMR) sent straight to the CE that the "
            + "address and port map to, its source under the DMR (hub-and-spoke CE-to-CE)",
        "RFC 7599 s.12.2, RFC 7597 s.8.2"),
    MAPT_SPOOFED_ANSWERED(Kind.ICMP_ERROR, Direction.V6_TO_V4, "mapt_spoofed_answered",
        "MAP-T: spoofed source address or port (mapt_spoofed_source, mapt_port_outside_set) dropped and answered "
            + "with ICMPv6 1/5 (icmp-spoofed = true)", "RFC 7599 s.8.3, RFC 7597 s.8.1"),
    MAPT_NO_PORT_SET_ANSWERED(Kind.ICMP_ERROR, Direction.V4_TO_V6, "mapt_no_port_set_answered",
        "MAP-T: IPv4 to an address/port in no port set (mapt_no_port_set) dropped and answered with ICMPv4 3/1 "
            + "(icmp-unreachable = true)", "RFC 7597 s.8.2"),
    SOFTWIRE_SPOOFED_ANSWERED(Kind.ICMP_ERROR, Direction.V6_TO_V4, "softwire_spoofed_answered",
        "MAP-E/lw4o6: spoofed inner source (softwire_spoofed_source) dropped and answered with ICMPv6 1/5 from the "
            + "BR address (icmp-spoofed = true)", "RFC 7597 s.8.1, RFC 7596 s.6.2"),
    SOFTWIRE_NO_PORT_SET_ANSWERED(Kind.ICMP_ERROR, Direction.V4_TO_V6, "softwire_no_port_set_answered",
        "MAP-E/lw4o6: IPv4 to an address/port in no port set (softwire_no_port_set) dropped and answered with ICMPv4 "
            + "3/1 (icmp-unreachable = true)", "RFC 7597 s.8.2, RFC 7596 s.6.2"),
    SOFTWIRE_ICMP_RELAYED(Kind.ICMP_ERROR, Direction.V6_TO_V4, "softwire_icmp_relayed",
        "MAP-E/lw4o6: ICMPv6 error about a tunnel packet this BR (or MAP-E CE) sent, relayed to the inner IPv4 "
            + "source as ICMPv4 3/1 (unreachable, time exceeded) or 3/4 (packet too big, MTU less 40)",
        "RFC 2473 s.8.1, s.8.3, RFC 7597 s.8.2"),
    SOFTWIRE_ICMP_NOT_RELAYED(Kind.DROPPED, Direction.V6_TO_V4, "softwire_icmp_not_relayed",
        "MAP-E/lw4o6: ICMPv6 to a BR address (or a MAP-E CE's MAP address) not relayed: not an error, bad "
            + "checksum, its quote is not a 4in6 packet this BR sent to that CE (this CE could have sent to that far "
            + "end), Packet Too Big for a packet without DF, or no ICMPv4 error may be sent (no translator IPv4 "
            + "address, icmp-errors-per-second 0, RFC 1812 s.4.3.2.7)",
        "RFC 2473 s.8, RFC 4443 s.2.4"),
    MAP_CE_ADDRESS_NOT_CE(Kind.DROPPED, Direction.ANY, "map_ce_address_not_ce",
        "MAP CE mode: the IPv4 source of a packet leaving the CE (or the inner destination of one arriving) is not the "
            + "CE's IPv4 address or prefix (the NAPT44 into the CE's port set did not map it)",
        "RFC 7597 s.7, s.8.1, RFC 7599 s.6"),
    MAP_CE_PORT_OUTSIDE_SET(Kind.DROPPED, Direction.V4_TO_V6, "map_ce_port_outside_set",
        "MAP CE mode: the source port (echo identifier; an ICMP error's quoted port) of a packet leaving the CE is not "
            + "in the CE's port set, or a protocol without ports left a CE with a port set",
        "RFC 7597 s.5.1, s.8.1, RFC 7599 s.6"),
    MAP_CE_UNKNOWN_SOURCE(Kind.DROPPED, Direction.V6_TO_V4, "map_ce_unknown_source",
        "MAP CE mode: IPv6 to the CE's MAP address from neither the BR (MAP-E: its address; MAP-T: the DMR) nor the "
            + "FMR peer that its IPv4 source (and port) map to",
        "RFC 7597 s.8.1, RFC 7599 s.8.3"),
    MAP_CE_DESTINATION_PORT_OUTSIDE_SET(Kind.DROPPED, Direction.V6_TO_V4, "map_ce_destination_port_outside_set",
        "MAP CE mode: the destination port (echo identifier; an ICMP error's quoted source port) of a packet arriving "
            + "for the CE's MAP address is not in the CE's port set, or a protocol without ports arrived for a CE "
            + "with a port set", "RFC 7599 s.8.2, RFC 7597 s.5.1, s.8.2");

    /** What happened to the packet. */
    public enum Kind
    {
        FORWARDED, ICMP_ERROR, DROPPED
    }

    /** The direction of the packet that met this outcome. */
    public enum Direction
    {
        V4_TO_V6, V6_TO_V4, ANY
    }

    private static final Outcome[] VALUES = values();

    public final Kind kind;
    public final Direction direction;
    public final String id;
    public final String description;
    public final String rule;

    Outcome(final Kind kind, final Direction direction, final String id, final String description, final String rule)
    {
        this.kind = kind;
        this.direction = direction;
        this.id = id;
        this.description = description;
        this.rule = rule;
    }

    public static int count()
    {
        return VALUES.length;
    }

    public static Outcome of(final int ordinal)
    {
        return VALUES[ordinal];
    }
}
