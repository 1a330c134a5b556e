package dev.xlat64.config;

import dev.xlat64.addr.AddressMapper;
import dev.xlat64.addr.Addresses;
import dev.xlat64.addr.Eamt;
import dev.xlat64.addr.Ipv4Denylist;
import dev.xlat64.addr.Ipv4Prefix;
import dev.xlat64.addr.Ipv6Prefix;
import dev.xlat64.addr.IviFormat;
import dev.xlat64.addr.Rfc6052Prefix;
import dev.xlat64.addr.SixRdDomain;
import dev.xlat64.addr.SpecialIpv4;
import dev.xlat64.config.Settings.Key;
import dev.xlat64.core.TranslatorConfig;
import dev.xlat64.dataplane.Idle;
import dev.xlat64.dataplane.TunSettings;
import dev.xlat64.map.MapDomain;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The validated, immutable gateway config: TUN settings, the translation snapshot and the metrics address.
 * {@link #from(Settings)} checks everything and reports every error at once, each with its origin.
 */
public final class GatewayConfig
{
    public final String tunName;
    public final int queues;
    public final int mtu;
    public final Idle idle;
    public final boolean offload;
    /** Batch the TUN reads and writes through io_uring (falls back to read/write where the kernel refuses). */
    public final boolean ioUring;
    public final TranslatorConfig siit;
    public final InetSocketAddress metrics;
    /** The file this came from, or null; companion services (DNS64) read their own tables from it. */
    public final ConfigFile file;
    /** xlat64 adds (and on stop removes) the routes into its TUN device that the mapping needs. */
    public final boolean manageRoutes;
    /** Whether {@code tun.mtu} (--mtu) was given. */
    private final boolean mtuGiven;
    /** MAP-T, MAP-E and lw4o6 domains: the BR data path serves them (docs/map.md). */
    public final List<MapDomain> mapDomains;

    private GatewayConfig(
        final String tunName, final int queues, final int mtu, final boolean mtuGiven, final Idle idle,
        final boolean offload, final boolean ioUring, final TranslatorConfig siit, final InetSocketAddress metrics,
        final ConfigFile file,
        final boolean manageRoutes, final List<MapDomain> mapDomains)
    {
        this.manageRoutes = manageRoutes;
        this.mapDomains = mapDomains;
        this.tunName = tunName;
        this.queues = queues;
        this.mtu = mtu;
        this.mtuGiven = mtuGiven;
        this.idle = idle;
        this.offload = offload;
        this.ioUring = ioUring;
        this.siit = siit;
        this.metrics = metrics;
        this.file = file;
    }

    /** The outcome of validation: a config, or every error found. */
    public static final class Result
    {
        public final GatewayConfig config;
        public final List<String> errors;

        public Result(final GatewayConfig config, final List<String> errors)
        {
            this.config = config;
            this.errors = errors;
        }

        public boolean ok()
        {
            return errors.isEmpty();
        }
    }

    public static Result from(final Settings s)
    {
        final List<String> errors = new ArrayList<>();
        if (s.file() != null)
        {
            errors.addAll(s.file().errors());
        }
        final Parser p = new Parser(s, errors);

        final String tun = s.has(Key.TUN_NAME) ? s.get(Key.TUN_NAME) : "xlat64";
        if (tun.isEmpty() || tun.length() > 15 || tun.contains("/") || tun.contains(" "))
        {
            errors.add(s.origin(Key.TUN_NAME) + ": '" + tun
                + "' is not a valid interface name (1-15 characters, no '/' or spaces)");
        }
        final int queues = p.integer(Key.TUN_QUEUES, 1, 1, 64);
        final int mtu = p.integer(Key.TUN_MTU, 1500, 1280, 65535);
        final Idle idle = p.choice(Key.TUN_IDLE, Idle.SLEEP, Idle.class);
        final boolean offload = p.bool(Key.TUN_OFFLOAD, true);
        final boolean ioUring = p.bool(Key.TUN_IO_URING, true);

        final Rfc6052Prefix prefix = p.parse(Key.PREFIX, Rfc6052Prefix::parse);
        final Eamt eamt = EamtLoader.load(s, errors);
        final List<SixRdDomain> sixRdDomains = SixRdConfig.domains(s, mtu, prefix, eamt, errors);
        final List<Ipv6Prefix> sixRdPrefixes = new ArrayList<>();
        sixRdDomains.forEach(d -> sixRdPrefixes.add(d.prefix()));
        final List<MapDomain> mapDomains = MapConfig.domains(s.file(), prefix, eamt, sixRdPrefixes, errors);
        if (prefix == null && eamt.isEmpty() && sixRdDomains.isEmpty() && mapDomains.isEmpty() &&
            !s.has(Key.IVI_PREFIX) && errors.isEmpty())
        {
            errors.add("nothing to translate: give an RFC 6052 prefix (--prefix / translator.prefix), EAM entries "
                + "(--eam / translator.eam, --eam-file / translator.eam-file) or a 6rd domain (--6rd-prefix / "
                + "[[sixrd.domain]])");
        }
        final IviFormat ivi = p.parse(Key.IVI_PREFIX, IviFormat::parse);
        if (ivi != null && prefix != null)
        {
            errors.add(s.origin(Key.IVI_PREFIX)
                + ": give either an RFC 6052 prefix or an IVI prefix (RFC 6219), not both");
        }
        final boolean wkpStrict = p.bool(Key.WKP_STRICT, true);
        final Ipv4Prefix ipv4Addr = p.parse(Key.IPV4_ADDR, t -> new Ipv4Prefix(Addresses.parse4(t), 32));
        final Ipv6Prefix ipv6Addr = p.parse(Key.IPV6_ADDR, t -> new Ipv6Prefix(Addresses.parse6(t), 128));
        final Ipv4Prefix pool4 = p.parse(Key.ICMP_POOL4, Ipv4Prefix::parse);
        final Ipv6Prefix pool6 = p.parse(Key.ICMP_POOL6, Ipv6Prefix::parse);
        final int lowestIpv6Mtu = p.integer(Key.LOWEST_IPV6_MTU, 1280, 1280, 65535);
        final int ipv4Mtu = p.integer(Key.IPV4_MTU, 0, 0, 65535);
        if (ipv4Mtu != 0 && ipv4Mtu < 68)
        {
            errors.add(s.origin(Key.IPV4_MTU) + ": an IPv4 MTU is at least 68 (RFC 791), not " + ipv4Mtu);
        }
        final int ipv6Mtu = p.integer(Key.IPV6_MTU, 0, 0, 65535);
        if (ipv6Mtu != 0 && ipv6Mtu < 1280)
        {
            errors.add(s.origin(Key.IPV6_MTU) + ": an IPv6 MTU is at least 1280 (RFC 8200), not " + ipv6Mtu);
        }
        final TranslatorConfig.UdpZeroChecksum udp = p.choice(Key.UDP_ZERO_CHECKSUM,
            TranslatorConfig.UdpZeroChecksum.COMPUTE, TranslatorConfig.UdpZeroChecksum.class);
        final boolean copyTos = p.bool(Key.COPY_TOS, true);
        final int icmpRate = p.integer(Key.ICMP_ERRORS_PER_SECOND, 1000, 0, 1_000_000);
        final boolean hairpin = p.bool(Key.EAM_HAIRPINNING, true);
        final Ipv4Denylist denylist = denylist(s, errors);
        final InetSocketAddress metrics = p.parse(Key.METRICS, GatewayConfig::socketAddress);
        final boolean manageRoutes = p.bool(Key.TUN_MANAGE_ROUTES, false);

        if (!errors.isEmpty())
        {
            return new Result(null, List.copyOf(errors));
        }
        final AddressMapper mapper = new AddressMapper(ivi != null ? ivi : prefix, eamt, wkpStrict, denylist);
        // CE mode ([map-ce]): the node's one IPv4 address is shared (and is the destination of the errors it
        // originates), so without translator.ipv4-addr its ICMPv4 errors come from RFC 7600's dummy address.
        final boolean customerEdge = mapDomains.stream().anyMatch(MapDomain::isCustomerEdge);
        final int ipv4Address = ipv4Addr != null ? ipv4Addr.address() : customerEdge ? SpecialIpv4.DUMMY : 0;
        final TranslatorConfig siit = TranslatorConfig.builder(mapper)
            .udpZeroChecksum(udp).copyTos(copyTos)
            .ipv4Address(ipv4Address).ipv6Address(ipv6Addr)
            // RFC 6791 s.4: without a pool, xlat64's own address is the one-address pool, so an ICMP error from an
            // untranslatable router (e.g. a Packet Too Big from the gateway itself) still reaches the sender.
            .icmpPool4(pool4 != null ? pool4 : ipv4Addr).icmpPool6(pool6 != null ? pool6 : ipv6Addr)
            .lowestIpv6Mtu(lowestIpv6Mtu).ipv4Mtu(ipv4Mtu).ipv6Mtu(ipv6Mtu)
            .tunMtu(mtu).icmpErrorsPerSecond(icmpRate).eamHairpinning(hairpin)
            .sixRdDomains(sixRdDomains)
            .build();
        return new Result(new GatewayConfig(tun, queues, mtu, s.has(Key.TUN_MTU), idle, offload, ioUring, siit, metrics,
            s.file(), manageRoutes, mapDomains), List.of());
    }

    /** {@code host:port}, {@code [v6]:port} or {@code :port} (loopback); bare host gets port 9464. */
    public static InetSocketAddress socketAddress(final String text)
    {
        String host = text;
        int port = 9464;
        if (text.startsWith("["))
        {
            final int close = text.indexOf(']');
            if (close < 0)
            {
                throw new IllegalArgumentException("'" + text + "': missing ']'");
            }
            host = text.substring(1, close);
            if (text.length() > close + 1)
            {
                if (text.charAt(close + 1) != ':')
                {
                    throw new IllegalArgumentException("'" + text + "': expected [address]:port");
                }
                port = port(text.substring(close + 2), text);
            }
            Addresses.parse6(host);
        }
        else if (text.indexOf(':') == text.lastIndexOf(':') && text.indexOf(':') >= 0)
        {
            host = text.substring(0, text.indexOf(':'));
            port = port(text.substring(text.indexOf(':') + 1), text);
            if (host.isEmpty())
            {
                host = "127.0.0.1";
            }
            Addresses.parse4(host);
        }
        else if (text.indexOf(':') >= 0)
        {
            Addresses.parse6(host);
        }
        else
        {
            Addresses.parse4(host);
        }
        return new InetSocketAddress(host, port);
    }

    private static int port(final String text, final String whole)
    {
        try
        {
            final int port = Integer.parseInt(text);
            if (port < 1 || port > 65535)
            {
                throw new NumberFormatException();
            }
            return port;
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException("'" + whole + "': the port must be 1..65535");
        }
    }

    /** Parses values, turning every failure into an error line with the value's origin. */
    private static final class Parser
    {
        private final Settings settings;
        private final List<String> errors;

        Parser(final Settings settings, final List<String> errors)
        {
            this.settings = settings;
            this.errors = errors;
        }

        <T> T parse(final Key key, final Function<String, T> parser)
        {
            final String v = settings.get(key);
            if (v == null)
            {
                return null;
            }
            try
            {
                return parser.apply(v.trim());
            }
            catch (final IllegalArgumentException ex)
            {
                errors.add(settings.origin(key) + ": " + ex.getMessage());
                return null;
            }
        }

        int integer(final Key key, final int fallback, final int min, final int max)
        {
            final String v = settings.get(key);
            if (v == null)
            {
                return fallback;
            }
            try
            {
                final int n = Integer.parseInt(v.trim());
                if (n < min || n > max)
                {
                    errors.add(settings.origin(key) + ": must be between " + min + " and " + max + ", not " + n);
                    return fallback;
                }
                return n;
            }
            catch (final NumberFormatException ex)
            {
                errors.add(settings.origin(key) + ": '" + v + "' is not a whole number");
                return fallback;
            }
        }

        boolean bool(final Key key, final boolean fallback)
        {
            final String v = settings.get(key);
            if (v == null)
            {
                return fallback;
            }
            if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("yes") || v.equalsIgnoreCase("on"))
            {
                return true;
            }
            if (v.equalsIgnoreCase("false") || v.equalsIgnoreCase("no") || v.equalsIgnoreCase("off"))
            {
                return false;
            }
            errors.add(settings.origin(key) + ": '" + v + "' is not true or false");
            return fallback;
        }

        <E extends Enum<E>> E choice(final Key key, final E fallback, final Class<E> type)
        {
            final String v = settings.get(key);
            if (v == null)
            {
                return fallback;
            }
            try
            {
                return Enum.valueOf(type, v.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
            }
            catch (final IllegalArgumentException ex)
            {
                final List<String> names = new ArrayList<>();
                for (final E e : type.getEnumConstants())
                {
                    names.add(e.name().toLowerCase(Locale.ROOT).replace('_', '-'));
                }
                errors.add(settings.origin(key) + ": '" + v + "' is not one of " + String.join(", ", names));
                return fallback;
            }
        }
    }

    /**
     * The TUN device's settings, as the data plane takes them. Without {@code tun.mtu} the MTU is 0: a device that
     * exists keeps its own (a new one has the kernel's 1500, which {@link #mtu} also says).
     */
    public TunSettings tunSettings()
    {
        return new TunSettings(tunName, queues, mtuGiven ? mtu : 0, idle, offload, ioUring);
    }

    /**
     * RFC 1812 s.5.3.7: {@code translator.ipv4-denylist}, the IPv4 prefixes never translated; the default list when
     * unset, none for an empty list (or the flag's single value {@code none}).
     */
    private static Ipv4Denylist denylist(final Settings s, final List<String> errors)
    {
        if (!s.has(Key.IPV4_DENYLIST))
        {
            return Ipv4Denylist.DEFAULT;
        }
        final List<String> list = s.list(Key.IPV4_DENYLIST);
        if (list.equals(List.of("none")))
        {
            return Ipv4Denylist.NONE;
        }
        try
        {
            return Ipv4Denylist.parse(list);
        }
        catch (final IllegalArgumentException ex)
        {
            errors.add(s.origin(Key.IPV4_DENYLIST) + ": " + ex.getMessage());
            return Ipv4Denylist.DEFAULT;
        }
    }
}
