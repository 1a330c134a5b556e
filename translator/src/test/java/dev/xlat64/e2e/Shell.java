package dev.xlat64.e2e;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs external tools for end-to-end tests: {@link #run} waits and reports, {@link #check} also insists on exit 0,
 * {@link #start} leaves a process running in the background. Output goes to temporary files, so a chatty tool
 * never blocks on a full pipe and no reader threads are needed.
 */
public final class Shell
{
    /** How long {@link #check(String...)} and friends wait when no timeout is given. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private Shell()
    {
    }

    /** What a finished command reported. */
    public record Result(List<String> command, int exitCode, String stdout, String stderr)
    {
        public boolean ok()
        {
            return exitCode == 0;
        }

        @Override
        public String toString()
        {
            return String.join(" ", command) + " exited " + exitCode + "\nstdout: " + stdout + "\nstderr: " + stderr;
        }
    }

    /** A command failed, timed out or could not be started; the message holds the command and its stderr. */
    public static final class ShellException extends RuntimeException
    {
        private static final long serialVersionUID = 1L;

        public ShellException(final String message)
        {
            super(message);
        }
    }

    /** Runs argv to completion; throws only when it cannot start or outlives the timeout (then its tree is killed). */
    public static Result run(final Duration timeout, final String... argv)
    {
        try (Background process = start(argv))
        {
            if (!process.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS))
            {
                process.kill();
                throw new ShellException(String.join(" ", argv) + " did not finish within " + timeout +
                    " and was killed\nstdout: " + process.output() + "\nstderr: " + process.errors());
            }
            return process.result();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new ShellException("interrupted while running " + String.join(" ", argv));
        }
    }

    public static Result run(final String... argv)
    {
        return run(DEFAULT_TIMEOUT, argv);
    }

    /** Like {@link #run(Duration, String...)}, but a non-zero exit code throws with the command, code and stderr. */
    public static Result check(final Duration timeout, final String... argv)
    {
        final Result result = run(timeout, argv);
        if (!result.ok())
        {
            throw new ShellException(String.join(" ", argv) + " failed with exit code " + result.exitCode() +
                ": " + result.stderr().strip() + (result.stdout().isBlank() ? "" : "\nstdout: " + result.stdout()));
        }
        return result;
    }

    public static Result check(final String... argv)
    {
        return check(DEFAULT_TIMEOUT, argv);
    }

    /** Starts argv in the background; {@link Background#stop()} (or close) kills it and its children. */
    public static Background start(final String... argv)
    {
        try
        {
            final File stdout = File.createTempFile("xlat64-shell-", ".out");
            final File stderr = File.createTempFile("xlat64-shell-", ".err");
            final Process process = new ProcessBuilder(argv)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(stdout)
                .redirectError(stderr)
                .start();
            return new Background(List.of(argv), process, stdout, stderr);
        }
        catch (final IOException ex)
        {
            throw new ShellException("cannot start " + String.join(" ", argv) + ": " + ex.getMessage());
        }
    }

    /** A process started by {@link #start}; its output so far can be read at any time. */
    public static final class Background implements AutoCloseable
    {
        private final List<String> command;
        private final Process process;
        private final File stdout;
        private final File stderr;

        private Background(final List<String> command, final Process process, final File stdout, final File stderr)
        {
            this.command = command;
            this.process = process;
            this.stdout = stdout;
            this.stderr = stderr;
        }

        public long pid()
        {
            return process.pid();
        }

        public boolean isAlive()
        {
            return process.isAlive();
        }

        /** Standard output written so far. */
        public String output()
        {
            return read(stdout);
        }

        /** Standard error written so far. */
        public String errors()
        {
            return read(stderr);
        }

        /** Waits for a natural exit; returns the exit code, or throws (after killing it) on timeout. */
        public Result waitFor(final Duration timeout)
        {
            try
            {
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS))
                {
                    kill();
                    throw new ShellException(String.join(" ", command) + " did not finish within " + timeout +
                        " and was killed\nstdout: " + output() + "\nstderr: " + errors());
                }
                return result();
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                throw new ShellException("interrupted while waiting for " + String.join(" ", command));
            }
        }

        /** SIGTERM to the process tree (so tools like ping print their summary), SIGKILL after 2 s; waits. */
        public Result stop()
        {
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
            try
            {
                if (!process.waitFor(2, TimeUnit.SECONDS))
                {
                    kill();
                }
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                kill();
            }
            return result();
        }

        @Override
        public void close()
        {
            if (process.isAlive())
            {
                stop();
            }
            stdout.delete();
            stderr.delete();
        }

        private void kill()
        {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            try
            {
                process.waitFor(5, TimeUnit.SECONDS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }

        private Result result()
        {
            return new Result(command, process.isAlive() ? -1 : process.exitValue(), output(), errors());
        }

        private static String read(final File file)
        {
            try
            {
                return Files.readString(file.toPath(), StandardCharsets.UTF_8);
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException(ex);
            }
        }
    }
}
