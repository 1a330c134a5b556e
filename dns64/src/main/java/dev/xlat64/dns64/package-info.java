/**
 * The DNS64 responder (RFC 6147; RFC 7050 for {@code ipv4only.arpa}; RFC 2308 negative caching; RFC 7766 DNS over
 * TCP; RFC 7873/9018 cookies): event loops over non-blocking sockets ({@link dev.xlat64.dns64.EventLoop}), the
 * resolver policy and AAAA synthesis ({@link dev.xlat64.dns64.Resolver}, {@link dev.xlat64.dns64.Synthesizer}), the
 * caches and the upstream exchanges; docs/dns64.md and docs/dns64-defences.md. It is a module of its own on top of
 * the translator: it imports {@code addr} (prefixes, address formatting), {@code config} (the config file),
 * {@code metrics} and the {@code cli} hooks it plugs into, never the data path; libc's recvmmsg/sendmmsg through
 * jnr-ffi ({@link dev.xlat64.dns64.NativeUdp}).
 */
package dev.xlat64.dns64;
