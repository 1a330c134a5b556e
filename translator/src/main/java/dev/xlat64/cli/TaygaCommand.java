package dev.xlat64.cli;

import dev.xlat64.config.ConfigFile;
import dev.xlat64.config.GatewayConfig;
import dev.xlat64.config.Settings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code xlat64 tayga}: TAYGA's command line over xlat64's translator, so that a script written for TAYGA (clatd runs
 * {@code tayga --mktun --config FILE}, then {@code tayga --config FILE --nodetach}, then {@code tayga --rmtun}) runs
 * xlat64 unchanged. tayga.conf is read as {@code import-tayga} reads it ({@link ImportTaygaCommand#convert}).
 */
@Command(
    name = "tayga",
    mixinStandardHelpOptions = true,
    description = {
        "TAYGA-compatible entry: read a tayga.conf (as import-tayga does) and translate, in the foreground, until "
            + "stopped. --mktun creates the persistent TUN device named in tayga.conf and exits; --rmtun removes it. "
            + "For clatd: set tayga-path to a script running `xlat64 tayga \"$@\"` (see docs/clat.md).",
        ""},
    footer = {"", "Exit codes: 0 done, 1 runtime failure, 2 tayga.conf error."})
public final class TaygaCommand implements Callable<Integer>
{
    @Option(names = {"-c", "--config"}, paramLabel = "FILE", defaultValue = "/etc/tayga.conf",
        description = "The TAYGA config file (default: ${DEFAULT-VALUE}).")
    Path config;

    @Option(names = {"-d"}, description = "TAYGA's debug mode: stay in the foreground (xlat64 always does).")
    boolean debug;

    @Option(names = {"-n", "--nodetach"}, description = "Stay in the foreground (xlat64 always does).")
    boolean nodetach;

    @Option(names = "--mktun", description = "Create the persistent TUN device and exit.")
    boolean mktun;

    @Option(names = "--rmtun", description = "Remove the persistent TUN device and exit.")
    boolean rmtun;

    @Option(names = {"-u", "--user"}, paramLabel = "USER",
        description = "Accepted and ignored (run under systemd's User= instead).")
    String user;

    @Option(names = {"-g", "--group"}, paramLabel = "GROUP", description = "Accepted and ignored.")
    String group;

    @Option(names = {"-r", "--chroot"}, description = "Accepted and ignored.")
    boolean chroot;

    @Option(names = {"-p", "--pidfile"}, paramLabel = "FILE", description = "Write the process id here while running.")
    Path pidfile;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception
    {
        final PrintWriter err = spec.commandLine().getErr();
        if (user != null || group != null || chroot)
        {
            err.println("xlat64 tayga: --user, --group and --chroot are ignored (use systemd's User= and sandboxing)");
        }
        final GatewayConfig.Result first = load(err, true);
        if (!first.ok())
        {
            first.errors.forEach(e -> err.println("xlat64: " + e));
            return 2;
        }
        if (mktun || rmtun)
        {
            // TAYGA's --mktun/--rmtun: a persistent single-queue TUN device that the running translator attaches to.
            final String failure = ip(mktun ? "add" : "del", first.config.tunName);
            if (failure != null)
            {
                err.println("xlat64: ip tuntap " + (mktun ? "add" : "del") + " " + first.config.tunName + ": "
                    + failure);
                return 1;
            }
            err.println("xlat64 tayga: " + (mktun ? "created" : "removed") + " TUN device " + first.config.tunName);
            return 0;
        }
        final RunCommand run = new RunCommand(() -> load(err, false), spec);
        run.pidfile = pidfile;
        return run.call();
    }

    private GatewayConfig.Result load(final PrintWriter err, final boolean warn) throws IOException
    {
        if (!Files.isReadable(config))
        {
            return new GatewayConfig.Result(null, List.of(config + ": cannot read the TAYGA config file"));
        }
        final ImportTaygaCommand.Conversion c =
            ImportTaygaCommand.convert(config.toString(), Files.readAllLines(config));
        if (warn)
        {
            c.warnings().forEach(w -> err.println("warning: " + w));
            err.flush();
        }
        if (!c.errors().isEmpty())
        {
            return new GatewayConfig.Result(null, c.errors());
        }
        return GatewayConfig.from(new Settings().fromFile(ConfigFile.parse(config + " (as TOML)", c.toml())));
    }

    private static String ip(final String verb, final String name) throws IOException, InterruptedException
    {
        final Process p = new ProcessBuilder("ip", "tuntap", verb, "dev", name, "mode", "tun")
            .redirectErrorStream(true).start();
        final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!p.waitFor(10, TimeUnit.SECONDS))
        {
            p.destroyForcibly();
            return "timed out";
        }
        return p.exitValue() == 0 ? null : out;
    }
}
