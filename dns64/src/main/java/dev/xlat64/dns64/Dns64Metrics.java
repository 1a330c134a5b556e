package dev.xlat64.dns64;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.xbill.DNS.Rcode;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** The DNS64's micrometer meters, all named {@code xlat64.dns64.*}, shared by every event loop (the meters are thread-safe). */
final class Dns64Metrics
{
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
        queriesUdp = Counter.builder("xlat64.dns64.queries").tag("transport", "udp")
            .description("Queries received from clients").register(registry);
        queriesTcp = Counter.builder("xlat64.dns64.queries").tag("transport", "tcp")
            .description("Queries received from clients").register(registry);
        synthesized = Counter.builder("xlat64.dns64.synthesized")
            .description("AAAA answers synthesized from A records (RFC 6147 section 5.1.7)").register(registry);
        cacheHits = Counter.builder("xlat64.dns64.cache.hits").description("Upstream answers served from cache")
            .register(registry);
        cacheMisses = Counter.builder("xlat64.dns64.cache.misses").description("Upstream look-ups not in cache")
            .register(registry);
        upstreamErrors = Counter.builder("xlat64.dns64.upstream.errors")
            .description("Upstream exchanges that failed (refused, unreachable, mismatched, broken TCP)").register(registry);
        upstreamTimeouts = Counter.builder("xlat64.dns64.upstream.timeouts")
            .description("Upstream attempts that timed out").register(registry);
        upstreamTruncated = Counter.builder("xlat64.dns64.upstream.truncated")
            .description("Truncated upstream UDP answers retried over TCP").register(registry);
        malformed = Counter.builder("xlat64.dns64.malformed")
            .description("Client messages that could not be parsed (answered FORMERR or dropped)").register(registry);
        refused = Counter.builder("xlat64.dns64.refused")
            .description("Queries from clients outside the ACL (answered REFUSED)").register(registry);
        internalErrors = Counter.builder("xlat64.dns64.internal.errors")
            .description("Exceptions caught by the event loop (a bug: the query or exchange involved was abandoned)")
            .register(registry);
        overload = Counter.builder("xlat64.dns64.overload")
            .description("Queries answered SERVFAIL at once because max-pending upstream look-ups were in flight")
            .register(registry);
        tcpEvicted = Counter.builder("xlat64.dns64.tcp.evicted")
            .description("Idle client TCP connections closed to make room at dns64.max-tcp-clients").register(registry);
        tcpRefused = Counter.builder("xlat64.dns64.tcp.refused")
            .description("Client TCP connections refused at dns64.max-tcp-clients with every connection busy")
            .register(registry);
        tcpAclRefused = Counter.builder("xlat64.dns64.tcp.acl.refused")
            .description("Client TCP connections closed at accept: the client is outside dns64.allow-clients")
            .register(registry);
        tcpOutputOverflow = Counter.builder("xlat64.dns64.tcp.output.overflow")
            .description("Client TCP connections closed because their unread answers passed the output bounds")
            .register(registry);
        ratelimited = Counter.builder("xlat64.dns64.ratelimited")
            .description("UDP answers over dns64.ratelimit for their client network (dropped or sent truncated)")
            .register(registry);
        cookiesNew = Counter.builder("xlat64.dns64.cookies").tag("result", "new")
            .description("Queries with a DNS cookie (RFC 7873), by what the server cookie was").register(registry);
        cookiesValid = Counter.builder("xlat64.dns64.cookies").tag("result", "valid")
            .description("Queries with a DNS cookie (RFC 7873), by what the server cookie was").register(registry);
        cookiesInvalid = Counter.builder("xlat64.dns64.cookies").tag("result", "invalid")
            .description("Queries with a DNS cookie (RFC 7873), by what the server cookie was").register(registry);
        answerHits = Counter.builder("xlat64.dns64.cache.answer.hits")
            .description("Queries answered on the fast path from the wire bytes of an earlier answer").register(registry);
        coalesced = Counter.builder("xlat64.dns64.coalesced")
            .description("Upstream look-ups that joined an identical one already in flight").register(registry);
        chased = Counter.builder("xlat64.dns64.cname.chased")
            .description("CNAME targets asked because upstream answered the CNAME alone (RFC 6147 section 5.1.5)")
            .register(registry);
        brokenChains = Counter.builder("xlat64.dns64.cname.broken")
            .description("CNAME chains with a loop or more than 8 links (answered SERVFAIL)").register(registry);
        latency = Timer.builder("xlat64.dns64.latency").description("Time from query received to response sent")
            .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
            .maximumExpectedValue(Duration.ofSeconds(10)).register(registry);
    }

    void response(final int rcode, final long startNanos)
    {
        final int i = rcode >= 0 && rcode < responses.length ? rcode : responses.length - 1;
        Counter c = responses[i];
        if (c == null)
        {
            c = Counter.builder("xlat64.dns64.responses").tag("rcode", Rcode.string(rcode))
                .description("Responses sent, by RCODE").register(registry);
            responses[i] = c;
        }
        c.increment();
        latency.record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
    }
}
