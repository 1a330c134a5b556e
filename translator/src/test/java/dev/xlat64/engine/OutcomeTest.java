package dev.xlat64.engine;

import dev.xlat64.core.Outcome;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Outcome ids are metric labels: unique, stable, and the constants of earlier releases keep their positions. */
class OutcomeTest
{
    @Test
    void idsAreUniqueAndEveryOutcomeIsDescribed()
    {
        final Set<String> ids = new HashSet<>();
        for (final Outcome o : Outcome.values())
        {
            assertTrue(ids.add(o.id), o.id);
            assertTrue(o.id.matches("[a-z0-9_]+"), o.id);
            assertFalse(o.description.isBlank(), o.id);
            assertFalse(o.rule.isBlank(), o.id);
        }
    }

    @Test
    void earlierOutcomesKeepTheirPositions()
    {
        final List<String> first = List.of("translated_4to6", "translated_6to4", "icmp4_error_sent", "icmp6_error_sent",
            "empty_packet", "unknown_ip_version", "ipv4_truncated", "ipv4_bad_ihl", "ipv4_bad_total_length",
            "ipv4_bad_header_checksum", "ipv4_source_untranslatable", "ipv4_destination_untranslatable",
            "ipv4_non_global_under_wkp", "ipv4_ttl_expired", "ipv4_fragment_unsupported", "ipv4_l4_truncated",
            "ipv4_udp_zero_checksum", "icmp4_untranslatable", "ipv6_truncated", "ipv6_bad_payload_length",
            "ipv6_source_untranslatable", "ipv6_destination_untranslatable", "ipv6_hop_limit_expired",
            "ipv6_extension_header_unsupported", "ipv6_extension_header_truncated", "ipv6_l4_truncated",
            "icmp6_untranslatable", "tun_write_failed");
        for (int i = 0; i < first.size(); i++)
        {
            assertEquals(first.get(i), Outcome.of(i).id);
        }
    }
}
