package dev.xlat64.siit;

import dev.xlat64.core.Outcome;
import dev.xlat64.testing.EngineHarness;
import org.junit.jupiter.api.Test;

import static dev.xlat64.testing.TestPackets.UDP;
import static dev.xlat64.testing.TestPackets.bytes;
import static dev.xlat64.testing.TestPackets.ipv4;
import static dev.xlat64.testing.TestPackets.ipv6;
import static dev.xlat64.testing.TestPackets.udp;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * RFC 1812 s.5.3.7 / RFC 6052 s.2.2: the data plane drops and counts what {@code xlat64 map} calls untranslatable: an
 * IPv4 address in the denylist as either direction's source or destination (network-specific prefix and EAM alike).
 */
class Rfc1812DenylistTest
{
    private static final String A4 = "192.0.2.33";
    private static final String A6 = "2001:db8:64::c000:221";

    private final EngineHarness engine = new EngineHarness(SiitTestConfigs.standard());

    @Test
    void ipv6ToDenylistedIpv4IsDroppedAndCounted()
    {
        for (final String d6 : new String[] {"2001:db8:64::ffff:ffff", "2001:db8:64::7f00:1", "2001:db8:64::e000:1",
            "2001:db8:64::1"})
        {
            assertEquals(Outcome.IPV4_DENYLISTED,
                engine.translate(ipv6(A6, d6, UDP, 64, 0, 0, udp(A6, d6, 1, 2, bytes(8, 0)))), d6);
            assertEquals(Outcome.IPV4_DENYLISTED,
                engine.translate(ipv6(d6, A6, UDP, 64, 0, 0, udp(d6, A6, 1, 2, bytes(8, 0)))), d6);
        }
    }

    @Test
    void ipv4FromOrToDenylistedIsDroppedAndCounted()
    {
        assertEquals(Outcome.IPV4_DENYLISTED,
            engine.translate(ipv4(A4, "224.0.0.1", UDP, 64, 0, 1, 0, udp(A4, "224.0.0.1", 1, 2, bytes(8, 0)))));
        assertEquals(Outcome.IPV4_DENYLISTED,
            engine.translate(ipv4("169.254.0.9", A4, UDP, 64, 0, 1, 0, udp("169.254.0.9", A4, 1, 2, bytes(8, 0)))));
        assertEquals(Outcome.IPV4_DENYLISTED,
            engine.translate(ipv4("0.1.2.3", A4, UDP, 64, 0, 1, 0, udp("0.1.2.3", A4, 1, 2, bytes(8, 0)))));
    }
}
