package dev.xlat64.cli;

import picocli.CommandLine.IVersionProvider;

/** Prints the version from the jar manifest (or "dev" when run from classes). */
public final class Version implements IVersionProvider
{
    @Override
    public String[] getVersion()
    {
        final String v = Xlat64.class.getPackage().getImplementationVersion();
        return new String[] {"xlat64 " + (v == null ? "dev" : v)};
    }
}
