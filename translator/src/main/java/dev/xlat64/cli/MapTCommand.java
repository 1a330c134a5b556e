package dev.xlat64.cli;

import dev.xlat64.addr.Addresses;
import dev.xlat64.addr.Rfc6052Prefix;
import dev.xlat64.map.DhcpOptions;
import dev.xlat64.map.MapRule;
import dev.xlat64.map.Mechanism;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code xlat64 map map-t}: a MAP-T rule's arithmetic (RFC 7599 s.5-6), the DMR, and the DHCPv6 S46 options. */
@Command(
    name = "map-t",
    mixinStandardHelpOptions = true,
    description = {
        "MAP-T calculator (RFC 7599, rules of RFC 7597 s.5): from a rule and a CE's End-user IPv6 prefix, its IPv4 "
            + "address, PSID, port ranges and MAP IPv6 address (the interface ID carries the full IPv4 address); from "
            + "IPV4:PORT, the CE it belongs to; an outside IPv4 address through the DMR; the DHCPv6 options.",
        "Example (RFC 7599 appendix A): xlat64 map map-t --rule-ipv6-prefix 2001:db8::/40 --rule-ipv4-prefix "
            + "192.0.2.0/24 --ea-bits 16 --dmr 2001:db8:ffff::/64 --end-user-prefix 2001:db8:12:3400::/56",
        "  2001:db8:12:3400::/56 -> IPv4 192.0.2.18, PSID 0x34 (52), 8 bits, offset 6",
        "    ports (252 in 63 ranges): 1232-1235, 2256-2259, ..., 64720-64723",
        "    MAP address: 2001:db8:12:3400:0:c000:212:34"},
    footer = {"", "Exit codes: 0 all computed, 1 something is outside the rule or in no port set, 2 usage error."})
public final class MapTCommand implements Callable<Integer>
{
    @Mixin
    MapRuleOptions ruleOptions;

    @Option(names = "--dmr", paramLabel = "PREFIX",
        description = "Default Mapping Rule: the BR's RFC 6052 prefix for outside IPv4 addresses (RFC 7599 s.5.1: "
            + "/64 recommended, at most /96), e.g. 2001:db8:ffff::/64; needed for --outside-ipv4 and --dhcpv6-option.")
    String dmr;

    @Mixin
    MapCeQueries ces;

    @Option(names = "--outside-ipv4", paramLabel = "IPV4",
        description = "An IPv4 address outside the domain: its IPv6 form through the DMR. Repeatable.")
    List<String> outside = new ArrayList<>();

    @Option(names = "--dhcpv6-option", description = "Print OPTION_S46_CONT_MAPT (95) with OPTION_S46_RULE (89) and "
        + "OPTION_S46_DMR (91), RFC 7598, as hex.")
    boolean dhcpv6;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call()
    {
        final MapRule rule = ruleOptions.rule();
        if (dmr == null && (!outside.isEmpty() || dhcpv6))
        {
            throw new IllegalArgumentException("--outside-ipv4 and --dhcpv6-option need --dmr (RFC 7599 s.5.1)");
        }
        final Rfc6052Prefix dmrPrefix = dmr == null ? null : Rfc6052Prefix.parse(dmr);
        if (ces.none() && outside.isEmpty() && !dhcpv6)
        {
            throw new IllegalArgumentException(
                "give --end-user-prefix, --ipv4-port, --outside-ipv4 or --dhcpv6-option");
        }
        final PrintWriter out = spec.commandLine().getOut();
        int failures = ces.print(rule, Mechanism.MAP_T, out);
        for (final String a : outside)
        {
            final int ipv4 = Addresses.parse4(a);
            if (rule.containsIpv4(ipv4))
            {
                failures++;
                out.println(a + " -> (inside the Rule IPv4 prefix " + rule.ipv4Prefix() + ": use --ipv4-port)");
                continue;
            }
            // RFC 7599 s.5.1: outside addresses follow the DMR as RFC 6052 addresses, trailing bits 0.
            out.println(a + " -> " + Addresses.format6(dmrPrefix.embed(Addresses.bytes4(ipv4))) + " (DMR)");
        }
        if (dhcpv6)
        {
            MapCeQueries.printContainer(out, "OPTION_S46_CONT_MAPT", DhcpOptions.OPTION_S46_CONT_MAPT, rule,
                DhcpOptions.dmr(dmrPrefix.prefix()));
        }
        out.flush();
        return failures == 0 ? 0 : 1;
    }
}
