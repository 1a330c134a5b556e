package dev.xlat64.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class NetnsTest
{
    @BeforeEach
    void needsRoot()
    {
        assumeTrue(Netns.requireRoot(), Netns.ROOT_MESSAGE);
    }

    @Test
    void vethPairCarriesIpv4AndIpv6BothWays()
    {
        final String nameA;
        final String nameB;
        try (Netns a = Netns.create("xta"); Netns b = Netns.create("xtb"))
        {
            nameA = a.name();
            nameB = b.name();
            Netns.veth(a, "veth-a", b, "veth-b");
            a.addr("veth-a", "192.0.2.1/24").addr("veth-a", "2001:db8::1/64");
            b.addr("veth-b", "192.0.2.2/24").addr("veth-b", "2001:db8::2/64");

            assertEquals(0, a.exec("ping", "-c1", "-W2", "192.0.2.2").exitCode());
            assertEquals(0, b.exec("ping", "-c1", "-W2", "192.0.2.1").exitCode());
            final Shell.Result six = a.exec("ping", "-6", "-c1", "-W2", "2001:db8::2");
            assertEquals(0, six.exitCode(), six::toString);
            assertEquals(0, b.exec("ping", "-6", "-c1", "-W2", "2001:db8::1").exitCode());
        }
        final String list = Shell.check("ip", "netns", "list").stdout();
        assertFalse(list.contains(nameA), list);
        assertFalse(list.contains(nameB), list);
    }

    @Test
    void routeAndSysctlApplyInsideTheNamespace()
    {
        try (Netns a = Netns.create("xtr"))
        {
            // Both ends in one namespace: this kernel may lack the dummy driver, veth is always there.
            Netns.veth(a, "xt-r0", a, "xt-r1");
            a.addr("xt-r0", "198.51.100.1/24").route("203.0.113.0/24", "via", "198.51.100.254");
            a.sysctl("net.ipv4.ip_forward", "1");
            assertTrue(a.check("ip", "route", "show", "203.0.113.0/24").stdout().contains("via 198.51.100.254"));
            assertEquals("1", a.check("sysctl", "-n", "net.ipv4.ip_forward").stdout().strip());
        }
    }

    @Test
    void closeKillsWhatIsLeftRunning()
    {
        final Shell.Background sleeper;
        try (Netns a = Netns.create("xtk"))
        {
            sleeper = a.start("sleep", "60");
            assertTrue(sleeper.isAlive());
        }
        assertFalse(sleeper.isAlive());
    }

    @Test
    void checkReportsCommandExitCodeAndStderr()
    {
        final Shell.ShellException ex = assertThrows(Shell.ShellException.class,
            () -> Shell.check("ip", "link", "show", "xt-no-such-link"));
        assertTrue(ex.getMessage().startsWith("ip link show xt-no-such-link failed with exit code 1: "),
            ex.getMessage());
        assertTrue(ex.getMessage().contains("does not exist"), ex.getMessage());
    }

    @Test
    void runKillsACommandThatOutlivesItsTimeout()
    {
        final long start = System.nanoTime();
        assertThrows(Shell.ShellException.class, () -> Shell.run(Duration.ofMillis(300), "sleep", "30"));
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(10).toNanos());
    }
}
