/**
 * The CLAT of 464XLAT (RFC 6877): PLAT prefix discovery (configured, the PREF64 Router Advertisement option of
 * RFC 8781, the {@code ipv4only.arpa} lookup of RFC 7050), the CLAT's own addresses (RFC 7335) and the host plumbing
 * around one stateless translator; the translation itself is the engine's, unchanged.
 * <p>
 * May import {@code addr}, {@code service} and {@code dataplane} (and the JDK, jnr-ffi through
 * {@code service.Libc}, slf4j); never {@code config} or {@code cli}, which build on it.
 */
package dev.xlat64.clat;
