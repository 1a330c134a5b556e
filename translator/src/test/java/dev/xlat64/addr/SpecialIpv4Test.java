package dev.xlat64.addr;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RFC 6052 s.3.1's non-global ranges (RFC 6890): the first-octet quick test against a plain scan of the ranges. */
class SpecialIpv4Test
{
    private static final List<Ipv4Prefix> RANGES = List.of("0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10",
        "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.0.0.0/24", "192.0.2.0/24", "192.168.0.0/16",
        "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4").stream()
        .map(Ipv4Prefix::parse).toList();

    private static boolean scan(final int ipv4)
    {
        return RANGES.stream().anyMatch(p -> p.contains(ipv4));
    }

    @Test
    void everyFirstOctetAndEveryRangeEdgeAgreesWithTheScan()
    {
        final SplittableRandom random = new SplittableRandom(6890);
        for (int octet = 0; octet < 256; octet++)
        {
            for (int k = 0; k < 200; k++)
            {
                final int ipv4 = octet << 24 | random.nextInt(1 << 24);
                assertEquals(scan(ipv4), SpecialIpv4.isNonGlobal(ipv4), Addresses.format4(ipv4));
            }
        }
        for (final Ipv4Prefix p : RANGES)
        {
            for (final int ipv4 : new int[] {p.address() - 1, p.address(), p.address() | ~p.mask(),
                (p.address() | ~p.mask()) + 1})
            {
                assertEquals(scan(ipv4), SpecialIpv4.isNonGlobal(ipv4), Addresses.format4(ipv4));
            }
        }
        assertFalse(SpecialIpv4.isNonGlobal(Addresses.parse4("8.8.8.8")));
        assertTrue(SpecialIpv4.isNonGlobal(Addresses.parse4("198.51.100.2")));
    }
}
