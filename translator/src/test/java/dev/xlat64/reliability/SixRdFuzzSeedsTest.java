package dev.xlat64.reliability;

import dev.xlat64.core.Outcome;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * The 6rd seeds of the engine fuzzer (byte 0 = 0x80: the 6rd BR target, byte 1 = 0: no shaping) reach the 6rd paths
 * they are named for, so the fuzzer starts from every RFC 5969 path rather than from random bytes the BR drops.
 */
class SixRdFuzzSeedsTest
{
    @ParameterizedTest
    @CsvSource({
        "seed-6rd-decap, SIXRD_DECAPSULATED",
        "seed-6rd-encap, SIXRD_ENCAPSULATED",
        "seed-6rd-ce-to-ce, SIXRD_RELAYED_CE_TO_CE",
        "seed-6rd-spoofed, SIXRD_SPOOFED_INNER_SOURCE",
        "seed-6rd-icmp4-relay, SIXRD_ICMP4_ERROR_RELAYED",
    })
    void seedReachesItsPath(final String seed, final Outcome expected) throws IOException
    {
        final byte[] input;
        try (InputStream in = getClass().getResourceAsStream("EngineFuzzTestInputs/engineKeepsItsContract/" + seed))
        {
            assertNotNull(in, seed);
            input = in.readAllBytes();
        }
        assertEquals(0x80, input[0] & 0xFF, "6rd target");
        assertEquals(0, input[1], "no shaping");
        final CheckedEngine engine = new CheckedEngine(ReliabilityConfigs.sixRd());
        assertEquals(expected, engine.translate(Arrays.copyOfRange(input, 2, input.length)).outcome());
    }
}
