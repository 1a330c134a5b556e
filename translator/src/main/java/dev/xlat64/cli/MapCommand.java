package dev.xlat64.cli;

import dev.xlat64.addr.AddressMapper;
import dev.xlat64.addr.Addresses;
import dev.xlat64.addr.Eamt;
import dev.xlat64.addr.Ipv4Denylist;
import dev.xlat64.addr.Rfc6052Prefix;
import dev.xlat64.config.EamtLoader;
import dev.xlat64.config.Settings;
import dev.xlat64.config.Settings.Key;
import org.agrona.concurrent.UnsafeBuffer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code xlat64 map}: the address calculator, with exactly the translator's mapping code. */
@Command(
    name = "map",
    mixinStandardHelpOptions = true,
    description = {
        "Show how addresses translate: an IPv4 address gives its IPv6 form, an IPv6 address its IPv4 form, using the "
            + "same code as the data plane (EAM first, then the RFC 6052 prefix).",
        "Example: xlat64 map --prefix 64:ff9b::/96 192.0.2.33   ->  64:ff9b::c000:221",
        "For 6rd (RFC 5969) delegated prefixes and DHCPv4 option 212, see: xlat64 map 6rd --help",
        "For MAP-T, MAP-E and lw4o6 (A+P port sets, DHCPv6 S46 options): xlat64 map map-t|map-e|lw4o6 --help"},
    subcommands = {Map6rdCommand.class, MapTCommand.class, MapECommand.class, Lw4o6MapCommand.class},
    footer = {"", "Exit codes: 0 all addresses mapped, 1 some did not map, 2 usage error."})
public final class MapCommand implements Callable<Integer>
{
    @Option(names = "--prefix", paramLabel = "PREFIX", description = "RFC 6052 prefix.")
    String prefix;

    @Option(names = "--eam", paramLabel = "IPV4PREFIX=IPV6PREFIX", description = "EAM entry, repeatable.")
    List<String> eam = new ArrayList<>();

    @Option(names = "--eam-file", paramLabel = "FILE",
        description = "EAM entries, one IPV4PREFIX=IPV6PREFIX per line (translator.eam-file); a million load in "
            + "seconds.")
    String eamFile;

    @Option(names = "--wkp-strict", paramLabel = "true|false", description = "RFC 6052 s.3.1 check (default: true).")
    boolean wkpStrict = true;

    @Option(names = "--ipv4-denylist", paramLabel = "IPV4PREFIX",
        description = "IPv4 prefix never translated, repeatable; replaces the default list; 'none' for none.")
    List<String> ipv4Denylist;

    @Parameters(paramLabel = "ADDRESS", arity = "0..*", description = "IPv4 or IPv6 addresses to translate.")
    List<String> addresses = new ArrayList<>();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call()
    {
        if (addresses.isEmpty())
        {
            throw new IllegalArgumentException("give at least one ADDRESS (or use: xlat64 map 6rd ...)");
        }
        // The same loader as the gateway's config: same table, same errors (file:line: message).
        final List<String> errors = new ArrayList<>();
        final Eamt eamt = EamtLoader.load(new Settings().flag(Key.EAM, eam).flag(Key.EAM_FILE, eamFile), errors);
        if (!errors.isEmpty())
        {
            errors.forEach(e -> spec.commandLine().getErr().println("xlat64: " + e));
            return 2;
        }
        final AddressMapper mapper = new AddressMapper(prefix == null ? null : Rfc6052Prefix.parse(prefix), eamt,
            wkpStrict, ipv4Denylist == null ? Ipv4Denylist.DEFAULT :
                ipv4Denylist.equals(List.of("none")) ? Ipv4Denylist.NONE : Ipv4Denylist.parse(ipv4Denylist));
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[16]);
        int failures = 0;
        for (final String a : addresses)
        {
            if (a.indexOf(':') >= 0)
            {
                buffer.putBytes(0, Addresses.parse6(a));
                final long v4 = mapper.toIpv4(buffer, 0);
                if (v4 < 0)
                {
                    failures++;
                    spec.commandLine().getOut().println(a + " -> (untranslatable: " + (v4 == AddressMapper.DENYLISTED ?
                        "IPv4 address in the denylist, RFC 1812 s.5.3.7" : v4 == AddressMapper.NON_GLOBAL_UNDER_WKP ?
                        "non-global IPv4 under the Well-Known Prefix, RFC 6052 s.3.1" :
                        "no EAM entry or prefix covers it (or a non-zero u octet, RFC 6052 s.2.2)") + ")");
                }
                else
                {
                    spec.commandLine().getOut().println(a + " -> " + Addresses.format4((int)v4));
                }
            }
            else
            {
                final int r = mapper.toIpv6(Addresses.parse4(a), buffer, 0);
                if (r != AddressMapper.MAPPED)
                {
                    failures++;
                    final String why = r == AddressMapper.DENYLISTED_IPV4
                        ? "IPv4 address in the denylist, RFC 1812 s.5.3.7"
                        : r == AddressMapper.FORBIDDEN_UNDER_WKP
                        ? "non-global IPv4 under the Well-Known Prefix, RFC 6052 s.3.1"
                        : "no EAM entry or prefix covers it";
                    spec.commandLine().getOut().println(a + " -> (untranslatable: " + why + ")");
                }
                else
                {
                    final byte[] out = new byte[16];
                    buffer.getBytes(0, out);
                    spec.commandLine().getOut().println(a + " -> " + Addresses.format6(out));
                }
            }
        }
        return failures == 0 ? 0 : 1;
    }
}
