package dev.xlat64.cli;

import dev.xlat64.config.GatewayConfig;
import dev.xlat64.config.Settings;
import dev.xlat64.config.Settings.Key;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code xlat64 6rd-ce}: a user-space 6rd CE (RFC 5969 s.7-8) on a TUN device, for hosts without the sit driver. */
@Command(
    name = "6rd-ce",
    mixinStandardHelpOptions = true,
    description = {
        "Run a 6rd CE on a TUN device until stopped (SIGINT/SIGTERM): IPv6 packets routed into the device are "
            + "encapsulated in IPv4 from the WAN address, to the BR, or straight to another CE when the destination "
            + "lies in the 6rd prefix; 6in4 packets to the WAN address routed into the device are checked, "
            + "decapsulated and written back for the kernel to route.",
        "",
        "Routes are yours to add (see docs/6rd.md, CE mode): the WAN address belongs to xlat64, not to a kernel "
            + "interface:",
        "  ip route add 192.0.2.130/32 dev 6rd        # 6in4 from the BR and other CEs",
        "  ip -6 route add default dev 6rd mtu 1480   # IPv6 into the tunnel",
        "  sysctl -w net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1",
        ""},
    footer = {"", "Exit codes: 0 stopped cleanly, 1 runtime failure (TUN device, metrics port), 2 config error."})
public final class SixRdCeCommand implements Callable<Integer>
{
    @Option(names = "--tun", paramLabel = "NAME", defaultValue = "6rd", description = "TUN device (default: 6rd).")
    String tun;

    @Option(names = "--mtu", paramLabel = "N",
        description = "TUN device MTU (default: an existing device keeps its own, a new one gets 1500).")
    String mtu;

    @Option(names = "--queues", paramLabel = "N", description = "TUN queues, one thread each (default: 1).")
    String queues;

    @Option(names = "--idle", paramLabel = "STRATEGY", description = "busy-spin, backoff or sleep (default).")
    String idle;

    @Option(names = "--wan-ipv4", paramLabel = "A.B.C.D", required = true,
        description = "The CE's IPv4 address (in the domain's IPv4 prefix): outer source, and where 6in4 arrives.")
    String wan;

    @Option(names = "--metrics", paramLabel = "ADDR:PORT", arity = "0..1", fallbackValue = "127.0.0.1:9464",
        description = "Serve Prometheus metrics at http://ADDR:PORT/metrics.")
    String metrics;

    @Mixin
    SixRdOptions sixRd;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception
    {
        return new RunCommand(this::load, spec).call();
    }

    GatewayConfig.Result load()
    {
        final Settings s = new Settings().flag(Key.TUN_NAME, tun).flag(Key.TUN_MTU, mtu).flag(Key.TUN_QUEUES, queues)
            .flag(Key.TUN_IDLE, idle).flag(Key.METRICS, metrics).flag(Key.SIXRD_WAN_IPV4, wan);
        return GatewayConfig.from(sixRd.apply(s));
    }
}
