/**
 * Metrics: sums the per-agent counters for Prometheus (micrometer). May import {@code core} and below.
 */
package dev.xlat64.metrics;
