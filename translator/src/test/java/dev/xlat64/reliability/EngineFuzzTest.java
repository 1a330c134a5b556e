package dev.xlat64.reliability;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.AfterAll;

/**
 * Coverage-guided fuzzing (Jazzer) of the translation engine, both directions, under the whole engine contract
 * ({@link CheckedEngine}): no exception escapes, no access outside the packet and its tail room, one counted outcome
 * per input, nothing emitted for drops, emitted packets well-formed with verifying checksums. The target and the input
 * layout are in {@link EngineFuzzTarget}.
 * <p>
 * Without {@code JAZZER_FUZZ} this replays the seeds and past findings in
 * {@code src/test/resources/dev/xlat64/reliability/EngineFuzzTestInputs/engineKeepsItsContract}. {@code mvn verify}
 * (no {@code -Dtest}) runs it with {@code JAZZER_FUZZ=1} instead, fuzzing for {@code maxDuration} (the translator
 * pom's {@code engine-fuzz} profile). A finding is written to that directory as {@code crash-*} and so becomes a
 * regression test. The long run is in docs/reliability.md. DNS64 is fuzzed with its own module, not here.
 */
class EngineFuzzTest
{
    @FuzzTest(maxExecutions = 150_000, maxDuration = "60s")
    void engineKeepsItsContract(final byte[] input)
    {
        EngineFuzzTarget.fuzzerTestOneInput(input);
    }

    @AfterAll
    static void report()
    {
        System.out.println("EngineFuzzTest: " + EngineFuzzTarget.INPUTS.get() + " inputs through the engine");
    }
}
