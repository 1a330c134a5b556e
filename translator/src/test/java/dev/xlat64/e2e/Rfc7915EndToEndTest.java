package dev.xlat64.e2e;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static dev.xlat64.e2e.SiitTopology.H4;
import static dev.xlat64.e2e.SiitTopology.H4_AS_IPV6;
import static dev.xlat64.e2e.SiitTopology.H6_AS_IPV4;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * RFC 7915 beyond the common case, end to end with the kernel's stacks: Time Exceeded from the translator itself
 * (traceroute), ICMP errors translated (fast connect failures), path MTU discovery through the translator across a
 * 1280-byte IPv6 link, and fragmented UDP both ways.
 */
class Rfc7915EndToEndTest
{
    private static final String ECHO_SERVER = String.join("\n",
        "import socket, sys",
        "fam = socket.AF_INET6 if ':' in sys.argv[1] else socket.AF_INET",
        "s = socket.socket(fam, socket.SOCK_DGRAM)",
        "s.bind((sys.argv[1], int(sys.argv[2])))",
        "while True:",
        "    d, a = s.recvfrom(65535)",
        "    s.sendto(d, a)");
    private static final String ECHO_CLIENT = String.join("\n",
        "import socket, sys, os",
        "fam = socket.AF_INET6 if ':' in sys.argv[1] else socket.AF_INET",
        "s = socket.socket(fam, socket.SOCK_DGRAM)",
        "s.settimeout(3)",
        "data = os.urandom(int(sys.argv[3]))",
        "s.sendto(data, (sys.argv[1], int(sys.argv[2])))",
        "r, _ = s.recvfrom(65535)",
        "print('intact' if r == data else 'corrupt %d' % len(r))");

    private SiitTopology net;

    @BeforeEach
    void root()
    {
        assumeTrue(Netns.requireRoot(), Netns.ROOT_MESSAGE);
    }

    @AfterEach
    void down()
    {
        if (net != null)
        {
            net.close();
        }
    }

    private SiitTopology plain()
    {
        net = SiitTopology.create();
        noIcmpRateLimits(net.h6, net.gw, net.h4);
        return net.startTranslator("--icmp-pool4", "203.0.113.64/26");
    }

    private static void noIcmpRateLimits(final Netns... namespaces)
    {
        for (final Netns ns : namespaces)
        {
            ns.sysctl("net.ipv4.icmp_ratelimit", "0").sysctl("net.ipv6.icmp.ratelimit", "0");
        }
    }

    @Test
    void tracerouteFromIpv6ShowsTheTranslatorAsAHop()
    {
        plain();
        final Shell.Result r = net.h6.exec("traceroute", "-6", "-n", "-q", "1", "-w", "1", "-N", "1", "-m", "6",
            H4_AS_IPV6);
        // hop 1: gw's kernel; hop 2: xlat64 itself (--ipv6-addr); hop 3: gw's IPv4 side, translated; hop 4: h4.
        assertTrue(r.stdout().contains(" 2001:db8:ffff::1 "), r.toString());
        assertTrue(r.stdout().contains(" 2001:db8:64::c633:6401 "), r.toString());
        assertTrue(r.stdout().contains(" " + H4_AS_IPV6 + " "), r.toString());
    }

    @Test
    void tracerouteFromIpv4ShowsTheTranslatorAsAHop()
    {
        plain();
        final Shell.Result r = net.h4.exec("traceroute", "-n", "-q", "1", "-w", "1", "-N", "1", "-m", "6", H6_AS_IPV4);
        // hop 2 is xlat64 (--ipv4-addr); hop 3, gw's IPv6 side, has no IPv4 form: its error comes from the RFC 6791
        // pool.
        assertTrue(r.stdout().contains(" 203.0.113.1 "), r.toString());
        assertTrue(r.stdout().matches("(?s).* 3 +203\\.0\\.113\\.(6[4-9]|[7-9][0-9]|1[01][0-9]|12[0-7]) .*"),
            r.toString());
        assertTrue(r.stdout().contains(" " + H6_AS_IPV4 + " "), r.toString());
    }

    @Test
    void closedTcpPortFailsFast()
    {
        plain();
        final long start = System.nanoTime();
        final Shell.Result r = net.h6.exec("curl", "-sS", "-g", "--max-time", "5", "http://[" + H4_AS_IPV6 + "]:9/");
        final long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(7, r.exitCode(), r.toString());
        assertTrue(millis < 1000, "connect() took " + millis + " ms");
    }

    @Test
    void unreachableIpv4HostFailsFast()
    {
        plain();
        net.gw.ip("route", "add", "unreachable", "203.0.113.99/32");
        final long start = System.nanoTime();
        final Shell.Result r = net.h6.exec("curl", "-sS", "-g", "--max-time", "5", "http://[2001:db8:64::cb00:7163]/");
        final long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(7, r.exitCode(), r.toString());
        assertTrue(millis < 1000, "connect() took " + millis + " ms: " + r);
    }

    @SuppressWarnings("try") // the resource is a background process kept alive for the body
    @Test
    void megabyteTcpTransfersBothWaysAcrossA1280ByteIpv6Link()
    {
        net = SiitTopology.createWithIpv6Router(1280);
        noIcmpRateLimits(net.h6, net.r6, net.gw, net.h4);
        net.startTranslator();
        for (final Netns ns : new Netns[] {net.h6, net.h4})
        {
            ns.check("sh", "-c",
                "mkdir -p /tmp/" + ns.name() + " && head -c 1048576 /dev/urandom > /tmp/" + ns.name() + "/1m");
        }
        try (Shell.Background s6 = net.h6.start("python3", "-m", "http.server", "8086", "--bind", "::", "--directory",
                 "/tmp/" + net.h6.name());
             Shell.Background s4 = net.h4.start("python3", "-m", "http.server", "8084", "--bind", H4, "--directory",
                 "/tmp/" + net.h4.name()))
        {
            SiitTopology.waitForListener(net.h6, ":8086");
            SiitTopology.waitForListener(net.h4, ":8084");
            final Shell.Result to6 = Shell.run(Duration.ofSeconds(40), "ip", "netns", "exec", net.h6.name(), "curl",
                "-sS",
                "-g", "--max-time", "30", "-o", "/dev/null", "-w", "%{size_download}",
                    "http://[" + H4_AS_IPV6 + "]:8084/1m");
            assertEquals("1048576", to6.stdout().trim(), to6.toString());
            final Shell.Result to4 = Shell.run(Duration.ofSeconds(40), "ip", "netns", "exec", net.h4.name(), "curl",
                "-sS",
                "--max-time", "30", "-o", "/dev/null", "-w", "%{size_download}", "http://" + H6_AS_IPV4 + ":8086/1m");
            assertEquals("1048576", to4.stdout().trim(), to4.toString());
        }
        finally
        {
            Shell.run("rm", "-rf", "/tmp/" + net.h6.name(), "/tmp/" + net.h4.name());
        }
    }

    @SuppressWarnings("try") // the resource is a background process kept alive for the body
    @Test
    void largeUdpDatagramsFragmentedOnEitherSideArriveIntact()
    {
        plain();
        try (Shell.Background e4 = net.h4.start("python3", "-c", ECHO_SERVER, H4, "7004");
             Shell.Background e6 = net.h6.start("python3", "-c", ECHO_SERVER, "::", "7006"))
        {
            SiitTopology.sleep(500);
            for (final int size : new int[] {1400, 3000, 8000})
            {
                final Shell.Result from6 = net.h6.exec("python3", "-c", ECHO_CLIENT, H4_AS_IPV6, "7004",
                    String.valueOf(size));
                assertEquals("intact", from6.stdout().trim(), size + " bytes from h6: " + from6);
                final Shell.Result from4 = net.h4.exec("python3", "-c", ECHO_CLIENT, H6_AS_IPV4, "7006",
                    String.valueOf(size));
                assertEquals("intact", from4.stdout().trim(), size + " bytes from h4: " + from4);
            }
        }
    }
}
