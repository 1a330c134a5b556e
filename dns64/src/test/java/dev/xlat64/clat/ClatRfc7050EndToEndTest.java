package dev.xlat64.clat;

import dev.xlat64.e2e.Netns;
import dev.xlat64.e2e.Shell;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.xlat64.clat.ClatTopology.SERVER;
import static dev.xlat64.clat.ClatTopology.waitFor;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code xlat64 clat} finds the PLAT prefix by RFC 7050 alone: no PREF64 in the RAs, the host's resolver
 * ({@code /etc/netns/HOST/resolv.conf}, which {@code ip netns exec} mounts over /etc/resolv.conf) is xlat64's own
 * DNS64 on the router, which answers ipv4only.arpa with 2001:db8:64::192.0.0.170/171. Lives in the dns64 module
 * because that is where {@code xlat64 dns64} is; the topology is the translator's ({@link ClatTopology}).
 */
class ClatRfc7050EndToEndTest
{
    private static final Pattern CLAT_ADDRESS = Pattern.compile("CLAT IPv6 (2001:db8:1:[0-9a-f:]+) ");

    @Test
    void prefixFromIpv4onlyArpaThroughXlat64Dns64() throws Exception
    {
        assumeTrue(Netns.requireRoot(), Netns.ROOT_MESSAGE);
        try (ClatTopology net = new ClatTopology())
        {
            final Path etc = Path.of("/etc/netns", net.host.name());
            Files.createDirectories(etc);
            try
            {
                Files.writeString(etc.resolve("resolv.conf"),
                    "nameserver 2001:db8:1::1\noptions timeout:1 attempts:2\n");
                final Shell.Background dns64 = net.router.start(ClatTopology.xlat64("dns64", "--listen",
                    "[2001:db8:1::1]:53",
                    "--prefix", ClatTopology.PREFIX_A, "--allow-client", "2001:db8:1::/64", "--upstream", "[::1]:9"));
                waitFor(Duration.ofSeconds(30), () -> "the DNS64 to answer\n" + dns64.errors(), () ->
                    net.host.exec("getent", "ahostsv6", "ipv4only.arpa").stdout().contains("2001:db8:64::c000:aa"));
                final Shell.Background clat = net.host.start(ClatTopology.xlat64("clat", "--recheck", "5"));
                waitFor(Duration.ofSeconds(40), () -> "the CLAT to use the RFC 7050 prefix\n" + clat.errors(), () ->
                    clat.errors().contains("PLAT prefix " + ClatTopology.PREFIX_A +
                        " (AAAA of ipv4only.arpa, RFC 7050)")
                        && clat.errors().contains("via clat"));
                final Matcher m = CLAT_ADDRESS.matcher(clat.errors());
                assertTrue(m.find(), clat.errors());
                net.startPlat(ClatTopology.PREFIX_A, m.group(1));
                final Shell.Result ping = net.host.exec("ping", "-c", "3", "-i", "0.2", "-W", "2", SERVER);
                assertTrue(ping.ok() && ping.stdout().contains(" 0% packet loss"), ping + "\n" + clat.errors());
                clat.stop();
            }
            finally
            {
                Files.deleteIfExists(etc.resolve("resolv.conf"));
                Files.deleteIfExists(etc);
            }
        }
    }
}
