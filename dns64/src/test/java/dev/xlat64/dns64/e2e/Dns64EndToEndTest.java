package dev.xlat64.dns64.e2e;

import dev.xlat64.config.ConfigFile;
import dev.xlat64.dns64.Dns64Config;
import dev.xlat64.dns64.Server;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * xlat64's DNS64 in front of a real unbound, queried with dig and kdig over UDP and TCP, IPv4 and IPv6 loopback.
 * Needs the Debian packages unbound, dnsutils and knot-dnsutils; it fails (never skips) without them.
 */
class Dns64EndToEndTest
{
    private static final String ZONE = Unbound.TEST_ZONE_HEAD + String.join("\n",
        "a-only 900 IN A 192.0.2.1",
        "a-only2 IN A 192.0.2.2",
        "a-only3 IN A 192.0.2.3",
        "both IN A 192.0.2.4",
        "both IN AAAA 2001:db8::4",
        "mapped IN A 192.0.2.5",
        "mapped IN AAAA ::ffff:192.0.2.5",
        "www IN CNAME cdn",
        "cdn IN CNAME a-only",
        "") + many();
    private static final String REVERSE = String.join("\n",
        "$ORIGIN 2.0.192.in-addr.arpa.",
        "$TTL 300",
        "@ IN SOA ns.test.example. admin.test.example. 1 3600 600 86400 120",
        "@ IN NS ns.test.example.",
        "1 IN PTR a-only.test.example.",
        "");

    @TempDir
    static Path dir;
    static Unbound unbound;
    static Server dns64;
    static String port;

    private static String many()
    {
        final StringBuilder b = new StringBuilder();
        for (int i = 1; i <= 60; i++)
        {
            b.append("many IN A 198.51.100.").append(i).append('\n');
        }
        return b.toString();
    }

    @BeforeAll
    static void start() throws Exception
    {
        // unbound serves 2.0.192.in-addr.arpa (TEST-NET-1) as an empty default zone unless told otherwise.
        unbound = new Unbound(dir, "  local-zone: \"2.0.192.in-addr.arpa.\" nodefault\n", "test.example.", ZONE,
            "2.0.192.in-addr.arpa.", REVERSE);
        final ConfigFile file = ConfigFile.parse("e2e.toml", "[translator]\nprefix = \"2001:db8:64::/96\"\n[dns64]\n" +
            "listen = [\"127.0.0.1:0\"]\nupstream = [\"" + unbound.address() + "\"]\ntimeout-ms = 300\nattempts = 2\n");
        final Dns64Config config = Dns64Config.load(file, new Dns64Config.Overrides());
        dns64 = Server.start(config, new SimpleMeterRegistry());
        port = String.valueOf(dns64.udpAddresses().get(0).getPort());
    }

    @AfterAll
    static void stop() throws Exception
    {
        if (dns64 != null)
        {
            dns64.close();
        }
        if (unbound != null)
        {
            unbound.close();
        }
    }

    private static String dig(final String... args) throws Exception
    {
        final String[] cmd = new String[args.length + 5];
        cmd[0] = "dig";
        cmd[1] = "@127.0.0.1";
        cmd[2] = "-p";
        cmd[3] = port;
        cmd[4] = "+time=3";
        System.arraycopy(args, 0, cmd, 5, args.length);
        return Tools.run(cmd);
    }

    private static String kdig(final String... args) throws Exception
    {
        final String[] cmd = new String[args.length + 4];
        cmd[0] = "kdig";
        cmd[1] = "@127.0.0.1";
        cmd[2] = "-p";
        cmd[3] = port;
        System.arraycopy(args, 0, cmd, 4, args.length);
        return Tools.run(cmd);
    }

    @Test
    void aOnlyNameIsSynthesizedOverUdpAndTcp() throws Exception
    {
        assertEquals("2001:db8:64::c000:201\n", dig("a-only.test.example.", "AAAA", "+short"));
        assertEquals("2001:db8:64::c000:201\n", kdig("+tcp", "a-only.test.example.", "AAAA", "+short"));
        assertEquals("2001:db8:64::c000:201\n", dig("+tcp", "a-only.test.example.", "AAAA", "+short"));
        assertEquals("2001:db8:64::c000:201\n", kdig("+notcp", "a-only.test.example.", "AAAA", "+short"));
        final String full = dig("a-only.test.example.", "AAAA");
        // TTL = min(A TTL 900, SOA negative TTL min(3600, 120)) = 120 (RFC 6147 section 5.1.7).
        assertTrue(full.matches("(?s).*a-only\\.test\\.example\\.\\s+1[0-2]\\d\\s+IN\\s+AAAA\\s+" +
            "2001:db8:64::c000:201.*"), full);
        assertTrue(!full.contains(" ad;") && full.contains("flags: qr rd ra;"), full);
    }

    @Test
    void realAaaaIsPassedThrough() throws Exception
    {
        assertEquals("2001:db8::4\n", dig("both.test.example.", "AAAA", "+short"));
    }

    @Test
    void mappedOnlyAaaaIsExcludedAndSynthesized() throws Exception
    {
        assertEquals("2001:db8:64::c000:205\n", kdig("mapped.test.example.", "AAAA", "+short"));
    }

    @Test
    void cnameChainToAnAOnlyName() throws Exception
    {
        final String out = dig("www.test.example.", "AAAA", "+noall", "+answer");
        final List<String> lines = out.lines().map(l -> l.replaceAll("\\s+", " ")).toList();
        assertEquals(3, lines.size(), out);
        assertTrue(lines.get(0).startsWith("www.test.example. ") && lines.get(0).endsWith("CNAME cdn.test.example."),
            out);
        assertTrue(lines.get(1).endsWith("CNAME a-only.test.example."), out);
        assertTrue(lines.get(2).startsWith("a-only.test.example. ") &&
            lines.get(2).endsWith("AAAA 2001:db8:64::c000:201"), out);
    }

    @Test
    void tooManyForUdpSetsTcAndTcpGetsEverything() throws Exception
    {
        final String udp = dig("many.test.example.", "AAAA", "+ignore", "+bufsize=1232");
        assertTrue(udp.contains("flags: qr tc rd ra;"), udp);
        final String retried = dig("many.test.example.", "AAAA", "+short");
        assertEquals(60, retried.lines().count(), retried);
        final String tcp = kdig("+tcp", "many.test.example.", "AAAA", "+short");
        assertEquals(60, tcp.lines().count(), tcp);
        assertTrue(tcp.contains("2001:db8:64::c633:6403\n"), tcp);
    }

    @Test
    void nxdomainIsReturned() throws Exception
    {
        assertTrue(dig("nothing.test.example.", "AAAA").contains("status: NXDOMAIN"));
        assertTrue(kdig("+tcp", "nothing.test.example.", "AAAA").contains("status: NXDOMAIN"));
    }

    @Test
    void ptrUnderThePrefixIsACnameToInAddrArpa() throws Exception
    {
        final String out = dig("-x", "2001:db8:64::c000:201", "+noall", "+answer").replaceAll("[ \t]+", " ");
        assertTrue(out.contains("IN CNAME 1.2.0.192.in-addr.arpa."), out);
        assertTrue(out.contains("1.2.0.192.in-addr.arpa. 300 IN PTR a-only.test.example."), out);
    }

    @Test
    void ipv4onlyArpaIsAnsweredLocally() throws Exception
    {
        assertEquals("2001:db8:64::c000:aa\n2001:db8:64::c000:ab\n", kdig("ipv4only.arpa.", "AAAA", "+short"));
        assertEquals("192.0.0.170\n192.0.0.171\n", dig("ipv4only.arpa.", "A", "+short"));
    }

    @Test
    void unknownEdnsVersionIsBadvers() throws Exception
    {
        final String out = dig("a-only.test.example.", "AAAA", "+edns=1", "+noednsneg");
        assertTrue(out.contains("status: BADVERS"), out);
    }

    @Test
    void silentUpstreamGivesServfailQuicklyAndRecovers() throws Exception
    {
        unbound.pause(true);
        try
        {
            final long start = System.nanoTime();
            final String out = dig("a-only2.test.example.", "AAAA", "+tries=1", "+time=5");
            assertTrue(out.contains("status: SERVFAIL"), out);
            // AAAA 2 x 300 ms, then A 2 x 300 ms: well inside dig's 5 s.
            assertTrue(System.nanoTime() - start < 3_000_000_000L);
        }
        finally
        {
            unbound.pause(false);
        }
        assertEquals("2001:db8:64::c000:202\n", dig("a-only2.test.example.", "AAAA", "+short"));
    }
}
