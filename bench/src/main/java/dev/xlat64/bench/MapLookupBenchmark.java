package dev.xlat64.bench;

import dev.xlat64.map.Lw4o6BindingTable;
import dev.xlat64.map.MapRule;
import dev.xlat64.map.MapRuleTable;
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

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * ns per look-up of the A+P mappings a BR does per packet: the lw4o6 binding table by (IPv4, port) with 1 and 1M
 * bindings (the issue asks that table size change pps by under 10%), and a MAP rule's (IPv4, port) -> MAP address.
 * Keys cycle through 4096 bindings spread over the table, so the large table also pays its cache misses.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1)
@State(Scope.Thread)
public class MapLookupBenchmark
{
    private static final int BASE = 0xc6120000; // 198.18.0.0

    @Param({"1", "1048576"})
    int bindings;

    /** MAP rules in the table (addr/PrefixTable): 2, or 10,000 FMRs of /24s beside them. */
    @Param({"2", "10000"})
    int ruleCount;

    private Lw4o6BindingTable table;
    private MapRuleTable rules;
    private final int[] ipv4 = new int[4096];
    private final int[] port = new int[4096];
    private final long[] ceHigh = new long[4096];
    private int next;

    @Setup
    public void setup() throws IOException
    {
        final StringBuilder text = new StringBuilder(bindings * 40);
        for (int i = 0; i < bindings; i++)
        {
            final int a = BASE + (i >>> 6);
            text.append(a >>> 24).append('.').append(a >>> 16 & 255).append('.').append(a >>> 8 & 255).append('.')
                .append(a & 255).append(' ').append(i & 63).append("/6 2001:db8:").append(Integer.toHexString(i >>> 16))
                .append(':').append(Integer.toHexString(i & 0xffff)).append("::1\n");
        }
        final List<String> errors = new ArrayList<>();
        table = Lw4o6BindingTable.parse("bench", new StringReader(text.toString()), 0, errors);
        if (!errors.isEmpty())
        {
            throw new IllegalStateException(errors.toString());
        }
        final java.util.Random random = new java.util.Random(7596);
        for (int i = 0; i < ipv4.length; i++)
        {
            final int b = random.nextInt(bindings);
            ipv4[i] = BASE + (b >>> 6);
            port[i] = (b & 63) << 10 | random.nextInt(1024);
            if (table.find(ipv4[i], port[i]) < 0)
            {
                throw new IllegalStateException("binding " + b + " not found");
            }
        }
        final List<MapRule> list = new ArrayList<>();
        list.add(MapRule.of("2001:db8::/40", "192.0.2.0/24", 16));
        list.add(MapRule.of("2001:db8:100::/40", "198.18.0.0/16", 22));
        for (int i = 0; i < ruleCount - 2; i++)
        {
            list.add(MapRule.of("2001:db8:" + Integer.toHexString(0x4000 + i) + "::/48", "10." + (i >>> 8) + "." +
                (i & 255) + ".0/24", 16));
        }
        rules = MapRuleTable.of(list, errors);
        for (int i = 0; i < ceHigh.length; i++)
        {
            final MapRule r = rules.ruleForIpv4(ipv4[i], port[i] | 0x8000);
            ceHigh[i] = r.addressHigh(ipv4[i], r.psidOfPort(port[i] | 0x8000));
        }
    }

    @Benchmark
    public int lw4o6Find()
    {
        final int i = next++ & 4095;
        return table.find(ipv4[i], port[i]);
    }

    /** RFC 7597 s.8.1: a BR's rule for a CE's IPv6 source, longest Rule IPv6 prefix. */
    @Benchmark
    public MapRule mapRuleForIpv6()
    {
        return rules.ruleForIpv6(ceHigh[next++ & 4095], 1);
    }

    @Benchmark
    public long mapRuleToCeAddress()
    {
        final int i = next++ & 4095;
        final int p = port[i] | 0x8000; // A > 0: in a port set with a = 6
        final MapRule r = rules.ruleForIpv4(ipv4[i], p);
        final int psid = r.psidOfPort(p);
        return r.addressHigh(ipv4[i], psid) ^ r.addressLow(ipv4[i], psid, true);
    }
}
