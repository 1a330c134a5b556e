package dev.xlat64.cli;

import dev.xlat64.addr.Ipv4Prefix;
import dev.xlat64.addr.Ipv6Prefix;
import dev.xlat64.map.MapRule;
import dev.xlat64.map.PortSet;
import picocli.CommandLine.Option;

/** One MAP mapping rule as flags (RFC 7597 s.5), shared by {@code map map-t} and {@code map map-e}. */
public final class MapRuleOptions
{
    @Option(names = "--rule-ipv6-prefix", paramLabel = "PREFIX", required = true,
        description = "Rule IPv6 prefix, e.g. 2001:db8::/40.")
    String ipv6Prefix;

    @Option(names = "--rule-ipv4-prefix", paramLabel = "PREFIX", required = true,
        description = "Rule IPv4 prefix, e.g. 192.0.2.0/24.")
    String ipv4Prefix;

    @Option(names = "--ea-bits", paramLabel = "O", required = true,
        description = "EA-bits length o (0..48): IPv4 suffix bits (32 - r) then PSID bits.")
    int eaBits;

    @Option(names = "--psid-offset", paramLabel = "A", defaultValue = "6",
        description = "PSID offset a (0..15, default: ${DEFAULT-VALUE}: excludes ports 0-1023).")
    int offset;

    @Option(names = "--psid-length", paramLabel = "K",
        description = "PSID length k; derived from the EA bits (k = o - (32 - r)) when not given. With o + r = 32 "
            + "(no PSID bits) it needs --psid: the port-parameters form of RFC 7598 s.4.5 / RFC 7618.")
    Integer psidLength;

    @Option(names = "--psid", paramLabel = "PSID",
        description = "Explicit PSID (decimal or 0x hex), with --psid-length.")
    String psid;

    @Option(names = "--bmr-only",
        description = "The rule is a BMR only, not an FMR (clears the F-flag of OPTION_S46_RULE; default: FMR).")
    boolean bmrOnly;

    MapRule rule()
    {
        return new MapRule(Ipv6Prefix.parse(ipv6Prefix), Ipv4Prefix.parse(ipv4Prefix), eaBits, offset,
            psidLength == null ? -1 : psidLength, psid == null ? MapRule.NO_PSID : number(psid, "--psid"), !bmrOnly);
    }

    /** Decimal or 0x-hex. */
    static int number(final String text, final String option)
    {
        try
        {
            final String t = text.trim();
            return t.startsWith("0x") || t.startsWith("0X")
                ? Integer.parseInt(t.substring(2), 16) : Integer.parseInt(t);
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException(option + ": '" + text + "' is not a number");
        }
    }

    /** {@code PSID/K}, {@code FIRST-LAST} (a = 0) or {@code all}, as a port set with offset {@code a}. */
    static PortSet ports(final String text, final int offset)
    {
        if (text.equals("all"))
        {
            return new PortSet(offset, 0, 0);
        }
        final int slash = text.indexOf('/');
        if (slash > 0)
        {
            return new PortSet(offset, number(text.substring(slash + 1), "--ports"),
                number(text.substring(0, slash), "--ports"));
        }
        final int dash = text.indexOf('-');
        if (dash > 0)
        {
            final int first = number(text.substring(0, dash), "--ports");
            final int count = number(text.substring(dash + 1), "--ports") - first + 1;
            if (first < 0 || first + count > 65536 || count < 1 || Integer.bitCount(count) != 1 || first % count != 0)
            {
                throw new IllegalArgumentException("--ports: '" + text + "' is not a port set: 2^m ports starting "
                    + "at a multiple of 2^m (offset 0, RFC 7597 s.5.1)");
            }
            final int m = Integer.numberOfTrailingZeros(count);
            return m == 16 ? new PortSet(0, 0, 0) : new PortSet(0, 16 - m, first >>> m);
        }
        throw new IllegalArgumentException("--ports: '" + text + "' is not PSID/K, FIRST-LAST or all");
    }
}
