package dev.xlat64.cli;

import dev.xlat64.config.ConfigFile;
import dev.xlat64.config.GatewayConfig;
import dev.xlat64.config.Settings;
import dev.xlat64.map.MapDomain;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.Callable;

/** {@code xlat64 check-config FILE}: validates without running anything. */
@Command(
    name = "check-config",
    mixinStandardHelpOptions = true,
    description = "Validate a config file (all of it, including [dns64] when present) without touching the system. "
        + "Every error is printed as FILE:LINE: KEY: MESSAGE.",
    footer = {"", "Exit codes: 0 valid, 2 errors found."})
public final class CheckConfigCommand implements Callable<Integer>
{
    @Parameters(paramLabel = "FILE", description = "The TOML config file, e.g. /etc/xlat64/xlat64.toml.")
    Path file;

    @Spec
    CommandSpec spec;

    /**
     * The errors of the sections that companion services (e.g. DNS64) validate; none when the file has syntax errors.
     */
    static List<String> companionErrors(final ConfigFile configFile)
    {
        final List<String> errors = new ArrayList<>();
        if (!configFile.hasErrors())
        {
            for (final CompanionService service : ServiceLoader.load(CompanionService.class))
            {
                if (configFile.toml().contains(service.section()))
                {
                    final int before = configFile.errors().size();
                    service.validate(configFile);
                    errors.addAll(configFile.errors().subList(before, configFile.errors().size()));
                }
            }
        }
        return errors;
    }

    @Override
    public Integer call() throws Exception
    {
        if (!Files.isReadable(file))
        {
            spec.commandLine().getErr().println("xlat64: " + file + ": cannot read the config file");
            return 2;
        }
        final ConfigFile configFile = ConfigFile.read(file);
        final GatewayConfig.Result result = GatewayConfig.from(new Settings().fromFile(configFile));
        final List<String> errors = new ArrayList<>(result.errors);
        errors.addAll(companionErrors(configFile));
        if (!errors.isEmpty())
        {
            errors.forEach(e -> spec.commandLine().getErr().println(e));
            return 2;
        }
        final GatewayConfig c = result.config;
        spec.commandLine().getOut().printf("%s: OK (tun %s, %d queue(s), prefix %s, %d EAM entries, %d 6rd domains)%n",
            file, c.tunName, c.queues, c.siit.mapper.format(), c.siit.mapper.eamt().size(),
            c.siit.sixRdDomains.size());
        for (final MapDomain d : c.mapDomains)
        {
            spec.commandLine().getOut().printf("%s: %s (validated; %s, docs/map.md)%n", d.origin, d.summary(),
                d.isCustomerEdge() ? "map-ce serves it as this node's CE" : "run serves it as a BR");
        }
        return 0;
    }
}
