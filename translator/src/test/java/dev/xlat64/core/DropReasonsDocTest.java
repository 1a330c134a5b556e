package dev.xlat64.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/drop-reasons.md lists every {@link Outcome}: a new constant without its row fails the build, so an operator who
 * sees an outcome label in the metrics always finds its meaning in the docs. Read relative to the module directory
 * (surefire's working directory).
 */
class DropReasonsDocTest
{
    private static final Path DOC = Path.of("..", "docs", "drop-reasons.md");
    /** A table row whose first cell is an id in backticks: {@code | `translated_4to6` | 4→6 | ... |}. */
    private static final Pattern ROW = Pattern.compile("(?m)^\\| `([a-z0-9_]+)` \\|");

    @Test
    void everyOutcomeIdHasARow() throws IOException
    {
        final Set<String> documented = documentedIds();
        final List<String> missing = new ArrayList<>();
        for (final Outcome o : Outcome.values())
        {
            if (!documented.contains(o.id))
            {
                missing.add(o.id);
            }
        }
        assertTrue(missing.isEmpty(), "outcome ids missing from " + DOC + " (add a row each): " + missing);
    }

    @Test
    void everyRowIsAnOutcomeId() throws IOException
    {
        final Set<String> ids = new LinkedHashSet<>();
        for (final Outcome o : Outcome.values())
        {
            ids.add(o.id);
        }
        final Set<String> stale = documentedIds();
        stale.removeAll(ids);
        assertTrue(stale.isEmpty(), DOC + " lists ids that no Outcome has: " + stale);
    }

    @Test
    void eachIdIsListedOnce() throws IOException
    {
        final Matcher m = ROW.matcher(Files.readString(DOC));
        int rows = 0;
        while (m.find())
        {
            rows++;
        }
        assertEquals(documentedIds().size(), rows, DOC + " lists an id twice");
    }

    private static Set<String> documentedIds() throws IOException
    {
        assertTrue(Files.isRegularFile(DOC), DOC.toAbsolutePath() + " not found");
        final Set<String> ids = new LinkedHashSet<>();
        final Matcher m = ROW.matcher(Files.readString(DOC));
        while (m.find())
        {
            ids.add(m.group(1));
        }
        return ids;
    }
}
