package dev.xlat64.config;

import dev.xlat64.dataplane.Idle;
import dev.xlat64.config.Settings.Key;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Config file and flags: values, overrides, and errors that name file, line and key, all at once. */
class GatewayConfigTest
{
    private static GatewayConfig.Result load(final String toml, final Settings flags)
    {
        return GatewayConfig.from(flags.fromFile(ConfigFile.parse("gw.toml", toml)));
    }

    @Test
    void readsEveryTableOfTheFile()
    {
        final GatewayConfig.Result r = load(String.join("\n",
            "[tun]",
            "name = \"nat64\"",
            "queues = 2",
            "idle = \"busy-spin\"",
            "[translator]",
            "prefix = \"64:ff9b::/96\"",
            "eam = [\"192.0.2.1=2001:db8:aaaa::\"]",
            "ipv4-addr = \"203.0.113.1\"",
            "lowest-ipv6-mtu = 1400",
            "udp-zero-checksum = \"drop\"",
            "[metrics]",
            "listen = \"127.0.0.1:9100\""), new Settings());

        assertTrue(r.ok(), r.errors.toString());
        assertEquals("nat64", r.config.tunName);
        assertEquals(2, r.config.queues);
        assertEquals(Idle.BUSY_SPIN, r.config.idle);
        assertEquals("64:ff9b::/96", r.config.siit.mapper.prefix().toString());
        assertEquals(1, r.config.siit.mapper.eamt().entries().size());
        assertEquals(1400, r.config.siit.lowestIpv6Mtu);
        assertEquals(9100, r.config.metrics.getPort());
    }

    @Test
    void theTunMtuReachesTheDataPlaneOnlyWhenGivenSoAnExistingDeviceKeepsItsOwn()
    {
        final GatewayConfig.Result unset = load("[translator]\nprefix = \"64:ff9b::/96\"\n", new Settings());
        assertTrue(unset.ok(), unset.errors.toString());
        assertEquals(0, unset.config.tunSettings().mtu(), "0: the device's own MTU (1500 for a new one)");

        final GatewayConfig.Result set = load("[tun]\nmtu = 1400\n[translator]\nprefix = \"64:ff9b::/96\"\n",
            new Settings());
        assertTrue(set.ok(), set.errors.toString());
        assertEquals(1400, set.config.tunSettings().mtu());
    }

    @Test
    void flagsOverrideTheFile()
    {
        final Settings flags = new Settings();
        final GatewayConfig.Result r = GatewayConfig.from(flags.fromFile(ConfigFile.parse("gw.toml",
            "[translator]\nprefix = \"64:ff9b::/96\"\n[tun]\nqueues = 2\n"))
            .flag(Key.PREFIX, "2001:db8:64::/96").flag(Key.TUN_QUEUES, "1"));

        assertTrue(r.ok(), r.errors.toString());
        assertEquals("2001:db8:64::/96", r.config.siit.mapper.prefix().toString());
        assertEquals(1, r.config.queues);
    }

    @Test
    void everyErrorNamesFileLineAndKey()
    {
        final GatewayConfig.Result r = load(String.join("\n",
            "[tun]",
            "queues = 0",
            "[translator]",
            "prefix = \"2001:db8::/80\"",
            "eam = [\"192.0.2.0/24=2001:db8::/124\"]",
            "lowest-ipv6-mtu = \"big\"",
            "typo-key = 1"), new Settings());

        assertNull(r.config);
        final String all = String.join("\n", r.errors);
        assertTrue(all.contains("gw.toml:2: tun.queues: must be between 1 and 64, not 0"), all);
        assertTrue(all.contains("gw.toml:4: translator.prefix: RFC 6052 section 2.2 allows prefix lengths"), all);
        assertTrue(all.contains("gw.toml:5: translator.eam: EAM 192.0.2.0/24 = 2001:db8::/124"), all);
        assertTrue(all.contains("gw.toml:6: translator.lowest-ipv6-mtu: 'big' is not a whole number"), all);
        assertTrue(all.contains("gw.toml:7: translator.typo-key: unknown key"), all);
    }

    @Test
    void syntaxErrorsNameTheLine()
    {
        final GatewayConfig.Result r = load("[translator]\nprefix = \n", new Settings());
        assertTrue(r.errors.get(0).startsWith("gw.toml:2: syntax:"), r.errors.toString());
    }

    @Test
    void flagErrorsNameTheFlag()
    {
        final GatewayConfig.Result r = GatewayConfig.from(new Settings().flag(Key.PREFIX, "64:ff9b::/96")
            .flag(Key.TUN_IDLE, "nap"));
        assertEquals(List.of("--idle: 'nap' is not one of busy-spin, backoff, sleep"), r.errors);
    }

    @Test
    void somethingToTranslateIsRequired()
    {
        final GatewayConfig.Result r = GatewayConfig.from(new Settings());
        assertTrue(r.errors.get(0).startsWith("nothing to translate"), r.errors.toString());
    }

    @Test
    void iviPrefixSelectsTheIviFormat()
    {
        final GatewayConfig.Result r = GatewayConfig.from(new Settings().flag(Key.IVI_PREFIX, "2001:da8::/32"));
        assertTrue(r.ok(), r.errors.toString());
        final org.agrona.concurrent.UnsafeBuffer b = new org.agrona.concurrent.UnsafeBuffer(new byte[16]);
        r.config.siit.mapper.toIpv6(dev.xlat64.addr.Addresses.parse4("202.38.108.2"), b, 0);
        assertEquals("2001:da8:ffca:266c:200::", dev.xlat64.addr.Addresses.format6(b.byteArray()));
    }

    @Test
    void iviAndRfc6052PrefixesExcludeEachOther()
    {
        final GatewayConfig.Result r = GatewayConfig.from(new Settings().flag(Key.IVI_PREFIX, "2001:da8::/32")
            .flag(Key.PREFIX, "64:ff9b::/96"));
        assertTrue(r.errors.toString().contains("--ivi-prefix: give either"), r.errors.toString());
    }
}
