package dev.xlat64.bench;

import dev.xlat64.addr.AddressMapper;
import dev.xlat64.addr.Eamt;
import dev.xlat64.addr.Rfc6052Prefix;
import dev.xlat64.addr.SixRdDomain;
import dev.xlat64.core.Outcome;
import dev.xlat64.core.TranslatorConfig;
import dev.xlat64.engine.Translator;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.xlat64.testing.TestPackets.ICMP;
import static dev.xlat64.testing.TestPackets.ICMPV6;
import static dev.xlat64.testing.TestPackets.UDP;
import static dev.xlat64.testing.TestPackets.bytes;
import static dev.xlat64.testing.TestPackets.icmp4;
import static dev.xlat64.testing.TestPackets.icmp6;
import static dev.xlat64.testing.TestPackets.ipv4;
import static dev.xlat64.testing.TestPackets.ipv6;
import static dev.xlat64.testing.TestPackets.udp;

/**
 * ns per packet of the less common engine paths: an ICMP error with its quoted packet translated (RFC 7915 s.4.2 /
 * s.5.2, built in the scratch buffer, within 1280/576 bytes) both ways, and 6rd (RFC 5969) encapsulation toward a CE,
 * decapsulation from a CE, and CE-to-CE relay. Every invocation restores the whole input (it is small: 100-180
 * bytes; {@link #copyOnly} times the largest restore). Setup fails unless each packet meets its expected outcome.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {
    "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED", "--add-opens", "java.base/java.nio=ALL-UNNAMED"})
@State(Scope.Thread)
public class ErrorAndSixRdBenchmark
{
    private static final String NATIVE6 = "2001:db8:ffff:1::1";
    private static final String CE5 = "2001:db8:d05::1";
    private static final String CE7 = "2001:db8:d07::1";

    private final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(Translator.HEADROOM + 65536 + 4096));
    private final TranslateBenchmark.Sink sink = new TranslateBenchmark.Sink();
    private Translator siit;
    private Translator sixRd;
    private byte[] icmpError6to4;
    private byte[] icmpError4to6;
    private byte[] sixRdEncap;
    private byte[] sixRdDecap;
    private byte[] sixRdRelay;

    @Setup(Level.Trial)
    public void setUp()
    {
        siit = new Translator(BenchPackets.config());
        sixRd = new Translator(TranslatorConfig.builder(new AddressMapper(Rfc6052Prefix.parse(BenchPackets.PREFIX),
            new Eamt(List.of(Eamt.Entry.parse(BenchPackets.H6_AS_IPV4 + "=" + BenchPackets.H6))), true))
            .sixRdDomains(List.of(SixRdDomain.builder("2001:db8:d00::/40", "203.0.113.0/24", "192.0.2.1").build()))
            .build());
        final String h6 = BenchPackets.H6;
        final String h4as6 = BenchPackets.H4_AS_IPV6;
        // h6 answers a UDP datagram from h4 with Port Unreachable, quoting it (64 bytes of data).
        final byte[] quoted6 = ipv6(h4as6, h6, UDP, 63, 0, 0, udp(h4as6, h6, 5201, 40000, bytes(64, 1)));
        icmpError6to4 = ipv6(h6, h4as6, ICMPV6, 64, 0, 0, icmp6(h6, h4as6, 1, 4, 0, quoted6));
        // h4 answers a UDP datagram from h6 with Port Unreachable.
        final String h4 = BenchPackets.H4;
        final String h6as4 = BenchPackets.H6_AS_IPV4;
        final byte[] quoted4 = ipv4(h6as4, h4, UDP, 63, 0, 7, 0, udp(h6as4, h4, 40000, 5201, bytes(64, 2)));
        icmpError4to6 = ipv4(h4, h6as4, ICMP, 64, 0, 8, 0, icmp4(3, 3, 0, quoted4));
        sixRdEncap = ipv6(NATIVE6, CE7, UDP, 64, 0, 0, udp(NATIVE6, CE7, 1000, 2000, bytes(64, 3)));
        sixRdDecap = ipv4("203.0.113.5", "192.0.2.1", 41, 64, 0, 9, 0,
            ipv6(CE5, NATIVE6, UDP, 64, 0, 0, udp(CE5, NATIVE6, 1000, 2000, bytes(64, 4))));
        sixRdRelay = ipv4("203.0.113.5", "192.0.2.1", 41, 64, 0, 10, 0,
            ipv6(CE5, CE7, UDP, 64, 0, 0, udp(CE5, CE7, 1000, 2000, bytes(64, 5))));
        check(run(siit, icmpError6to4), Outcome.TRANSLATED_6TO4, "ICMPv6 error");
        check(run(siit, icmpError4to6), Outcome.TRANSLATED_4TO6, "ICMPv4 error");
        check(run(sixRd, sixRdEncap), Outcome.SIXRD_ENCAPSULATED, "6rd encapsulation");
        check(run(sixRd, sixRdDecap), Outcome.SIXRD_DECAPSULATED, "6rd decapsulation");
        check(run(sixRd, sixRdRelay), Outcome.SIXRD_RELAYED_CE_TO_CE, "6rd relay");
    }

    private static void check(final Outcome outcome, final Outcome expected, final String what)
    {
        if (outcome != expected)
        {
            throw new IllegalStateException(what + " gave " + outcome + ", expected " + expected);
        }
    }

    private Outcome run(final Translator translator, final byte[] packet)
    {
        buffer.putBytes(Translator.HEADROOM, packet);
        return translator.translate(buffer, Translator.HEADROOM, packet.length, sink);
    }

    private long result(final Outcome outcome)
    {
        return ((long)outcome.ordinal() << 32) | (sink.offset + sink.length);
    }

    @Benchmark
    public int copyOnly()
    {
        buffer.putBytes(Translator.HEADROOM, sixRdRelay);
        return buffer.getByte(Translator.HEADROOM + 9);
    }

    @Benchmark
    public long icmpError6to4()
    {
        return result(run(siit, icmpError6to4));
    }

    @Benchmark
    public long icmpError4to6()
    {
        return result(run(siit, icmpError4to6));
    }

    @Benchmark
    public long sixRdEncapsulate()
    {
        return result(run(sixRd, sixRdEncap));
    }

    @Benchmark
    public long sixRdDecapsulate()
    {
        return result(run(sixRd, sixRdDecap));
    }

    @Benchmark
    public long sixRdRelayCeToCe()
    {
        return result(run(sixRd, sixRdRelay));
    }
}
