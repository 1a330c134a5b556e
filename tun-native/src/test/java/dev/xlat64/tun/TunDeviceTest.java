package dev.xlat64.tun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Real TUN devices inside a throw-away network namespace; needs root (CAP_NET_ADMIN + CAP_SYS_ADMIN). */
class TunDeviceTest
{
    private static final int IPV4_PROTOCOL_ICMP = 1;
    private static final int ICMP_ECHO_REPLY = 0;
    private static final int ICMP_ECHO_REQUEST = 8;

    private final String suffix = Integer.toString(ThreadLocalRandom.current().nextInt(100_000, 1_000_000));
    private final String netns = "xt" + suffix;
    private final String deviceName = "xt" + suffix;
    private final Pointer buffer = Memory.allocateDirect(LibC.RUNTIME, 2048, true);

    @BeforeEach
    void createNamespace() throws Exception
    {
        assumeTrue(isRoot(), "TUN tests need root (CAP_NET_ADMIN and CAP_SYS_ADMIN for setns); skipped");
        run("ip", "netns", "add", netns);
    }

    @AfterEach
    void deleteNamespace() throws Exception
    {
        if (isRoot())
        {
            run("ip", "netns", "del", netns);
        }
    }

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

    /**
     * The io_uring path of the data plane: a READ completes with the kernel's echo request, a WRITE sends the reply.
     */
    @Test
    void readsAPingAndAnswersItThroughIoUring() throws Exception
    {
        try (TunDevice device = TunDevice.open(TunOptions.named(deviceName).netns(netns).mtu(1400).up(true));
             IoUring ring = IoUring.open(device.fd(0), 8))
        {
            final Process ping = addressAndPing198_51_100_2(1);
            final int length = readEchoRequestThroughRing(ring, 0xc6336402);
            turnIntoEchoReply(length);
            assertTrue(ring.write(buffer.address(), length, 7));
            final int ready = ring.submitAndReap();
            int writes = 0;
            for (int i = 0; i < ready; i++)
            {
                if (ring.userData(i) != IoUring.TIMEOUT_USER_DATA) // the last wait's timeout may end now
                {
                    assertEquals(7, ring.userData(i));
                    assertEquals(length, ring.result(i));
                    writes++;
                }
            }
            ring.consumed(ready);
            assertEquals(1, writes, "the TUN write completes when it is submitted");
            assertPingAnswered(ping);
        }
    }

    /**
     * The data plane's read: one multishot READ into provided buffers. Each packet completes with the buffer it was
     * read into and IORING_CQE_F_MORE; when no buffer is left the request ends with -ENOBUFS (no F_MORE), and once a
     * buffer is handed back, the request queued again reads the packet that waited in the TUN queue meanwhile.
     */
    @Test
    void multishotReadFillsProvidedBuffersAndEndsWhenTheyRunOut() throws Exception
    {
        disableIpv6(); // its router solicitations would take buffers meant for the echo requests
        final Pointer buffers = Memory.allocateDirect(LibC.RUNTIME, 2 * 2048, true);
        try (TunDevice device = TunDevice.open(TunOptions.named(deviceName).netns(netns).mtu(1400).up(true));
             IoUring ring = IoUring.open(device.fd(0), 8))
        {
            ring.registerBufferRing(2);
            ring.provideBuffer(buffers.address(), 2048, 0);
            ring.provideBuffer(buffers.address() + 2048, 2048, 1);
            assertTrue(ring.readMultishot(9));
            final Process ping = addressAndPing198_51_100_2(3);
            final int[] filled = new int[2];
            int packets = 0;
            boolean ended = false;
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!ended && System.nanoTime() < deadline)
            {
                final int ready = ring.submitAndWait(100);
                for (int i = 0; i < ready; i++)
                {
                    if (ring.userData(i) == IoUring.TIMEOUT_USER_DATA)
                    {
                        continue;
                    }
                    assertEquals(9, ring.userData(i));
                    final int flags = ring.flags(i);
                    if (ring.result(i) > 0)
                    {
                        assertTrue(packets < 2, "a third packet read with two buffers");
                        assertTrue((flags & IoUring.IORING_CQE_F_MORE) != 0, "the read goes on after a packet");
                        filled[packets++] = IoUring.bufferId(flags);
                        assertEchoRequestTo198_51_100_2(buffers.address() + 2048L * IoUring.bufferId(flags));
                    }
                    else
                    {
                        assertEquals(-105, ring.result(i), "ENOBUFS");
                        assertEquals(0, flags & IoUring.IORING_CQE_F_MORE, "the read ended");
                        assertEquals(-1, IoUring.bufferId(flags), "no buffer taken");
                        ended = true;
                    }
                }
                ring.consumed(ready);
            }
            assertEquals(2, packets);
            assertTrue(ended, "the read did not end when the buffers ran out");
            assertEquals(1, filled[0] + filled[1], "both buffers were used, one packet each");

            ring.provideBuffer(buffers.address() + 2048, 2048, 1);
            assertTrue(ring.readMultishot(10));
            int third = -1;
            while (third == -1 && System.nanoTime() < deadline)
            {
                final int ready = ring.submitAndWait(100);
                for (int i = 0; i < ready; i++)
                {
                    if (ring.userData(i) == 10 && ring.result(i) > 0)
                    {
                        third = IoUring.bufferId(ring.flags(i));
                    }
                }
                ring.consumed(ready);
            }
            assertEquals(1, third, "the third echo request, read into the buffer handed back");
            assertEchoRequestTo198_51_100_2(buffers.address() + 2048);
            ping.waitFor(5, TimeUnit.SECONDS);
        }
    }

    private static void assertEchoRequestTo198_51_100_2(final long address)
    {
        final Pointer packet = Pointer.wrap(LibC.RUNTIME, address);
        assertEquals(0x45, packet.getByte(0) & 0xff);
        assertTrue(isIcmpv4To(packet, 28, 0xc6336402), "ICMP to 198.51.100.2");
        assertEquals(ICMP_ECHO_REQUEST, packet.getByte(20));
    }

    @Test
    void ioUringWaitTimesOutWhenNothingArrives() throws Exception
    {
        try (TunDevice device = TunDevice.open(TunOptions.named(deviceName).netns(netns));
             IoUring ring = IoUring.open(device.fd(0), 8))
        {
            assertTrue(ring.read(buffer.address(), 2048, 1));
            final long start = System.nanoTime();
            assertEquals(1, ring.submitAndWait(50), "only the timeout completes");
            assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(40), "returned before the timeout");
            assertEquals(IoUring.TIMEOUT_USER_DATA, ring.userData(0));
            assertEquals(-62, ring.result(0), "ETIME");
            ring.consumed(1);
            assertEquals(0, ring.submitAndReap());
        }
    }

    /**
     * The idle wait's timer is a pure timer, armed once for many waits: a completion ends the wait without ending the
     * timer (with a completion count of 1 the timer would complete alongside it), which fires later on its own.
     */
    @Test
    void ioUringWaitTimerOutlivesTheCompletionThatEndsAWait() throws Exception
    {
        try (TunDevice device = TunDevice.open(TunOptions.named(deviceName).netns(netns));
             IoUring ring = IoUring.open(device.fd(0), 8))
        {
            // No IP packet, to a device that is down: the write fails, but it completes.
            assertTrue(ring.write(buffer.address(), 20, 7));
            assertEquals(1, ring.submitAndWait(200), "the write alone ends the wait");
            assertEquals(7, ring.userData(0));
            assertTrue(ring.result(0) < 0, "refused: " + ring.result(0));
            ring.consumed(1);
            assertEquals(1, ring.submitAndWait(200), "the same timer ends the next wait");
            assertEquals(IoUring.TIMEOUT_USER_DATA, ring.userData(0));
            assertEquals(-62, ring.result(0), "ETIME");
            ring.consumed(1);
        }
    }

    /**
     * The idle wait ends when a packet arrives, not when its timeout does (a wake-up check with a wide margin: the
     * wait is 3 s, a ping arrives within ~1 s).
     */
    @Test
    void ioUringWaitEndsWhenAPacketArrives() throws Exception
    {
        disableIpv6(); // its router solicitations would end the wait before the ping does
        try (TunDevice device = TunDevice.open(TunOptions.named(deviceName).netns(netns).mtu(1400).up(true));
             IoUring ring = IoUring.open(device.fd(0), 8))
        {
            run("ip", "-n", netns, "addr", "add", "198.51.100.1/24", "dev", deviceName);
            assertTrue(ring.read(buffer.address(), 2048, 1));
            assertEquals(0, ring.submitAndReap());
            final Process ping = new ProcessBuilder("ip", "netns", "exec", netns, "ping", "-c", "1", "-W", "1",
                "198.51.100.2").redirectErrorStream(true).start();
            final long start = System.nanoTime();
            final int ready = ring.submitAndWait(3000);
            final long waited = System.nanoTime() - start;
            assertTrue(ready >= 1, "woke with " + ready);
            assertTrue(waited < TimeUnit.MILLISECONDS.toNanos(2000), "waited " + waited / 1_000_000 + " ms");
            boolean read = false;
            for (int i = 0; i < ready; i++)
            {
                read |= ring.userData(i) == 1 && ring.result(i) > 0;
            }
            ring.consumed(ready);
            assertTrue(read, "the read completed");
            ping.waitFor(3, TimeUnit.SECONDS);
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

    /** Gives the device 198.51.100.1/24 and starts {@code count} pings (0.2 s apart) to 198.51.100.2. */
    private Process addressAndPing198_51_100_2(final int count) throws Exception
    {
        run("ip", "-n", netns, "addr", "add", "198.51.100.1/24", "dev", deviceName);
        return new ProcessBuilder("ip", "netns", "exec", netns, "ping", "-c", String.valueOf(count), "-i", "0.2", "-W",
            "2", "198.51.100.2").redirectErrorStream(true).start();
    }

    /** No IPv6 in the test's namespace, so the device sends no router solicitations of its own. */
    private void disableIpv6() throws Exception
    {
        run("ip", "netns", "exec", netns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1",
            "net.ipv6.conf.default.disable_ipv6=1");
    }

    /** Whether the {@code length} bytes at {@code packet} are an IPv4 ICMP packet to {@code destination}. */
    private static boolean isIcmpv4To(final Pointer packet, final int length, final int destination)
    {
        return length >= 28 && (packet.getByte(0) & 0xf0) == 0x40 && packet.getByte(9) == IPV4_PROTOCOL_ICMP &&
            Integer.reverseBytes(packet.getInt(16)) == destination;
    }

    private static void assertPingAnswered(final Process ping) throws Exception
    {
        assertTrue(ping.waitFor(5, TimeUnit.SECONDS), "ping did not finish");
        final String output = new String(ping.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, ping.exitValue(), output);
        assertTrue(output.contains("1 received"), output);
    }

        private int readEchoRequestThroughRing(final IoUring ring, final int destination)
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        assertTrue(ring.read(buffer.address(), 2048, 3));
        while (System.nanoTime() < deadline)
        {
            final int ready = ring.submitAndWait(100);
            assertTrue(ready >= 0, "io_uring_enter failed: " + Errno.describe(-ready));
            int length = -1;
            for (int i = 0; i < ready; i++)
            {
                if (ring.userData(i) != IoUring.TIMEOUT_USER_DATA)
                {
                    assertEquals(3, ring.userData(i), "one read in flight");
                    length = ring.result(i);
                }
            }
            ring.consumed(ready);
            if (length == -1)
            {
                continue; // only the idle timeout completed
            }
            assertTrue(length >= 0, "read failed: " + Errno.describe(-length));
            if (isIcmpv4To(buffer, length, destination))
            {
                return length;
            }
            assertTrue(ring.read(buffer.address(), 2048, 3)); // something else (IPv6 RS): read the next one
        }
        throw new AssertionError("no ICMP echo request to 198.51.100.2 arrived through the io_uring read");
    }

    private int readEchoRequestTo(final TunDevice device, final int destination)
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        while (System.nanoTime() < deadline)
        {
            if (device.poll(0, 100) <= 0)
            {
                continue;
            }
            final int length = device.read(0, buffer.address(), 2048);
            assertTrue(length >= 0, "read failed: " + Errno.describe(-length));
            // Skip IPv6 router solicitations and the like; wait for the IPv4 echo request.
            if (isIcmpv4To(buffer, length, destination))
            {
                return length;
            }
        }
        throw new AssertionError("no ICMP echo request to 198.51.100.2 arrived on the TUN device");
    }

    /** Swaps the addresses, makes the ICMP type an echo reply and recomputes both checksums from scratch. */
    private void turnIntoEchoReply(final int length)
    {
        final int headerLength = (buffer.getByte(0) & 0x0f) * 4;
        final int source = buffer.getInt(12);
        buffer.putInt(12, buffer.getInt(16));
        buffer.putInt(16, source);
        buffer.putByte(8, (byte)64);
        buffer.putShort(10, (short)0);
        putChecksum(10, checksum(0, headerLength));
        buffer.putByte(headerLength, (byte)ICMP_ECHO_REPLY);
        buffer.putShort(headerLength + 2, (short)0);
        putChecksum(headerLength + 2, checksum(headerLength, length - headerLength));
    }

    private int checksum(final int offset, final int length)
    {
        long sum = 0;
        for (int i = 0; i + 1 < length; i += 2)
        {
            sum += ((buffer.getByte(offset + i) & 0xff) << 8) | (buffer.getByte(offset + i + 1) & 0xff);
        }
        if ((length & 1) != 0)
        {
            sum += (buffer.getByte(offset + length - 1) & 0xff) << 8;
        }
        while ((sum >> 16) != 0)
        {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        return (int)(~sum & 0xffff);
    }

    private void putChecksum(final int offset, final int checksum)
    {
        buffer.putByte(offset, (byte)(checksum >> 8));
        buffer.putByte(offset + 1, (byte)checksum);
    }

    private static boolean isRoot()
    {
        return "root".equals(System.getProperty("user.name"));
    }

    private static String run(final String... argv) throws IOException, InterruptedException
    {
        final Process process = new ProcessBuilder(argv).redirectErrorStream(true).start();
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0)
        {
            throw new AssertionError(String.join(" ", argv) + " failed: " + output);
        }
        return output;
    }

    private static int runStatus(final String... argv) throws IOException, InterruptedException
    {
        final Process process = new ProcessBuilder(argv).redirectErrorStream(true).start();
        process.getInputStream().readAllBytes();
        return process.waitFor();
    }
}
