package dev.xlat64.service;

import dev.xlat64.config.GatewayConfig;
import dev.xlat64.config.Settings;
import dev.xlat64.config.Settings.Key;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The routes a config needs into its TUN device (EAM sides depend on the host's routes: see ServiceEndToEndTest). */
class RouteManagerTest
{
    private static GatewayConfig config(final Settings s)
    {
        final GatewayConfig.Result r = GatewayConfig.from(s);
        assertTrue(r.ok(), r.errors.toString());
        return r.config;
    }

    @Test
    void prefixOwnAddressesAndPoolsAreRouted()
    {
        final GatewayConfig c = config(new Settings().flag(Key.PREFIX, "2001:db8:64::/96")
            .flag(Key.IPV4_ADDR, "192.0.2.1").flag(Key.IPV6_ADDR, "2001:db8:ffff::1")
            .flag(Key.ICMP_POOL4, "192.0.2.240/28").flag(Key.ICMP_POOL6, "2001:db8:ff::/120"));
        assertEquals(List.of("2001:db8:64::/96", "2001:db8:ffff::1/128", "2001:db8:ff::/120", "192.0.2.1/32",
            "192.0.2.240/28"), new RouteManager("xlat64").routesFor(c.siit));
    }

    @Test
    void aSixRdBorderRelayRoutesItsPrefixAndBrAddress()
    {
        final GatewayConfig c = config(new Settings().flag(Key.SIXRD_PREFIX, "2001:db8::/32")
            .flag(Key.SIXRD_IPV4_PREFIX, "0.0.0.0/0").flag(Key.SIXRD_BR, "203.0.113.1"));
        final List<String> routes = new RouteManager("xlat64").routesFor(c.siit);
        assertTrue(routes.contains("2001:db8::/32"), routes.toString());
        assertTrue(routes.contains("203.0.113.1/32"), routes.toString());
    }
}
