package dev.xlat64.metrics;

import dev.xlat64.addr.Eamt;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The EAMT gauges read the running table at scrape time: a swapped table shows at once. */
class EamtGaugesTest
{
    @Test
    void gaugesFollowTheRunningTable()
    {
        try (Metrics metrics = new Metrics())
        {
            final AtomicReference<Eamt> running = new AtomicReference<>(Eamt.EMPTY);
            metrics.bindEamt(running::get);
            assertEquals(0.0, metrics.registry().get("xlat64.eam.entries").gauge().value());
            running.set(new Eamt(
                List.of(Eamt.Entry.parse("192.0.2.1=2001:db8::1"), Eamt.Entry.parse("192.0.2.2=2001:db8::2"))));
            assertEquals(2.0, metrics.registry().get("xlat64.eam.entries").gauge().value());
            final String scrape = metrics.registry().scrape();
            assertTrue(scrape.contains("xlat64_eam_entries 2.0"), scrape);
            assertTrue(scrape.contains("xlat64_eam_table_bytes "), scrape);
            assertTrue(scrape.contains("xlat64_eam_built_timestamp_seconds "), scrape);
            assertTrue(scrape.contains("xlat64_eam_build_seconds "), scrape);
            assertTrue(metrics.registry().get("xlat64.eam.built.timestamp").gauge().value() > 1.7e9);
        }
    }

    @Test
    void gaugesOutliveACollection() throws InterruptedException
    {
        try (Metrics metrics = new Metrics())
        {
            final Eamt table = new Eamt(List.of(Eamt.Entry.parse("192.0.2.1=2001:db8::1")));
            // a supplier nobody else holds, as RunCommand's () -> eamt: the registry must keep it
            metrics.bindEamt(() -> table);
            for (int i = 0; i < 5; i++)
            {
                System.gc();
                Thread.sleep(20);
            }
            assertEquals(1.0, metrics.registry().get("xlat64.eam.entries").gauge().value());
        }
    }
}
