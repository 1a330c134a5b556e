package dev.xlat64.service;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The kernel's counters of one network device from {@code /proc/net/dev} (this process's network namespace). For a
 * TUN device "transmit" is kernel -> xlat64: {@link #offered} counts the packets the process read from the device
 * plus those the kernel dropped because the device's queue was full (a reader that stopped reading shows there once
 * its queue, {@code txqueuelen} packets, has filled).
 */
public final class TunStatistics
{
    private static final Path PROC_NET_DEV = Path.of("/proc/net/dev");
    /** Fields after the colon, from 0: rx bytes, packets, errs, drop, fifo, frame, compressed, multicast; tx bytes. */
    private static final int TX_PACKETS = 9;
    private static final int TX_DROP = 11;

    private final String device;

    public TunStatistics(final String device)
    {
        this.device = device;
    }

    /** Packets offered to the process (tx packets + tx drops), or -1 when the device is gone or unreadable. */
    public long offered()
    {
        try
        {
            return offered(Files.readAllLines(PROC_NET_DEV), device);
        }
        catch (final IOException ex)
        {
            return -1;
        }
    }

    /** Parses {@code /proc/net/dev}: "name: rx bytes packets errs drop fifo frame compressed multicast tx ...". */
    static long offered(final List<String> lines, final String device)
    {
        for (final String line : lines)
        {
            final int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equals(device))
            {
                final String[] f = line.substring(colon + 1).trim().split("\\s+");
                return Long.parseLong(f[TX_PACKETS]) + Long.parseLong(f[TX_DROP]);
            }
        }
        return -1;
    }
}
