/**
 * JMH benchmarks: ns per packet of the engine's paths (SIIT, ICMP errors, 6rd, MAP border relays) and of the mapping
 * tables' look-ups, with no TUN device and no system calls; the end-to-end method (RFC 8219) and its scripts are in
 * bench/README.md and bench/scripts. May import every translator package and its test-jar helpers
 * ({@code dev.xlat64.testing}); nothing imports it.
 */
package dev.xlat64.bench;
