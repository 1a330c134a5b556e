package dev.xlat64.cli;

import dev.xlat64.config.ConfigFile;
import dev.xlat64.config.GatewayConfig;
import dev.xlat64.config.Settings;
import dev.xlat64.config.Settings.Key;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The translator's flags, shared by {@code run} and {@code check-config}; each overrides its config-file key. */
public final class TranslatorOptions
{
    @Option(names = "--config", paramLabel = "FILE", description = "TOML config file (flags override its values).")
    Path config;

    @Option(names = "--tun", paramLabel = "NAME",
        description = "TUN device to create, or to attach to when one of that name exists (default: xlat64).")
    String tun;

    @Option(names = "--prefix", paramLabel = "PREFIX",
        description = "RFC 6052 prefix: /32, /40, /48, /56, /64 or /96, e.g. 64:ff9b::/96 or 2001:db8:64::/96.")
    String prefix;

    @Option(names = "--ivi-prefix", paramLabel = "PREFIX",
        description = "IVI (RFC 6219) address format instead of RFC 6052: /32 prefix, 0xFF octet, IPv4 address, e.g. " +
            "2001:da8::/32.")
    String iviPrefix;

    @Option(names = "--eam", paramLabel = "IPV4PREFIX=IPV6PREFIX",
        description = "Explicit address mapping (RFC 7757), repeatable, e.g. 192.0.2.0/24=2001:db8:46::/120.")
    List<String> eam;

    @Option(names = "--eam-file", paramLabel = "FILE",
        description = "More EAM entries, one IPV4PREFIX=IPV6PREFIX per line (# comments), added to --eam's; " +
            "reread on reload. For large tables (a million entries load in seconds; see docs/tables.md).")
    String eamFile;

    @Option(names = "--ipv4-denylist", paramLabel = "IPV4PREFIX",
        description = "IPv4 prefix never translated (RFC 1812 s.5.3.7), repeatable; replaces the default list " +
            "(0.0.0.0/8, 127.0.0.0/8, 169.254.0.0/16, 224.0.0.0/4, 240.0.0.0/4, 255.255.255.255/32); 'none' for none.")
    List<String> ipv4Denylist;

    @Option(names = "--queues", paramLabel = "N", description = "TUN queues, one translating thread each (default: 1).")
    String queues;

    @Option(names = "--idle", paramLabel = "STRATEGY",
        description = "How an idle queue waits: busy-spin (lowest latency, burns a core), backoff, or sleep " +
            "(block in poll(2); default).")
    String idle;

    @Option(names = "--mtu", paramLabel = "N",
        description = "TUN device MTU (default: an existing device keeps its own, a new one gets 1500).")
    String mtu;

    @Option(names = "--offload", paramLabel = "true|false",
        description = "TUN offloads (IFF_VNET_HDR + TUNSETOFFLOAD): TCP and UDP super-packets of up to 64 KiB "
            + "translated once (default: true; off by itself where the kernel refuses).")
    String offload;

    @Option(names = "--no-offload", description = "Same as --offload false.")
    boolean noOffload;

    @Option(names = "--io-uring", paramLabel = "true|false",
        description = "Batch the TUN reads and writes through io_uring: one system call per batch instead of two per " +
            "packet (default: true; off by itself where the kernel or a seccomp filter refuses io_uring).")
    String ioUring;

    @Option(names = "--no-io-uring", description = "Same as --io-uring false: one read(2) and one write(2) per packet.")
    boolean noIoUring;

    @Option(names = "--ipv4-addr", paramLabel = "A.B.C.D",
        description = "xlat64's own IPv4 address: source of the ICMPv4 errors it originates.")
    String ipv4Addr;

    @Option(names = "--ipv6-addr", paramLabel = "ADDR",
        description = "xlat64's own IPv6 address: source of the ICMPv6 errors it originates (may lie in the prefix).")
    String ipv6Addr;

    @Option(names = "--icmp-pool4", paramLabel = "PREFIX",
        description = "RFC 6791 pool: IPv4 sources for ICMP errors from IPv6 routers whose addresses do not translate.")
    String icmpPool4;

    @Option(names = "--icmp-pool6", paramLabel = "PREFIX",
        description = "IPv6 sources for ICMP errors from IPv4 routers whose addresses do not translate.")
    String icmpPool6;

    @Option(names = "--lowest-ipv6-mtu", paramLabel = "N",
        description = "Smallest MTU on the IPv6 side; IPv4 packets without DF are fragmented to fit (default: 1280).")
    String lowestIpv6Mtu;

    @Option(names = "--ipv4-mtu", paramLabel = "N", description = "Next-hop MTU toward IPv4 when below the TUN MTU.")
    String ipv4Mtu;

    @Option(names = "--ipv6-mtu", paramLabel = "N", description = "Next-hop MTU toward IPv6 when below the TUN MTU.")
    String ipv6Mtu;

    @Option(names = "--udp-zero-checksum", paramLabel = "compute|drop",
        description = "IPv4 UDP without checksum: compute one (default) or drop (RFC 7915 s.4.5).")
    String udpZeroChecksum;

    @Option(names = "--copy-tos", paramLabel = "true|false",
        description = "Copy TOS <-> traffic class (default: true; false sets it to zero, RFC 7915 s.4.1).")
    String copyTos;

    @Option(names = "--wkp-strict", paramLabel = "true|false",
        description = "Drop non-global IPv4 under 64:ff9b::/96 as RFC 6052 s.3.1 requires (default: true; " +
            "false only for labs).")
    String wkpStrict;

    @Option(names = "--icmp-errors-per-second", paramLabel = "N",
        description = "Rate limit for ICMP errors xlat64 originates, per queue (default: 1000; 0 disables them).")
    String icmpRate;

    @Option(names = "--eam-hairpinning", paramLabel = "true|false",
        description = "Hairpin EAM-to-EAM traffic inside xlat64 (RFC 7757 s.4; default: true).")
    String hairpinning;

    @Option(names = "--metrics", paramLabel = "ADDR:PORT", arity = "0..1", fallbackValue = "127.0.0.1:9464",
        description = "Serve Prometheus metrics at http://ADDR:PORT/metrics (loopback:9464 when no address).")
    String metrics;

    @Option(names = "--manage-routes", paramLabel = "true|false", arity = "0..1", fallbackValue = "true",
        description = "Add the routes into the TUN device that the mapping needs at start, remove them at stop " +
            "(default: false; the example config turns it on).")
    String manageRoutes;

    @Mixin
    SixRdOptions sixRd;

    /** Reads the file (if any), applies the flags over it and validates everything. */
    public GatewayConfig.Result load() throws IOException
    {
        final Settings s = new Settings();
        if (config != null)
        {
            if (!Files.isReadable(config))
            {
                return new GatewayConfig.Result(null, List.of(config + ": cannot read the config file"));
            }
            s.fromFile(ConfigFile.read(config));
        }
        s.flag(Key.TUN_NAME, tun).flag(Key.PREFIX, prefix).flag(Key.IVI_PREFIX, iviPrefix).flag(Key.EAM, eam)
            .flag(Key.EAM_FILE, eamFile).flag(Key.TUN_QUEUES, queues)
            .flag(Key.TUN_IDLE, idle).flag(Key.TUN_MTU, mtu)
            .flag(Key.TUN_OFFLOAD, noOffload ? "false" : offload)
            .flag(Key.TUN_IO_URING, noIoUring ? "false" : ioUring).flag(Key.IPV4_ADDR, ipv4Addr)
            .flag(Key.IPV6_ADDR, ipv6Addr)
            .flag(Key.ICMP_POOL4, icmpPool4).flag(Key.ICMP_POOL6, icmpPool6).flag(Key.LOWEST_IPV6_MTU, lowestIpv6Mtu)
            .flag(Key.IPV4_MTU, ipv4Mtu).flag(Key.IPV6_MTU, ipv6Mtu).flag(Key.UDP_ZERO_CHECKSUM, udpZeroChecksum)
            .flag(Key.COPY_TOS, copyTos).flag(Key.WKP_STRICT, wkpStrict).flag(Key.ICMP_ERRORS_PER_SECOND, icmpRate)
            .flag(Key.EAM_HAIRPINNING, hairpinning).flag(Key.METRICS, metrics);
        s.flag(Key.TUN_MANAGE_ROUTES, manageRoutes);
        s.flag(Key.IPV4_DENYLIST, ipv4Denylist);
        sixRd.apply(s);
        return GatewayConfig.from(s);
    }
}
