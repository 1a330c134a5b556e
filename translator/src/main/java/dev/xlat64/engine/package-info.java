/**
 * The engine: picks the mechanism for a packet in one fixed order (6rd, RFC 5969 s.8; the MAP CE, RFC 7597 s.7-8 /
 * RFC 7599 s.6-7; the MAP-E and lw4o6 BR, RFC 7597 s.8 / RFC 7596 s.6; the MAP-T BR, RFC 7599 s.7; then SIIT, RFC
 * 7915, by IP version: {@link dev.xlat64.engine.Translator}) and owns the per-agent scratch buffer, context and ICMP
 * originator. No I/O, no clock, no allocation. May import every layer below it (docs/architecture.md, Layers).
 */
package dev.xlat64.engine;
