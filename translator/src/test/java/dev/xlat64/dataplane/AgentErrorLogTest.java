package dev.xlat64.dataplane;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An error repeating per packet is logged once (with its stack trace), then summarised, never once per packet. */
class AgentErrorLogTest
{
    @Test
    void aThousandErrorsInOneIntervalAreOneLogEntry()
    {
        final PrintStream original = System.err;
        final ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try
        {
            final AgentErrorLog log = new AgentErrorLog("0", 3600);
            for (int i = 0; i < 1000; i++)
            {
                log.onError(new IllegalStateException("bug " + i));
            }
        }
        finally
        {
            System.setErr(original);
        }
        final String text = captured.toString(StandardCharsets.UTF_8);
        assertEquals(1, text.lines().filter(l -> l.contains("unexpected error in the packet loop")).count(), text);
        assertTrue(text.contains("IllegalStateException: bug 0"), text);
        assertTrue(!text.contains("bug 1\n") && !text.contains("bug 999"), text);
    }
}
