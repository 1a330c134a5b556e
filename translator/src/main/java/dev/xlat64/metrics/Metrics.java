package dev.xlat64.metrics;

import dev.xlat64.addr.Eamt;
import dev.xlat64.addr.SixRdDomain;
import dev.xlat64.core.Counters;
import dev.xlat64.core.Outcome;
import dev.xlat64.map.MapDomain;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The Prometheus registry: per-queue packet and byte counters for every outcome, read from the agents' counters at
 * scrape time (function counters; nothing is incremented per packet), plus JVM metrics.
 */
public final class Metrics implements AutoCloseable
{
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();

    public Metrics()
    {
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    public PrometheusMeterRegistry registry()
    {
        return registry;
    }

    /** Registers {@code xlat64_packets_total} and {@code xlat64_bytes_total} for each queue and outcome. */
    public void bindDataPlane(final List<Counters> perQueue)
    {
        for (int q = 0; q < perQueue.size(); q++)
        {
            final Counters c = perQueue.get(q);
            for (final Outcome o : Outcome.values())
            {
                final Tags tags = Tags.of("outcome", o.id, "kind", o.kind.name().toLowerCase(Locale.ROOT),
                    "direction", o.direction.name().toLowerCase(Locale.ROOT), "queue", String.valueOf(q));
                FunctionCounter.builder("xlat64.packets", c, counters -> counters.packets(o))
                    .description("Packets by outcome (translated, ICMP error sent, or dropped with a reason)")
                    .tags(tags).register(registry);
                if (o.kind == Outcome.Kind.DROPPED)
                {
                    FunctionCounter.builder("xlat64.icmp.errors.sent", c, counters -> counters.icmpErrors(o))
                        .description("ICMP errors xlat64 originated, by the reason the packet could not be forwarded")
                        .tags("reason", o.id, "queue", String.valueOf(q)).register(registry);
                }
                FunctionCounter.builder("xlat64.bytes", c, counters -> counters.bytes(o))
                    .description("Input bytes by outcome").baseUnit("bytes").tags(tags).register(registry);
            }
        }
    }

    /**
     * Registers the running EAMT's size and build: {@code xlat64_eam_entries}, {@code xlat64_eam_table_bytes},
     * {@code xlat64_eam_built_timestamp_seconds} and {@code xlat64_eam_build_seconds} (docs/tables.md), read from
     * {@code running} at scrape time, so a reload shows at once. Held strongly: a gauge keeps only a weak reference
     * by default, and the caller's supplier is a lambda nobody else holds (the gauges read NaN after the first GC).
     */
    public void bindEamt(final Supplier<Eamt> running)
    {
        Gauge.builder("xlat64.eam.entries", running, r -> r.get().size())
            .description("EAM entries (RFC 7757) of the running table")
            .strongReference(true).register(registry);
        Gauge.builder("xlat64.eam.table", running, r -> r.get().bytes()).baseUnit("bytes")
            .description("Approximate memory of the running EAM table (entries and both lookup structures)")
            .strongReference(true).register(registry);
        Gauge.builder("xlat64.eam.built.timestamp", running, r -> r.get().builtAtMillis() / 1000.0).baseUnit("seconds")
            .description("When the running EAM table was built (Unix time)")
            .strongReference(true).register(registry);
        Gauge.builder("xlat64.eam.build", running, r -> r.get().buildNanos() / 1e9).baseUnit("seconds")
            .description("How long building the running EAM table's lookup structures took")
            .strongReference(true).register(registry);
    }

    /**
     * Registers {@code xlat64_sixrd_domain_packets_total} per queue, 6rd domain and 6rd outcome. Domains are labelled
     * with the 6rd prefixes configured at start; a reload that reorders them keeps counting by position.
     */
    public void bindSixRdDomains(final List<Counters> perQueue, final List<SixRdDomain> domains)
    {
        for (int q = 0; q < perQueue.size(); q++)
        {
            final Counters c = perQueue.get(q);
            for (int d = 0; d < Math.min(domains.size(), Counters.MAX_SIXRD_DOMAINS); d++)
            {
                final int domain = d;
                for (final Outcome o : Outcome.values())
                {
                    if (!o.id.startsWith("sixrd_"))
                    {
                        continue;
                    }
                    final Tags tags = Tags.of("outcome", o.id, "kind", o.kind.name().toLowerCase(Locale.ROOT),
                        "domain", domains.get(d).prefix().toString(), "queue", String.valueOf(q));
                    FunctionCounter.builder("xlat64.sixrd.domain.packets", c,
                            counters -> counters.sixRdDomainPackets(domain, o))
                        .description("6rd packets by domain and outcome").tags(tags).register(registry);
                }
            }
        }
    }

    /**
     * Registers {@code xlat64_map_domain_packets_total} per queue, MAP-T/MAP-E/lw4o6 domain and outcome (spoofed
     * source, port outside set, hairpinned, ...). Domains are labelled with their config key ({@code mapt.domain[1]});
     * a reload that reorders them keeps counting by position.
     */
    public void bindMapDomains(final List<Counters> perQueue, final List<MapDomain> domains)
    {
        for (int q = 0; q < perQueue.size(); q++)
        {
            final Counters c = perQueue.get(q);
            for (int d = 0; d < Math.min(domains.size(), Counters.MAX_MAP_DOMAINS); d++)
            {
                final int domain = d;
                final String origin = domains.get(d).origin;
                final String label = origin.substring(origin.lastIndexOf(": ") + 1).strip();
                for (final Outcome o : Outcome.values())
                {
                    if (!o.id.startsWith("mapt_") && !o.id.startsWith("softwire_") && !o.id.startsWith("translated_"))
                    {
                        continue;
                    }
                    final Tags tags = Tags.of("outcome", o.id, "kind", o.kind.name().toLowerCase(Locale.ROOT),
                        "domain", label, "queue", String.valueOf(q));
                    FunctionCounter.builder("xlat64.map.domain.packets", c,
                            counters -> counters.mapDomainPackets(domain, o))
                        .description("MAP-T/MAP-E/lw4o6 packets by domain and outcome").tags(tags).register(registry);
                }
            }
        }
    }

    public String scrape()
    {
        return registry.scrape();
    }

    @Override
    public void close()
    {
        gc.close();
        registry.close();
    }
}
