package dev.xlat64.cli;

import java.util.List;

/** The translator module's own subcommands, in the order {@code xlat64 --help} lists them. */
final class Builtins
{
    private Builtins()
    {
    }

    static List<Object> commands()
    {
        return List.of(new RunCommand(), new CheckConfigCommand(), new MapCommand(), new DemoCommand(),
            new SixRdCeCommand(), new StatsCommand(), new ReloadCommand(), new ImportTaygaCommand(), new ClatCommand(),
            new TaygaCommand(), new MapCeCommand(), new DrainCommand());
    }
}
