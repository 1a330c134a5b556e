package dev.xlat64.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.ServiceLoader;

/**
 * The {@code xlat64} root command. Subcommands of other modules (e.g. {@code dns64}) are found through
 * {@link ServiceLoader} of {@link Xlat64Subcommand}, so dependencies point one way: dns64 -> translator.
 */
@Command(
    name = "xlat64",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = {
        "User-space IPv6 transition gateway: stateless NAT64/SIIT (RFC 7915) on a TUN device, 6rd border relay "
            + "(RFC 5969) and DNS64 (RFC 6147).",
        ""},
    footer = {
        "",
        "Exit codes: 0 success, 1 runtime failure (e.g. TUN device could not be created), 2 usage or config error."},
    subcommands = {CommandLine.HelpCommand.class})
public final class Xlat64
{
    public static void main(final String[] args)
    {
        System.exit(commandLine().execute(args));
    }

    public static CommandLine commandLine()
    {
        final CommandLine cl = new CommandLine(new Xlat64());
        for (final Object builtin : Builtins.commands())
        {
            cl.addSubcommand(builtin);
        }
        for (final Xlat64Subcommand extra : ServiceLoader.load(Xlat64Subcommand.class))
        {
            cl.addSubcommand(extra);
        }
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) ->
        {
            commandLine.getErr().println("xlat64: " + (ex.getMessage() == null ? ex.toString() : ex.getMessage()));
            return ex instanceof IllegalArgumentException ? 2 : 1;
        });
        return cl;
    }
}
