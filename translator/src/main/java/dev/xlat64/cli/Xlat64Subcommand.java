package dev.xlat64.cli;

/**
 * A picocli {@code @Command} contributed by another module (listed in
 * {@code META-INF/services/dev.xlat64.cli.Xlat64Subcommand}) and added to the {@code xlat64} root command.
 */
public interface Xlat64Subcommand
{
}
