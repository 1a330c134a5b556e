package dev.xlat64.cli;

import dev.xlat64.addr.Addresses;
import dev.xlat64.map.DhcpOptions;
import dev.xlat64.map.MapRule;
import dev.xlat64.map.Mechanism;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** {@code xlat64 map map-e}: a MAP-E rule's arithmetic (RFC 7597 s.5-6) and the DHCPv6 S46 options. */
@Command(
    name = "map-e",
    mixinStandardHelpOptions = true,
    description = {
        "MAP-E calculator (RFC 7597): from a rule and a CE's End-user IPv6 prefix, its IPv4 address (or prefix), "
            + "PSID, port ranges and MAP IPv6 address; from IPV4:PORT, the CE it belongs to; the DHCPv6 options.",
        "Example (RFC 7597 appendix A, example 2): xlat64 map map-e --rule-ipv6-prefix 2001:db8::/40 "
            + "--rule-ipv4-prefix 192.0.2.0/24 --ea-bits 16 --ipv4-port 192.0.2.18:1232",
        "  192.0.2.18:1232 (End-user prefix 2001:db8:12:3400::/56) -> IPv4 192.0.2.18, PSID 0x34 (52), 8 bits, "
            + "offset 6",
        "    ports (252 in 63 ranges): 1232-1235, 2256-2259, ..., 64720-64723",
        "    MAP address: 2001:db8:12:3400:0:c000:212:34"},
    footer = {"", "Exit codes: 0 all computed, 1 something is outside the rule or in no port set, 2 usage error."})
public final class MapECommand implements Callable<Integer>
{
    @Mixin
    MapRuleOptions ruleOptions;

    @Option(names = "--br", paramLabel = "IPV6", description = "The BR's IPv6 address (needed for --dhcpv6-option).")
    String br;

    @Mixin
    MapCeQueries ces;

    @Option(names = "--dhcpv6-option", description = "Print OPTION_S46_CONT_MAPE (94) with OPTION_S46_RULE (89) and "
        + "OPTION_S46_BR (90), RFC 7598, as hex.")
    boolean dhcpv6;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call()
    {
        final MapRule rule = ruleOptions.rule();
        final byte[] brAddress = br == null ? null : Addresses.parse6(br);
        if (dhcpv6 && brAddress == null)
        {
            throw new IllegalArgumentException("--dhcpv6-option needs --br (RFC 7598 s.5.1: the container needs a BR)");
        }
        if (ces.none() && !dhcpv6)
        {
            throw new IllegalArgumentException("give --end-user-prefix, --ipv4-port or --dhcpv6-option");
        }
        final PrintWriter out = spec.commandLine().getOut();
        final int failures = ces.print(rule, Mechanism.MAP_E, out);
        if (dhcpv6)
        {
            MapCeQueries.printContainer(out, "OPTION_S46_CONT_MAPE", DhcpOptions.OPTION_S46_CONT_MAPE, rule,
                DhcpOptions.br(brAddress));
        }
        out.flush();
        return failures == 0 ? 0 : 1;
    }
}
