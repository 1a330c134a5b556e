package dev.xlat64.reliability;

import dev.xlat64.core.Outcome;
import dev.xlat64.core.TranslatorConfig;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The malformed-packet corpus through the engine: every case ends in exactly one counted outcome the RFCs allow,
 * under the whole engine contract ({@link CheckedEngine}), and the same engine translates normal traffic afterwards.
 * All failures are collected and reported together, each with its input in hex.
 */
class MalformedPacketCorpusTest
{
    private static final Duration BUDGET = Duration.ofSeconds(60);

    @Test
    void everyCaseEndsInOneAllowedCountedOutcomeAndNormalTrafficStillTranslates()
    {
        final List<MalformedCorpus.Case> corpus = MalformedCorpus.build(ReliabilityConfigs.V4, ReliabilityConfigs.V6);
        final CheckedEngine engine = new CheckedEngine(ReliabilityConfigs.standard());
        final List<String> failures = new ArrayList<>();
        final Map<Outcome, Integer> seen = new EnumMap<>(Outcome.class);
        assertTimeoutPreemptively(BUDGET, () ->
        {
            for (final MalformedCorpus.Case c : corpus)
            {
                try
                {
                    final Outcome o = engine.translate(c.packet()).outcome();
                    seen.merge(o, 1, Integer::sum);
                    if (!c.allows(o))
                    {
                        failures.add(c + ": got " + o + ", allowed " + (c.exactly() != null ? c.exactly()
                            : c.expect()) +
                            "\n" + CheckedEngine.failure(c.packet(), "").getMessage());
                    }
                }
                catch (final AssertionError e)
                {
                    failures.add(c + ": " + e.getMessage() + (e.getCause() != null ? "\n" + stackTrace(e.getCause())
                        : ""));
                }
            }
        });
        System.out.println("malformed corpus: " + corpus.size() + " cases, outcomes " + seen);
        assertTrue(failures.isEmpty(), failures.size() + " of " + corpus.size() + " cases failed:\n" +
            String.join("\n\n", failures));
        assertEquals(corpus.size(), engine.inputs());
        assertEquals(corpus.size(), engine.counters().total(), "one counted outcome per input");
        assertNormalTrafficTranslates(engine);
    }

    @Test
    void everyConfigKeepsTheEngineContractOnTheWholeCorpus()
    {
        final List<MalformedCorpus.Case> corpus = MalformedCorpus.build(ReliabilityConfigs.V4, ReliabilityConfigs.V6);
        for (final TranslatorConfig config : ReliabilityConfigs.all())
        {
            final CheckedEngine engine = new CheckedEngine(config);
            assertTimeoutPreemptively(BUDGET, () ->
            {
                for (final MalformedCorpus.Case c : corpus)
                {
                    engine.translate(c.packet());
                }
            });
            assertEquals(corpus.size(), engine.counters().total());
        }
    }

    private static void assertNormalTrafficTranslates(final CheckedEngine engine)
    {
        for (final byte[] p : MalformedCorpus.valid(ReliabilityConfigs.V4, ReliabilityConfigs.V6, 4))
        {
            assertEquals(Outcome.TRANSLATED_4TO6, engine.translate(p).outcome());
        }
        for (final byte[] p : MalformedCorpus.valid(ReliabilityConfigs.V4, ReliabilityConfigs.V6, 6))
        {
            assertEquals(Outcome.TRANSLATED_6TO4, engine.translate(p).outcome());
        }
    }

    private static String stackTrace(final Throwable t)
    {
        final StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        return w.toString();
    }
}
