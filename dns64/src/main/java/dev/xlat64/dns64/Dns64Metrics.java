package dev.xlat64.dns64;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.xbill.DNS.Rcode;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The DNS64's micrometer meters, all named {@code xlat64.dns64.*}, shared by every event loop (the meters are
 * thread-safe).
 */
final class Dns64Metrics
{
    private static final String COOKIES = "Queries with a DNS cookie (RFC 7873), by what the server cookie was";

    private final MeterRegistry registry;
    final Counter queriesUdp;
    final Counter queriesTcp;
    final Counter synthesized;
    final Counter cacheHits;
    final Counter cacheMisses;
    final Counter upstreamErrors;
    final Counter upstreamTimeouts;
    final Counter upstreamTruncated;
    final Counter malformed;
    final Counter refused;
    final Counter internalErrors;
    final Counter overload;
    final Counter tcpEvicted;
    final Counter tcpRefused;
    final Counter coalesced;
    final Counter answerHits;
    final Counter ratelimited;
    final Counter cookiesNew;
    final Counter cookiesValid;
    final Counter cookiesInvalid;
    final Counter tcpAclRefused;
    final Counter tcpOutputOverflow;
    final Counter chased;
    final Counter brokenChains;
    private final Counter[] responses = new Counter[24];
    final Timer latency;

    Dns64Metrics(final MeterRegistry registry)
    {
        this.registry = registry;
        queriesUdp = counter("xlat64.dns64.queries", "transport", "udp", "Queries received from clients");
        queriesTcp = counter("xlat64.dns64.queries", "transport", "tcp", "Queries received from clients");
        synthesized = counter("xlat64.dns64.synthesized",
            "AAAA answers synthesized from A records (RFC 6147 section 5.1.7)");
        cacheHits = counter("xlat64.dns64.cache.hits", "Upstream answers served from cache");
        cacheMisses = counter("xlat64.dns64.cache.misses", "Upstream look-ups not in cache");
        upstreamErrors = counter("xlat64.dns64.upstream.errors",
            "Upstream exchanges that failed (refused, unreachable, mismatched, broken TCP)");
        upstreamTimeouts = counter("xlat64.dns64.upstream.timeouts", "Upstream attempts that timed out");
        upstreamTruncated = counter("xlat64.dns64.upstream.truncated",
            "Truncated upstream UDP answers retried over TCP");
        malformed = counter("xlat64.dns64.malformed",
            "Client messages that could not be parsed (answered FORMERR or dropped)");
        refused = counter("xlat64.dns64.refused", "Queries from clients outside the ACL (answered REFUSED)");
        internalErrors = counter("xlat64.dns64.internal.errors",
            "Exceptions caught by the event loop (a bug: the query or exchange involved was abandoned)");
        overload = counter("xlat64.dns64.overload",
            "Queries answered SERVFAIL at once because max-pending upstream look-ups were in flight");
        tcpEvicted = counter("xlat64.dns64.tcp.evicted",
            "Idle client TCP connections closed to make room at dns64.max-tcp-clients");
        tcpRefused = counter("xlat64.dns64.tcp.refused",
            "Client TCP connections refused at dns64.max-tcp-clients with every connection busy");
        tcpAclRefused = counter("xlat64.dns64.tcp.acl.refused",
            "Client TCP connections closed at accept: the client is outside dns64.allow-clients");
        tcpOutputOverflow = counter("xlat64.dns64.tcp.output.overflow",
            "Client TCP connections closed because their unread answers passed the output bounds");
        ratelimited = counter("xlat64.dns64.ratelimited",
            "UDP answers over dns64.ratelimit for their client network (dropped or sent truncated)");
        cookiesNew = counter("xlat64.dns64.cookies", "result", "new", COOKIES);
        cookiesValid = counter("xlat64.dns64.cookies", "result", "valid", COOKIES);
        cookiesInvalid = counter("xlat64.dns64.cookies", "result", "invalid", COOKIES);
        answerHits = counter("xlat64.dns64.cache.answer.hits",
            "Queries answered on the fast path from the wire bytes of an earlier answer");
        coalesced = counter("xlat64.dns64.coalesced",
            "Upstream look-ups that joined an identical one already in flight");
        chased = counter("xlat64.dns64.cname.chased",
            "CNAME targets asked because upstream answered the CNAME alone (RFC 6147 section 5.1.5)");
        brokenChains = counter("xlat64.dns64.cname.broken",
            "CNAME chains with a loop or more than 8 links (answered SERVFAIL)");
        latency = Timer.builder("xlat64.dns64.latency").description("Time from query received to response sent")
            .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
            .maximumExpectedValue(Duration.ofSeconds(10)).register(registry);
    }

    private Counter counter(final String name, final String description)
    {
        return Counter.builder(name).description(description).register(registry);
    }

    private Counter counter(final String name, final String tag, final String value, final String description)
    {
        return Counter.builder(name).tag(tag, value).description(description).register(registry);
    }

    void response(final int rcode, final long startNanos)
    {
        final int i = rcode >= 0 && rcode < responses.length ? rcode : responses.length - 1;
        Counter c = responses[i];
        if (c == null)
        {
            c = counter("xlat64.dns64.responses", "rcode", Rcode.string(rcode), "Responses sent, by RCODE");
            responses[i] = c;
        }
        c.increment();
        latency.record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
    }
}
