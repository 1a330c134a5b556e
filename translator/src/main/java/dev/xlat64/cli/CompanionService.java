package dev.xlat64.cli;

import dev.xlat64.config.ConfigFile;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * A service that {@code xlat64 run} starts beside the data plane when the config file has its section (e.g. the
 * DNS64 responder for {@code [dns64]}). Found through {@link java.util.ServiceLoader}
 * ({@code META-INF/services/dev.xlat64.cli.CompanionService}), so the translator does not depend on its module.
 */
public interface CompanionService
{
    /** The top-level TOML table that enables this service, e.g. {@code "dns64"}. */
    String section();

    /** Adds this section's errors to {@code file} (file:line: key: message) without starting anything. */
    void validate(ConfigFile file);

    /** Starts the service from a validated file; closing the result stops it. */
    AutoCloseable start(ConfigFile file, MeterRegistry registry) throws Exception;
}
