package dev.xlat64.dataplane;

import dev.xlat64.addr.AddressMapper;
import dev.xlat64.addr.Eamt;
import dev.xlat64.addr.Rfc6052Prefix;
import dev.xlat64.e2e.Netns;
import dev.xlat64.core.TranslatorConfig;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Attaching to a TUN device that exists (ip tuntap add ...) keeps its MTU unless one is asked for (issue #21): the
 * device keeps 9000, and the engine's next-hop MTU is the device's, not a default of 1500.
 */
class AttachKeepsMtuTest
{
    private static final TranslatorConfig SIIT = TranslatorConfig.builder(
        new AddressMapper(Rfc6052Prefix.parse("64:ff9b::/96"), Eamt.EMPTY, true)).build();

    @Test
    void anExistingDeviceKeepsItsMtuWhenNoneIsGiven() throws Exception
    {
        assumeTrue(Netns.requireRoot(), Netns.ROOT_MESSAGE);
        try (Netns ns = Netns.create("xmtu"))
        {
            ns.check("ip", "tuntap", "add", "dev", "xt0", "mode", "tun");
            ns.check("ip", "link", "set", "xt0", "mtu", "9000");
            try (DataPlane plane =
                DataPlane.start(new TunSettings("xt0", 1, 0, Idle.SLEEP, false, false), SIIT, ns.name()))
            {
                assertEquals(9000, plane.tun().mtu());
                assertEquals(9000, plane.current().tunMtu);
            }
        }
    }

    @Test
    void aGivenMtuIsSetOnTheExistingDevice() throws Exception
    {
        assumeTrue(Netns.requireRoot(), Netns.ROOT_MESSAGE);
        try (Netns ns = Netns.create("xmtu"))
        {
            ns.check("ip", "tuntap", "add", "dev", "xt0", "mode", "tun");
            ns.check("ip", "link", "set", "xt0", "mtu", "9000");
            try (DataPlane plane = DataPlane.start(new TunSettings("xt0", 1, 1400, Idle.SLEEP, false, false), SIIT,
                ns.name()))
            {
                assertEquals(1400, plane.tun().mtu());
                assertEquals(1400, plane.current().tunMtu);
            }
        }
    }
}
