package dev.xlat64.tun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * The TUN tests' fixture: a throw-away network namespace per test (needs root: CAP_NET_ADMIN + CAP_SYS_ADMIN), a
 * 2 KiB native buffer, and the ICMP echo helpers that make a ping through the device answer itself.
 */
abstract class TunTestFixture
{
    static final int IPV4_PROTOCOL_ICMP = 1;
    static final int ICMP_ECHO_REPLY = 0;
    static final int ICMP_ECHO_REQUEST = 8;

    final String suffix = Integer.toString(ThreadLocalRandom.current().nextInt(100_000, 1_000_000));
    final String netns = "xt" + suffix;
    final String deviceName = "xt" + suffix;
    final Pointer buffer = Memory.allocateDirect(LibC.RUNTIME, 2048, true);

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

    /** Gives the device 198.51.100.1/24 and starts {@code count} pings (0.2 s apart) to 198.51.100.2. */
    Process addressAndPing198_51_100_2(final int count) throws Exception
    {
        run("ip", "-n", netns, "addr", "add", "198.51.100.1/24", "dev", deviceName);
        return new ProcessBuilder("ip", "netns", "exec", netns, "ping", "-c", String.valueOf(count), "-i", "0.2", "-W",
            "2", "198.51.100.2").redirectErrorStream(true).start();
    }

    /** No IPv6 in the test's namespace, so the device sends no router solicitations of its own. */
    void disableIpv6() throws Exception
    {
        run("ip", "netns", "exec", netns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1",
            "net.ipv6.conf.default.disable_ipv6=1");
    }

    /** Whether the {@code length} bytes at {@code packet} are an IPv4 ICMP packet to {@code destination}. */
    static boolean isIcmpv4To(final Pointer packet, final int length, final int destination)
    {
        return length >= 28 && (packet.getByte(0) & 0xf0) == 0x40 && packet.getByte(9) == IPV4_PROTOCOL_ICMP &&
            Integer.reverseBytes(packet.getInt(16)) == destination;
    }

    static void assertPingAnswered(final Process ping) throws Exception
    {
        assertTrue(ping.waitFor(5, TimeUnit.SECONDS), "ping did not finish");
        final String output = new String(ping.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, ping.exitValue(), output);
        assertTrue(output.contains("1 received"), output);
    }

    int readEchoRequestThroughRing(final IoUring ring, final int destination)
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

    int readEchoRequestTo(final TunDevice device, final int destination)
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
    void turnIntoEchoReply(final int length)
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

    int checksum(final int offset, final int length)
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

    void putChecksum(final int offset, final int checksum)
    {
        buffer.putByte(offset, (byte)(checksum >> 8));
        buffer.putByte(offset + 1, (byte)checksum);
    }

    static boolean isRoot()
    {
        return "root".equals(System.getProperty("user.name"));
    }

    static String run(final String... argv) throws IOException, InterruptedException
    {
        final Process process = new ProcessBuilder(argv).redirectErrorStream(true).start();
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0)
        {
            throw new AssertionError(String.join(" ", argv) + " failed: " + output);
        }
        return output;
    }

    static int runStatus(final String... argv) throws IOException, InterruptedException
    {
        final Process process = new ProcessBuilder(argv).redirectErrorStream(true).start();
        process.getInputStream().readAllBytes();
        return process.waitFor();
    }

    static void assertEchoRequestTo198_51_100_2(final long address)
    {
        final Pointer packet = Pointer.wrap(LibC.RUNTIME, address);
        assertEquals(0x45, packet.getByte(0) & 0xff);
        assertTrue(isIcmpv4To(packet, 28, 0xc6336402), "ICMP to 198.51.100.2");
        assertEquals(ICMP_ECHO_REQUEST, packet.getByte(20));
    }
}
