package dev.xlat64.cli;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@code xlat64 map 6rd} prints RFC 5969 delegated prefixes and option 212; {@code xlat64 map ADDR} still works. */
class Rfc5969MapCommandTest extends CliHarness
{
    @Test
    void delegatedPrefixOfACe()
    {
        assertEquals(0, run("map", "6rd", "--6rd-prefix", "2a01:79c::/30", "--6rd-ipv4-prefix", "0.0.0.0/0",
            "--ce-ipv4", "81.167.4.214"));
        assertEquals("81.167.4.214 -> 2a01:79d:469c:1358::/62\n", out.toString());
    }

    @Test
    void dhcpOption212InHex()
    {
        assertEquals(0, run("map", "6rd", "--6rd-prefix", "2001:db8::/32", "--6rd-ipv4-prefix", "10.0.0.0/8",
            "--6rd-br", "10.0.0.1", "--dhcp-option"));
        assertEquals("d416082020010db80000000000000000000000000a000001\n", out.toString());
    }

    @Test
    void ceOfAnIpv6Address()
    {
        assertEquals(0, run("map", "6rd", "--6rd-prefix", "2001:db8::/32", "--6rd-ipv4-prefix", "10.0.0.0/8",
            "2001:db8:64c8:200::"));
        assertEquals("2001:db8:64c8:200:: -> 10.100.200.2\n", out.toString());
    }

    @Test
    void existingSiitUsageStillWorks()
    {
        assertEquals(0, run("map", "--prefix", "2001:db8::/32", "192.0.2.33"));
        assertEquals("192.0.2.33 -> 2001:db8:c000:221::\n", out.toString());
    }

    @Test
    void delegatedPrefixTooLongIsAUsageError()
    {
        assertEquals(2, run("map", "6rd", "--6rd-prefix", "2001:db8::/33", "--ce-ipv4", "192.0.2.1"));
    }
}
