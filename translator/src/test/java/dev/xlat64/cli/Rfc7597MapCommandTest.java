package dev.xlat64.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code xlat64 map map-t|map-e|lw4o6} end to end through picocli, on the RFC 7597/7599 appendix A examples. */
class Rfc7597MapCommandTest extends CliHarness
{
    private static final String[] RULE =
        {"--rule-ipv6-prefix", "2001:db8::/40", "--rule-ipv4-prefix", "192.0.2.0/24", "--ea-bits", "16"};
    private static final String PORTS_0X34 = "  ports (252 in 63 ranges): 1232-1235, 2256-2259, 3280-3283";

    private static String[] with(final String[] head, final String... tail)
    {
        final String[] all = new String[head.length + tail.length + 2];
        all[0] = "map";
        all[1] = tail[0];
        System.arraycopy(head, 0, all, 2, head.length);
        System.arraycopy(tail, 1, all, 2 + head.length, tail.length - 1);
        return java.util.Arrays.copyOf(all, all.length - 1);
    }

    @Test
    void mapTFromAnEndUserPrefix()
    {
        assertEquals(0,
            run(with(RULE, "map-t", "--dmr", "2001:db8:ffff::/64", "--end-user-prefix", "2001:db8:12:3400::/56")));
        final String[] lines = out.toString().split("\n");
        assertEquals("2001:db8:12:3400::/56 -> IPv4 192.0.2.18, PSID 0x34 (52), 8 bits, offset 6", lines[0]);
        assertTrue(lines[1].startsWith(PORTS_0X34), lines[1]);
        assertTrue(lines[1].endsWith(", 63696-63699, 64720-64723"), lines[1]);
        assertEquals("  MAP address: 2001:db8:12:3400:0:c000:212:34", lines[2]);
    }

    @Test
    void mapTBrDirectionAndTheDmr()
    {
        // RFC 7599 appendix A example 2: 10.2.3.4 -> 2001:db8:ffff:0:a:203:400:0; 192.0.2.18:1232 -> the CE
        assertEquals(0, run(with(RULE, "map-t", "--dmr", "2001:db8:ffff::/64", "--ipv4-port", "192.0.2.18:1232",
            "--outside-ipv4", "10.2.3.4")));
        final String[] lines = out.toString().split("\n");
        assertEquals("192.0.2.18:1232 (End-user prefix 2001:db8:12:3400::/56) -> IPv4 192.0.2.18, PSID 0x34 (52), " +
            "8 bits, offset 6", lines[0]);
        assertEquals("  MAP address: 2001:db8:12:3400:0:c000:212:34", lines[2]);
        assertEquals("10.2.3.4 -> 2001:db8:ffff:0:a:203:400:0 (DMR)", lines[3]);
    }

    @Test
    void mapTDhcpv6ContainerAndOption159()
    {
        assertEquals(0, run(with(RULE, "map-t", "--dmr", "2001:db8:ffff::/64", "--dhcpv6-option", "--dhcpv4-option",
            "--ipv4-port", "192.0.2.18:1232")));
        assertTrue(out.toString().contains("  DHCPv4 OPTION_V4_PORTPARAMS (RFC 7618): 9f0406083400\n"), out.toString());
        assertTrue(out.toString().endsWith("OPTION_S46_CONT_MAPT: 005f001e" + "0059000d011018c00002002820010db800" +
            "005b00094020010db8ffff0000\n"), out.toString());
    }

    @Test
    void mapEReverseOfASystemPortIsNotInAnySet()
    {
        assertEquals(1, run(with(RULE, "map-e", "--ipv4-port", "192.0.2.18:80")));
        assertEquals("192.0.2.18:80 -> (port 80 is in no port set: A = 0 is excluded with offset 6, ports 0-1023, " +
            "RFC 7597 s.5.1)\n", out.toString());
    }

    @Test
    void mapEOutsideTheRuleExitsOne()
    {
        assertEquals(1, run(with(RULE, "map-e", "--end-user-prefix", "2001:db9::/56")));
        assertEquals("2001:db9::/56 -> (outside the Rule IPv6 prefix 2001:db8::/40)\n", out.toString());
    }

    @Test
    void mapEDhcpv6Container()
    {
        assertEquals(0, run(with(RULE, "map-e", "--br", "2001:db8:ffff::1", "--dhcpv6-option")));
        assertEquals("OPTION_S46_CONT_MAPE: 005e0025" + "0059000d011018c00002002820010db800" +
            "005a001020010db8ffff00000000000000000001\n", out.toString());
    }

    @Test
    void badRuleIsAUsageError()
    {
        assertEquals(2, run("map", "map-e", "--rule-ipv6-prefix", "2001:db8::/40", "--rule-ipv4-prefix", "192.0.2.0/24",
            "--ea-bits", "16", "--psid-length", "7", "--end-user-prefix", "2001:db8:12:3400::/56"));
        assertTrue(err.toString().contains("k = o - (32 - r) = 16 - 8 = 8"), err.toString());
        assertEquals(2, run("map", "map-e", "--rule-ipv6-prefix", "2001:db8::/40"));
        assertEquals(2, run(with(RULE, "map-t", "--outside-ipv4", "10.2.3.4")));
        assertTrue(err.toString().contains("need --dmr"), err.toString());
    }

    @Test
    void lw4o6BindingCalculator()
    {
        assertEquals(0, run("map", "lw4o6", "--ipv4", "192.0.2.1", "--ports", "0x34/8", "--binding-prefix",
            "2001:db8:12:3400::/56", "--br", "2001:db8:ffff::1", "--dhcpv6-option", "--dhcpv4-option"));
        assertEquals(String.join("\n",
            "192.0.2.1 PSID 0x34 (52), 8 bits, offset 0",
            "  ports (256 in 1 ranges): 13312-13567",
            "  B4 address: 2001:db8:12:3400:0:c000:201:34",
            "OPTION_S46_CONT_LW: 0060002c" + "005c0014c00002013820010db8001234" + "005d000400083400" +
                "005a001020010db8ffff00000000000000000001",
            "DHCPv4 OPTION_V4_PORTPARAMS (RFC 7618): 9f0400083400", ""), out.toString());
    }

    @Test
    void lw4o6BindingTableLookups(@TempDir final Path dir) throws IOException
    {
        final Path table = dir.resolve("b.txt");
        Files.writeString(table, "192.0.2.1 4096-8191 2001:db8::1\n192.0.2.1 8192-12287 2001:db8::2\n");
        assertEquals(1, run("map", "lw4o6", "--binding-table", table.toString(), "--lookup", "192.0.2.1:9000",
            "--lookup", "192.0.2.1:80"));
        final String[] lines = out.toString().split("\n");
        assertTrue(lines[0].startsWith(table + ": 2 bindings, OK"), lines[0]);
        assertEquals("192.0.2.1:9000 -> 2001:db8::2 (PSID 2/4 offset 0)", lines[1]);
        assertEquals("192.0.2.1:80 -> (no binding: the lwAFTR drops it, RFC 7596 s.6.2)", lines[2]);
    }

    @Test
    void lw4o6BadBindingTableExitsTwoWithFileLine(@TempDir final Path dir) throws IOException
    {
        final Path table = dir.resolve("b.txt");
        Files.writeString(table, "192.0.2.1 all 2001:db8::1\n192.0.2.1 1/1 2001:db8::2\n");
        assertEquals(2, run("map", "lw4o6", "--binding-table", table.toString()));
        assertEquals(table + ":2: 192.0.2.1 is bound at line 1 already; a full address (all ports) cannot share it\n",
            err.toString());
    }

    @Test
    void checkConfigReportsMapDomainsThatRunServes(@TempDir final Path dir) throws IOException
    {
        final Path conf = dir.resolve("gw.toml");
        Files.writeString(conf, String.join("\n", "[[mape.domain]]", "br = \"2001:db8:fffe::1\"",
            "[[mape.domain.rule]]", "ipv6-prefix = \"2001:db8::/40\"", "ipv4-prefix = \"192.0.2.0/24\"", "ea-bits = 16",
            ""));
        assertEquals(0, run("check-config", conf.toString()));
        assertTrue(out.toString().contains(conf + ":2: mape.domain[1]: map-e: 1 rule(s), BR 2001:db8:fffe::1 " +
            "(validated; run serves it as a BR, docs/map.md)"), out.toString());
    }
}
