package dev.xlat64.cli;

import dev.xlat64.addr.Addresses;
import dev.xlat64.addr.Ipv6Prefix;
import dev.xlat64.map.DhcpOptions;
import dev.xlat64.map.MapRule;
import dev.xlat64.map.PortSet;

import java.io.PrintWriter;

/** What {@code map map-t} and {@code map map-e} print for a rule: CEs from End-user prefixes or IPv4 + port. */
final class MapCalculator
{
    private final MapRule rule;
    private final boolean fullIpv4;
    private final boolean dhcpv4;
    private final PrintWriter out;

    MapCalculator(final MapRule rule, final boolean fullIpv4, final boolean dhcpv4, final PrintWriter out)
    {
        this.rule = rule;
        this.fullIpv4 = fullIpv4;
        this.dhcpv4 = dhcpv4;
        this.out = out;
    }

    /** RFC 7597 s.5.2: an End-user IPv6 prefix gives the IPv4 address (or prefix), PSID, ports, MAP address. */
    boolean endUserPrefix(final String text)
    {
        final Ipv6Prefix p = Ipv6Prefix.parse(text);
        if (!rule.ipv6Prefix().covers(p))
        {
            out.println(text + " -> (outside the Rule IPv6 prefix " + rule.ipv6Prefix() + ")");
            return false;
        }
        if (p.length() < rule.endUserPrefixLength())
        {
            out.println(text + " -> (shorter than the rule's n + o = /" + rule.endUserPrefixLength() +
                ": the EA bits are not all in it, RFC 7597 s.5.2)");
            return false;
        }
        final int ipv4 = rule.ipv4Of(p.high(), p.low());
        final int psid = rule.psidOf(p.high(), p.low());
        ce(text, ipv4, psid, p.high(), MapRule.addressLow(p.low(), p.length(), rule.interfaceId(ipv4, psid, fullIpv4)));
        return true;
    }

    /** RFC 7597 s.5.3: an IPv4 address and port give the PSID, the End-user prefix and the CE's MAP address. */
    boolean ipv4Port(final String text)
    {
        final int colon = text.lastIndexOf(':');
        final int ipv4 = Addresses.parse4(colon < 0 ? text : text.substring(0, colon));
        final int port = colon < 0 ? -1 : MapRuleOptions.number(text.substring(colon + 1), "IPV4:PORT");
        if (port > 65535)
        {
            throw new IllegalArgumentException("'" + text + "': a port is 0..65535");
        }
        if (!rule.containsIpv4(ipv4))
        {
            out.println(text + " -> (outside the Rule IPv4 prefix " + rule.ipv4Prefix() + ")");
            return false;
        }
        int psid = 0;
        if (rule.psidLength() > 0)
        {
            if (port < 0)
            {
                out.println(text + " -> (the address is shared by " + rule.sharingRatio() + " CEs: give IPV4:PORT)");
                return false;
            }
            if (PortSet.isExcluded(port, rule.offset(), rule.psidLength()))
            {
                out.println(text + " -> (port " + port + " is in no port set: A = 0 is excluded with offset " +
                    rule.offset() + ", ports 0-" + ((1 << (16 - rule.offset())) - 1) + ", RFC 7597 s.5.1)");
                return false;
            }
            psid = rule.psidOfPort(port);
            if (rule.explicitPsid() != MapRule.NO_PSID && psid != rule.explicitPsid())
            {
                out.println(text + " -> (port " + port + " is in PSID " + psid + ", not this rule's PSID " +
                    rule.explicitPsid() + ")");
                return false;
            }
        }
        final String endUser = MapRule.format(rule.endUserHigh(ipv4, psid), rule.endUserLow(ipv4, psid)) + "/" +
            rule.endUserPrefixLength();
        ce(text + " (End-user prefix " + endUser + ")", ipv4, psid, rule.addressHigh(ipv4, psid),
            rule.addressLow(ipv4, psid, fullIpv4));
        return true;
    }

    private void ce(final String what, final int ipv4, final int psid, final long high, final long low)
    {
        final int v4Length = rule.ceIpv4PrefixLength();
        if (v4Length < 32)
        {
            final int mask = v4Length == 0 ? 0 : -1 << (32 - v4Length);
            out.println(what + " -> IPv4 prefix " + Addresses.format4(ipv4 & mask) + "/" + v4Length + " (no port set)");
        }
        else if (rule.psidLength() == 0)
        {
            out.println(what + " -> IPv4 " + Addresses.format4(ipv4) + " (all ports)");
        }
        else
        {
            final PortSet ports = rule.portSet(psid);
            out.println(what + " -> IPv4 " + Addresses.format4(ipv4) + ", PSID 0x" + Integer.toHexString(psid) +
                " (" + psid + "), " + rule.psidLength() + " bits, offset " + rule.offset());
            out.println("  ports (" + ports.size() + " in " + ports.ranges().size() + " ranges): "
                + ports.rangesText());
            if (dhcpv4)
            {
                out.println("  DHCPv4 OPTION_V4_PORTPARAMS (RFC 7618): " +
                    DhcpOptions.hex(DhcpOptions.v4PortParams(rule.offset(), rule.psidLength(), psid)));
            }
        }
        out.println("  MAP address: " + MapRule.format(high, low));
    }
}
