/**
 * The packet path on a TUN device: one agent thread per queue reads packets (read(2) or io_uring), has the engine
 * translate them in place, writes the results back, handles the virtio-net offloads (TUN_F_CSUM/TSO/USO) around the
 * engine and counts every outcome; RFC 7915 s.4.1 and s.5.1 (fragmentation and DF of offloaded segments), RFC 768 /
 * RFC 1624 (checksums), docs/architecture.md ("The packet path"). May import {@code engine}, the layers below it
 * ({@code core} outcomes, counters and config snapshot, {@code siit} constants, {@code map} domains, {@code packet})
 * and {@code dev.xlat64.tun}; never {@code config} or {@code cli}, which build its
 * {@link dev.xlat64.dataplane.TunSettings}.
 */
package dev.xlat64.dataplane;
