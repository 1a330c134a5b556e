/**
 * The vocabulary every mechanism shares: outcomes (drop reasons), the packet sink, counters, the config snapshot and
 * per-packet context, verdicts, and the one ICMP-error originator with its rate limiter (RFC 1812 s.4.3.2, RFC 4443
 * s.2.4). May import {@code packet} and {@code addr}.
 */
package dev.xlat64.core;
