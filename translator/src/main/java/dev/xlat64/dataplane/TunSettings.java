package dev.xlat64.dataplane;

/**
 * What the data plane needs to know of its TUN device, as plain values (the config layer builds it).
 *
 * @param name    interface name (created, or attached to if it exists)
 * @param queues  queues, one agent thread each
 * @param mtu     MTU to set on the device; 0 keeps the MTU of a device that exists (a new one has 1500)
 * @param idle    how an agent waits when its queue is empty
 * @param offload ask for the virtio-net offloads (checksum, TSO, USO)
 * @param ioUring read and write through io_uring where the kernel allows it
 */
public record TunSettings(String name, int queues, int mtu, Idle idle, boolean offload, boolean ioUring)
{
}
