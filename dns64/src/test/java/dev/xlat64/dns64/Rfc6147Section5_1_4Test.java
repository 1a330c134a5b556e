package dev.xlat64.dns64;

import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

import java.util.List;

import static dev.xlat64.dns64.TestRecords.a;
import static dev.xlat64.dns64.TestRecords.aaaa;
import static dev.xlat64.dns64.TestRecords.aaaas;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** RFC 6147 section 5.1.4: AAAA records in excluded ranges (default ::ffff:0:0/96) count as no AAAA. */
class Rfc6147Section5_1_4Test
{
    private static FakeUpstream.Script zone(final String... aaaaAddresses)
    {
        return q ->
        {
            final String name = q.getQuestion().getName().toString();
            if (q.getQuestion().getType() == Type.A)
            {
                return FakeUpstream.answer(q, Rcode.NOERROR, a(name, 300, "192.0.2.3"));
            }
            final Message m = FakeUpstream.answer(q, Rcode.NOERROR);
            for (final String address : aaaaAddresses)
            {
                m.addRecord(aaaa(name, 300, address), 1);
            }
            return m;
        };
    }

    @Test
    void onlyMappedAaaaIsSynthesized() throws Exception
    {
        try (Harness h = new Harness(zone("::ffff:192.0.2.3")))
        {
            assertEquals(List.of("2001:db8:64::c000:203"), aaaas(h.query("mapped.test.example.", Type.AAAA)));
        }
    }

    @Test
    void excludedRecordsAreRemovedFromAMixedAnswer() throws Exception
    {
        try (Harness h = new Harness(zone("::ffff:192.0.2.3", "2001:db8::3")))
        {
            assertEquals(List.of("2001:db8::3"), aaaas(h.query("mixed.test.example.", Type.AAAA)));
            assertEquals(0, h.registry.counter("xlat64.dns64.synthesized").count());
        }
    }

    @Test
    void configuredExclusionReplacesTheDefault() throws Exception
    {
        try (Harness h = new Harness(zone("2001:db8:bad::1"), "exclude = [\"2001:db8:bad::/48\"]\n"))
        {
            assertEquals(List.of("2001:db8:64::c000:203"), aaaas(h.query("bad.test.example.", Type.AAAA)));
        }
    }
}
