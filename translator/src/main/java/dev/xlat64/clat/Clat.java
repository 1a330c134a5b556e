package dev.xlat64.clat;

import dev.xlat64.addr.Addresses;
import dev.xlat64.addr.Rfc6052Prefix;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.List;
import java.util.Objects;

/**
 * The running CLAT's control loop, on its own thread: reads PREF64 options as the kernel hands them up, re-asks
 * {@code ipv4only.arpa} now and then, expires lifetimes, and on every change swaps the translator's prefix (through
 * the {@link Applier} the caller gives, which publishes a new config snapshot) and adds or removes the IPv4 default
 * route. Never touches a packet.
 */
public final class Clat implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(Clat.class);

    /** Publishes a translator config with this PLAT prefix (null: none, only the CLAT's own EAM entry). */
    public interface Applier
    {
        void apply(Rfc6052Prefix prefix) throws Exception;
    }

    /** What the loop needs to know. */
    public record Settings(String uplink, String tun, byte[] ipv6, int ipv4, int routeMtu, boolean pref64,
                           boolean rfc7050, long recheckMillis, long firstLookupDelayMillis)
    {
    }

    private final Settings settings;
    private final PrefixDiscovery discovery;
    private final HostPlumbing plumbing;
    private final Applier applier;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile String status = "starting";
    private NdUserOptions options;
    private Rfc6052Prefix applied;
    private boolean appliedOnce;
    private long nextLookup;

    public Clat(final Settings settings, final PrefixDiscovery discovery, final HostPlumbing plumbing,
        final Applier applier)
    {
        this.settings = settings;
        this.discovery = discovery;
        this.plumbing = plumbing;
        this.applier = applier;
        this.thread = new Thread(this::loop, "xlat64-clat");
        this.thread.setDaemon(true);
    }

    /** Subscribes to PREF64, solicits an RA, applies what is known already, and starts the loop. */
    public void start() throws IOException
    {
        final long now = System.currentTimeMillis();
        nextLookup = now + settings.firstLookupDelayMillis();
        if (settings.pref64())
        {
            options = NdUserOptions.open(settings.uplink(), 500);
            try
            {
                NdUserOptions.solicit(settings.uplink());
            }
            catch (final IOException ex)
            {
                LOG.warn("no Router Solicitation sent (the next periodic RA brings PREF64): {}", ex.getMessage());
            }
        }
        tick(now);
        thread.start();
    }

    /** The last status line: what was discovered and chosen. */
    public String status()
    {
        return status;
    }

    private void loop()
    {
        while (running)
        {
            try
            {
                final List<Pref64Option> received = options != null ? options.receive() : sleep();
                final long now = System.currentTimeMillis();
                for (final Pref64Option o : received)
                {
                    LOG.info("RA on {}: {}", settings.uplink(), o);
                    discovery.pref64(o, now);
                }
                tick(now);
            }
            catch (final Exception ex)
            {
                if (running)
                {
                    LOG.error("CLAT discovery: {}", ex.toString());
                    sleep();
                }
            }
        }
    }

    private List<Pref64Option> sleep()
    {
        try
        {
            Thread.sleep(500);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            running = false;
        }
        return List.of();
    }

    private synchronized void tick(final long now)
    {
        if (settings.rfc7050() && now >= nextLookup && discovery.needsLookup(now))
        {
            nextLookup = now + settings.recheckMillis();
            try
            {
                final List<byte[]> answers = Ipv4OnlyArpa.lookup();
                final Rfc6052Prefix found = Ipv4OnlyArpa.prefixFrom(answers);
                discovery.rfc7050(found);
                if (found == null)
                {
                    LOG.info("RFC 7050: {} has {} AAAA record(s), none embeds 192.0.0.170/171", Ipv4OnlyArpa.NAME,
                        answers.size());
                }
            }
            catch (final IOException ex)
            {
                discovery.rfc7050(null);
                LOG.debug("RFC 7050: {} did not resolve: {}", Ipv4OnlyArpa.NAME, ex.toString());
            }
        }
        final PrefixDiscovery.Choice choice = discovery.current(now);
        if (!appliedOnce || !Objects.equals(choice.prefix(), applied))
        {
            try
            {
                applier.apply(choice.prefix());
                applied = choice.prefix();
                appliedOnce = true;
            }
            catch (final Exception ex)
            {
                LOG.error("cannot use {}: {}", choice, ex.getMessage());
                return;
            }
        }
        boolean nativeDefault;
        try
        {
            nativeDefault = HostState.nativeIpv4Default(settings.tun());
        }
        catch (final IOException ex)
        {
            nativeDefault = false;
        }
        final boolean route = applied != null && !nativeDefault;
        final boolean changed = route != plumbing.hasDefaultRoute();
        try
        {
            plumbing.defaultRoute(route, settings.ipv4(), settings.routeMtu());
        }
        catch (final IOException ex)
        {
            LOG.error("IPv4 default route via {}: {}", settings.tun(), ex.getMessage());
        }
        final String line = "CLAT on " + settings.uplink() + ": " + choice + "; CLAT IPv6 " +
            Addresses.format6(settings.ipv6()) + " (proxy ND on " + settings.uplink() + "), IPv4 " +
            Addresses.format4(settings.ipv4()) + " on " + settings.tun() + "; IPv4 default route: " +
            (plumbing.hasDefaultRoute() ? "via " + settings.tun() + " (mtu " + settings.routeMtu() + ")" :
                nativeDefault ? "native, left alone" : "none (no PLAT prefix)");
        if (!line.equals(status) || changed)
        {
            status = line;
            LOG.info(line);
        }
    }

    /** Stops the loop and closes the PREF64 subscription; the caller then undoes the host plumbing. */
    @Override
    public void close()
    {
        running = false;
        if (thread.isAlive())
        {
            try
            {
                thread.join(5000);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
        if (options != null)
        {
            options.close();
        }
    }
}
