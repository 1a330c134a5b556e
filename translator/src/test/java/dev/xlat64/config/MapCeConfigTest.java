package dev.xlat64.config;

import dev.xlat64.addr.Addresses;
import dev.xlat64.map.MapDomain;
import dev.xlat64.map.Mechanism;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** CE mode's [map-ce] table: parsed after the BR domains, every error as file:line: key: message. */
class MapCeConfigTest
{
    private static final String RULE = String.join("\n", "[[map-ce.rule]]", "ipv6-prefix = \"2001:db8::/40\"",
        "ipv4-prefix = \"192.0.2.0/24\"", "ea-bits = 16", "");

    private static GatewayConfig.Result load(final String toml)
    {
        return GatewayConfig.from(new Settings().fromFile(ConfigFile.parse("ce.toml", toml)));
    }

    @Test
    void aMapTCeComesAfterTheBrDomains()
    {
        final GatewayConfig.Result r = load(String.join("\n", "[[mape.domain]]", "br = \"2001:db8:fffe::1\"",
            "[[mape.domain.rule]]", "ipv6-prefix = \"2001:db8:100::/40\"", "ipv4-prefix = \"203.0.113.0/24\"",
            "ea-bits = 16", "[map-ce]", "mechanism = \"map-t\"", "end-user-prefix = \"2001:db8:12:3400::/56\"",
            "dmr = \"2001:db8:ffff::/64\"", RULE));
        assertTrue(r.ok(), r.errors.toString());
        final List<MapDomain> d = r.config.mapDomains;
        assertEquals(2, d.size());
        assertEquals(null, d.get(0).endUserPrefix);
        assertEquals(Mechanism.MAP_T, d.get(1).mechanism);
        assertEquals("2001:db8:12:3400::/56", d.get(1).endUserPrefix.toString());
        assertEquals("ce.toml:8: map-ce", d.get(1).origin, "the line of its first key, as for BR domains");
        assertEquals("map-t CE of 2001:db8:12:3400::/56: 1 rule(s), DMR 2001:db8:ffff::/64", d.get(1).summary());
    }

    @Test
    void ceModeOriginatesItsIcmpv4ErrorsFromTheDummyAddressUnlessTheTranslatorHasOne()
    {
        // The CE's one IPv4 address is shared and is the errors' destination: RFC 7600's 192.0.0.8 instead.
        final String ce = String.join("\n", "[map-ce]", "mechanism = \"map-t\"",
            "end-user-prefix = \"2001:db8:12:3400::/56\"", "dmr = \"2001:db8:ffff::/64\"", RULE);
        final GatewayConfig.Result dummy = load(ce);
        assertTrue(dummy.ok(), dummy.errors.toString());
        assertEquals(Addresses.parse4("192.0.0.8"), dummy.config.siit.ipv4Address);
        final GatewayConfig.Result own = load("[translator]\nipv4-addr = \"198.51.100.1\"\n" + ce);
        assertTrue(own.ok(), own.errors.toString());
        assertEquals(Addresses.parse4("198.51.100.1"), own.config.siit.ipv4Address);
        // A BR (or plain SIIT) without translator.ipv4-addr keeps having none: its errors are not sent.
        final GatewayConfig.Result br = load("[translator]\nprefix = \"64:ff9b::/96\"\n");
        assertTrue(br.ok(), br.errors.toString());
        assertEquals(0, br.config.siit.ipv4Address);
    }

    @Test
    void aMapECeNeedsItsBr()
    {
        final GatewayConfig.Result ok = load(String.join("\n", "[map-ce]", "mechanism = \"map-e\"",
            "end-user-prefix = \"2001:db8:12:3400::/56\"", "br = \"2001:db8:ffff::1\"", RULE));
        assertTrue(ok.ok(), ok.errors.toString());
        final GatewayConfig.Result bad = load(String.join("\n", "[map-ce]", "mechanism = \"map-e\"",
            "end-user-prefix = \"2001:db8:12:3400::/56\"", "dmr = \"2001:db8:ffff::/64\"", RULE));
        assertEquals(List.of(
            "ce.toml:2: map-ce: a MAP-E CE needs br, the BR's IPv6 address (RFC 7597 s.5.4), and no dmr"),
            bad.errors);
    }

    @Test
    void badKeysAndValuesAreReportedWithTheirLines()
    {
        final GatewayConfig.Result r = load(String.join("\n", "[map-ce]", "mechanism = \"map-x\"",
            "end-user-prefix = \"2001:db8:12:3400::/56\"", "dmr = \"2001:db8:ffff::/64\"", "colour = 1", RULE));
        assertEquals(List.of(
            "ce.toml:5: map-ce.colour: unknown key (known here: mechanism, end-user-prefix, dmr, br, rule)",
            "ce.toml:2: map-ce.mechanism: 'map-x': expected \"map-t\" or \"map-e\""), r.errors);
    }

    @Test
    void theEndUserPrefixMustHaveABmrAndAllItsEaBits()
    {
        final GatewayConfig.Result outside = load(String.join("\n", "[map-ce]", "mechanism = \"map-t\"",
            "end-user-prefix = \"2001:db8:ff00::/56\"", "dmr = \"2001:db8:ffff::/64\"", RULE));
        assertEquals(List.of("ce.toml:3: map-ce.end-user-prefix: 2001:db8:ff00::/56 is under no rule's IPv6 prefix: "
            + "no Basic Mapping Rule (RFC 7597 s.5)"), outside.errors);
        final GatewayConfig.Result shorter = load(String.join("\n", "[map-ce]", "mechanism = \"map-t\"",
            "end-user-prefix = \"2001:db8:12::/48\"", "dmr = \"2001:db8:ffff::/64\"", RULE));
        assertEquals(List.of("ce.toml:3: map-ce.end-user-prefix: 2001:db8:12::/48 is shorter than the BMR's "
            + "n + o = /56: the EA bits are not all in it (RFC 7597 s.5.2)"), shorter.errors);
    }
}
