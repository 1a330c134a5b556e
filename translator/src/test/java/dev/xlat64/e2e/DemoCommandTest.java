package dev.xlat64.e2e;

import dev.xlat64.cli.Xlat64;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@code xlat64 demo}, the README's "run it" command, passes every step and leaves no namespace behind. */
class DemoCommandTest
{
    /** A line of {@code ip netns list} naming one of the demo's namespaces (not e.g. another test's {@code bx-gw}). */
    private static final Pattern DEMO_NAMESPACE = Pattern.compile("(?m)^(h6|gw|h4)( |$)");

    @Test
    void demoPassesAndCleansUp()
    {
        assumeTrue(Netns.requireRoot(), Netns.ROOT_MESSAGE);
        assumeTrue(Shell.run("ip", "netns", "list").stdout().lines().noneMatch(l -> DEMO_NAMESPACE.matcher(l).find()),
            "namespaces h6/gw/h4 exist already (another demo running?)");
        final StringWriter out = new StringWriter();
        final CommandLine cl = Xlat64.commandLine();
        cl.setOut(new PrintWriter(out, true));

        assertEquals(0, cl.execute("demo"), out.toString());
        final String namespaces = Shell.run("ip", "netns", "list").stdout();
        assertFalse(DEMO_NAMESPACE.matcher(namespaces).find(), namespaces);
    }
}
