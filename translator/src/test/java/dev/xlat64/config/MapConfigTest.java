package dev.xlat64.config;

import dev.xlat64.map.Mechanism;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** [[mapt.domain]], [[mape.domain]] and [[lw4o6.domain]]: parsed, validated, every error as file:line: key: message. */
class MapConfigTest
{
    private static GatewayConfig.Result load(final String toml)
    {
        return GatewayConfig.from(new Settings().fromFile(ConfigFile.parse("gw.toml", toml)));
    }

    @Test
    void validDomainsOfAllThreeMechanisms(@TempDir final Path dir) throws IOException
    {
        Files.writeString(dir.resolve("b.txt"), "192.0.2.200 0x34/8 2001:db8:1::1\n198.51.100.9 all 2001:db8:1::2\n");
        final Path conf = dir.resolve("gw.toml");
        Files.writeString(conf, String.join("\n",
            "[translator]",
            "prefix = \"64:ff9b::/96\"",
            "[[mapt.domain]]",
            "dmr = \"2001:db8:ffff::/64\"",
            "[[mapt.domain.rule]]",
            "ipv6-prefix = \"2001:db8::/40\"",
            "ipv4-prefix = \"192.0.2.0/25\"",
            "ea-bits = 15",
            "[[mape.domain]]",
            "br = \"2001:db8:fffe::1\"",
            "[[mape.domain.rule]]",
            "ipv6-prefix = \"2001:db8:100::/40\"",
            "ipv4-prefix = \"203.0.113.0/24\"",
            "ea-bits = 16",
            "psid-offset = 4",
            "psid-length = 8",
            "forwarding = false",
            "[[lw4o6.domain]]",
            "br = \"2001:db8:fffd::1\"",
            "binding-table = \"b.txt\"",
            ""));
        final GatewayConfig.Result r = GatewayConfig.from(new Settings().fromFile(ConfigFile.read(conf)));
        assertTrue(r.ok(), r.errors.toString());
        assertEquals(3, r.config.mapDomains.size());
        assertEquals(Mechanism.MAP_T, r.config.mapDomains.get(0).mechanism);
        assertEquals(8, r.config.mapDomains.get(0).rules.rules().get(0).psidLength(), "k = 15 - (32 - 25)");
        assertEquals(4, r.config.mapDomains.get(1).rules.rules().get(0).offset());
        assertEquals(false, r.config.mapDomains.get(1).rules.rules().get(0).forwarding());
        assertEquals(2, r.config.mapDomains.get(2).bindings.size());
        assertEquals(conf + ":4: mapt.domain[1]", r.config.mapDomains.get(0).origin);
    }

    @Test
    void aMapOnlyConfigIsSomethingToTranslate()
    {
        final GatewayConfig.Result r = load(String.join("\n",
            "[[mape.domain]]",
            "br = \"2001:db8:fffe::1\"",
            "[[mape.domain.rule]]",
            "ipv6-prefix = \"2001:db8::/40\"",
            "ipv4-prefix = \"192.0.2.0/24\"",
            "ea-bits = 16"));
        assertTrue(r.ok(), r.errors.toString());
        assertEquals(1, r.config.mapDomains.size());
    }

    @Test
    void errorsNameFileLineAndKey()
    {
        final GatewayConfig.Result r = load(String.join("\n",
            "[translator]",
            "prefix = \"2001:db8::/96\"",
            "[[mapt.domain]]",
            "dmr = \"2001:db8:ffff::/72\"",
            "[[mapt.domain.rule]]",
            "ipv6-prefix = \"2001:db8:100::/40\"",
            "ipv4-prefix = \"192.0.2.0/24\"",
            "ea-bits = 16",
            "psid-length = 7",
            "[[mapt.domain.rule]]",
            "ipv6-prefix = \"2001:db8:200::/40\"",
            "ipv4-prefix = \"192.0.2.0/24\"",
            "ea-bits = 99",
            "colour = \"blue\"",
            "[[mape.domain]]",
            "[[mape.domain.rule]]",
            "ipv6-prefix = \"2001:db8:300::/40\"",
            "ea-bits = 8",
            "[[lw4o6.domain]]",
            "br = \"2001:db8:fffd::1\"",
            "binding-table = \"/nonexistent/b.txt\"",
            "psid-offset = 16"));
        assertEquals(List.of(
            "gw.toml:4: mapt.domain[1].dmr: RFC 6052 section 2.2 allows prefix lengths 32, 40, 48, 56, 64 and 96, "
                + "not 72",
            "gw.toml:6: mapt.domain[1].rule[1]: PSID length 7 contradicts the EA bits: k = o - (32 - r) = 16 - 8 = 8 " +
                "(RFC 7597 s.5.2)",
            "gw.toml:14: mapt.domain[1].rule[2].colour: unknown key (known here: ipv6-prefix, ipv4-prefix, ea-bits, " +
                "psid-offset, psid-length, psid, forwarding)",
            "gw.toml:13: mapt.domain[1].rule[2].ea-bits: must be between 0 and 48, not 99",
            "gw.toml:16: mape.domain[1]: needs br, the BR's IPv6 address (RFC 7597 s.5.4)",
            "gw.toml:17: mape.domain[1].rule[1]: needs ipv6-prefix, ipv4-prefix and ea-bits (RFC 7597 s.5)",
            "gw.toml:22: lw4o6.domain[1].psid-offset: must be between 0 and 15, not 16"), r.errors);
    }

    @Test
    void overlapsWithSiitAndBetweenDomainsAreErrors()
    {
        final GatewayConfig.Result r = load(String.join("\n",
            "[translator]",
            "prefix = \"2001:db8:ff00::/40\"",
            "[[mapt.domain]]",
            "dmr = \"2001:db8:ff00::/64\"",
            "[[mapt.domain.rule]]",
            "ipv6-prefix = \"2001:db8::/40\"",
            "ipv4-prefix = \"192.0.2.0/24\"",
            "ea-bits = 16",
            "[[mape.domain]]",
            "br = \"2001:db8:fffe::1\"",
            "[[mape.domain.rule]]",
            "ipv6-prefix = \"2001:db8:100::/40\"",
            "ipv4-prefix = \"192.0.2.128/25\"",
            "ea-bits = 15"));
        assertEquals(List.of(
            "gw.toml:4: mapt.domain[1]: 2001:db8:ff00::/64 overlaps 2001:db8:ff00::/40 of the RFC 6052 prefix: a " +
                "packet could not tell its mechanism",
            "gw.toml:10: mape.domain[1]: Rule IPv4 prefix 192.0.2.128/25 overlaps 192.0.2.0/24 of gw.toml:4: " +
                "mapt.domain[1]: an IPv4 address would belong to two domains"), r.errors);
    }

    @Test
    void bindingTableErrorsNameTheBindingFile(@TempDir final Path dir) throws IOException
    {
        Files.writeString(dir.resolve("b.txt"),
            "# subscribers\n192.0.2.1 1/2 2001:db8::1\n192.0.2.1 1/2 2001:db8::2\n");
        final Path conf = dir.resolve("gw.toml");
        Files.writeString(conf, "[[lw4o6.domain]]\nbr = \"2001:db8::ffff\"\nbinding-table = \"b.txt\"\n");
        final GatewayConfig.Result r = GatewayConfig.from(new Settings().fromFile(ConfigFile.read(conf)));
        assertEquals(List.of(dir.resolve("b.txt") + ":3: 192.0.2.1 PSID 1/2 is bound at line 2 already"), r.errors);
    }
}
