package dev.xlat64.cli;

import dev.xlat64.addr.Addresses;
import dev.xlat64.config.GatewayConfig;
import dev.xlat64.map.MapDomain;
import dev.xlat64.map.MapRule;
import dev.xlat64.map.PortSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code xlat64 map-ce}: a MAP-T or MAP-E CE (RFC 7599, RFC 7597) on a TUN device, for tests and home labs; the
 * kernel's NAPT44 puts the LAN into the CE's address and port set (nftables SNAT, printed or installed from here).
 */
@Command(
    name = "map-ce",
    mixinStandardHelpOptions = true,
    description = {
        "Run a MAP-T or MAP-E CE (the [map-ce] table of the config, docs/map.md, CE mode) on a TUN device until "
            + "stopped: IPv4 routed into the device (already SNATed into the CE's address and port set) leaves as "
            + "IPv6 from the CE's MAP address, to the BR or to an FMR peer; IPv6 to the MAP address routed into the "
            + "device comes back as IPv4. Prints the CE's IPv4 address, PSID, port ranges and MAP address first.",
        "",
        "The kernel's NAPT44 must keep to the port set: --print-nft prints the nftables ruleset (one snat range per "
            + "port range, picked by numgen), --install-nft installs it while the CE runs. Routes are yours to add:",
        "  ip route add default dev mapce ; ip -6 route add 2001:db8:12:3400:0:c000:212:34/128 dev mapce",
        ""},
    footer = {"", "Exit codes: 0 stopped cleanly (or printed), 1 runtime failure, 2 config error or no [map-ce]."})
public final class MapCeCommand implements Callable<Integer>
{
    /** The nftables table the ruleset lives in (one per network namespace). */
    static final String NFT_TABLE = "xlat64_map_ce";

    @Mixin
    TranslatorOptions options;

    @Option(names = "--show", description = "Print the CE's address, port set and MAP address, then exit.")
    boolean show;

    @Option(names = "--print-nft", description = "Print the nftables ruleset (nft -f) for the NAPT44, then exit.")
    boolean printNft;

    @Option(names = "--install-nft", description = "Install the nftables ruleset while the CE runs (removed at stop).")
    boolean installNft;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception
    {
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        final GatewayConfig.Result result = options.load();
        if (!result.ok())
        {
            result.errors.forEach(e -> err.println("xlat64: " + e));
            return 2;
        }
        final MapDomain ce = customerEdge(result.config.mapDomains);
        if (ce == null)
        {
            err.println("xlat64: map-ce needs a [map-ce] table in the config (docs/map.md, CE mode)");
            return 2;
        }
        final String ruleset = nftRuleset(ce, result.config.tunName);
        if (printNft)
        {
            out.print(ruleset);
            out.flush();
            return 0;
        }
        describe(ce, out);
        out.flush();
        if (show)
        {
            return 0;
        }
        if (installNft)
        {
            nft(ruleset);
            Runtime.getRuntime().addShutdownHook(new Thread(MapCeCommand::removeNft, "xlat64-map-ce-nft"));
        }
        final GatewayConfig.Result loaded = result;
        return new RunCommand(() -> loaded, spec).call();
    }

    static MapDomain customerEdge(final List<MapDomain> domains)
    {
        for (final MapDomain d : domains)
        {
            if (d.isCustomerEdge())
            {
                return d;
            }
        }
        return null;
    }

    /** RFC 7597 s.5.2: the BMR's arithmetic for the End-user prefix, as {@code xlat64 map} prints it. */
    private static void describe(final MapDomain ce, final PrintWriter out)
    {
        out.println(ce.summary());
        final MapRule bmr = bmr(ce);
        new MapCalculator(bmr, ce.mechanism.fullIpv4InInterfaceId(), false, out)
            .endUserPrefix(ce.endUserPrefix.toString());
        for (final MapRule r : ce.rules.rules())
        {
            if (r.forwarding())
            {
                out.println("  FMR: " + r);
            }
        }
    }

    private static MapRule bmr(final MapDomain ce)
    {
        return ce.rules.ruleForIpv6(ce.endUserPrefix.high(), ce.endUserPrefix.low());
    }

    /**
     * The NAPT44 into the CE's port set for packets leaving through {@code tun}: nftables' snat takes one port range,
     * so each connection gets one range of the set, picked round robin by {@code numgen inc mod N} (N ranges; 63 for
     * offset 6). A CE without a port set (a full address or an IPv4 prefix) maps to its address (range).
     */
    static String nftRuleset(final MapDomain ce, final String tun)
    {
        final MapRule bmr = bmr(ce);
        final long high = ce.endUserPrefix.high();
        final long low = ce.endUserPrefix.low();
        final int ipv4 = bmr.ipv4Of(high, low);
        final int length = bmr.ceIpv4PrefixLength();
        final String first = Addresses.format4(ipv4);
        final StringBuilder b = new StringBuilder();
        b.append("# xlat64 map-ce: NAPT44 into the ").append(ce.summary()).append('\n');
        b.append("table ip ").append(NFT_TABLE).append("\ndelete table ip ").append(NFT_TABLE).append('\n');
        b.append("table ip ").append(NFT_TABLE).append(" {\n\tchain postrouting {\n");
        b.append("\t\ttype nat hook postrouting priority srcnat; policy accept;\n");
        b.append("\t\toifname \"").append(tun).append('"');
        if (bmr.psidLength() == 0)
        {
            final int last = length >= 32 ? ipv4 : ipv4 | (-1 >>> length);
            b.append(" snat ip to ").append(first).append(last == ipv4 ? "" : "-" + Addresses.format4(last));
        }
        else
        {
            final List<int[]> ranges = bmr.portSet(bmr.psidOf(high, low)).ranges();
            b.append(" meta l4proto { tcp, udp, icmp } snat ip to ");
            if (ranges.size() == 1)
            {
                b.append(first).append(':').append(ranges.get(0)[0]).append('-').append(ranges.get(0)[1]);
            }
            else
            {
                b.append("numgen inc mod ").append(ranges.size()).append(" map {");
                for (int i = 0; i < ranges.size(); i++)
                {
                    b.append(i == 0 ? " " : ", ").append(i).append(" : ").append(first).append(" . ")
                        .append(ranges.get(i)[0]).append('-').append(ranges.get(i)[1]);
                }
                b.append(" }");
            }
        }
        b.append("\n\t}\n}\n");
        return b.toString();
    }

    private static void nft(final String ruleset) throws IOException, InterruptedException
    {
        final Process p = new ProcessBuilder("nft", "-f", "-").redirectErrorStream(true).start();
        p.getOutputStream().write(ruleset.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        final String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0)
        {
            throw new IOException("nft -f - failed: " + output.strip());
        }
    }

    private static void removeNft()
    {
        try
        {
            new ProcessBuilder("nft", "delete", "table", "ip", NFT_TABLE).inheritIO().start().waitFor();
        }
        catch (final IOException ex)
        {
            System.err.println("xlat64: cannot remove the nftables table " + NFT_TABLE + ": " + ex.getMessage());
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
