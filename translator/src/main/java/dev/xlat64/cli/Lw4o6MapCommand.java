package dev.xlat64.cli;

import dev.xlat64.addr.Addresses;
import dev.xlat64.addr.Ipv6Prefix;
import dev.xlat64.map.DhcpOptions;
import dev.xlat64.map.Lw4o6BindingTable;
import dev.xlat64.map.MapRule;
import dev.xlat64.map.PortSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code xlat64 map lw4o6}: one lw4o6 binding's port set, B4 address and DHCP options, or binding-table look-ups. */
@Command(
    name = "lw4o6",
    mixinStandardHelpOptions = true,
    description = {
        "lw4o6 calculator (RFC 7596): a subscriber's IPv4 address and port set give its port ranges, its B4 IPv6 "
            + "address (s.5.1 figure 3, from the binding prefix) and the DHCPv6 OPTION_S46_CONT_LW / DHCPv4 option "
            + "159; "
            + "or check a binding-table file and look up who owns IPV4:PORT.",
        "Example: xlat64 map lw4o6 --ipv4 192.0.2.1 --ports 0x34/8 --binding-prefix 2001:db8:12:3400::/56",
        "  192.0.2.1 PSID 0x34 (52), 8 bits, offset 0",
        "    ports (256 in 1 ranges): 13312-13567",
        "    B4 address: 2001:db8:12:3400:0:c000:201:34",
        "Example: xlat64 map lw4o6 --binding-table /etc/xlat64/lw4o6.txt --lookup 192.0.2.1:13400",
        "Binding-table lines: IPV4 PORTS B4-IPV6, PORTS = all | PSID/K | FIRST-LAST; # starts a comment."},
    footer = {"", "Exit codes: 0 all computed or found, 1 a look-up found no binding, 2 usage error or a bad binding "
        + "table (its errors as FILE:LINE: MESSAGE)."})
public final class Lw4o6MapCommand implements Callable<Integer>
{
    @Option(names = "--ipv4", paramLabel = "A.B.C.D", description = "The subscriber's (shared) IPv4 address.")
    String ipv4;

    @Option(names = "--ports", paramLabel = "PORTS", defaultValue = "all",
        description = "Its port set: PSID/K (decimal or 0x hex, offset --psid-offset), FIRST-LAST (2^m ports from a "
            + "multiple of 2^m) or all (default).")
    String ports;

    @Option(names = "--psid-offset", paramLabel = "A", defaultValue = "0",
        description = "PSID offset a for PSID/K (RFC 7596 s.5.1: SHOULD be 0, one contiguous range; "
            + "default: ${DEFAULT-VALUE}).")
    int offset;

    @Option(names = "--binding-prefix", paramLabel = "PREFIX",
        description = "The B4's IPv6 binding prefix: prints the B4 /128 (RFC 7596 s.5.1 figure 3).")
    String bindingPrefix;

    @Option(names = "--br", paramLabel = "IPV6",
        description = "The lwAFTR's IPv6 address (needed for --dhcpv6-option).")
    String br;

    @Option(names = "--dhcpv6-option", description = "Print OPTION_S46_CONT_LW (96) with OPTION_S46_V4V6BIND (92, with "
        + "OPTION_S46_PORTPARAMS 93 when shared) and OPTION_S46_BR (90), RFC 7598, as hex.")
    boolean dhcpv6;

    @Option(names = "--dhcpv4-option", description = "Print DHCPv4 OPTION_V4_PORTPARAMS (159, RFC 7618) as hex.")
    boolean dhcpv4;

    @Option(names = "--binding-table", paramLabel = "FILE",
        description = "A binding-table file to check (and look up in).")
    Path bindingTable;

    @Option(names = "--lookup", paramLabel = "IPV4:PORT", description = "Find the binding of an address and port "
        + "(for ICMP echo: the identifier). Repeatable; needs --binding-table.")
    List<String> lookups = new ArrayList<>();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException
    {
        final PrintWriter out = spec.commandLine().getOut();
        if (ipv4 == null && bindingTable == null)
        {
            throw new IllegalArgumentException("give --ipv4 (with --ports) or --binding-table");
        }
        if (!lookups.isEmpty() && bindingTable == null)
        {
            throw new IllegalArgumentException("--lookup needs --binding-table");
        }
        int failures = 0;
        if (ipv4 != null)
        {
            binding(out);
        }
        if (bindingTable != null)
        {
            final List<String> errors = new ArrayList<>();
            final long start = System.nanoTime();
            final Lw4o6BindingTable table = Lw4o6BindingTable.load(bindingTable, offset, errors);
            if (!errors.isEmpty())
            {
                errors.forEach(e -> spec.commandLine().getErr().println(e));
                return 2;
            }
            out.printf("%s: %d bindings, OK (%d ms)%n", bindingTable, table.size(),
                (System.nanoTime() - start) / 1_000_000);
            for (final String l : lookups)
            {
                failures += lookup(table, l, out) ? 0 : 1;
            }
        }
        out.flush();
        return failures == 0 ? 0 : 1;
    }

    private void binding(final PrintWriter out)
    {
        final int address = Addresses.parse4(ipv4);
        final PortSet set = MapRuleOptions.ports(ports, offset);
        if (set.psidLength() == 0)
        {
            out.println(ipv4 + " (all ports)");
        }
        else
        {
            out.println(ipv4 + " PSID 0x" + Integer.toHexString(set.psid()) + " (" + set.psid() + "), " +
                set.psidLength() + " bits, offset " + set.offset());
            out.println("  ports (" + set.size() + " in " + set.ranges().size() + " ranges): " + set.rangesText());
        }
        Ipv6Prefix prefix = null;
        if (bindingPrefix != null)
        {
            prefix = Ipv6Prefix.parse(bindingPrefix);
            // RFC 7596 s.5.1 figure 3: the prefix (right-padded to 64 bits), 16 zero bits, the IPv4 address, the PSID.
            final long iid = (address & 0xffffffffL) << 16 | set.psid();
            out.println("  B4 address: " +
                MapRule.format(prefix.high(), MapRule.addressLow(prefix.low(), prefix.length(), iid)));
        }
        if (dhcpv6)
        {
            if (br == null || prefix == null)
            {
                throw new IllegalArgumentException("--dhcpv6-option needs --br and --binding-prefix (RFC 7598 s.5.3)");
            }
            out.println("OPTION_S46_CONT_LW: " + DhcpOptions.hex(DhcpOptions.container(DhcpOptions.OPTION_S46_CONT_LW,
                DhcpOptions.v4v6Bind(address, prefix, set), DhcpOptions.br(Addresses.parse6(br)))));
        }
        if (dhcpv4)
        {
            // RFC 7618 s.9: the offset is unused by an lw4o6 client and should be 0.
            out.println("DHCPv4 OPTION_V4_PORTPARAMS (RFC 7618): " +
                DhcpOptions.hex(DhcpOptions.v4PortParams(set.psidLength() == 0 ? 0 : set.offset(), set.psidLength(),
                    set.psid())));
        }
    }

    private static boolean lookup(final Lw4o6BindingTable table, final String text, final PrintWriter out)
    {
        final int colon = text.lastIndexOf(':');
        if (colon < 0)
        {
            throw new IllegalArgumentException("--lookup: '" + text + "' is not IPV4:PORT");
        }
        final int port = MapRuleOptions.number(text.substring(colon + 1), "--lookup");
        if (port < 0 || port > 65535)
        {
            throw new IllegalArgumentException("--lookup: '" + text + "': a port is 0..65535");
        }
        final int i = table.find(Addresses.parse4(text.substring(0, colon)), port);
        if (i < 0)
        {
            out.println(text + " -> (no binding: the lwAFTR drops it, RFC 7596 s.6.2)");
            return false;
        }
        out.println(text + " -> " + MapRule.format(table.b4High(i), table.b4Low(i)) + " (" + table.portSet(i) + ")");
        return true;
    }
}
