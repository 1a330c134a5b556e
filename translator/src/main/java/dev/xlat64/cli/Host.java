package dev.xlat64.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A network namespace the demo creates, with just enough of {@code ip netns exec} to drive real tools in it. */
final class Host implements AutoCloseable
{
    /** What a finished command printed, and how it exited. */
    record Result(int exit, String output)
    {
    }

    private final String name;
    private final List<Process> background = new ArrayList<>();

    private Host(final String name)
    {
        this.name = name;
    }

    static Host create(final String name) throws IOException, InterruptedException
    {
        run(10, "ip", "netns", "del", name); // a leftover from an interrupted run
        final Result r = run(10, "ip", "netns", "add", name);
        if (r.exit != 0)
        {
            throw new IOException("cannot create network namespace " + name + ": " + r.output.trim() +
                " (the demo needs root and iproute2)");
        }
        final Host h = new Host(name);
        h.must("ip", "link", "set", "lo", "up");
        return h;
    }

    String name()
    {
        return name;
    }

    static Result run(final int timeoutSeconds, final String... argv) throws IOException, InterruptedException
    {
        final Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS))
        {
            p.destroyForcibly().waitFor();
            return new Result(-1, "timed out after " + timeoutSeconds + " s: " + String.join(" ", argv));
        }
        return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    Result exec(final int timeoutSeconds, final String... argv) throws IOException, InterruptedException
    {
        return run(timeoutSeconds, prefixed(argv));
    }

    void must(final String... argv) throws IOException, InterruptedException
    {
        final Result r = exec(10, argv);
        if (r.exit != 0)
        {
            throw new IOException("in " + name + ": " + String.join(" ", argv) + " failed: " + r.output.trim());
        }
    }

    /** Starts a long-running process in this namespace; stopped by {@link #close()}. */
    Process start(final String... argv) throws IOException
    {
        final Process p = new ProcessBuilder(prefixed(argv)).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        background.add(p);
        return p;
    }

    private String[] prefixed(final String... argv)
    {
        final String[] full = new String[argv.length + 4];
        full[0] = "ip";
        full[1] = "netns";
        full[2] = "exec";
        full[3] = name;
        System.arraycopy(argv, 0, full, 4, argv.length);
        return full;
    }

    static void veth(final Host a, final String ifA, final Host b, final String ifB)
        throws IOException, InterruptedException
    {
        final Result r = run(10, "ip", "link", "add", ifA, "netns", a.name, "type", "veth",
            "peer", "name", ifB, "netns", b.name);
        if (r.exit != 0)
        {
            throw new IOException("cannot create veth " + ifA + "/" + ifB + ": " + r.output.trim());
        }
        a.must("ip", "link", "set", ifA, "up");
        b.must("ip", "link", "set", ifB, "up");
    }

    @Override
    public void close()
    {
        for (final Process p : background)
        {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        try
        {
            final Result pids = run(5, "ip", "netns", "pids", name);
            for (final String pid : pids.output.trim().split("\\s+"))
            {
                if (!pid.isEmpty() && pid.chars().allMatch(Character::isDigit))
                {
                    ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
                }
            }
            run(10, "ip", "netns", "del", name);
        }
        catch (final IOException | InterruptedException ex)
        {
            // best effort: nothing more can be done here
        }
    }
}
