/**
 * What the gateway does for the operating system around the data plane, never on the packet path: pidfile, the
 * routes into the TUN device (rtnetlink, RFC 3549), systemd readiness, reload and watchdog notifications
 * (sd_notify), and rate-limited warnings. May import {@code engine} and the layers below it ({@code siit} snapshot,
 * {@code addr}); never {@code config} or {@code cli}, which hand it plain values.
 */
package dev.xlat64.service;
