/**
 * The TUN device (opened inside a named network namespace when asked, setns(2)) and io_uring through jnr-ffi (Linux
 * tun(4), virtio-net header, io_uring(7)); no RFC rule of its own (the packets it carries are the data path's).
 * Imports nothing of xlat64 (below the data plane; docs/architecture.md, Layers).
 */
package dev.xlat64.tun;
