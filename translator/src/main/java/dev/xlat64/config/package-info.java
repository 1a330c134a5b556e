/**
 * The configuration: the TOML file and the flags bound to one validated, immutable {@link
 * dev.xlat64.config.GatewayConfig} (the engine's snapshot and the runtime's settings), every error as
 * {@code file:line: key: message}. No rules of its own: values are checked against the limits of the RFCs the layers
 * below implement (e.g. RFC 791 / RFC 8200 minimum MTUs, RFC 6052 prefix lengths). May import every package below
 * the CLI; never {@code cli}.
 */
package dev.xlat64.config;
