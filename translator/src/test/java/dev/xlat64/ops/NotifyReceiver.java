package dev.xlat64.ops;

import dev.xlat64.e2e.Shell;

import java.util.ArrayList;
import java.util.List;

/** A python3 AF_UNIX datagram receiver standing in for systemd's notification socket: prints each datagram. */
final class NotifyReceiver implements AutoCloseable
{
    private static final String SCRIPT = String.join("\n",
        "import socket, sys",
        "s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)",
        "name = sys.argv[1]",
        "s.bind('\\0' + name[1:] if name.startswith('@') else name)",
        "import os",
        "if not name.startswith('@'): os.chmod(name, 0o777)  # a service user must be able to send",
        "print('bound', flush=True)",
        "while True:",
        "    d = s.recv(65536).decode()",
        "    print(d.replace('\\n', '|'), flush=True)");

    final String socket;
    private final Shell.Background process;

    NotifyReceiver(final String socket, final String... prefix)
    {
        this.socket = socket;
        final List<String> argv = new ArrayList<>(List.of(prefix));
        argv.addAll(List.of("python3", "-c", SCRIPT, socket));
        process = Shell.start(argv.toArray(new String[0]));
        awaitLine("bound", 10_000);
    }

    /** Every datagram received so far, newlines shown as '|'. */
    List<String> messages()
    {
        final List<String> out = new ArrayList<>();
        for (final String line : process.output().split("\n"))
        {
            if (!line.isEmpty() && !line.equals("bound"))
            {
                out.add(line);
            }
        }
        return out;
    }

    /** Waits until a datagram containing {@code text} arrived; returns it, or throws with what did arrive. */
    String awaitLine(final String text, final long millis)
    {
        final long deadline = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < deadline)
        {
            for (final String line : process.output().split("\n"))
            {
                if (line.contains(text))
                {
                    return line;
                }
            }
            if (!process.isAlive())
            {
                break;
            }
            sleep(50);
        }
        throw new AssertionError("no '" + text + "' on " + socket + "; got: " + process.output() + process.errors());
    }

    static void sleep(final long millis)
    {
        try
        {
            Thread.sleep(millis);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close()
    {
        process.close();
    }
}
