/**
 * The per-agent outcome counters exposed to Prometheus through micrometer function counters read at scrape time
 * (never a counter update per packet), and the HTTP endpoint that serves them. May import {@code engine} and the
 * layers below it; never {@code config}, {@code cli} or {@code dataplane}.
 */
package dev.xlat64.metrics;
