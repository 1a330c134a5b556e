package dev.xlat64.reliability;

import dev.xlat64.addr.Eamt;
import dev.xlat64.addr.Rfc6052Prefix;
import dev.xlat64.core.Outcome;
import dev.xlat64.e2e.Netns;
import dev.xlat64.e2e.Shell;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The malformed-packet corpus through a REAL data plane: the corpus is written into the gateway's TUN transmit path
 * with an AF_PACKET socket (so the kernel's own IP checks do not filter it first), read by the real
 * {@code xlat64 run}, and its counters must move by exactly what the engine predicts, outcome by outcome: every packet
 * is accounted for. Then ping still works both ways.
 * <p>
 * {@link LineTopology}; corpus packets use 203.0.113.64/26 and its image under the prefix, so everything translated
 * from them goes to the gateway's blackhole routes and the TUN sees exactly the corpus.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MalformedCorpusDataPlaneTest
{
    private static final ReliabilityConfigs.Addresses4 CORPUS4 =
        new ReliabilityConfigs.Addresses4("203.0.113.77", "203.0.113.88");
    private static final ReliabilityConfigs.Addresses6 CORPUS6 =
        new ReliabilityConfigs.Addresses6("2001:db8:64::cb00:714d", "2001:db8:64::cb00:7158");

    private LineTopology net;
    private Gateway xlat64;

    @BeforeAll
    void up()
    {
        assumeTrue(Netns.requireRoot(), Netns.ROOT_MESSAGE);
        net = LineTopology.create();
        xlat64 = net.xlat64;
    }

    @AfterAll
    void down()
    {
        if (net != null)
        {
            net.close();
        }
    }

    @Test
    void everyCorpusPacketIsCountedAsTheEnginePredictsAndTrafficStillFlows() throws Exception
    {
        final List<MalformedCorpus.Case> corpus = MalformedCorpus.build(CORPUS4, CORPUS6).stream()
            .filter(c -> c.packet().length > 0
                && c.packet().length <= LineTopology.TUN_MTU).collect(Collectors.toList());
        final Map<String, Long> predicted = predict(corpus);
        final Path hex = Gateway.writeTemp("xr-corpus-", corpus.stream()
            .map(c -> dev.xlat64.testing.TestPackets.hex(c.packet()).replaceAll("\\s", ""))
            .collect(Collectors.joining("\n", "", "\n")));

        final Map<String, Long> before = xlat64.outcomes();
        final Shell.Result injected = net.gw.check("/usr/bin/python3", script("inject.py"), Gateway.TUN,
            hex.toString());
        assertEquals("sent " + corpus.size() + " failed 0", injected.stdout().strip(), injected.toString());

        Map<String, Long> delta = Map.of();
        final long deadline = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < deadline)
        {
            delta = delta(before, xlat64.outcomes());
            if (Gateway.total(delta) >= corpus.size())
            {
                break;
            }
            Gateway.sleep(200);
        }
        Gateway.sleep(500); // anything beyond the corpus would show up now
        delta = withoutKernelMulticastNoise(delta(before, xlat64.outcomes()), predicted);
        System.out.println("data plane corpus: " + corpus.size() + " packets injected, counted " + delta);
        assertEquals(predicted, delta, "per-outcome counts of the real data plane vs the engine's prediction");

        final Shell.Result from6 = net.h6.exec("ping", "-6", "-c", "3", "-i", "0.2", "-W", "2",
            LineTopology.H4_AS_IPV6);
        assertTrue(from6.stdout().contains("3 received"), from6.toString());
        final Shell.Result from4 = net.h4.exec("ping", "-c", "3", "-i", "0.2", "-W", "2", LineTopology.H6_AS_IPV4);
        assertTrue(from4.stdout().contains("3 received"), from4.toString());
    }

    /**
     * The kernel itself may route a packet of its own into the TUN during the run: an MLD report (ICMPv6 143 to
     * ff02::16, hop limit 1, RFC 3810 s.5.2) for the TUN's multicast groups, which the engine counts as
     * ipv6_hop_limit_expired (no error about multicast). Seen once in CI; up to two such counts beyond the prediction
     * are taken out, with a note, and every other outcome must still match exactly.
     */
    private static Map<String, Long> withoutKernelMulticastNoise(
        final Map<String, Long> counted, final Map<String, Long> predicted)
    {
        final String key = "ipv6_hop_limit_expired";
        final long extra = counted.getOrDefault(key, 0L) - predicted.getOrDefault(key, 0L);
        if (extra <= 0 || extra > 2)
        {
            return counted;
        }
        System.out.println("data plane corpus: " + extra + " " + key + " beyond the corpus (kernel MLD on the TUN)");
        final Map<String, Long> cleaned = new TreeMap<>(counted);
        final long left = counted.get(key) - extra;
        if (left == 0)
        {
            cleaned.remove(key);
        }
        else
        {
            cleaned.put(key, left);
        }
        return cleaned;
    }

    /** What the engine says each case becomes under the gateway's config: the counts the data plane must show. */
    private static Map<String, Long> predict(final List<MalformedCorpus.Case> corpus)
    {
        final CheckedEngine engine = new CheckedEngine(ReliabilityConfigs.builder(Rfc6052Prefix.parse(Gateway.PREFIX),
            new Eamt(List.of(Eamt.Entry.parse(LineTopology.H6_AS_IPV4 + "="
                + LineTopology.H6)))).tunMtu(LineTopology.TUN_MTU)
            .build());
        final Map<String, Long> counts = new TreeMap<>();
        for (final MalformedCorpus.Case c : corpus)
        {
            final Outcome o = engine.translate(c.packet()).outcome();
            counts.merge(o.id, 1L, Long::sum);
        }
        return counts;
    }

    static Map<String, Long> delta(final Map<String, Long> before, final Map<String, Long> after)
    {
        final Map<String, Long> d = new TreeMap<>();
        after.forEach((id, n) ->
        {
            final long change = n - before.getOrDefault(id, 0L);
            if (change != 0)
            {
                d.put(id, change);
            }
        });
        return d;
    }

    static String script(final String name) throws URISyntaxException
    {
        return Paths.get(MalformedCorpusDataPlaneTest.class.getResource(name).toURI()).toString();
    }
}
