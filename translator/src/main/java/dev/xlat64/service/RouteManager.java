package dev.xlat64.service;

import dev.xlat64.addr.Addresses;
import dev.xlat64.addr.Eamt;
import dev.xlat64.addr.SixRdDomain;
import dev.xlat64.core.TranslatorConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Keeps the kernel routes into the TUN device that the translation config needs ({@code tun.manage-routes}): adds
 * them at start, moves them on reload, removes them at stop, through rtnetlink ({@link Rtnetlink}); which routes
 * exist already is read from {@code /proc/net/route} and {@code /proc/net/ipv6_route}. A handful of requests at start,
 * stop and reload, never on the packet path.
 * <p>
 * Routed into the TUN: the RFC 6052 prefix, {@code ipv6-addr} and the ICMPv6 pool (IPv6); {@code ipv4-addr} and the
 * RFC 6791 pool (IPv4); for each 6rd domain (border relay), its 6rd prefix and BR address; and, for each EAM entry, the
 * side whose hosts are not on this gateway's other links. An EAM side already routed elsewhere by a non-default route
 * (e.g. the IPv6 servers' connected /64) is where the real hosts are; the other side is routed into the TUN. When
 * neither side is routed elsewhere, the IPv4 side is routed (IPv4 clients reaching IPv6 hosts, the common SIIT-DC case)
 * and a warning says so.
 */
public final class RouteManager implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(RouteManager.class);
    /** Above this many EAM entries (a large eam-file) the EAM side is not routed entry by entry. */
    public static final int MAX_EAM_ROUTES = 1024;

    private final String device;
    private final Set<String> installed = new LinkedHashSet<>();
    private Rtnetlink netlink;

    public RouteManager(final String device)
    {
        this.device = device;
    }

    /** The routes {@code config} needs into the TUN device, as {@code ip route} destinations. */
    public List<String> routesFor(final TranslatorConfig config)
    {
        final Set<String> routes = new LinkedHashSet<>();
        if (config.mapper.prefix() != null)
        {
            routes.add(config.mapper.prefix().prefix().toString());
        }
        if (config.ipv6Address != null)
        {
            routes.add(config.ipv6Address.toString());
        }
        if (config.icmpPool6 != null)
        {
            routes.add(config.icmpPool6.toString());
        }
        if (config.ipv4Address != 0)
        {
            routes.add(Addresses.format4(config.ipv4Address) + "/32");
        }
        if (config.icmpPool4 != null)
        {
            routes.add(config.icmpPool4.toString());
        }
        for (final SixRdDomain d : config.sixRdDomains)
        {
            // RFC 5969 BR: IPv6 for the CEs' delegated prefixes, and the CEs' 6in4 to the BR address (the CE mode of
            // `xlat64 6rd-ce` needs a default route and policy rules instead, which stay the operator's).
            if (!d.ceMode())
            {
                routes.add(d.prefix().toString());
                routes.add(Addresses.format4(d.brIpv4()) + "/32");
            }
        }
        final Eamt eamt = config.mapper.eamt();
        if (eamt.size() > MAX_EAM_ROUTES)
        {
            // Two /proc reads and a route per entry do not scale to an eam-file's million (docs/tables.md).
            LOG.warn("{} EAM entries: more than {}, so no route per entry; route their ranges into {} yourself",
                eamt.size(), MAX_EAM_ROUTES, device);
        }
        for (final Eamt.Entry e : eamt.size() > MAX_EAM_ROUTES ? List.<Eamt.Entry>of() : eamt.entries())
        {
            final String v4 = e.ipv4.toString();
            final String v6 = e.ipv6.toString();
            final boolean v4Elsewhere = KernelRoutes.coveredElsewhere(e.ipv4.toString(), device);
            final boolean v6Elsewhere = KernelRoutes.coveredElsewhere(e.ipv6.toString(), device);
            if (v4Elsewhere && v6Elsewhere)
            {
                LOG.warn("EAM {}={}: both sides are routed to other links; routing neither into {}", v4, v6, device);
            }
            else if (v4Elsewhere)
            {
                routes.add(v6);
            }
            else
            {
                if (!v6Elsewhere)
                {
                    LOG.warn("EAM {}={}: neither side has a route; routing the IPv4 side into {} (route the IPv6 "
                        + "side to its hosts, or set tun.manage-routes = false and route by hand)", v4, v6, device);
                }
                routes.add(v4);
            }
        }
        return List.copyOf(routes);
    }

    /** Makes the installed routes exactly {@code config}'s: adds the missing ones, removes those no longer needed. */
    public synchronized void apply(final TranslatorConfig config) throws IOException
    {
        final List<String> wanted = routesFor(config);
        for (final String route : new ArrayList<>(installed))
        {
            if (!wanted.contains(route))
            {
                delete(route);
            }
        }
        for (final String route : wanted)
        {
            if (!installed.contains(route))
            {
                try
                {
                    netlink().replace(route, device);
                }
                catch (final IOException ex)
                {
                    throw new IOException("cannot add route " + route + " dev " + device + ": " + ex.getMessage());
                }
                installed.add(route);
                LOG.info("route {} dev {} added", route, device);
            }
        }
    }

    /** The routes this manager installed and has not removed. */
    public synchronized List<String> installed()
    {
        return List.copyOf(installed);
    }

    /** Removes every route this manager added (a device that goes away takes its routes along anyway). */
    @Override
    public synchronized void close()
    {
        for (final String route : new ArrayList<>(installed))
        {
            delete(route);
        }
        if (netlink != null)
        {
            netlink.close();
            netlink = null;
        }
    }

    private Rtnetlink netlink() throws IOException
    {
        if (netlink == null)
        {
            netlink = Rtnetlink.open();
        }
        return netlink;
    }

    private void delete(final String route)
    {
        installed.remove(route);
        try
        {
            netlink().delete(route, device);
            LOG.info("route {} dev {} removed", route, device);
        }
        catch (final IOException ex)
        {
            // Gone already (ESRCH) or the device is gone and took its routes along: nothing left to remove.
            if (!ex.getMessage().contains("errno 3)") && !ex.getMessage().startsWith("no device"))
            {
                LOG.warn("could not remove route {} dev {}: {}", route, device, ex.getMessage());
            }
        }
    }
}
