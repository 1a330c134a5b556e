package dev.xlat64.service;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** /proc/net/dev parsing: a TUN's tx packets plus tx drops are what the kernel offered to the process. */
class TunStatisticsTest
{
    private static final List<String> PROC_NET_DEV = List.of(
        "Inter-|   Receive                                                |  Transmit",
        " face |bytes    packets errs drop fifo frame compressed multicast"
            + "|bytes    packets errs drop fifo colls carrier compressed",
        "    lo:   12232     135    0    0    0     0          0         0"
            + "    12232     135    0    0    0     0       0          0",
        "xlt0: 9000 90 0 0 0 0 0 0 7000 70 0 5 0 0 0 0",
        "  xlt01:       1       2    3    4    5     6          7         8"
            + "        9      10   11   12   13    14      15         16");

    @Test
    void txPacketsPlusTxDrops()
    {
        assertEquals(75, TunStatistics.offered(PROC_NET_DEV, "xlt0"));
        assertEquals(10 + 12, TunStatistics.offered(PROC_NET_DEV, "xlt01"));
        assertEquals(135, TunStatistics.offered(PROC_NET_DEV, "lo"));
    }

    @Test
    void anAbsentDeviceIsMinusOne()
    {
        assertEquals(-1, TunStatistics.offered(PROC_NET_DEV, "xlt"));
    }
}
