package dev.xlat64.clat;

import dev.xlat64.e2e.Netns;
import dev.xlat64.e2e.Shell;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static dev.xlat64.clat.ClatTopology.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code xlat64 tayga} as clatd drives TAYGA: {@code --mktun --config FILE}, then {@code --config FILE --nodetach}
 * on the persistent device, then {@code --rmtun}; with the tayga.conf clatd writes.
 */
class TaygaEntryTest
{
    /** What clatd writes (tun-device, prefix, ipv4-addr, map of the host's 192.0.0.1 to the CLAT address). */
    private static final String CLATD_CONF = "tun-device clat\nprefix 2001:db8:64::/96\nipv4-addr 192.0.0.2\n" +
        "map 192.0.0.1 2001:db8:1::c1a7\n";

    @Test
    void clatdSequenceMktunRunRmtun(@TempDir final Path dir) throws Exception
    {
        assumeTrue(Netns.requireRoot(), Netns.ROOT_MESSAGE);
        final Path conf = dir.resolve("tayga.conf");
        Files.writeString(conf, CLATD_CONF);
        try (Netns ns = Netns.create("xttg"))
        {
            ns.check(ClatTopology.xlat64("tayga", "--mktun", "--config", conf.toString(), "-d"));
            assertTrue(ns.exec("ip", "link", "show", "clat").ok(), "--mktun made the device");
            ns.check("ip", "link", "set", "clat", "up");
            ns.check("ip", "-4", "addr", "add", "192.0.0.1/32", "dev", "clat");
            final Shell.Background run =
                ns.start(ClatTopology.xlat64("tayga", "--config", conf.toString(), "--nodetach"));
            waitFor(Duration.ofSeconds(30), () -> "xlat64 tayga to run\n" + run.errors(), () ->
                run.errors().contains("translating on clat") && run.errors().contains("prefix 2001:db8:64::/96"));
            run.stop();
            assertTrue(ns.exec("ip", "link", "show", "clat").ok(), "the persistent device outlives the translator");
            ns.check(ClatTopology.xlat64("tayga", "--rmtun", "--config", conf.toString()));
            assertFalse(ns.exec("ip", "link", "show", "clat").ok(), "--rmtun removed it");
        }
    }

    @Test
    void aBadTaygaConfLineIsReportedWithFileAndLine(@TempDir final Path dir) throws Exception
    {
        final Path conf = dir.resolve("tayga.conf");
        Files.writeString(conf, "tun-device clat\nmap 192.0.0.1\n");
        final java.io.StringWriter err = new java.io.StringWriter();
        final picocli.CommandLine cl = dev.xlat64.cli.Xlat64.commandLine();
        cl.setErr(new java.io.PrintWriter(err));
        assertEquals(2, cl.execute("tayga", "--config", conf.toString(), "--mktun"));
        assertTrue(err.toString().contains(conf + ":2: map: expected"), err.toString());
    }
}
