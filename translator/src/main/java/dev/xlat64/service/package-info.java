/**
 * What the gateway does for the operating system around the data plane, never on the packet path: pidfile, the
 * routes into the TUN device (rtnetlink, RFC 3549), systemd readiness, reload and watchdog notifications
 * (sd_notify), scale-out (route announcement, progress watchdog, drain) and rate-limited warnings, with one libc
 * binding for their sockets ({@link dev.xlat64.service.Libc}). May import {@code tun}, {@code core} (outcomes,
 * counters, the config snapshot), {@code addr} and {@code packet}; never {@code config} or {@code cli}, which hand it
 * plain values.
 */
package dev.xlat64.service;
