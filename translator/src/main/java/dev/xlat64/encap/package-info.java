/**
 * Encapsulation transforms: 6in4 (RFC 4213 s.3, protocol 41) with ECN per RFC 6040; RFC 2473 4in6 for MAP-E will
 * live here too. No policy. May import {@code packet}, {@code addr}, {@code core}.
 */
package dev.xlat64.encap;
