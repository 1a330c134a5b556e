package dev.xlat64.clat;

import dev.xlat64.addr.Addresses;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reading the host from /proc: lines as the kernel prints them (taken from a test namespace). */
class HostStateTest
{
    @Test
    void uplinkIsTheDeviceOfTheIpv6DefaultRouteNotLoopbacksRejectRoute()
    {
        final List<String> lines = List.of(
            "20010db8000100000000000000000000 40 00000000000000000000000000000000 00 "
                + "00000000000000000000000000000000 00000100 00000001 00000000 00000001       v0",
            "00000000000000000000000000000000 00 00000000000000000000000000000000 00 "
                + "fe800000000000000000000000000001 00000400 00000001 00000000 00000003       v0",
            "00000000000000000000000000000000 00 00000000000000000000000000000000 00 "
                + "00000000000000000000000000000000 ffffffff 00000001 00000000 00200200       lo");
        assertEquals("v0", HostState.ipv6DefaultDevice(lines));
        assertNull(HostState.ipv6DefaultDevice(lines.subList(2, 3)));
    }

    @Test
    void globalSlash64SkipsTemporaryTentativeAndOtherDevices()
    {
        final List<String> lines = List.of(
            "fe800000000000000000000000000005 02 40 20 80       h0",
            "20010db8000100000000000000000009 02 40 00 01       h0",
            "20010db8000100000000000000000007 02 40 00 40       h0",
            "20010db8000200000000000000000002 03 40 00 00       x1",
            "20010db8000100000000000000000005 02 40 00 00       h0");
        assertArrayEquals(Addresses.parse6("2001:db8:1::5"), HostState.global64(lines, "h0"));
        assertNull(HostState.global64(lines.subList(0, 3), "h0"));
    }

    @Test
    void nativeIpv4DefaultRouteIsOneThroughAnotherDevice()
    {
        final String header = "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT";
        assertTrue(HostState.nativeIpv4Default(List.of(header,
            "h0\t00000000\t017100CB\t0003\t0\t0\t0\t00000000\t0\t0\t0"), "clat"));
        assertFalse(HostState.nativeIpv4Default(List.of(header,
            "clat\t00000000\t00000000\t0001\t0\t0\t0\t00000000\t0\t0\t0"), "clat"));
        assertFalse(HostState.nativeIpv4Default(List.of(header,
            "h0\t007100CB\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0"), "clat"));
    }

    @Test
    void reservedInterfaceIdsAreNeverChosen()
    {
        // RFC 5453: the subnet-router anycast ID and the reserved subnet anycast range fdff:ffff:ffff:ff80-ffff.
        assertTrue(HostPlumbing.isReserved(new byte[8]));
        assertTrue(HostPlumbing.isReserved(new byte[] {(byte)0xfd, -1, -1, -1, -1, -1, -1, (byte)0x80}));
        assertFalse(HostPlumbing.isReserved(new byte[] {(byte)0xfd, -1, -1, -1, -1, -1, -1, 0x7f}));
        assertFalse(HostPlumbing.isReserved(new byte[] {0, 0, 0, 0, 0, 0, 0, 1}));
    }
}
