/**
 * The per-agent outcome counters exposed to Prometheus through micrometer function counters read at scrape time
 * (never a counter update per packet; docs/architecture.md, Counters), the EAM table and MAP / 6rd domain gauges, and
 * the HTTP endpoint that serves them; no RFC rule of its own (the outcomes' RFCs are in docs/drop-reasons.md). May
 * import {@code engine} and the layers below it ({@code core}, {@code map}, {@code addr}); never {@code dataplane},
 * {@code service}, {@code config} or {@code cli}.
 */
package dev.xlat64.metrics;
