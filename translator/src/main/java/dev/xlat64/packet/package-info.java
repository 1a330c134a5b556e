/**
 * Header flyweights over one buffer (IPv4, IPv6 and its extension-header chain, fragment header, ICMP, TCP, UDP,
 * virtio-net) and the one ones'-complement checksum; structure only, never policy. RFC 791, RFC 8200, RFC 792,
 * RFC 4443, RFC 1071, RFC 1624. Imports nothing of xlat64 (the bottom layer; docs/architecture.md, Layers).
 */
package dev.xlat64.packet;
