/**
 * The configuration: TOML file and flags bound to a validated model, every error as file:line: key: message, and
 * the snapshot the engine runs on. May import everything below the CLI.
 */
package dev.xlat64.config;
