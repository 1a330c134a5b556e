package dev.xlat64.cli;

import dev.xlat64.service.Pidfile;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;

/**
 * The running xlat64 that {@code reload} and {@code drain} signal, found through its pidfile: one reading and one
 * error line for every command that needs it.
 */
final class RunningInstance
{
    private RunningInstance()
    {
    }

    /**
     * The PID named by {@code pidfile} ({@link Pidfile#read}); -1 after printing {@code xlat64: REASON} to {@code err}
     * when there is no running instance behind it (the caller exits 1).
     */
    static long pid(final Path pidfile, final PrintWriter err)
    {
        try
        {
            return Pidfile.read(pidfile);
        }
        catch (final IOException ex)
        {
            err.println("xlat64: " + ex.getMessage());
            return -1;
        }
    }
}
