package dev.xlat64.reliability;

import dev.xlat64.addr.Eamt;
import dev.xlat64.addr.Rfc6052Prefix;
import dev.xlat64.e2e.Netns;
import dev.xlat64.e2e.Shell;
import dev.xlat64.engine.Outcome;
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
 * h6 (2001:db8:1::2) -- gw (xlat64 on xlt0) -- h4 (198.51.100.2). Corpus packets use 203.0.113.64/26 and its image
 * under the prefix, and every translated packet not meant for h4 or h6 goes to a blackhole route (no ICMP, no
 * re-entry into the TUN), so the TUN sees exactly the corpus.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MalformedCorpusDataPlaneTest
{
    static final String H6 = "2001:db8:1::2";
    static final String H6_AS_IPV4 = "192.0.2.2";
    static final String H4 = "198.51.100.2";
    static final String H4_AS_IPV6 = "2001:db8:64::c633:6402";
    private static final ReliabilityConfigs.Addresses4 CORPUS4 =
        new ReliabilityConfigs.Addresses4("203.0.113.77", "203.0.113.88");
    private static final ReliabilityConfigs.Addresses6 CORPUS6 =
        new ReliabilityConfigs.Addresses6("2001:db8:64::cb00:714d", "2001:db8:64::cb00:7158");
    private static final int TUN_MTU = 1500;

    private Netns h6;
    private Netns gw;
    private Netns h4;
    private Gateway xlat64;

    @BeforeAll
    void up()
    {
        assumeTrue(Netns.requireRoot(), Netns.ROOT_MESSAGE);
        h6 = Netns.create("xr6");
        gw = Netns.create("xrg");
        h4 = Netns.create("xr4");
        Netns.veth(h6, "eth0", gw, "to-h6");
        Netns.veth(gw, "to-h4", h4, "eth0");
        h6.addr("eth0", H6 + "/64").route("default", "via", "2001:db8:1::1");
        h4.addr("eth0", H4 + "/24").route("default", "via", "198.51.100.1");
        gw.addr("to-h6", "2001:db8:1::1/64").addr("to-h4", "198.51.100.1/24");
        gw.sysctl("net.ipv4.ip_forward", "1").sysctl("net.ipv6.conf.all.forwarding", "1")
            // No link-local on the TUN: no MLD or router solicitation from the kernel reaches xlat64.
            .sysctl("net.ipv6.conf.default.addr_gen_mode", "1");
        xlat64 = new Gateway(gw, "--prefix", Gateway.PREFIX, "--eam", H6_AS_IPV4 + "=" + H6, "--ipv4-addr", "203.0.113.1",
            "--ipv6-addr", "2001:db8:ffff::1", "--icmp-pool4", "203.0.113.0/28", "--icmp-pool6", "2001:db8:ffff::/120",
            "--mtu", String.valueOf(TUN_MTU)).start();
        // Only h4 and h6 are routed into the TUN; every other translated packet is discarded silently.
        gw.route(H4_AS_IPV6 + "/128", "dev", Gateway.TUN).route(H6_AS_IPV4 + "/32", "dev", Gateway.TUN)
            .route("blackhole", "default");
        gw.ip("-6", "route", "add", "blackhole", "default");
        for (final Netns ns : List.of(h6, h4))
        {
            ns.sysctl("net.ipv4.ping_group_range", "0 2147483647");
        }
    }

    @AfterAll
    void down()
    {
        for (final AutoCloseable c : new AutoCloseable[] {xlat64, h6, gw, h4})
        {
            try
            {
                if (c != null)
                {
                    c.close();
                }
            }
            catch (final Exception ignored)
            {
                // Best effort: the namespaces' own close kills what is left.
            }
        }
    }

    @Test
    void everyCorpusPacketIsCountedAsTheEnginePredictsAndTrafficStillFlows() throws Exception
    {
        final List<MalformedCorpus.Case> corpus = MalformedCorpus.build(CORPUS4, CORPUS6).stream()
            .filter(c -> c.packet().length > 0 && c.packet().length <= TUN_MTU).collect(Collectors.toList());
        final Map<String, Long> predicted = predict(corpus);
        final Path hex = Gateway.writeTemp("xr-corpus-", corpus.stream()
            .map(c -> dev.xlat64.testing.TestPackets.hex(c.packet()).replaceAll("\\s", ""))
            .collect(Collectors.joining("\n", "", "\n")));

        final Map<String, Long> before = xlat64.outcomes();
        final Shell.Result injected = gw.check("/usr/bin/python3", script("inject.py"), Gateway.TUN, hex.toString());
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
        delta = delta(before, xlat64.outcomes());
        System.out.println("data plane corpus: " + corpus.size() + " packets injected, counted " + delta);
        assertEquals(predicted, delta, "per-outcome counts of the real data plane vs the engine's prediction");

        final Shell.Result from6 = h6.exec("ping", "-6", "-c", "3", "-i", "0.2", "-W", "2", H4_AS_IPV6);
        assertTrue(from6.stdout().contains("3 received"), from6.toString());
        final Shell.Result from4 = h4.exec("ping", "-c", "3", "-i", "0.2", "-W", "2", H6_AS_IPV4);
        assertTrue(from4.stdout().contains("3 received"), from4.toString());
    }

    /** What the engine says each case becomes under the gateway's config: the counts the data plane must show. */
    private static Map<String, Long> predict(final List<MalformedCorpus.Case> corpus)
    {
        final CheckedEngine engine = new CheckedEngine(ReliabilityConfigs.builder(Rfc6052Prefix.parse(Gateway.PREFIX),
            new Eamt(List.of(Eamt.Entry.parse(H6_AS_IPV4 + "=" + H6)))).tunMtu(TUN_MTU).build());
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
