package dev.xlat64.service;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The pidfile {@code xlat64 run --pidfile} writes, read back by {@code xlat64 reload} to signal the instance. */
public final class Pidfile
{
    /** Where the systemd unit (RuntimeDirectory=xlat64) has {@code run} write it. */
    public static final String DEFAULT = "/run/xlat64/xlat64.pid";

    private static final int SIGHUP = 1;

    private Pidfile()
    {
    }

    /**
     * The PID of the running xlat64 named by {@code file}; throws with an operator-readable reason when the file is
     * missing, malformed, or names a process that is gone or is not xlat64 (a stale file after a crash).
     */
    public static long read(final Path file) throws IOException
    {
        if (!Files.isReadable(file))
        {
            throw new IOException(file + ": no pidfile (is xlat64 running with --pidfile " + file + "?)");
        }
        final long pid;
        try
        {
            pid = Long.parseLong(Files.readString(file, StandardCharsets.US_ASCII).strip());
        }
        catch (final NumberFormatException ex)
        {
            throw new IOException(file + ": does not hold a process id");
        }
        final Path cmdline = Path.of("/proc", String.valueOf(pid), "cmdline");
        if (!Files.exists(cmdline))
        {
            throw new IOException(file + ": process " + pid + " is not running (stale pidfile)");
        }
        final String command = new String(Files.readAllBytes(cmdline), StandardCharsets.UTF_8).replace('\0', ' ');
        if (!command.contains("dev.xlat64.cli.Xlat64"))
        {
            throw new IOException(file + ": process " + pid + " is not xlat64 (stale pidfile)");
        }
        return pid;
    }

    /** The {@code --config FILE} of the running xlat64 {@code pid}, from its command line; null when there is none. */
    public static Path configOf(final long pid)
    {
        try
        {
            final String[] args = new String(Files.readAllBytes(Path.of("/proc", String.valueOf(pid), "cmdline")),
                StandardCharsets.UTF_8).split("\0");
            for (int i = 0; i < args.length; i++)
            {
                String file = null;
                if (args[i].equals("--config") && i + 1 < args.length)
                {
                    file = args[i + 1];
                }
                else if (args[i].startsWith("--config="))
                {
                    file = args[i].substring("--config=".length());
                }
                if (file != null)
                {
                    // A relative path is relative to the instance's working directory, not ours.
                    return Path.of(file).isAbsolute() ? Path.of(file)
                        : Files.readSymbolicLink(Path.of("/proc", String.valueOf(pid), "cwd")).resolve(file);
                }
            }
        }
        catch (final IOException ex)
        {
            return null;
        }
        return null;
    }

    /** Sends SIGHUP (reload) to {@code pid}; throws when the kernel refuses (e.g. another user's process). */
    public static void hangup(final long pid) throws IOException
    {
        if (Libc.get().kill((int)pid, SIGHUP) != 0)
        {
            throw new IOException("cannot signal process " + pid + " (not allowed: run as root or as its user)");
        }
    }

    /** SIGUSR1: drain ({@code xlat64 drain}). */
    public static final int SIGUSR1 = 10;

    /** Sends {@code signal} to {@code pid}; throws when the kernel refuses (e.g. another user's process). */
    public static void signal(final long pid, final int signal) throws IOException
    {
        if (Libc.get().kill((int)pid, signal) != 0)
        {
            throw new IOException("cannot signal process " + pid + " (not allowed: run as root or as its user)");
        }
    }

    /**
     * Whether {@code pid} exists and we may signal it (kill(pid, 0)); works where /proc hides it (systemd's
     * ProtectProc=invisible, e.g. for the unit's ExecStop=).
     */
    public static boolean signallable(final long pid)
    {
        return Libc.get().kill((int)pid, 0) == 0;
    }
}
