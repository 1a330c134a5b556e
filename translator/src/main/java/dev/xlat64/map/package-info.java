/**
 * A+P address mapping for MAP-E, MAP-T and lw4o6 (RFC 7597 s.5-6, RFC 7599 s.5-6, RFC 7596 s.5-6, RFC 7618,
 * RFC 7598 for the DHCPv6 options): mapping rules, port sets, the binding table; imports only {@code addr} and
 * {@code packet}.
 */
package dev.xlat64.map;
