package dev.xlat64.cli;

import dev.xlat64.addr.Addresses;
import dev.xlat64.addr.Rfc6052Prefix;
import dev.xlat64.config.ConfigFile;
import dev.xlat64.config.GatewayConfig;
import dev.xlat64.config.Settings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code xlat64 import-tayga}: turns a TAYGA tayga.conf into an xlat64 TOML config, saying what does not carry over.
 */
@Command(
    name = "import-tayga",
    mixinStandardHelpOptions = true,
    description = {
        "Convert a TAYGA config (tayga.conf) into xlat64's TOML and print it (or write it with --output). Carried "
            + "over: tun-device, ipv4-addr, ipv6-addr (TAYGA's default, the prefix plus ipv4-addr, is written out), "
            + "prefix, map lines (as EAM entries, RFC 7757; more than " + ImportTaygaCommand.EAM_FILE_THRESHOLD
            + " go into an EAM file, see --eam-file), wkpf-strict, udp-cksum-mode. Not carried over, with a "
            + "warning on standard error: dynamic-pool (xlat64 is stateless: map those IPv6 hosts with EAM entries), "
            + "data-dir, strict-frag-hdr, and anything unknown. The result is validated as check-config would.",
        ""},
    footer = {"", "Exit codes: 0 converted (warnings may have been printed), 1 the file cannot be read, 2 the result "
        + "is not a valid xlat64 config (errors printed; the TOML is still written for you to fix)."})
public final class ImportTaygaCommand implements Callable<Integer>
{
    @Parameters(paramLabel = "TAYGA_CONF", defaultValue = "/etc/tayga.conf",
        description = "The TAYGA config file (default: ${DEFAULT-VALUE}).")
    Path file;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE",
        description = "Write the TOML here instead of standard output.")
    Path output;

    @Option(names = "--eam-file", paramLabel = "FILE",
        description = "Where the map lines go when there are more than " + EAM_FILE_THRESHOLD
            + " (translator.eam-file, one IPV4PREFIX=IPV6PREFIX per line; a long TOML list loads slowly). Default: "
            + "next to --output, with the extension .eam; without --output they stay in the TOML.")
    Path eamFile;

    /** Above this many map lines the EAM entries go into an eam-file instead of the TOML list (docs/tables.md). */
    public static final int EAM_FILE_THRESHOLD = 100;

    @Spec
    CommandSpec spec;

    /** The converted TOML, the warnings (what did not carry over) and errors (lines that make no sense). */
    public record Conversion(String toml, List<String> warnings, List<String> errors, List<String> eamFileLines)
    {
    }

    @Override
    public Integer call() throws Exception
    {
        final PrintWriter err = spec.commandLine().getErr();
        if (!Files.isReadable(file))
        {
            err.println("xlat64: " + file + ": cannot read the TAYGA config file");
            return 1;
        }
        final List<String> lines = Files.readAllLines(file);
        Path eamTarget = eamFile;
        if (eamTarget == null && output != null)
        {
            final String base = output.getFileName().toString().replaceFirst("\\.toml$", "");
            eamTarget = output.resolveSibling(base + ".eam");
        }
        // In the TOML: relative to the TOML's directory when both sit side by side, else as given.
        final String reference = eamTarget == null ? null : (output != null &&
            eamTarget.toAbsolutePath().getParent().equals(output.toAbsolutePath().getParent()) ?
            eamTarget.getFileName().toString() : eamTarget.toAbsolutePath().toString());
        final Conversion c = convert(file.toString(), lines, reference);
        if (!c.eamFileLines().isEmpty())
        {
            final List<String> eamText = new ArrayList<>();
            eamText.add("# EAM entries (RFC 7757) converted from the map lines of " + file
                + " by xlat64 import-tayga.");
            eamText.addAll(c.eamFileLines());
            Files.write(eamTarget, eamText);
            err.println("xlat64: wrote " + c.eamFileLines().size() + " EAM entries to " + eamTarget);
        }
        else if (eamTarget == null && countMaps(lines) > EAM_FILE_THRESHOLD)
        {
            err.println("warning: " + countMaps(lines) + " map lines stay in the TOML list; give --output or "
                + "--eam-file to write them to an EAM file instead (a long TOML list loads slowly)");
        }
        c.warnings().forEach(w -> err.println("warning: " + w));
        final List<String> errors = new ArrayList<>(c.errors());
        final String target = output == null ? "(converted " + file + ")" : output.toString();
        final ConfigFile parsed = ConfigFile.parse(target, c.toml());
        errors.addAll(GatewayConfig.from(new Settings().fromFile(parsed)).errors);
        if (output == null)
        {
            spec.commandLine().getOut().print(c.toml());
            spec.commandLine().getOut().flush();
        }
        else
        {
            Files.writeString(output, c.toml());
            err.println("xlat64: wrote " + output + "; check it with: xlat64 check-config " + output);
        }
        errors.forEach(e -> err.println("error: " + e));
        err.flush();
        return errors.isEmpty() ? 0 : 2;
    }

    private static long countMaps(final List<String> lines)
    {
        return lines.stream().filter(l -> l.strip().toLowerCase(Locale.ROOT).startsWith("map")).count();
    }

    /** Converts the lines of a tayga.conf named {@code name}, every map line into the TOML. */
    public static Conversion convert(final String name, final List<String> lines)
    {
        return convert(name, lines, null);
    }

    /**
     * Converts the lines of a tayga.conf named {@code name}; with more than {@link #EAM_FILE_THRESHOLD} map lines
     * and an {@code eamFile} to name in the TOML, they go into {@link Conversion#eamFileLines} for that file.
     */
    public static Conversion convert(final String name, final List<String> lines, final String eamFile)
    {
        final TaygaConf c = new TaygaConf();
        for (int i = 0; i < lines.size(); i++)
        {
            final String line = lines.get(i).replaceAll("#.*", "").strip();
            if (!line.isEmpty())
            {
                c.directive(name + ":" + (i + 1) + ": ", line.split("\\s+"));
            }
        }
        c.complete(name);
        final boolean toFile = eamFile != null && c.eam.size() > EAM_FILE_THRESHOLD;
        return new Conversion(c.toml(name, toFile ? eamFile : null), List.copyOf(c.warnings), List.copyOf(c.errors),
            toFile ? List.copyOf(c.eam) : List.of());
    }

    /** What a tayga.conf says, directive by directive, with the warnings and errors of its conversion. */
    private static final class TaygaConf
    {
        final List<String> warnings = new ArrayList<>();
        final List<String> errors = new ArrayList<>();
        final List<String> eam = new ArrayList<>();
        String tun;
        String ipv4Addr;
        String ipv6Addr;
        String prefix;
        String wkpStrict;
        String udpZeroChecksum;

        /** One directive line ({@code words}, at {@code where}). */
        void directive(final String where, final String[] words)
        {
            final String directive = words[0].toLowerCase(Locale.ROOT);
            final int args = words.length - 1;
            switch (directive)
            {
                case "tun-device":
                    tun = one(words, where, errors);
                    break;
                case "ipv4-addr":
                    ipv4Addr = one(words, where, errors);
                    break;
                case "ipv6-addr":
                    ipv6Addr = one(words, where, errors);
                    break;
                case "prefix":
                    prefix = one(words, where, errors);
                    break;
                case "map":
                    if (args != 2)
                    {
                        errors.add(where + "map: expected 'map IPV4[/LEN] IPV6[/LEN]'");
                    }
                    else
                    {
                        eam.add((words[1].contains("/") ? words[1] : words[1] + "/32") + "=" +
                            (words[2].contains("/") ? words[2] : words[2] + "/128"));
                    }
                    break;
                case "dynamic-pool":
                    warnings.add(where + "dynamic-pool " + (args > 0 ? words[1] : "") + " is not supported: xlat64 "
                        + "is stateless only (no dynamic mappings). Give the IPv6 hosts that used the pool fixed IPv4 "
                        + "addresses with EAM entries ([translator] eam = [\"IPV4=IPV6\"]), or put a stateful NAT64 in "
                        + "front of xlat64.");
                    break;
                case "data-dir":
                    warnings.add(where + "data-dir ignored: it held TAYGA's dynamic.map, and xlat64 keeps no state.");
                    break;
                case "strict-frag-hdr":
                    warnings.add(where + "strict-frag-hdr not carried over: xlat64 follows RFC 7915 and adds no " +
                        "fragment header to packets it does not fragment (atomic fragments are deprecated, RFC 8021).");
                    break;
                case "wkpf-strict":
                    wkpStrict = bool(one(words, where, errors), where, errors);
                    break;
                case "udp-cksum-mode":
                    final String mode = one(words, where, errors);
                    if ("drop".equals(mode))
                    {
                        udpZeroChecksum = "drop";
                    }
                    else if ("calc".equals(mode))
                    {
                        udpZeroChecksum = "compute";
                    }
                    else
                    {
                        warnings.add(where + "udp-cksum-mode " + mode + " not carried over: xlat64 computes the " +
                            "checksum (\"compute\") or drops the datagram (\"drop\"), RFC 7915 s.4.5; using compute.");
                    }
                    break;
                default:
                    warnings.add(where + "'" + words[0] + "' is not a TAYGA directive xlat64 knows; ignored.");
            }
        }

        /** What TAYGA derives after reading the whole file, and what it requires. */
        void complete(final String name)
        {
            if (tun == null)
            {
                warnings.add(name + ": no tun-device (mandatory for TAYGA); xlat64's default \"xlat64\" is used");
            }
            if (ipv6Addr == null && prefix != null && ipv4Addr != null)
            {
                // TAYGA's rule: without ipv6-addr, its IPv6 address is ipv4-addr mapped into the prefix.
                try
                {
                    final byte[] ipv4 = Addresses.bytes4(Addresses.parse4(ipv4Addr));
                    ipv6Addr = Addresses.format6(Rfc6052Prefix.parse(prefix).embed(ipv4));
                }
                catch (final IllegalArgumentException ex)
                {
                    errors.add(name + ": prefix " + prefix + " / ipv4-addr " + ipv4Addr + ": " + ex.getMessage());
                }
            }
        }

        /** The xlat64 TOML; the EAM entries go into {@code eamFile} when it is not null. */
        String toml(final String name, final String eamFile)
        {
            final StringBuilder t = new StringBuilder();
            t.append("# xlat64 config converted from ").append(name).append(" by xlat64 import-tayga.\n");
            t.append("# Every key is described in /etc/xlat64/xlat64.toml as installed (systemd/xlat64.toml).\n\n");
            t.append("[tun]\n");
            t.append("name = ").append(quote(tun == null ? "xlat64" : tun)).append('\n');
            t.append("# TAYGA left routes to you (ip route ... dev ").append(tun == null ? "xlat64" : tun)
                .append("); set true to let xlat64 add and remove them.\n");
            t.append("manage-routes = false\n\n");
            t.append("[translator]\n");
            if (prefix != null)
            {
                t.append("prefix = ").append(quote(prefix)).append('\n');
            }
            if (eamFile != null)
            {
                t.append("# ").append(eam.size())
                    .append(" EAM entries, one IPV4PREFIX=IPV6PREFIX per line (docs/tables.md)\n");
                t.append("eam-file = ").append(quote(eamFile)).append('\n');
            }
            else
            {
                t.append("eam = [");
                for (int i = 0; i < eam.size(); i++)
                {
                    t.append(i == 0 ? "\n" : ",\n").append("  ").append(quote(eam.get(i)));
                }
                t.append(eam.isEmpty() ? "]\n" : "\n]\n");
            }
            if (ipv4Addr != null)
            {
                t.append("ipv4-addr = ").append(quote(ipv4Addr)).append('\n');
            }
            if (ipv6Addr != null)
            {
                t.append("ipv6-addr = ").append(quote(ipv6Addr)).append('\n');
            }
            if (wkpStrict != null)
            {
                t.append("wkp-strict = ").append(wkpStrict).append('\n');
            }
            if (udpZeroChecksum != null)
            {
                t.append("udp-zero-checksum = ").append(quote(udpZeroChecksum)).append('\n');
            }
            return t.toString();
        }
    }

    private static String one(final String[] words, final String where, final List<String> errors)
    {
        if (words.length != 2)
        {
            errors.add(where + words[0] + ": expected exactly one value");
            return words.length > 1 ? words[1] : "";
        }
        return words[1];
    }

    private static String bool(final String v, final String where, final List<String> errors)
    {
        switch (v.toLowerCase(Locale.ROOT))
        {
            case "on":
            case "true":
            case "1":
            case "yes":
                return "true";
            case "off":
            case "false":
            case "0":
            case "no":
                return "false";
            default:
                errors.add(where + "'" + v + "' is not on/off");
                return "true";
        }
    }

    private static String quote(final String s)
    {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
