/**
 * The picocli commands (run, check-config, map, stats, demo, ...): the top layer, may import everything.
 */
package dev.xlat64.cli;
