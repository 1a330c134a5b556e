package dev.xlat64.scaleout;

import dev.xlat64.e2e.Netns;
import dev.xlat64.e2e.Shell;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * One BIRD 2 daemon (Debian's bird2) in a namespace, in the foreground, with its own config directory and control
 * socket: the shipped deploy/bird/{@code NAME}.conf plus the site files the test writes next to it.
 */
public final class Bird implements AutoCloseable
{
    private final Netns ns;
    private final Path dir;
    private final String conf;
    private Shell.Background process;

    /**
     * @param conf  the shipped file to run, e.g. gateway.conf
     * @param local the contents of its -local.conf (defines)
     * @param peers the contents of its -peers.conf (BGP sessions)
     */
    public Bird(final Netns ns, final Path dir, final String conf, final String local, final String peers)
    {
        this.ns = ns;
        this.dir = dir;
        this.conf = conf;
        try
        {
            Files.createDirectories(dir);
            Files.copy(ScaleOutTopology.deployBird().resolve(conf), dir.resolve(conf));
            final String base = conf.substring(0, conf.length() - ".conf".length());
            Files.writeString(dir.resolve(base + "-local.conf"), local);
            Files.writeString(dir.resolve(base + "-peers.conf"), peers);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /** Checks the config ({@code bird -p}), then starts {@code bird -f} and waits for its control socket. */
    public Bird start()
    {
        ns.check("bird", "-p", "-c", dir.resolve(conf).toString());
        process = ns.start("bird", "-f", "-c", dir.resolve(conf).toString(), "-s", socket().toString(),
            "-P", dir.resolve("bird.pid").toString());
        final long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!Shell.run("birdc", "-s", socket().toString(), "show", "status").ok())
        {
            if (!process.isAlive() || System.nanoTime() > deadline)
            {
                throw new AssertionError("bird did not start in " + ns.name() + ": " + process.errors());
            }
            ScaleOutTopology.sleep(50);
        }
        return this;
    }

    public Path socket()
    {
        return dir.resolve("bird.ctl");
    }

    /** {@code birdc -s SOCKET ARGS}, e.g. {@code show protocols}. */
    public String birdc(final String... args)
    {
        final String[] argv = new String[args.length + 3];
        argv[0] = "birdc";
        argv[1] = "-s";
        argv[2] = socket().toString();
        System.arraycopy(args, 0, argv, 3, args.length);
        return Shell.run(argv).stdout();
    }

    public long pid()
    {
        return process.pid();
    }

    /** What BIRD logged so far (stderr), for failure messages. */
    public String log()
    {
        return process == null ? "" : process.errors();
    }

    @Override
    public void close()
    {
        if (process != null)
        {
            process.close();
            process = null;
        }
    }
}
