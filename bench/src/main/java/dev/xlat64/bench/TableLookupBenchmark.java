package dev.xlat64.bench;

import dev.xlat64.addr.Eamt;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * ns (and, with {@code -prof gc}, B/op) of one EAMT lookup (RFC 7757, the PrefixTable of docs/tables.md) in each
 * direction, by table size and key kind. {@code random}: /32=/128 entries spread over 10.0.0.0/8 and
 * 2001:db8:100::/48, keys drawn from the whole table (a cache miss per lookup at 1M). {@code deep}: the worst case for
 * a prefix structure, every entry inside one IPv4 /12 and one IPv6 /108, under a chain of nested prefixes starting at
 * the block's first address (/8, /9, ... /31 and /32, /33, ... /107), keys drawn from the whole table too (they
 * share 12 and 108 bits). B/op: run with {@code -prof gc} (gc.alloc.rate.norm); docs/tables.md has the command.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {
    "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED", "--add-opens", "java.base/java.nio=ALL-UNNAMED"})
@State(Scope.Thread)
public class TableLookupBenchmark
{
    @Param({"1", "1000", "100000", "1000000"})
    int size;

    @Param({"random", "deep"})
    String keys;

    private static final int KEYS = 1 << 12;

    private Eamt eamt;
    private final int[] ipv4Keys = new int[KEYS];
    private final long[] ipv6High = new long[KEYS];
    private final long[] ipv6Low = new long[KEYS];
    private int next;

    @Setup
    public void setUp()
    {
        final Eamt.Builder b = new Eamt.Builder();
        final SplittableRandom random = new SplittableRandom(20);
        final boolean deep = "deep".equals(keys);
        final int[] v4 = new int[size];
        final long[] v6 = new long[size];
        if (deep)
        {
            // The chain of enclosing prefixes first (lengths 8..31 and 32..107), then the entries inside them.
            for (int len = 8; len < 32; len++)
            {
                b.add(0x0A000000 & (-1 << (32 - len)), len, 0x20010db801000000L, (long)len << 32, 96);
            }
            for (int len = 32; len < 108; len++)
            {
                final long high = len >= 64 ? 0x20010db800010002L : 0x20010db800010002L & (-1L << (64 - len));
                final long low = len <= 64 ? 0 : 0x0003000400000000L & (-1L << (128 - len));
                b.add(0xC0000000 | len, 32, high, low, len);
            }
            for (int i = 0; i < size; i++)
            {
                v4[i] = 0x0A000000 + i;
                v6[i] = 0x0003000400000000L + i;
            }
        }
        else
        {
            final java.util.BitSet used = new java.util.BitSet(1 << 24);
            for (int i = 0; i < size; i++)
            {
                int a;
                do
                {
                    a = random.nextInt(1 << 24);
                }
                while (used.get(a));
                used.set(a);
                v4[i] = 0x0A000000 | a;
                v6[i] = (long)random.nextInt(1 << 16) << 32 | a;
            }
        }
        final long high6 = deep ? 0x20010db800010002L : 0x20010db801000000L;
        for (int i = 0; i < size; i++)
        {
            b.add(v4[i], 32, deep ? high6 : high6 | (v6[i] >>> 32), deep ? v6[i] : v6[i] & 0xFFFFFFFFL, 128);
        }
        eamt = b.build();
        for (int k = 0; k < KEYS; k++)
        {
            final int i = random.nextInt(size);
            ipv4Keys[k] = v4[i];
            ipv6High[k] = deep ? high6 : high6 | (v6[i] >>> 32);
            ipv6Low[k] = deep ? v6[i] : v6[i] & 0xFFFFFFFFL;
            if (eamt.indexByIpv4(ipv4Keys[k]) < 0 || eamt.indexByIpv6(ipv6High[k], ipv6Low[k]) < 0)
            {
                throw new IllegalStateException("key " + k + " misses the table");
            }
        }
    }

    /** RFC 7757 s.3.2, IPv4 to IPv6: the longest IPv4 prefix. */
    @Benchmark
    public int ipv4()
    {
        final int k = next++ & (KEYS - 1);
        return eamt.indexByIpv4(ipv4Keys[k]);
    }

    /** RFC 7757 s.3.2, IPv6 to IPv4: the longest IPv6 prefix. */
    @Benchmark
    public int ipv6()
    {
        final int k = next++ & (KEYS - 1);
        return eamt.indexByIpv6(ipv6High[k], ipv6Low[k]);
    }
}
