package dev.xlat64.reliability;

import dev.xlat64.core.TranslatorConfig;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The engine fuzz target, shared by the JUnit {@link EngineFuzzTest} and Jazzer's standalone driver for long runs
 * ({@code com.code_intelligence.jazzer.Jazzer --target_class=dev.xlat64.reliability.EngineFuzzTarget}, see
 * docs/reliability.md).
 * <p>
 * Input layout: byte 0 picks the target (engine + config; 0x80 and above: 6rd), byte 1 is the shaping mode ({@link
 * FuzzShaping}), the rest
 * is the packet; inputs shorter than two bytes go to the first target as they are.
 */
public final class EngineFuzzTarget
{
    /** The SIIT engines under test, picked by byte 0 below 0x80 (modulo their number). */
    static final List<Target> TARGETS = List.of(
        new Target("siit, network-specific prefix + EAM", ReliabilityConfigs::standard),
        new Target("siit, strict (UDP zero checksum dropped, TOS not copied)", ReliabilityConfigs::strict),
        new Target("siit, well-known prefix", ReliabilityConfigs::wellKnown),
        new Target("siit, EAM only", ReliabilityConfigs::eamOnly));
    /** The 6rd border relay (RFC 5969) in front of SIIT, picked by byte 0 of 0x80 and above. */
    static final Target SIXRD = new Target("6rd BR + siit", ReliabilityConfigs::sixRd);

    static final AtomicLong INPUTS = new AtomicLong();

    private EngineFuzzTarget()
    {
    }

    /** One fuzz target: a name for reports and the checked engine it drives. */
    static final class Target
    {
        final String name;
        final CheckedEngine engine;

        Target(final String name, final Supplier<TranslatorConfig> config)
        {
            this.name = name;
            this.engine = new CheckedEngine(config.get());
        }
    }

    /** Jazzer's entry point: one input through one engine under the contract; a broken contract throws. */
    public static void fuzzerTestOneInput(final byte[] input)
    {
        INPUTS.incrementAndGet();
        if (input.length < 2)
        {
            TARGETS.get(0).engine.translate(input);
            return;
        }
        final Target target = (input[0] & 0x80) != 0 ? SIXRD : TARGETS.get((input[0] & 0xFF) % TARGETS.size());
        final byte[] packet = FuzzShaping.shape(input[1] & 0xFF, input, 2);
        try
        {
            target.engine.translate(packet);
        }
        catch (final AssertionError e)
        {
            throw new AssertionError("[" + target.name + ", mode " + (input[1] & 0xFF) + "] " + e.getMessage(), e);
        }
    }
}
