package dev.xlat64.dns64;

import dev.xlat64.cli.CompanionService;
import dev.xlat64.config.ConfigFile;
import io.micrometer.core.instrument.MeterRegistry;

/** Lets {@code xlat64 run} start the DNS64 when the config file has a {@code [dns64]} table. */
public final class Dns64Service implements CompanionService
{
    @Override
    public String section()
    {
        return Dns64Config.SECTION;
    }

    @Override
    public void validate(final ConfigFile file)
    {
        Dns64Config.load(file, new Dns64Config.Overrides());
    }

    @Override
    public AutoCloseable start(final ConfigFile file, final MeterRegistry registry) throws Exception
    {
        final Dns64Config config = Dns64Config.load(file, new Dns64Config.Overrides());
        if (config == null)
        {
            throw new IllegalArgumentException(String.join("\n", file.errors()));
        }
        return Server.start(config, registry);
    }
}
