package dev.xlat64.bench;

import dev.xlat64.addr.AddressMapper;
import dev.xlat64.addr.Eamt;
import dev.xlat64.addr.Rfc6052Prefix;
import dev.xlat64.core.Outcome;
import dev.xlat64.core.PacketSink;
import dev.xlat64.core.TranslatorConfig;
import dev.xlat64.engine.Translator;
import dev.xlat64.map.Lw4o6BindingTable;
import dev.xlat64.map.MapDomain;
import dev.xlat64.map.MapRule;
import dev.xlat64.map.MapRuleTable;
import dev.xlat64.map.Mechanism;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static dev.xlat64.testing.TestPackets.UDP;
import static dev.xlat64.testing.TestPackets.addr;
import static dev.xlat64.testing.TestPackets.bytes;
import static dev.xlat64.testing.TestPackets.ipv4;
import static dev.xlat64.testing.TestPackets.ipv6;
import static dev.xlat64.testing.TestPackets.udp;

/**
 * ns per packet of the BR paths in the engine alone (no TUN): MAP-T 4->6 and 6->4 (RFC 7599), MAP-E encapsulation
 * and decapsulation (RFC 7597), lw4o6 both ways (RFC 7596) with 1 or 1M bindings; UDP with a 64-byte payload. The
 * lw4o6 packets cycle through 1024 bindings spread over the table, so the large table pays its cache misses. Every
 * invocation first restores the whole input packet (the paths rewrite it in place); {@link #copyOnly} measures that.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {
    "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED", "--add-opens", "java.base/java.nio=ALL-UNNAMED"})
@State(Scope.Thread)
public class MapBorderRelayBenchmark
{
    private static final int BASE = 0xc6120000; // 198.18.0.0: the lw4o6 addresses, 64 B4s (PSID/6) each
    private static final int CYCLE = 1024;
    private static final String HOST4 = "198.51.100.9";
    private static final String DMR_HOST = "2001:db8:ffff:0:c6:3364:900:0";
    private static final String T_CE = "2001:db8:12:3400:0:c000:212:34";
    private static final String T_CE4 = "192.0.2.18";
    private static final String E_CE = "2001:db8:112:3400:0:cb00:7112:34";
    private static final String E_CE4 = "203.0.113.18";
    private static final String E_BR = "2001:db8:fffd::1";
    private static final String AFTR = "2001:db8:fffe::1";

    @Param({"1", "1048576"})
    int bindings;

    private final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(Translator.HEADROOM + 4096));
    private final Sink sink = new Sink();
    private Translator translator;
    private byte[] mapT4to6;
    private byte[] mapT6to4;
    private byte[] mapEEncap;
    private byte[] mapEDecap;
    private final byte[][] lwEncap = new byte[CYCLE][];
    private final byte[][] lwDecap = new byte[CYCLE][];
    private int next;

    /** Remembers what was emitted so the JIT cannot drop the work. */
    static final class Sink implements PacketSink
    {
        int length;

        @Override
        public void emit(final MutableDirectBuffer buffer, final int offset, final int length)
        {
            this.length = length;
        }
    }

    @Setup(Level.Trial)
    public void setUp() throws IOException
    {
        final StringBuilder text = new StringBuilder(bindings * 40);
        for (int i = 0; i < bindings; i++)
        {
            text.append(ipv4Text(BASE + (i >>> 6))).append(' ').append(i & 63).append("/6 ").append(b4(i)).append('\n');
        }
        final List<String> errors = new ArrayList<>();
        final Lw4o6BindingTable table = Lw4o6BindingTable.parse("bench", new StringReader(text.toString()), 0, errors);
        if (!errors.isEmpty())
        {
            throw new IllegalStateException(errors.toString());
        }
        translator = new Translator(TranslatorConfig.builder(new AddressMapper(Rfc6052Prefix.parse("2001:db8:64::/96"),
            Eamt.EMPTY, true)).build()).mapDomains(List.of(
            new MapDomain(Mechanism.MAP_T, "t", MapRuleTable.of(MapRule.of("2001:db8::/40", "192.0.2.0/24", 16)),
                Rfc6052Prefix.parse("2001:db8:ffff::/64"), null, null, false),
            new MapDomain(Mechanism.MAP_E, "e", MapRuleTable.of(MapRule.of("2001:db8:100::/40", "203.0.113.0/24",
                16)), null, addr(E_BR), null, false),
            new MapDomain(Mechanism.LW4O6, "l", null, null, addr(AFTR), table, false)));
        final byte[] data = bytes(64, 1);
        mapT4to6 = ipv4(HOST4, T_CE4, UDP, 64, 0, 1, 0, udp(HOST4, T_CE4, 53, 1232, data));
        mapT6to4 = ipv6(T_CE, DMR_HOST, UDP, 64, 0, 0, udp(T_CE, DMR_HOST, 1232, 53, data));
        mapEEncap = ipv4(HOST4, E_CE4, UDP, 64, 0, 1, 0, udp(HOST4, E_CE4, 53, 1232, data));
        mapEDecap = ipv6(E_CE, E_BR, 4, 64, 0, 0,
            ipv4(E_CE4, HOST4, UDP, 64, 0, 1, 0, udp(E_CE4, HOST4, 1232, 53, data)));
        final Random random = new Random(7596);
        for (int i = 0; i < CYCLE; i++)
        {
            final int b = random.nextInt(bindings);
            final String a = ipv4Text(BASE + (b >>> 6));
            final int port = (b & 63) << 10 | random.nextInt(1024);
            lwEncap[i] = ipv4(HOST4, a, UDP, 64, 0, 1, 0, udp(HOST4, a, 53, port, data));
            lwDecap[i] = ipv6(b4(b), AFTR, 4, 64, 0, 0,
                ipv4(a, HOST4, UDP, 64, 0, 1, 0, udp(a, HOST4, port, 53, data)));
        }
        check(mapT4to6, Outcome.TRANSLATED_4TO6);
        check(mapT6to4, Outcome.TRANSLATED_6TO4);
        check(mapEEncap, Outcome.SOFTWIRE_ENCAPSULATED);
        check(mapEDecap, Outcome.SOFTWIRE_DECAPSULATED);
        for (int i = 0; i < CYCLE; i++)
        {
            check(lwEncap[i], Outcome.SOFTWIRE_ENCAPSULATED);
            check(lwDecap[i], Outcome.SOFTWIRE_DECAPSULATED);
        }
    }

    private static String ipv4Text(final int a)
    {
        return (a >>> 24) + "." + (a >>> 16 & 255) + "." + (a >>> 8 & 255) + "." + (a & 255);
    }

    private static String b4(final int i)
    {
        return "2001:db8:e" + Integer.toHexString(i >>> 16) + ":" + Integer.toHexString(i & 0xffff) + "::1";
    }

    private void check(final byte[] packet, final Outcome expected)
    {
        final Outcome outcome = run(packet);
        if (outcome != expected)
        {
            throw new IllegalStateException("gave " + outcome + ", expected " + expected);
        }
    }

    private Outcome run(final byte[] packet)
    {
        buffer.putBytes(Translator.HEADROOM, packet);
        return translator.translate(buffer, Translator.HEADROOM, packet.length, sink);
    }

    @Benchmark
    public int copyOnly()
    {
        buffer.putBytes(Translator.HEADROOM, mapEDecap);
        return buffer.getByte(Translator.HEADROOM);
    }

    @Benchmark
    public Outcome mapT4to6()
    {
        return run(mapT4to6);
    }

    @Benchmark
    public Outcome mapT6to4()
    {
        return run(mapT6to4);
    }

    @Benchmark
    public Outcome mapEEncapsulate()
    {
        return run(mapEEncap);
    }

    @Benchmark
    public Outcome mapEDecapsulate()
    {
        return run(mapEDecap);
    }

    @Benchmark
    public Outcome lw4o6Encapsulate()
    {
        next = (next + 1) & (CYCLE - 1);
        return run(lwEncap[next]);
    }

    @Benchmark
    public Outcome lw4o6Decapsulate()
    {
        next = (next + 1) & (CYCLE - 1);
        return run(lwDecap[next]);
    }
}
