package dev.xlat64.service;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Re-marking the routes: withdraw and restore flip the kernel protocol of every route; a drain is for good. */
class AnnouncementTest
{
    private final List<String> ops = new ArrayList<>();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final Announcement a = new Announcement(() -> List.of("64:ff9b::/96", "192.0.2.0/24"),
        List.of("2001:db8:53::53/128"), new Announcement.Routes()
        {
            @Override
            public void replace(final String route, final byte protocol)
            {
                ops.add("replace " + route + " proto " + (protocol & 0xff));
            }

            @Override
            public void delete(final String route)
            {
                ops.add("delete " + route);
            }
        }, registry);

    @Test
    void startAddsTheExtraRoutesWithProtocolBoot() throws Exception
    {
        a.start();
        assertEquals(List.of("replace 2001:db8:53::53/128 proto 3"), ops);
        assertEquals(1.0, registry.get("xlat64.announced").gauge().value());
    }

    @Test
    void withdrawReMarksEveryRouteAndRestoreMarksThemBack() throws Exception
    {
        a.start();
        ops.clear();
        assertTrue(a.withdraw("test", false));
        assertFalse(a.withdraw("again", false), "withdrawn once");
        assertEquals(List.of("replace 64:ff9b::/96 proto 164", "replace 192.0.2.0/24 proto 164",
            "replace 2001:db8:53::53/128 proto 164"), ops);
        assertEquals(0.0, registry.get("xlat64.announced").gauge().value());
        ops.clear();
        assertTrue(a.restore("test"));
        assertEquals(List.of("replace 64:ff9b::/96 proto 3", "replace 192.0.2.0/24 proto 3",
            "replace 2001:db8:53::53/128 proto 3"), ops);
        assertTrue(a.announced());
    }

    @Test
    void aDrainIsNotUndoneByTheWatchdog() throws Exception
    {
        a.start();
        a.withdraw("watchdog", false);
        a.withdraw("drain", true);
        ops.clear();
        assertFalse(a.restore("watchdog"));
        assertEquals(List.of(), ops);
        assertFalse(a.announced());
    }

    @Test
    void closeRemovesOnlyTheExtraRoutes() throws Exception
    {
        a.start();
        ops.clear();
        a.close();
        assertEquals(List.of("delete 2001:db8:53::53/128"), ops);
    }
}
