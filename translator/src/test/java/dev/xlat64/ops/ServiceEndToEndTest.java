package dev.xlat64.ops;

import dev.xlat64.e2e.Netns;
import dev.xlat64.e2e.Shell;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.file.Files;
import java.nio.file.Path;

import static dev.xlat64.ops.OpsTopology.H4;
import static dev.xlat64.ops.OpsTopology.H4_AS_IPV6;
import static dev.xlat64.ops.OpsTopology.H6;
import static dev.xlat64.ops.OpsTopology.H6_AS_IPV4;
import static dev.xlat64.ops.OpsTopology.PREFIX;
import static dev.xlat64.ops.OpsTopology.TUN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * xlat64 run as a service, end to end in namespaces: systemd notifications, routes it manages itself, the pidfile,
 * {@code xlat64 stats}, {@code xlat64 reload} (good and bad files, and no packet lost across reloads under load), and
 * a clean stop that takes its routes along.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ServiceEndToEndTest
{
    private Path dir;
    private OpsTopology net;

    @BeforeAll
    void up() throws Exception
    {
        assumeTrue(Netns.requireRoot(), Netns.ROOT_MESSAGE);
        dir = Files.createTempDirectory("xlat64-ops-");
        net = OpsTopology.create(dir).start();
    }

    @AfterAll
    void down()
    {
        if (net != null)
        {
            net.close();
        }
        if (dir != null)
        {
            Shell.run("rm", "-rf", dir.toString());
        }
    }

    @Test
    @Order(1)
    void readyIsNotifiedWithStatusAndPidfileIsWritten() throws Exception
    {
        final String ready = net.notify.awaitLine("READY=1", 1000);
        assertTrue(ready.contains("STATUS=translating on " + TUN), ready);
        final long pid = Long.parseLong(Files.readString(net.pidfile).strip());
        assertTrue(ready.contains("MAINPID=" + pid), ready);
    }

    @Test
    @Order(1)
    void watchdogIsPingedWhileTheQueuesRun()
    {
        final long before = net.notify.messages().stream().filter("WATCHDOG=1"::equals).count();
        OpsTopology.sleep(2500);
        final long after = net.notify.messages().stream().filter("WATCHDOG=1"::equals).count();
        assertTrue(after - before >= 2, "WATCHDOG=1 pings in 2.5 s with WATCHDOG_USEC=2000000: " + (after - before));
    }

    @Test
    @Order(2)
    void routesTheMappingNeedsAreAddedSoTrafficFlowsWithoutIpCommands()
    {
        final String v6 = net.gw.check("ip", "-6", "route", "show", "dev", TUN).stdout();
        assertTrue(v6.contains(PREFIX), v6);
        assertTrue(v6.contains("2001:db8:ffff::1"), v6);
        final String v4 = net.gw.check("ip", "-4", "route", "show", "dev", TUN).stdout();
        assertTrue(v4.contains(H6_AS_IPV4), "the EAM's IPv4 side (its IPv6 side is on to-h6): " + v4);
        assertTrue(v4.contains("203.0.113.1"), v4);
        assertFalse(v6.contains(H6), "the EAM's IPv6 side is a real host on to-h6, never routed into the TUN: " + v6);

        final Shell.Result from6 = net.h6.exec("ping", "-6", "-c", "2", "-i", "0.2", "-W", "2", H4_AS_IPV6);
        assertTrue(from6.stdout().contains("2 received"), from6.toString());
        final Shell.Result from4 = net.h4.exec("ping", "-c", "2", "-i", "0.2", "-W", "2", H6_AS_IPV4);
        assertTrue(from4.stdout().contains("2 received"), from4.toString());
    }

    @Test
    @Order(3)
    void statsShowsOutcomesWithTheirMeaning()
    {
        net.h6.exec("ping", "-6", "-c", "3", "-i", "0.2", "-W", "2", H4_AS_IPV6);
        final Shell.Result r = net.xlat64("stats");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.stdout().matches(
            "(?s).*\ntranslated_6to4 +[0-9]+ +[0-9]+ +IPv6 packet translated to IPv4 \\(RFC 7915 s.5\\).*"),
            r.stdout());
        assertTrue(r.stdout().contains("xlat64_config_reloads_total{result=\"ok\"}"), r.stdout());

        final Shell.Result perQueue = net.xlat64("stats", "--per-queue", "127.0.0.1:9464");
        assertTrue(perQueue.stdout().matches("(?s).*\ntranslated_4to6 +0 +[0-9]+ .*"), perQueue.stdout());
    }

    @SuppressWarnings("try") // the resource is a background process kept alive for the body
    @Test
    @Order(4)
    void statsWatchShowsPacketsPerSecond()
    {
        try (Shell.Background ping = net.h6.start("ping", "-6", "-i", "0.05", "-W", "1", H4_AS_IPV6))
        {
            final Shell.Result r = net.xlat64("stats", "--watch", "1", "--count", "2");
            assertEquals(0, r.exitCode(), r.toString());
            assertTrue(r.stdout().contains("rates over the last"), r.stdout());
            // about 20 echo requests per second go 6->4
            assertTrue(r.stdout().matches("(?s).*\ntranslated_6to4 +[0-9]+ +[0-9]+ +(1[0-9]|2[0-9])\\.[0-9] .*"),
                r.stdout());
        }
    }

    @Test
    @Order(5)
    void badConfigIsRejectedOnReloadAndTheOldOneKeepsTranslating()
    {
        final double rejectedBefore = net.metric("xlat64_config_reloads_total", "result=\"rejected\"");
        net.writeConfig("prefix2 = \"nonsense\"\neam = [\"192.0.2.2=2001:db8:1::2\"]");
        try
        {
            final Shell.Result r = net.xlat64("reload", "--pidfile", net.pidfile.toString());
            assertEquals(2, r.exitCode(), r.toString());
            assertTrue(r.stderr().contains("rejected"), r.toString());
            assertTrue(r.stderr().contains(net.config + ":8: translator.prefix2: unknown key"), "the reason: " + r);
            assertEquals(rejectedBefore + 1, net.metric("xlat64_config_reloads_total", "result=\"rejected\""));
            assertTrue(net.log().contains("reload rejected, the running config stays"), net.log());
            assertTrue(net.log().contains("translator.prefix2: unknown key"), net.log());
            final Shell.Result ping = net.h6.exec("ping", "-6", "-c", "2", "-i", "0.2", "-W", "2", H4_AS_IPV6);
            assertTrue(ping.stdout().contains("2 received"), ping.toString());
            assertTrue(net.running());
        }
        finally
        {
            net.writeConfig("");
        }
    }

    @Test
    @Order(6)
    void reloadAddsAndRemovesRoutesAndNotifiesSystemd()
    {
        net.writeConfig("eam = [\"192.0.2.2=2001:db8:1::2\", \"192.0.2.3=2001:db8:1::3\"]");
        final Shell.Result r = net.xlat64("reload", "--pidfile", net.pidfile.toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(net.gw.check("ip", "-4", "route", "show", "dev", TUN).stdout().contains("192.0.2.3"));
        net.notify.awaitLine("RELOADING=1", 2000);
        net.writeConfig("");
        assertEquals(0, net.xlat64("reload", "--pidfile", net.pidfile.toString()).exitCode());
        assertFalse(net.gw.check("ip", "-4", "route", "show", "dev", TUN).stdout().contains("192.0.2.3"));
    }

    @Test
    @Order(7)
    void noPacketIsLostAcrossReloadsUnderSteadyLoad() throws Exception
    {
        floodWhileReloading(20_000, 20, 5, false,
            "eam = [\"192.0.2.2=2001:db8:1::2\", \"192.0.2.9=2001:db8:1::9\"]", "");
    }

    @Test
    @Order(8)
    void noPacketIsLostAcrossReloadsOfAMillionEntryEamFile() throws Exception
    {
        // issue 20: a table of 1,000,001 entries is built beside the running one and swapped in; the flood goes on.
        final Path big = dir.resolve("million.eam");
        final StringBuilder text = new StringBuilder(48 << 20);
        text.append("# 1,000,000 entries, generated by the test\n");
        for (int i = 0; i < 1_000_000; i++)
        {
            final int a = 0x0A000000 + i;
            text.append(a >>> 24).append('.').append((a >>> 16) & 0xFF).append('.').append((a >>> 8) & 0xFF).append('.')
                .append(a & 0xFF).append("=2001:db8:100::").append(Integer.toHexString(i >>> 16)).append(':')
                .append(Integer.toHexString(i & 0xFFFF)).append('\n');
        }
        Files.writeString(big, text);
        floodWhileReloading(60_000, 6, 2, true,
            "eam = [\"" + H6_AS_IPV4 + "=" + H6 + "\"]\neam-file = \"" + big + "\"", "");
    }

    /**
     * Sends {@code datagrams} from h6 to h4 while the config alternates between {@code configs} (by SIGHUP, once by
     * {@code xlat64 reload}); every datagram must arrive and nothing be dropped. {@code oneAtATime}: each reload is
     * awaited (its ok counter) before the next, for reloads that take seconds.
     */
    private void floodWhileReloading(final int datagrams, final int maxReloads, final int minReloads,
        final boolean oneAtATime, final String... configs) throws Exception
    {
        final double droppedBefore = net.metric("xlat64_packets_total", "kind=\"dropped\"");
        final double okBefore = net.metric("xlat64_config_reloads_total", "result=\"ok\"");
        try (Shell.Background receiver = net.h4.start("python3", "-c", String.join("\n",
            "import socket",
            "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)",
            "s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)",
            "s.bind(('" + H4 + "', 6000))",
            "print('bound', flush=True)",
            "seen = set()",
            "s.settimeout(30)",
            "try:",
            "    while True:",
            "        d = s.recv(2048)",
            "        if d == b'end': break",
            "        seen.add(int(d))",
            "        s.settimeout(5)",
            "except socket.timeout:",
            "    pass",
            "print('received', len(seen), flush=True)")))
        {
            waitFor(receiver, "bound");
            final Shell.Background sender = net.h6.start("python3", "-c", String.join("\n",
                "import socket, time",
                "s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)",
                "for i in range(" + datagrams + "):",
                "    s.sendto(str(i).encode(), ('" + H4_AS_IPV6 + "', 6000))",
                "    if i % 40 == 39: time.sleep(0.01)",
                "time.sleep(0.5)",
                "s.sendto(b'end', ('" + H4_AS_IPV6 + "', 6000))",
                "print('sent', " + datagrams + ", flush=True)"));
            int reloads = 0;
            while (sender.isAlive() && reloads < maxReloads)
            {
                OpsTopology.sleep(300);
                // Alternate between the files, by SIGHUP and by `xlat64 reload`, while the flood runs.
                net.writeConfig(configs[reloads % configs.length]);
                if (reloads != 3)
                {
                    Shell.check("kill", "-HUP", Files.readString(net.pidfile).strip());
                }
                else
                {
                    assertEquals(0, net.xlat64("reload", "--pidfile", net.pidfile.toString()).exitCode());
                }
                reloads++;
                for (int i = 0; oneAtATime && i < 600 &&
                    net.metric("xlat64_config_reloads_total", "result=\"ok\"") < okBefore + reloads; i++)
                {
                    OpsTopology.sleep(100);
                }
            }
            final Shell.Result sent = sender.waitFor(OpsTopology.seconds(120));
            assertTrue(sent.stdout().contains("sent " + datagrams), sent.toString());
            final Shell.Result received = receiver.waitFor(OpsTopology.seconds(120));
            // On a loss, say where: xlat64's drop counter, and the TUN device's own drops (a queue that overflowed
            // while the translator did not read it) or h4's UDP receive errors.
            final String where = "; dropped by xlat64: " + (net.metric("xlat64_packets_total", "kind=\"dropped\"") -
                droppedBefore) + "; " + net.gw.exec("ip", "-s", "link", "show", TUN).stdout() +
                net.h4.exec("nstat", "-az", "UdpRcvbufErrors", "UdpInErrors").stdout();
            assertEquals("received " + datagrams, received.stdout().lines().filter(l -> l.startsWith("received"))
                .findFirst().orElse(received.toString()), where);
            assertTrue(reloads >= minReloads, "only " + reloads + " reloads happened during the flood");
            // SIGHUP is asynchronous: give the last one a moment to be counted.
            for (int i = 0; i < 600 && net.metric("xlat64_config_reloads_total",
                "result=\"ok\"") < okBefore + reloads; i++)
            {
                OpsTopology.sleep(100);
            }
            assertEquals(okBefore + reloads, net.metric("xlat64_config_reloads_total", "result=\"ok\""));
            assertEquals(droppedBefore, net.metric("xlat64_packets_total", "kind=\"dropped\""));
        }
        finally
        {
            net.writeConfig("");
        }
    }

    @Test
    @Order(100)
    void stopRemovesRoutesAndPidfileAndNotifiesStopping()
    {
        final Shell.Result r = net.stop();
        assertTrue(r.stdout().contains("translated_6to4"), "the summary: " + r);
        net.notify.awaitLine("STOPPING=1", 5000);
        assertFalse(Files.exists(net.pidfile));
        assertTrue(net.gw.check("ip", "link", "show", TUN).ok(), "the persistent TUN device stays");
        // What is left is the kernel's own link-local route, not one of ours.
        assertEquals("", net.gw.check("ip", "-6", "route", "show", "dev",
            TUN).stdout().replaceAll("fe80::/64 proto kernel.*", "").strip());
        assertEquals("", net.gw.check("ip", "-4", "route", "show", "dev", TUN).stdout().strip());
    }

    private static void waitFor(final Shell.Background process, final String text)
    {
        for (int i = 0; i < 100 && !process.output().contains(text); i++)
        {
            OpsTopology.sleep(100);
        }
        assertTrue(process.output().contains(text), process.output() + process.errors());
    }
}
