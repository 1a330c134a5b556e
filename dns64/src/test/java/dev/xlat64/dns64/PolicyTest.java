package dev.xlat64.dns64;

import dev.xlat64.addr.Rfc6052Prefix;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.List;

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

    @Test
    void refusedClientsGetRefused() throws Exception
    {
        // A loopback-only ACL cannot be tested from a non-loopback source here; see Dns64EndToEndTest for REFUSED.
        assertFalse(policy(List.of("10.0.0.0/8")).admits(InetAddress.getByName("11.0.0.1")));
    }
}
