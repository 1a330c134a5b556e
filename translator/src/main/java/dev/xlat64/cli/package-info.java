/**
 * The {@code xlat64} commands (picocli): run, check-config, map (RFC 6052/7757 mappings, and the calculators of
 * RFC 5969 s.4 6rd, RFC 7597/7599 MAP-E/MAP-T, RFC 7596 lw4o6 with the RFC 7598/7618 DHCP options), 6rd-ce, clat
 * (RFC 6877), map-ce (the RFC 7597/7599 CE), stats, reload, drain, import-tayga, tayga, demo. The top layer: may
 * import every package below it (docs/architecture.md, Layers); nothing imports it.
 */
package dev.xlat64.cli;
