package dev.xlat64.service;

import dev.xlat64.addr.Addresses;
import org.junit.jupiter.api.Test;

import java.nio.ByteOrder;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Which prefixes already have a home, from /proc/net/route and /proc/net/ipv6_route lines as this kernel prints them.
 */
class KernelRoutesTest
{
    private static final List<String> ROUTE = List.of(
        "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT",
        "eth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0",
        "to-h4\t00643347\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0",
        "xlat64\t020200C0\t00000000\t0001\t0\t0\t0\tFFFFFFFF\t0\t0\t0");
    private static final List<String> IPV6_ROUTE = List.of(
        "20010db8000100000000000000000000 40 00000000000000000000000000000000 00 "
            + "00000000000000000000000000000000 00000100 00000001 00000000 00000001    to-h6",
        "20010db8000100000000000000000001 80 00000000000000000000000000000000 00 "
            + "00000000000000000000000000000000 00000000 00000002 00000000 80200001    to-h6",
        "20010db8006400000000000000000000 60 00000000000000000000000000000000 00 "
            + "00000000000000000000000000000000 00000400 00000001 00000000 00000001   xlat64",
        "00000000000000000000000000000000 00 00000000000000000000000000000000 00 "
            + "20010db8000100000000000000000001 00000400 00000001 00000000 00000003    to-h6");

    @Test
    void ipv4PrefixOnAConnectedNetworkIsCoveredButNotByTheDefaultRoute()
    {
        assumeTrue(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN,
            "lines above are as a little-endian kernel prints them");
        assertTrue(KernelRoutes.covered4(ROUTE, Addresses.parse4("71.51.100.7"), 32, "xlat64"));
        assertFalse(KernelRoutes.covered4(ROUTE, Addresses.parse4("203.0.113.7"), 32, "xlat64"),
            "only the default route");
        assertFalse(KernelRoutes.covered4(ROUTE, Addresses.parse4("192.0.2.2"), 32, "xlat64"),
            "our own route does not count");
        assertFalse(KernelRoutes.covered4(ROUTE, Addresses.parse4("71.51.0.0"), 16, "xlat64"),
            "a wider prefix is not covered");
    }

    @Test
    void ipv6HostsOnTheConnectedSlash64AreCovered()
    {
        assertTrue(KernelRoutes.covered6(IPV6_ROUTE, Addresses.parse6("2001:db8:1::2"), 128, "xlat64"));
        assertTrue(KernelRoutes.covered6(IPV6_ROUTE, Addresses.parse6("2001:db8:1::100"), 120, "xlat64"));
        assertFalse(KernelRoutes.covered6(IPV6_ROUTE, Addresses.parse6("2001:db8:2::2"), 128, "xlat64"),
            "default only");
        assertFalse(KernelRoutes.covered6(IPV6_ROUTE, Addresses.parse6("2001:db8:64::1"), 128, "xlat64"), "ours");
    }
}
