package dev.xlat64.dns64;

import dev.xlat64.config.ConfigFile;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The [dns64] section: defaults from [translator], every error reported at once with file:line: key. */
class Dns64ConfigTest
{
    private static ConfigFile file(final String text)
    {
        return ConfigFile.parse("x.toml", text);
    }

    @Test
    void prefixDefaultsToTheTranslatorsSoTheyCannotDisagree()
    {
        final Dns64Config c = Dns64Config.load(file("[translator]\nprefix = \"2001:db8:64::/96\"\n[dns64]\n" +
            "upstream = [\"127.0.0.1:5300\"]\n"), new Dns64Config.Overrides());
        assertNotNull(c);
        assertEquals("2001:db8:64::/96", c.policy.prefixes().get(0).toString());
        assertEquals(2, c.listen.size());
        assertEquals(1232, c.ednsPayload);
        assertEquals(1000, c.timeoutMs);
        assertEquals(2, c.attempts);
        assertEquals(10000, c.cacheEntries);
        assertEquals(10000, c.maxPending);
        assertEquals(1000, c.maxTcpClients);
        assertEquals(10000, c.tcpIdleTimeoutMs);
    }

    @Test
    void noPrefixAnywhereIsAnError()
    {
        final ConfigFile f = file("[dns64]\nupstream = [\"127.0.0.1:5300\"]\n");
        assertNull(Dns64Config.load(f, new Dns64Config.Overrides()));
        assertEquals(List.of("x.toml:1: dns64: no prefix: set [translator].prefix"), f.errors());
    }

    /** The errors of loading {@code toml}, which must fail, one per line. */
    private static String errors(final String toml)
    {
        final ConfigFile f = file(toml);
        assertNull(Dns64Config.load(f, new Dns64Config.Overrides()));
        return String.join("\n", f.errors());
    }

    @Test
    void allErrorsAtOnceWithLineAndKey()
    {
        final String all = errors("[translator]\nprefix = \"2001:db8:64::/96\"\n[dns64]\n" +
            "listen = [\"127.0.0.1\"]\n" +
            "upstream = [\"[::1]:99999\"]\n" +
            "prefixes = [\"2001:db8::/33\"]\n" +
            "timeout-ms = 0\n" +
            "edns-payload = 100\n" +
            "colour = \"blue\"\n" +
            "[[dns64.mapped]]\nipv4 = \"192.0.2.0/33\"\nsynthesize = false\n");
        assertTrue(all.contains("x.toml:4: dns64.listen:"), all);
        assertTrue(all.contains("x.toml:5: dns64.upstream:"), all);
        assertTrue(all.contains("x.toml:6: dns64.prefixes:"), all);
        assertTrue(all.contains("x.toml:7: dns64.timeout-ms: must be between 10 and 60000, not 0"), all);
        assertTrue(all.contains("x.toml:8: dns64.edns-payload:"), all);
        assertTrue(all.contains("x.toml:9: dns64.colour: unknown key"), all);
        assertTrue(all.contains("x.toml:11: dns64.mapped[0].ipv4:"), all);
    }

    @Test
    void theDefenceKeysAreCheckedWithLineAndKey()
    {
        final String all = errors("[translator]\nprefix = \"2001:db8:64::/96\"\n" +
            "[dns64]\nupstream = [\"127.0.0.1:53\"]\n" +
            "cookie-secret = \"not hex\"\n" +
            "ratelimit-slip = 11\n" +
            "ratelimit-ipv6-prefix = 65\n" +
            "tcp-connection-output-bytes = 1000\n" +
            "cache-bytes = -1\n");
        assertTrue(all.contains("x.toml:5: dns64.cookie-secret: expected 32 hex digits"), all);
        assertTrue(all.contains("x.toml:6: dns64.ratelimit-slip: must be between 0 and 10, not 11"), all);
        assertTrue(all.contains("x.toml:7: dns64.ratelimit-ipv6-prefix:"), all);
        assertTrue(all.contains("x.toml:8: dns64.tcp-connection-output-bytes:"), all);
        assertTrue(all.contains("x.toml:9: dns64.cache-bytes:"), all);
    }

    @Test
    void theDefenceDefaults()
    {
        final Dns64Config c = Dns64Config.load(file("[translator]\nprefix = \"2001:db8:64::/96\"\n[dns64]\n" +
            "upstream = [\"127.0.0.1:53\"]\n"), new Dns64Config.Overrides());
        assertEquals(0, c.abuse.ratelimit, "rate limiting is off by default");
        assertEquals(2, c.abuse.slip);
        assertNotNull(c.abuse.cookieSecret, "cookies on, with a random secret");
        assertEquals(32L << 20, c.cacheBytes);
        assertEquals(256 << 10, c.tcpConnectionOutputBytes);
    }

    @Test
    void mappedEntriesAndFlagsOverride()
    {
        final Dns64Config.Overrides o = new Dns64Config.Overrides();
        o.prefixes = List.of("64:ff9b::/96");
        o.upstream = List.of("[::1]:53");
        final Dns64Config c = Dns64Config.load(file("[translator]\nprefix = \"2001:db8:64::/96\"\n[dns64]\n" +
            "upstream = [\"127.0.0.1:5300\"]\n" +
            "[[dns64.mapped]]\nipv4 = \"192.0.2.0/24\"\nprefix = \"2001:db8:100::/40\"\n" +
            "[[dns64.mapped]]\nipv4 = \"10.0.0.0/8\"\nsynthesize = false\n"), o);
        assertNotNull(c);
        assertEquals("64:ff9b::/96", c.policy.prefixes().get(0).toString());
        assertEquals("[0:0:0:0:0:0:0:1]:53", HostPort.format(c.upstreams.get(0)));
        assertEquals(List.of(), c.policy.synthesisPrefixes(dev.xlat64.addr.Addresses.parse4("10.1.1.1")));
        assertEquals("2001:db8:100::/40",
            c.policy.synthesisPrefixes(dev.xlat64.addr.Addresses.parse4("192.0.2.1")).get(0).toString());
    }

    @Test
    void missingUpstreamIsAnError()
    {
        final ConfigFile f = file("[translator]\nprefix = \"64:ff9b::/96\"\n[dns64]\n");
        assertNull(Dns64Config.load(f, new Dns64Config.Overrides()));
        assertTrue(f.errors().get(0).contains("no upstream"), f.errors().toString());
    }
}
