package dev.xlat64.clat;

import dev.xlat64.e2e.Netns;
import dev.xlat64.e2e.Shell;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.xlat64.clat.ClatTopology.SERVER;
import static dev.xlat64.clat.ClatTopology.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code xlat64 clat} on an IPv6-only host (RFC 6877), with real clients: the prefix comes from the router's PREF64
 * option (RFC 8781, crafted RAs: Debian's radvd 2.19 predates nat64prefix), ping, curl and socat reach an IPv4 server
 * through the CLAT and an xlat64 PLAT; a new PREF64 moves the CLAT without a restart; lifetime 0 takes the IPv4
 * default route away; stop leaves nothing behind; a native IPv4 default route is left alone.
 */
class ClatEndToEndTest
{
    private static final Pattern CLAT_ADDRESS = Pattern.compile("CLAT IPv6 (2001:db8:1:[0-9a-f:]+) ");

    @Test
    void hostGetsIpv4ThroughDiscoveredPrefixAndLeavesNothingBehind() throws Exception
    {
        assumeTrue(Netns.requireRoot(), Netns.ROOT_MESSAGE);
        try (ClatTopology net = new ClatTopology())
        {
            final Netns host = net.host;
            final String forwarding = host.check("sysctl", "-n", "net.ipv6.conf.all.forwarding").stdout().strip();
            final String acceptRa = host.check("sysctl", "-n", "net.ipv6.conf.h0.accept_ra").stdout().strip();
            net.advertise(ClatTopology.PREFIX_A, 600);
            final Shell.Background clat = host.start(ClatTopology.xlat64("clat", "--metrics", "127.0.0.1:9464"));
            waitFor(Duration.ofSeconds(40), () -> "the CLAT to use the advertised prefix\n" + clat.errors(), () ->
                clat.errors().contains("PLAT prefix " + ClatTopology.PREFIX_A + " (PREF64")
                    && clat.errors().contains("via clat"));
            final Matcher m = CLAT_ADDRESS.matcher(clat.errors());
            assertTrue(m.find(), clat.errors());
            final String clatIpv6 = m.group(1);
            net.startPlat(ClatTopology.PREFIX_A, clatIpv6);

            // RFC 6877: IPv4-only clients on the IPv6-only host reach the IPv4 server.
            final Shell.Result ping = host.exec("ping", "-c", "3", "-i", "0.2", "-W", "2", SERVER);
            assertTrue(ping.ok() && ping.stdout().contains(" 0% packet loss"), ping + "\n" + clat.errors());
            final Shell.Result curl = host.exec("curl", "-s", "-m", "10", "http://" + SERVER + "/");
            assertEquals("hello from the IPv4 server\n", curl.stdout(), curl.toString());
            final Shell.Result udp =
                host.exec("sh", "-c", "echo udp-through-clat | socat -t 3 - UDP4:" + SERVER + ":7777");
            assertEquals("udp-through-clat\n", udp.stdout(), udp.toString());
            final Shell.Result stats = host.exec(ClatTopology.xlat64("stats", "127.0.0.1:9464"));
            assertTrue(stats.ok() && stats.stdout().contains("translated"), stats.toString());

            // RFC 8781: a new prefix in the RA moves the CLAT without a restart.
            net.advertise(ClatTopology.PREFIX_B, 600);
            waitFor(Duration.ofSeconds(20), () -> "the CLAT to move to " + ClatTopology.PREFIX_B + "\n" + clat.errors(),
                () -> clat.errors().contains("PLAT prefix " + ClatTopology.PREFIX_B + " (PREF64"));
            net.startPlat(ClatTopology.PREFIX_B, clatIpv6);
            final Shell.Result moved = host.exec("ping", "-c", "3", "-i", "0.2", "-W", "2", SERVER);
            assertTrue(moved.ok() && moved.stdout().contains(" 0% packet loss"), moved + "\n" + clat.errors());

            // RFC 8781 section 4: lifetime 0 withdraws the prefix: no IPv4 default route any more.
            net.advertise(ClatTopology.PREFIX_B, 0);
            waitFor(Duration.ofSeconds(20), () -> "the IPv4 default route to go\n" + clat.errors(), () ->
                host.exec("ip", "-4", "route", "show", "default").stdout().isBlank());
            assertTrue(clat.isAlive(), clat.errors());

            // Stop (SIGTERM): no device, route, address, proxy entry or sysctl change left behind.
            clat.stop();
            assertFalse(host.exec("ip", "link", "show", "clat").ok(), "the TUN device is gone");
            assertEquals("", host.exec("ip", "-4", "route", "show").stdout().strip());
            assertFalse(host.exec("ip", "-6", "route", "show").stdout().contains(clatIpv6),
                "no route to the CLAT address");
            assertEquals("", host.exec("ip", "-6", "neigh", "show", "proxy").stdout().strip(), "no proxy ND entry");
            assertFalse(host.exec("ip", "addr").stdout().contains(clatIpv6), "no CLAT address on any device");
            assertEquals(forwarding, host.check("sysctl", "-n", "net.ipv6.conf.all.forwarding").stdout().strip());
            assertEquals(acceptRa, host.check("sysctl", "-n", "net.ipv6.conf.h0.accept_ra").stdout().strip());

            // With a native IPv4 default route the CLAT adds none (and leaves the native one alone).
            net.advertise(ClatTopology.PREFIX_A, 600);
            host.addr("h0", "203.0.113.2/24").route("default", "via", "203.0.113.1");
            final Shell.Background again = host.start(ClatTopology.xlat64("clat", "--uplink", "h0"));
            waitFor(Duration.ofSeconds(40),
                () -> "the CLAT to start beside a native IPv4 default route\n" + again.errors(),
                () -> again.errors().contains("PLAT prefix " + ClatTopology.PREFIX_A)
                    && again.errors().contains("native, left alone"));
            assertEquals("default via 203.0.113.1 dev h0",
                host.exec("ip", "-4", "route", "show", "default").stdout().strip());
            again.stop();
            assertEquals("default via 203.0.113.1 dev h0",
                host.exec("ip", "-4", "route", "show", "default").stdout().strip());
        }
    }
}
