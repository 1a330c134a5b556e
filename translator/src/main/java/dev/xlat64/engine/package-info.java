/**
 * The engine: picks the mechanism for a packet (6rd first, then SIIT) and owns the per-agent scratch buffer, context
 * and ICMP originator. No I/O, no clock, no allocation. May import every layer below it (docs/architecture.md, Layers).
 */
package dev.xlat64.engine;
