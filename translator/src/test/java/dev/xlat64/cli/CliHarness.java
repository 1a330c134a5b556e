package dev.xlat64.cli;

import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * The CLI tests' harness: runs {@code xlat64 ARGS} in-process and keeps what it printed in {@link #out} and
 * {@link #err}.
 */
abstract class CliHarness
{
    /** Standard output of every {@link #run} of this test instance. */
    protected final StringWriter out = new StringWriter();
    /** Standard error of every {@link #run} of this test instance. */
    protected final StringWriter err = new StringWriter();

    /** Runs the {@code xlat64} command line with {@code args}; returns its exit code. */
    protected int run(final String... args)
    {
        final CommandLine cl = Xlat64.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }
}
