package dev.xlat64.cli;

import dev.xlat64.map.DhcpOptions;
import dev.xlat64.map.MapRule;
import dev.xlat64.map.Mechanism;
import dev.xlat64.map.PortSet;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * The CE look-ups that {@code map map-e} and {@code map map-t} share, as flags: a CE from its End-user IPv6 prefix
 * (RFC 7597 s.5.2) or from an IPv4 address and port (s.5.3), optionally with its DHCPv4 OPTION_V4_PORTPARAMS
 * (RFC 7618), and the DHCPv6 S46 container both print (RFC 7598 s.5).
 */
public final class MapCeQueries
{
    @Option(names = "--end-user-prefix", paramLabel = "PREFIX",
        description = "A CE's End-user IPv6 prefix. Repeatable.")
    List<String> endUserPrefixes = new ArrayList<>();

    @Option(names = "--ipv4-port", paramLabel = "IPV4[:PORT]",
        description = "An IPv4 address and port of the rule: the CE owning it. Repeatable.")
    List<String> ipv4Ports = new ArrayList<>();

    @Option(names = "--dhcpv4-option",
        description = "Also print each CE's DHCPv4 OPTION_V4_PORTPARAMS (159, RFC 7618).")
    boolean dhcpv4;

    /** Whether no CE was asked for. */
    boolean none()
    {
        return endUserPrefixes.isEmpty() && ipv4Ports.isEmpty();
    }

    /** Prints each CE asked for, prefixes first; returns how many were outside the rule or in no port set. */
    int print(final MapRule rule, final Mechanism mechanism, final PrintWriter out)
    {
        final MapCalculator calc = new MapCalculator(rule, mechanism.fullIpv4InInterfaceId(), dhcpv4, out);
        int failures = 0;
        for (final String p : endUserPrefixes)
        {
            failures += calc.endUserPrefix(p) ? 0 : 1;
        }
        for (final String a : ipv4Ports)
        {
            failures += calc.ipv4Port(a) ? 0 : 1;
        }
        return failures;
    }

    /**
     * RFC 7598 s.5: the S46 container {@code code} holding the rule's OPTION_S46_RULE (default PSID offset 6) and the
     * mechanism's own option (OPTION_S46_BR for MAP-E, OPTION_S46_DMR for MAP-T), printed as {@code NAME: hex}.
     */
    static void printContainer(final PrintWriter out, final String name, final int code, final MapRule rule,
        final byte[] mechanismOption)
    {
        out.println(name + ": " + DhcpOptions.hex(DhcpOptions.container(code,
            DhcpOptions.rule(rule, PortSet.DEFAULT_MAP_OFFSET), mechanismOption)));
    }
}
