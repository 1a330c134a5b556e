/**
 * The data plane: one agent per TUN queue reads batches, runs the engine and writes the results (syscalls or
 * io_uring, virtio-net offloads). May import the engine and everything below it, and {@code tun}.
 */
package dev.xlat64.dataplane;
