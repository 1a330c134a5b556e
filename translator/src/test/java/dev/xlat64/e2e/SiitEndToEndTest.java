package dev.xlat64.e2e;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import static dev.xlat64.e2e.SiitTopology.H4;
import static dev.xlat64.e2e.SiitTopology.H4_AS_IPV6;
import static dev.xlat64.e2e.SiitTopology.H6_AS_IPV4;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Stateless NAT64 end to end: the kernel's own IPv4 and IPv6 stacks and real clients (ping, curl, socat) across the
 * real {@code xlat64 run} on a TUN device, in namespaces this test creates and removes. With io_uring (the default);
 * {@link SiitWithoutIoUringEndToEndTest} runs the same tests with one read(2) and write(2) per packet.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SiitEndToEndTest
{
    private SiitTopology net;

    @BeforeAll
    void up()
    {
        assumeTrue(Netns.requireRoot(), Netns.ROOT_MESSAGE);
        net = SiitTopology.create().startTranslator(translatorArgs());
    }

    /** Flags added to the standard ones of {@link SiitTopology#startTranslator}. */
    String[] translatorArgs()
    {
        return new String[0];
    }

    /** What the start-up line says about the TUN I/O path. */
    String expectedIoPath()
    {
        return "io_uring on (64 buffers per queue),";
    }

    @Test
    void startUpLineSaysWhichIoPathRuns()
    {
        final long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
        while (!net.translatorLog().contains("translating on") && System.nanoTime() < deadline)
        {
            SiitTopology.sleep(100);
        }
        final String log = net.translatorLog();
        assertTrue(log.contains(expectedIoPath()), log);
    }

    @AfterAll
    void down()
    {
        if (net != null)
        {
            net.close();
        }
    }

    @Test
    void pingFromIpv6HostReachesIpv4HostThroughThePrefix()
    {
        final Shell.Result r = net.h6.exec("ping", "-6", "-c", "3", "-i", "0.2", "-W", "2", H4_AS_IPV6);
        assertTrue(r.stdout().contains("3 received"), r.toString());
    }

    @Test
    void pingFromIpv4HostReachesIpv6HostThroughTheEamEntry()
    {
        final Shell.Result r = net.h4.exec("ping", "-c", "3", "-i", "0.2", "-W", "2", H6_AS_IPV4);
        assertTrue(r.stdout().contains("3 received"), r.toString());
    }

    @SuppressWarnings("try") // the resource is a background process kept alive for the body
    @Test
    void tcpFromIpv6ToIpv4()
    {
        try (Shell.Background server = net.h4.start("python3", "-m", "http.server", "8080", "--bind", H4))
        {
            SiitTopology.waitForListener(net.h4, ":8080");
            final Shell.Result r = net.h6.exec("curl", "-sS", "-g", "--max-time", "5", "-o", "/dev/null", "-w",
                "%{http_code}",
                "http://[" + H4_AS_IPV6 + "]:8080/");
            assertEquals("200", r.stdout().trim(), r.toString());
        }
    }

    @SuppressWarnings("try") // the resource is a background process kept alive for the body
    @Test
    void tcpFromIpv4ToIpv6()
    {
        try (Shell.Background server = net.h6.start("python3", "-m", "http.server", "8081", "--bind", "::"))
        {
            SiitTopology.waitForListener(net.h6, ":8081");
            final Shell.Result r = net.h4.exec("curl", "-sS", "--max-time", "5", "-o", "/dev/null", "-w",
                "%{http_code}",
                "http://" + H6_AS_IPV4 + ":8081/");
            assertEquals("200", r.stdout().trim(), r.toString());
        }
    }

    @SuppressWarnings("try") // the resource is a background process kept alive for the body
    @Test
    void udpBothWays()
    {
        try (Shell.Background echo4 = net.h4.start("socat", "UDP4-RECVFROM:5000,fork,reuseaddr", "EXEC:cat");
             Shell.Background echo6 = net.h6.start("socat", "UDP6-RECVFROM:5001,fork,reuseaddr", "EXEC:cat"))
        {
            SiitTopology.sleep(300);
            final Shell.Result from6 = net.h6.exec("sh", "-c",
                "echo datagram-from-h6 | socat -T 3 - UDP6:[" + H4_AS_IPV6 + "]:5000");
            assertEquals("datagram-from-h6", from6.stdout().trim(), from6.toString());
            final Shell.Result from4 = net.h4.exec("sh", "-c",
                "echo datagram-from-h4 | socat -T 3 - UDP4:" + H6_AS_IPV4 + ":5001");
            assertEquals("datagram-from-h4", from4.stdout().trim(), from4.toString());
        }
    }

    @Test
    void packetFromUnmappedSourceIsRefusedAndCounted()
    {
        // Deprecated at once (preferred_lft 0), so the kernel never picks it as the source of other tests' traffic.
        net.h6.ip("-6", "addr", "add", "2001:db8:1::99/64", "dev", "eth0", "nodad", "preferred_lft", "0");
        final long before = net.icmpErrors("ipv6_source_untranslatable");
        final Shell.Result r = net.h6.exec("ping", "-6", "-c", "2", "-i", "0.2", "-W", "1", "-I", "2001:db8:1::99",
            H4_AS_IPV6);
        // RFC 7915 s.5.4: refused with ICMPv6 1/1 (xlat64 has its own IPv6 address), counted with its reason.
        assertTrue(r.stdout().contains("0 received"), r.toString());
        assertTrue(r.stdout().contains("Administratively prohibited"), r.toString());
        assertEquals(before + 2, net.icmpErrors("ipv6_source_untranslatable"));
    }

    @Test
    void countersShowTranslatedTrafficBothWays()
    {
        net.h6.exec("ping", "-6", "-c", "1", "-W", "2", H4_AS_IPV6);
        assertTrue(net.packets("translated_6to4") > 0);
        assertTrue(net.packets("translated_4to6") > 0);
    }
}
