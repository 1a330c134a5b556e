/**
 * Encapsulation transforms: 6in4 (RFC 4213 s.3, protocol 41) and 4in6 (RFC 2473, next header 4, for MAP-E and lw4o6),
 * with ECN per RFC 6040. No policy. May import {@code packet}, {@code addr}, {@code core}.
 */
package dev.xlat64.encap;
