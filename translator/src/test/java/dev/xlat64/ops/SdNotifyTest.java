package dev.xlat64.ops;

import dev.xlat64.service.SdNotify;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** sd_notify over a real AF_UNIX datagram socket (a python3 receiver), by path and in the abstract namespace. */
class SdNotifyTest
{
    @Test
    void readyReachesASocketByPath(@TempDir final Path dir)
    {
        final String path = dir.resolve("notify").toString();
        try (NotifyReceiver receiver = new NotifyReceiver(path); SdNotify notify = SdNotify.forSocket(path))
        {
            assertTrue(notify.ready("translating"));
            final String line = receiver.awaitLine("READY=1", 5000);
            assertTrue(line.contains("STATUS=translating"), line);
            assertTrue(line.contains("MAINPID=" + ProcessHandle.current().pid()), line);
        }
    }

    @Test
    void reloadingAndStoppingReachAnAbstractSocket()
    {
        final String name = "@xlat64-test-" + Integer.toHexString(ThreadLocalRandom.current().nextInt());
        try (NotifyReceiver receiver = new NotifyReceiver(name); SdNotify notify = SdNotify.forSocket(name))
        {
            assertTrue(notify.reloading());
            assertTrue(notify.send("READY=1"));
            assertTrue(notify.stopping());
            receiver.awaitLine("STOPPING=1", 5000);
            assertEquals(3, receiver.messages().size(), receiver.messages().toString());
            assertTrue(receiver.messages().get(0).startsWith("RELOADING=1|MONOTONIC_USEC="),
                receiver.messages().get(0));
            assertEquals("READY=1", receiver.messages().get(1));
        }
    }

    @Test
    void withoutNotifySocketNothingIsSent()
    {
        final SdNotify notify = SdNotify.forSocket(null);
        assertFalse(notify.enabled());
        assertFalse(notify.send("READY=1"));
    }

    @Test
    void aSocketThatIsGoneIsNotAnError(@TempDir final Path dir)
    {
        try (SdNotify notify = SdNotify.forSocket(dir.resolve("nobody-listens").toString()))
        {
            assertFalse(notify.send("READY=1"));
        }
    }
}
