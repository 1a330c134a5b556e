package dev.xlat64.tun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/**
 * Real TUN devices inside a throw-away network namespace ({@link TunTestFixture}): create, attach, queues, namespaces,
 * offloads, read(2)/write(2)/poll(2); the io_uring path is in {@link TunIoUringTest}.
 */
class TunDeviceTest extends TunTestFixture
{
    @Test
    void createsDeviceInNamespaceWithMtuAndUp() throws Exception
    {
        final Path ownNetns = Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net"));
        try (TunDevice device = TunDevice.open(TunOptions.named(deviceName).netns(netns).mtu(1400).up(true)))
        {
            assertEquals(deviceName, device.name());
            assertEquals(1, device.queues());
            assertEquals(ownNetns, Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")));
            final String link = run("ip", "-n", netns, "link", "show", deviceName);
            assertTrue(link.contains("mtu 1400"), link);
            assertTrue(link.contains(",UP"), link);
            assertEquals(1400, device.mtu());
            device.setMtu(1280);
            assertEquals(1280, device.mtu());
        }
        assertNotEquals(0, runStatus("ip", "-n", netns, "link", "show", deviceName));
    }

    @Test
    void readsAPingAndAnswersIt() throws Exception
    {
        try (TunDevice device = TunDevice.open(TunOptions.named(deviceName).netns(netns).mtu(1400).up(true)))
        {
            final Process ping = addressAndPing198_51_100_2(1);
            final int length = readEchoRequestTo(device, 0xc6336402);
            assertEquals(0x45, buffer.getByte(0) & 0xff);
            assertEquals(IPV4_PROTOCOL_ICMP, buffer.getByte(9));
            assertEquals(ICMP_ECHO_REQUEST, buffer.getByte(20));

            turnIntoEchoReply(length);
            assertEquals(length, device.write(0, buffer.address(), length));
            assertPingAnswered(ping);
        }
    }

    @Test
    void readReturnsZeroWhenNothingIsPending() throws Exception
    {
        try (TunDevice device = TunDevice.open(TunOptions.named(deviceName).netns(netns)))
        {
            assertEquals(0, device.read(0, buffer.address(), 2048));
            assertEquals(0, device.poll(0, 10));
        }
    }

    @Test
    void opensMultipleQueues() throws Exception
    {
        // Left down: an up interface sends IPv6 MLD reports and router solicitations of its own.
        try (TunDevice device = TunDevice.open(TunOptions.named(deviceName).netns(netns).queues(2)))
        {
            assertEquals(2, device.queues());
            assertTrue(device.fd(0) >= 0 && device.fd(1) >= 0);
            assertNotEquals(device.fd(0), device.fd(1));
            assertEquals(0, device.read(1, buffer.address(), 2048));
            final String details = run("ip", "-d", "-n", netns, "link", "show", deviceName);
            assertTrue(details.contains("multi_queue"), details);
        }
    }

    @Test
    void attachesToAnExistingDevice() throws Exception
    {
        run("ip", "-n", netns, "tuntap", "add", "dev", deviceName, "mode", "tun");
        try (TunDevice device = TunDevice.open(TunOptions.named(deviceName).netns(netns).mtu(1300)))
        {
            assertEquals(deviceName, device.name());
            assertEquals(1300, device.mtu());
        }
        // The persistent device outlives our fd, as ip tuntap made it.
        assertTrue(run("ip", "-n", netns, "link", "show", deviceName).contains("mtu 1300"));
    }

    @Test
    void explainsAQueueModeMismatch() throws Exception
    {
        run("ip", "-n", netns, "tuntap", "add", "dev", deviceName, "mode", "tun", "multi_queue");
        final TunException ex = assertThrows(TunException.class,
            () -> TunDevice.open(TunOptions.named(deviceName).netns(netns)));
        assertEquals(Errno.EINVAL, ex.errno());
        assertTrue(ex.getMessage().contains("multi-queue TUN while one queue was asked"), ex.getMessage());
    }

    @Test
    void explainsAMissingNamespace() throws Exception
    {
        final TunException ex = assertThrows(TunException.class,
            () -> TunDevice.open(TunOptions.named(deviceName).netns(netns + "missing")));
        assertEquals(Errno.ENOENT, ex.errno());
        assertTrue(ex.getMessage().startsWith("network namespace " + netns + "missing does not exist (ip netns list"),
            ex.getMessage());
    }

    @Test
    void emptyReadsAndPollsAllocateNothing() throws Exception
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)java.lang.management.ManagementFactory.getThreadMXBean();
        try (TunDevice device = TunDevice.open(TunOptions.named(deviceName).netns(netns)))
        {
            final long address = buffer.address();
            int sum = 0;
            for (int i = 0; i < 20_000; i++)
            {
                sum += device.read(0, address, 2048) + device.poll(0, 0);
            }
            final long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 20_000; i++)
            {
                sum += device.read(0, address, 2048) + device.poll(0, 0);
            }
            final long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            assertEquals(0, sum);
            // A little slack for the JIT's own bookkeeping; one object per call would be hundreds of kilobytes.
            assertTrue(allocated < 4096, "hot path allocated " + allocated + " bytes over 40000 calls");
        }
    }

    @Test
    void acceptsOffloadsAndVnetHeaderSizeAndRefusesATooSmallHeader() throws Exception
    {
        try (TunDevice device = TunDevice.open(TunOptions.named(deviceName).netns(netns).vnetHeader(true)))
        {
            device.setVnetHeaderSize(12);
            device.setOffload(TunFlags.TUN_F_CSUM | TunFlags.TUN_F_TSO4 | TunFlags.TUN_F_TSO6);
            final TunException ex = assertThrows(TunException.class, () -> device.setVnetHeaderSize(4));
            assertEquals(Errno.EINVAL, ex.errno());
            final String details = run("ip", "-d", "-n", netns, "link", "show", deviceName);
            assertTrue(details.contains("vnet_hdr"), details);
        }
    }

    @Test
    void closeIsIdempotent() throws Exception
    {
        final TunDevice device = TunDevice.open(TunOptions.named(deviceName).netns(netns));
        device.close();
        device.close();
    }
}
