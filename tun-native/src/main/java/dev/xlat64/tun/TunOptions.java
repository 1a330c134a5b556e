package dev.xlat64.tun;

/**
 * What {@link TunDevice#open} creates: start with {@link #named(String)} and refine with the withers.
 *
 * @param name       interface name, at most 15 bytes; the kernel may return a different one for patterns like "tun%d"
 * @param queues     number of queues; more than one uses IFF_MULTI_QUEUE, one /dev/net/tun fd per queue
 * @param vnetHeader IFF_VNET_HDR: every packet is preceded by a struct virtio_net_hdr
 * @param netns      named network namespace (/var/run/netns/NAME) to create the device in, or null for the current one
 * @param mtu        MTU to set while inside the namespace, or 0 to leave the kernel's default
 * @param up         bring the interface up while inside the namespace
 */
public record TunOptions(String name, int queues, boolean vnetHeader, String netns, int mtu, boolean up)
{
    public TunOptions
    {
        if (name == null || name.isEmpty() || name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 15)
        {
            throw new IllegalArgumentException("TUN device name must be 1..15 bytes, not '" + name + "'");
        }
        if (queues < 1)
        {
            throw new IllegalArgumentException("TUN device " + name + " needs at least one queue, not " + queues);
        }
        if (mtu < 0)
        {
            throw new IllegalArgumentException("TUN device " + name + " MTU must be positive, not " + mtu);
        }
    }

    /** One queue, no vnet header, current namespace, default MTU, left down. */
    public static TunOptions named(final String name)
    {
        return new TunOptions(name, 1, false, null, 0, false);
    }

    public TunOptions queues(final int queues)
    {
        return new TunOptions(name, queues, vnetHeader, netns, mtu, up);
    }

    public TunOptions vnetHeader(final boolean vnetHeader)
    {
        return new TunOptions(name, queues, vnetHeader, netns, mtu, up);
    }

    public TunOptions netns(final String netns)
    {
        return new TunOptions(name, queues, vnetHeader, netns, mtu, up);
    }

    public TunOptions mtu(final int mtu)
    {
        return new TunOptions(name, queues, vnetHeader, netns, mtu, up);
    }

    public TunOptions up(final boolean up)
    {
        return new TunOptions(name, queues, vnetHeader, netns, mtu, up);
    }
}
