package dev.xlat64.dns64;

import dev.xlat64.addr.Rfc6052Prefix;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The client ACL: loopback always, configured networks, nobody else (never an open resolver by default). */
class PolicyTest
{
    private static Policy policy(final List<String> allow)
    {
        return new Policy(List.of(Rfc6052Prefix.parse("64:ff9b::/96")), List.of(), List.of(), allow);
    }

    @Test
    void defaultAdmitsOnlyLoopback() throws Exception
    {
        final Policy p = policy(List.of());
        assertTrue(p.admits(InetAddress.getByName("127.0.0.1")));
        assertTrue(p.admits(InetAddress.getByName("127.9.9.9")));
        assertTrue(p.admits(InetAddress.getByName("::1")));
        assertFalse(p.admits(InetAddress.getByName("192.0.2.1")));
        assertFalse(p.admits(InetAddress.getByName("2001:db8::1")));
        assertFalse(p.admits(InetAddress.getByName("::2")));
    }

    @Test
    void configuredClientPrefixesAreAdmitted() throws Exception
    {
        final Policy p = policy(List.of("2001:db8:1::/48", "198.51.100.0/24"));
        assertTrue(p.admits(InetAddress.getByName("2001:db8:1:ffff::1")));
        assertTrue(p.admits(InetAddress.getByName("198.51.100.7")));
        assertFalse(p.admits(InetAddress.getByName("2001:db8:2::1")));
        assertFalse(p.admits(InetAddress.getByName("198.51.101.7")));
    }

    /** The batch path's form (address bytes as the socket gives them), with an IPv4-mapped sender judged as IPv4. */
    @Test
    void rawAddressBytesAreJudgedAsTheirInetAddress() throws Exception
    {
        final Policy p = policy(List.of("2001:db8:1::/48", "198.51.100.0/24"));
        final byte[] mappedIn = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte)0xff, (byte)0xff, (byte)198, 51, 100, 7};
        final byte[] mappedOut = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte)0xff, (byte)0xff, (byte)198, 51, 101, 7};
        final byte[] mappedLoopback = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte)0xff, (byte)0xff, 127, 0, 0, 1};
        assertTrue(p.admits(mappedIn, 16));
        assertFalse(p.admits(mappedOut, 16));
        assertTrue(p.admits(mappedLoopback, 16));
        assertTrue(p.admits(InetAddress.getByAddress(mappedIn)), "the JDK makes it 198.51.100.7");
        for (final String a : List.of("127.0.0.1", "::1", "2001:db8:1:ffff::1", "198.51.100.7", "2001:db8:2::1",
            "198.51.101.7", "::2", "192.0.2.1"))
        {
            final byte[] bytes = InetAddress.getByName(a).getAddress();
            assertEquals(p.admits(InetAddress.getByName(a)), p.admits(bytes, bytes.length), a);
        }
        assertFalse(p.admits(new byte[16], 5), "neither IPv4 nor IPv6");
    }

    @Test
    void refusedClientsGetRefusedWithoutAskingUpstream() throws Exception
    {
        // Tests use loopback only, so the non-loopback client is a Resolver.Client with a made-up address.
        final dev.xlat64.config.ConfigFile file = dev.xlat64.config.ConfigFile.parse("t.toml",
            "[translator]\nprefix = \"64:ff9b::/96\"\n[dns64]\nupstream = [\"127.0.0.1:9\"]\n");
        final Dns64Config config = Dns64Config.load(file, new Dns64Config.Overrides());
        final Dns64Metrics metrics = new Dns64Metrics(new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
        final EventLoop loop = new EventLoop("test", () -> { });
        final Resolver resolver = new Resolver(config, new Cache(10),
            new Upstreams(loop, config.upstreams, 100, 1, metrics), metrics);
        final byte[][] sent = new byte[1][];
        resolver.handle(TestRecords.query("www.example.", org.xbill.DNS.Type.AAAA).toWire(), new Resolver.Client()
        {
            @Override
            public InetAddress address()
            {
                try
                {
                    return InetAddress.getByName("192.0.2.1");
                }
                catch (final java.net.UnknownHostException ex)
                {
                    throw new IllegalStateException(ex);
                }
            }

            @Override
            public boolean tcp()
            {
                return false;
            }

            @Override
            public void send(final byte[] wire, final boolean close)
            {
                sent[0] = wire;
            }

            @Override
            public void drop(final boolean close)
            {
            }
        });
        org.junit.jupiter.api.Assertions.assertEquals(org.xbill.DNS.Rcode.REFUSED,
            new org.xbill.DNS.Message(sent[0]).getRcode());
        org.junit.jupiter.api.Assertions.assertEquals(1, metrics.refused.count());
        loop.close();
    }
}
