package dev.xlat64.cli;

import dev.xlat64.addr.Addresses;
import dev.xlat64.addr.SixRdDomain;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code xlat64 map 6rd}: a 6rd domain's arithmetic (RFC 5969 s.4) and its DHCPv4 option 212, with the relay's code.
 */
@Command(
    name = "6rd",
    mixinStandardHelpOptions = true,
    description = {
        "Show a CE's 6rd delegated prefix for its IPv4 address, the CE IPv4 address an IPv6 address of the 6rd "
            + "prefix is sent to, or the domain's DHCPv4 option 212 (OPTION_6RD, RFC 5969 s.7.1.1) in hex.",
        "Example: xlat64 map 6rd --6rd-prefix 2001:db8::/32 --6rd-ipv4-prefix 0.0.0.0/0 --ce-ipv4 192.0.2.130",
        "  192.0.2.130 -> 2001:db8:c000:282::/64",
        "Example: xlat64 map 6rd --6rd-prefix 2001:db8::/32 --6rd-ipv4-prefix 10.0.0.0/8 --6rd-br 10.0.0.1 "
            + "--dhcp-option",
        "  d416082020010db80000000000000000000000000a000001"},
    footer = {"", "Exit codes: 0 all computed, 1 an address is outside the domain, 2 usage error."})
public final class Map6rdCommand implements Callable<Integer>
{
    @Option(names = "--6rd-prefix", paramLabel = "PREFIX", required = true,
        description = "6rd prefix, e.g. 2001:db8::/32.")
    String prefix;

    @Option(names = "--6rd-ipv4-prefix", paramLabel = "PREFIX", defaultValue = "0.0.0.0/0",
        description = "IPv4 prefix common to the domain's CEs; its length is IPv4MaskLen (default: 0.0.0.0/0).")
    String ipv4Prefix;

    @Option(names = "--6rd-br", paramLabel = "A.B.C.D",
        description = "BR IPv4 address, repeatable; needed for --dhcp-option (the option lists them in this order).")
    List<String> brs = new ArrayList<>();

    @Option(names = "--ce-ipv4", paramLabel = "A.B.C.D",
        description = "A CE's IPv4 address: prints its delegated prefix. Repeatable.")
    List<String> ces = new ArrayList<>();

    @Option(names = "--dhcp-option", description = "Print DHCPv4 option 212 (code, length, IPv4MaskLen, 6rdPrefixLen, "
        + "6rdPrefix, BR addresses) as hex.")
    boolean dhcpOption;

    @Parameters(paramLabel = "IPV6", arity = "0..*",
        description = "IPv6 addresses of the 6rd prefix: prints the CE IPv4 address each is encapsulated to.")
    List<String> addresses = new ArrayList<>();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call()
    {
        if (dhcpOption && brs.isEmpty())
        {
            throw new IllegalArgumentException("--dhcp-option needs at least one --6rd-br");
        }
        if (!dhcpOption && ces.isEmpty() && addresses.isEmpty())
        {
            throw new IllegalArgumentException("give --ce-ipv4, IPv6 addresses or --dhcp-option");
        }
        final int[] brAddresses = brs.stream().mapToInt(Addresses::parse4).toArray();
        // The BR only matters for the option; any non-zero placeholder satisfies the domain's own check otherwise.
        final SixRdDomain domain = SixRdDomain.builder(prefix, ipv4Prefix,
            brs.isEmpty() ? "0.0.0.1" : brs.get(0)).build();
        int failures = 0;
        for (final String ce : ces)
        {
            final int ipv4 = Addresses.parse4(ce);
            if (!domain.isCeIpv4(ipv4))
            {
                failures++;
                spec.commandLine().getOut().println(ce + " -> (outside the domain's IPv4 prefix "
                    + domain.ipv4Prefix() + ")");
                continue;
            }
            spec.commandLine().getOut().println(ce + " -> " + domain.delegatedPrefix(ipv4));
        }
        for (final String a : addresses)
        {
            final byte[] ipv6 = Addresses.parse6(a);
            if (!domain.contains(Addresses.high(ipv6), Addresses.low(ipv6)))
            {
                failures++;
                spec.commandLine().getOut().println(a + " -> (outside the 6rd prefix " + domain.prefix() + ")");
                continue;
            }
            spec.commandLine().getOut().println(a + " -> " + Addresses.format4(domain.ceIpv4Of(Addresses.high(ipv6))));
        }
        if (dhcpOption)
        {
            final StringBuilder hex = new StringBuilder();
            for (final byte b : domain.dhcpOption(brAddresses))
            {
                hex.append(String.format("%02x", b & 0xff));
            }
            spec.commandLine().getOut().println(hex);
        }
        return failures == 0 ? 0 : 1;
    }
}
