package dev.xlat64.cli;

import dev.xlat64.addr.Addresses;
import dev.xlat64.addr.Rfc6052Prefix;
import dev.xlat64.config.GatewayConfig;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The translator config a CLAT runs: the PLAT prefix and the one EAM entry built from its addresses (RFC 6877, 7335).
 */
class ClatCommandConfigTest
{
    private static ClatCommand command()
    {
        final ClatCommand c = new ClatCommand();
        c.tun = "clat";
        return c;
    }

    @Test
    void hostIpv4MapsToTheClatAddressAndThePrefixToThePlat()
    {
        final byte[] clat6 = Addresses.parse6("2001:db8:1::c1a7");
        final GatewayConfig.Result r = command().config(Rfc6052Prefix.parse("64:ff9b::/96"), clat6, 1500);
        assertTrue(r.ok(), r.errors.toString());
        assertEquals("64:ff9b::/96", r.config.siit.mapper.prefix().prefix().toString());
        assertEquals(1, r.config.siit.mapper.eamt().entries().size());
        assertEquals("192.0.0.1/32", r.config.siit.mapper.eamt().entries().get(0).ipv4.toString());
        assertEquals("2001:db8:1::c1a7/128", r.config.siit.mapper.eamt().entries().get(0).ipv6.toString());
        assertEquals(Addresses.parse4("192.0.0.2"), r.config.siit.ipv4Address,
            "RFC 7335: the translator's own address");
        assertEquals("clat", r.config.tunName);
        assertEquals(1500, r.config.mtu);
    }

    @Test
    void withoutAPrefixYetOnlyTheEamEntryIsThere()
    {
        final GatewayConfig.Result r = command().config(null, Addresses.parse6("2001:db8:1::c1a7"), 1280);
        assertTrue(r.ok(), r.errors.toString());
        assertNull(r.config.siit.mapper.prefix());
        assertEquals(1, r.config.siit.mapper.eamt().entries().size());
    }

    @Test
    void theIpv4RouteMtuLeavesRoomForTheFragmentHeader()
    {
        // 1500 - 20 (IPv6 header is 20 bytes longer) - 8 (Fragment header, RFC 7915 s.5.1.1) = 1472.
        assertEquals(1472, 1500 - ClatCommand.IPV4_ROUTE_MTU_OVERHEAD);
    }
}
