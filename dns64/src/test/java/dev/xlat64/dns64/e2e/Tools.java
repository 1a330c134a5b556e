package dev.xlat64.dns64.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** Runs a command-line tool (dig, kdig, kill) and returns what it printed. */
final class Tools
{
    private Tools()
    {
    }

    static String run(final String... command) throws IOException, InterruptedException
    {
        final Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        final byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(30, TimeUnit.SECONDS))
        {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + ": still running after 30 s");
        }
        return new String(out, StandardCharsets.UTF_8);
    }
}
