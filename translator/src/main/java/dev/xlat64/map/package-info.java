/**
 * A+P for MAP-E, MAP-T and lw4o6 (RFC 7597 s.5-8, RFC 7599, RFC 7596 s.5-6, RFC 7618, RFC 7598 for the DHCPv6
 * options): mapping rules, port sets, the binding table, the border relays and the CE (CE mode) in front of the
 * RFC 7915 and RFC 2473 transforms; imports {@code packet}, {@code addr} and {@code core} (a mechanism layer: it
 * may import the transforms).
 */
package dev.xlat64.map;
