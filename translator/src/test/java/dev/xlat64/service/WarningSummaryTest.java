package dev.xlat64.service;

import dev.xlat64.core.Counters;
import dev.xlat64.core.Outcome;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Repeating conditions become one line per interval, however many packets met them. */
class WarningSummaryTest
{
    @Test
    void aThousandWriteErrorsOnTwoQueuesAreOneLine()
    {
        final Counters q0 = new Counters();
        final Counters q1 = new Counters();
        final WarningSummary summary = new WarningSummary(() -> List.of(q0, q1), List.of(Outcome.TUN_WRITE_FAILED), 10);
        for (int i = 0; i < 600; i++)
        {
            q0.record(Outcome.TUN_WRITE_FAILED, 100);
        }
        for (int i = 0; i < 400; i++)
        {
            q1.record(Outcome.TUN_WRITE_FAILED, 100);
        }
        assertEquals(
            List.of("tun_write_failed: 1000 packet(s) in the last 10 s: " + Outcome.TUN_WRITE_FAILED.description),
            summary.summarise());
    }

    @Test
    void quietIntervalsAndOtherOutcomesLogNothing()
    {
        final Counters q0 = new Counters();
        q0.record(Outcome.TUN_WRITE_FAILED, 100);
        final WarningSummary summary = new WarningSummary(() -> List.of(q0), List.of(Outcome.TUN_WRITE_FAILED), 10);
        q0.record(Outcome.TRANSLATED_6TO4, 100);
        q0.record(Outcome.IPV6_SOURCE_UNTRANSLATABLE, 100);
        assertEquals(List.of(), summary.summarise(), "counts from before the summary started are not news");
        q0.record(Outcome.TUN_WRITE_FAILED, 100);
        assertEquals(1, summary.summarise().size());
        assertEquals(List.of(), summary.summarise());
    }
}
