package dev.xlat64.dns64;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.AfterAll;

/**
 * Coverage-guided fuzzing (Jazzer) of the DNS64 responder: client UDP datagrams, client TCP streams and upstream
 * answers, through a real server on loopback, under the contract in {@link Dns64FuzzTarget}.
 * <p>
 * Without {@code JAZZER_FUZZ} this replays the seeds and past findings in
 * {@code src/test/resources/dev/xlat64/dns64/Dns64FuzzTestInputs/dns64Survives}. {@code mvn verify} (no
 * {@code -Dtest}) runs it with {@code JAZZER_FUZZ=1} instead, fuzzing for {@code maxDuration} (the dns64 pom's
 * {@code dns64-fuzz} profile). The long run is in README-reliability-dns64.md.
 */
class Dns64FuzzTest
{
    @FuzzTest(maxExecutions = 2_000, maxDuration = "60s")
    void dns64Survives(final byte[] input)
    {
        Dns64FuzzTarget.fuzzerTestOneInput(input);
    }

    @AfterAll
    static void report()
    {
        System.out.println("Dns64FuzzTest: " + Dns64FuzzTarget.INPUTS.get() + " inputs");
    }
}
