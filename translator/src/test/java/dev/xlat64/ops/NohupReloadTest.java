package dev.xlat64.ops;

import dev.xlat64.e2e.Netns;
import dev.xlat64.e2e.Shell;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Started under nohup(1), xlat64 inherits SIGHUP ignored, and the JVM would accept the reload handler but never call
 * it (found when a CI run was itself started under nohup: every reload test timed out). xlat64 takes the signal back.
 */
class NohupReloadTest
{
    @Test
    void reloadBySignalWorksUnderNohup() throws Exception
    {
        assumeTrue(Netns.requireRoot(), Netns.ROOT_MESSAGE);
        final Path dir = Files.createTempDirectory("xlat64-nohup-");
        try (OpsTopology net = OpsTopology.create(dir).start(true))
        {
            net.writeConfig("eam = [\"192.0.2.2=2001:db8:1::2\", \"192.0.2.3=2001:db8:1::3\"]");
            final Shell.Result r = net.xlat64("reload", "--pidfile", net.pidfile.toString(), "--timeout", "5");
            assertEquals(0, r.exitCode(), r + "\nlog:\n" + net.log());
            assertTrue(r.stdout().contains("reloaded its config"), r.toString());
            assertTrue(net.log().contains("SIGHUP was ignored by the parent (nohup?)"), net.log());
        }
        finally
        {
            Shell.run("rm", "-rf", dir.toString());
        }
    }
}
