package dev.xlat64.cli;

import dev.xlat64.config.GatewayConfig;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Settings a reload cannot apply to a running instance (the TUN device, its threads, the metrics socket). */
final class RestartOnly
{
    private RestartOnly()
    {
    }

    /** The restart-only settings that differ between {@code running} and {@code next}, as {@code table.key} names. */
    static List<String> changes(final GatewayConfig running, final GatewayConfig next)
    {
        final List<String> changed = new ArrayList<>();
        if (!running.tunName.equals(next.tunName))
        {
            changed.add("tun.name");
        }
        if (running.queues != next.queues)
        {
            changed.add("tun.queues");
        }
        if (running.mtu != next.mtu)
        {
            changed.add("tun.mtu");
        }
        if (running.idle != next.idle)
        {
            changed.add("tun.idle");
        }
        if (running.offload != next.offload)
        {
            changed.add("tun.offload");
        }
        if (running.ioUring != next.ioUring)
        {
            changed.add("tun.io-uring");
        }
        if (running.manageRoutes != next.manageRoutes)
        {
            changed.add("tun.manage-routes");
        }
        if (!Objects.equals(running.metrics, next.metrics))
        {
            changed.add("metrics.listen");
        }
        return changed;
    }
}
