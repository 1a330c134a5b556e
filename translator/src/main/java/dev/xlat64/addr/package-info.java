/**
 * Address mapping, immutable and built off the data path: RFC 6052 prefixes, the RFC 7757 EAM table, the RFC 6791
 * pool, IVI (RFC 6219) and 6rd domain arithmetic (RFC 5969 s.4), and the longest-prefix-match table every address
 * table shares ({@link dev.xlat64.addr.PrefixTable}, with its garbage-free loader {@link dev.xlat64.addr.PrefixParser}:
 * a million EAM entries, docs/tables.md). May import {@code packet} only.
 */
package dev.xlat64.addr;
