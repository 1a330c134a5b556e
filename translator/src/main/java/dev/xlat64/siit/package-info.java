/**
 * The RFC 7915 transform: IPv4/IPv6 header translation (s.4, s.5), ICMP translation with quoted packets (s.4.2-4.3,
 * s.5.2-5.3), path MTU, RFC 4884 lengths, fragmentation, hairpinning (RFC 7757 s.4). SIIT is this transform with the
 * {@code addr} mapping. May import {@code packet}, {@code addr}, {@code core}.
 */
package dev.xlat64.siit;
