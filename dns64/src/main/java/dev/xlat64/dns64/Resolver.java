package dev.xlat64.dns64;

import org.xbill.DNS.CookieOption;
import org.xbill.DNS.DClass;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Handles one client query from bytes to response: validation (FORMERR, NOTIMP, BADVERS, REFUSED), local answers,
 * the RFC 6147 AAAA flow (AAAA upstream, then A and synthesis), PTR under the prefix, plain forwarding otherwise.
 * Runs on the event loop; each query ends with exactly one {@link Client#send} or {@link Client#drop}.
 */
final class Resolver
{
    /** Where the answer goes: a UDP peer or a TCP connection. */
    interface Client
    {
        InetAddress address();

        boolean tcp();

        /** The response; {@code close} asks a TCP connection to close once it is written. */
        void send(byte[] wire, boolean close);

        /** No response for this query; {@code close} asks a TCP connection to close after what it has queued. */
        void drop(boolean close);
    }

    private final Dns64Config config;
    private final Policy policy;
    private final Synthesizer synthesizer;
    private final LocalAnswers local;
    private final Cache cache;
    private final Upstreams upstreams;
    private final Dns64Metrics metrics;
    /** Upstream exchanges in flight by cache key, with the continuations waiting for each. */
    private final Map<String, List<Consumer<Message>>> inFlight = new HashMap<>();
    /** Null when off (dns64.ratelimit = 0). */
    private final RateLimiter rateLimiter;
    /** Null when off (dns64.cookies = false). */
    private final ServerCookies cookies;
    /** The fast path for hits; null when caching is off or rate limiting is on (its bookkeeping allocates). */
    private final AnswerCache answers;
    /** Queries taken (both paths): the per-loop counter. Written by the loop only; read by metrics. */
    long queries;

    Resolver(final Dns64Config config, final Cache cache, final Upstreams upstreams, final Dns64Metrics metrics)
    {
        this.config = config;
        this.policy = config.policy;
        this.synthesizer = new Synthesizer(policy);
        this.local = new LocalAnswers(policy);
        this.cache = cache;
        this.upstreams = upstreams;
        this.metrics = metrics;
        final Dns64Config.Abuse abuse = config.abuse;
        this.rateLimiter = abuse.ratelimit == 0 ? null :
            new RateLimiter(abuse.ratelimit, abuse.slip, abuse.ipv4Prefix, abuse.ipv6Prefix);
        this.cookies = abuse.cookieSecret == null ? null : new ServerCookies(abuse.cookieSecret);
        this.answers = config.cacheEntries == 0 || config.cacheBytes == 0 || rateLimiter != null ? null :
            new AnswerCache(config.cacheBytes / 2, config.ednsPayload);
    }

    /**
     * The cache-hit fast path for a UDP query from an admitted client: the answer's length in {@code out}, or -1 when
     * the query must take {@link #handle}. No parsing, no allocation.
     */
    int fastAnswer(final byte[] query, final int length, final byte[] out)
    {
        if (answers == null)
        {
            return -1;
        }
        final long start = System.nanoTime();
        final int n = answers.answer(query, length, out, start);
        if (n > 0)
        {
            queries++;
            metrics.queriesUdp.increment();
            metrics.cacheHits.increment();
            metrics.answerHits.increment();
            metrics.response(out[3] & 0xf, start);
        }
        return n;
    }

    /** The query's COOKIE option (RFC 7873 section 4), or null. */
    private CookieOption cookieOf(final Message query)
    {
        final OPTRecord opt = query.getOPT();
        if (cookies == null || opt == null)
        {
            return null;
        }
        final List<EDNSOption> options = opt.getOptions(EDNSOption.Code.COOKIE);
        return options.isEmpty() ? null : (CookieOption)options.get(0);
    }

    /** True when the query carries a server cookie we made for this client within the hour (RFC 9018 4.3). */
    private boolean cookieVerified(final Message query, final Client client)
    {
        final CookieOption cookie = cookieOf(query);
        if (cookie == null)
        {
            return false;
        }
        final byte[] server = cookie.getServerCookie().orElse(null);
        if (server == null)
        {
            metrics.cookiesNew.increment();
            return false;
        }
        final boolean valid = cookies.valid(cookie.getClientCookie(), server, client.address(),
            System.currentTimeMillis() / 1000);
        (valid ? metrics.cookiesValid : metrics.cookiesInvalid).increment();
        return valid;
    }

    /** RFC 7873 section 5.2.3-5.2.5: every answer to a query with a client cookie carries a fresh server cookie. */
    private Message withCookie(final Message query, final Message reply, final Client client)
    {
        final CookieOption cookie = cookieOf(query);
        final OPTRecord opt = reply.getOPT();
        if (cookie == null || opt == null)
        {
            return reply;
        }
        final byte[] server = cookies.make(cookie.getClientCookie(), client.address(),
            System.currentTimeMillis() / 1000);
        reply.removeRecord(opt, Section.ADDITIONAL);
        reply.addRecord(new OPTRecord(opt.getPayloadSize(), opt.getExtendedRcode(), opt.getVersion(), opt.getFlags(),
            List.<EDNSOption>of(new CookieOption(cookie.getClientCookie(), server))), Section.ADDITIONAL);
        return reply;
    }

    void handle(final byte[] wire, final Client client)
    {
        final long start = System.nanoTime();
        queries++;
        (client.tcp() ? metrics.queriesTcp : metrics.queriesUdp).increment();
        // RFC 1035 section 4.1.1: without a whole header there is no ID to answer to; a response is never answered.
        if (wire.length < 12 || (wire[2] & 0x80) != 0)
        {
            metrics.malformed.increment();
            client.drop(true);
            return;
        }
        final Message query;
        try
        {
            query = new Message(wire);
        }
        catch (final IOException | RuntimeException ex)
        {
            metrics.malformed.increment();
            metrics.response(Rcode.FORMERR, start);
            client.send(Replies.headerOnly(wire, Rcode.FORMERR), true);
            return;
        }
        final int ednsPayload = config.ednsPayload;
        // RFC 7873 section 5.2: a client cookie is answered with ours; a valid server cookie proves the address.
        final boolean verified = cookieVerified(query, client);
        // Rate limiting (UDP only: a TCP client's address is not spoofed), before any other work, REFUSED included.
        if (rateLimiter != null && !client.tcp() && !verified)
        {
            final RateLimiter.Verdict verdict = rateLimiter.check(client.address(), start);
            if (verdict != RateLimiter.Verdict.SEND)
            {
                metrics.ratelimited.increment();
                if (verdict == RateLimiter.Verdict.DROP)
                {
                    client.drop(false);
                    return;
                }
                final Message tc = Replies.empty(query, Rcode.NOERROR, ednsPayload);
                tc.getHeader().setFlag(Flags.TC);
                send(query, tc, client, start);
                return;
            }
        }
        if (!policy.admits(client.address()))
        {
            metrics.refused.increment();
            send(query, Replies.empty(query, Rcode.REFUSED, ednsPayload), client, start);
            return;
        }
        if (query.getHeader().getOpcode() != Opcode.QUERY)
        {
            send(query, Replies.empty(query, Rcode.NOTIMP, ednsPayload), client, start);
            return;
        }
        final Record question = query.getQuestion();
        if (question == null || query.getHeader().getCount(Section.QUESTION) != 1)
        {
            send(query, Replies.empty(query, Rcode.FORMERR, ednsPayload), client, start);
            return;
        }
        final OPTRecord opt = query.getOPT();
        // RFC 6891 section 6.1.1: more than one OPT, or an OPT not owned by the root, is FORMERR.
        if (opt != null && (countOpt(query) > 1 || !opt.getName().equals(Name.root)))
        {
            send(query, Replies.empty(query, Rcode.FORMERR, ednsPayload), client, start);
            return;
        }
        // RFC 6891 section 6.1.3: we speak EDNS version 0 only.
        if (opt != null && opt.getVersion() != 0)
        {
            send(query, Replies.empty(query, Rcode.BADVERS, ednsPayload), client, start);
            return;
        }
        // Zone transfers are not ours to give (we are no authoritative) and a forwarded AXFR could move a whole zone
        // through us: refused here.
        if (question.getType() == Type.AXFR || question.getType() == Type.IXFR)
        {
            metrics.refused.increment();
            send(query, Replies.empty(query, Rcode.REFUSED, ednsPayload), client, start);
            return;
        }
        final Message localAnswer = local.answer(query, ednsPayload);
        if (localAnswer != null)
        {
            send(query, localAnswer, client, start);
            return;
        }
        // Bounded work: beyond max-pending look-ups in flight a query fails at once, so a burst against a slow
        // upstream costs neither unbounded sockets nor heap. SERVFAIL rather than silence: the client moves on.
        if (upstreams.inFlight() >= config.maxPending)
        {
            metrics.overload.increment();
            send(query, Replies.empty(query, Rcode.SERVFAIL, ednsPayload), client, start);
            return;
        }
        final Pending pending = new Pending(query, client, start, opt != null &&
            (opt.getFlags() & ExtendedFlags.DO) != 0);
        final Name ptrTarget = local.ptrTarget(query);
        if (ptrTarget != null)
        {
            answerPtr(pending, ptrTarget);
        }
        // RFC 6147 section 5.5: CD=1 means the client validates, so it gets the real data, unsynthesized.
        else if (question.getType() == Type.AAAA && question.getDClass() == DClass.IN && !pending.checkingDisabled)
        {
            answerAaaa(pending);
        }
        else
        {
            forward(pending);
        }
    }

    /** One client query on its way through the upstream look-ups. */
    private static final class Pending
    {
        final Message query;
        final Client client;
        final long start;
        final boolean dnssecOk;
        final boolean checkingDisabled;
        /** RD=0: answer from the cache only (docs/dns64-defences.md). */
        final boolean recursionDesired;

        Pending(final Message query, final Client client, final long start, final boolean dnssecOk)
        {
            this.query = query;
            this.client = client;
            this.start = start;
            this.dnssecOk = dnssecOk;
            this.checkingDisabled = query.getHeader().getFlag(Flags.CD);
            this.recursionDesired = query.getHeader().getFlag(Flags.RD);
        }
    }

    /** RFC 6147 section 5.3.1, second option: CNAME into in-addr.arpa, then the usual resolution of that name. */
    private void answerPtr(final Pending p, final Name target)
    {
        fetch(p, target, Type.PTR, DClass.IN, p.checkingDisabled, response -> send(p, response == null ?
            Replies.empty(p.query, Rcode.SERVFAIL, config.ednsPayload) :
            LocalAnswers.ptrAnswer(p.query, target, response, config.ednsPayload)));
    }

    /** RFC 6147 sections 5.1 and 5.4: the AAAA answer if usable, otherwise synthesis from the A answer. */
    private void answerAaaa(final Pending p)
    {
        final Name qname = p.query.getQuestion().getName();
        resolve(p, qname, Type.AAAA, aaaa ->
        {
            final Synthesizer.AaaaDecision decision = synthesizer.examineAaaa(aaaa);
            if (!decision.synthesize())
            {
                // An answer we changed (excluded records removed) no longer carries the upstream's AD.
                send(p, Replies.from(p.query, decision.returnAsIs, decision.changed, config.ednsPayload));
                return;
            }
            resolve(p, qname, Type.A, a ->
            {
                if (a == null)
                {
                    send(p, Replies.empty(p.query, Rcode.SERVFAIL, config.ednsPayload));
                    return;
                }
                final Message synthesized = synthesizer.synthesize(a, decision.negativeTtl);
                if (Synthesizer.countAaaa(synthesized) > 0)
                {
                    metrics.synthesized.increment();
                }
                // Built from the A answer, so never AD (section 5.5), even when nothing was synthesized.
                send(p, Replies.from(p.query, synthesized, true, config.ednsPayload));
            });
        });
    }

    /**
     * RFC 6147 section 5.1.5: the answer for name/type with its CNAME/DNAME chain followed to the end: when upstream
     * answers a CNAME alone, the target is asked (at most {@link CnameChain#MAX_LINKS} links; a loop or a longer chain
     * is null, like no answer).
     */
    private void resolve(final Pending p, final Name name, final int type, final Consumer<Message> then)
    {
        fetch(p, name, type, DClass.IN, false, first -> chase(p, name, type, name, first, then));
    }

    private void chase(
        final Pending p, final Name qname, final int type, final Name asked, final Message sofar,
        final Consumer<Message> then)
    {
        if (sofar == null)
        {
            then.accept(null);
            return;
        }
        final CnameChain chain = CnameChain.follow(sofar, qname, type);
        if (chain.broken)
        {
            metrics.brokenChains.increment();
            then.accept(null);
            return;
        }
        // Unfinished and not the name just asked: upstream answered the CNAME alone. Asked already and still
        // nothing: upstream has nothing more to say about it (treated as no data).
        if (!chain.unfinished || chain.end.equals(asked))
        {
            then.accept(sofar);
            return;
        }
        metrics.chased.increment();
        fetch(p, chain.end, type, DClass.IN, false, next ->
            chase(p, qname, type, chain.end, next == null ? null : CnameChain.append(sofar, next), then));
    }

    /** RFC 6147 section 5.3.3: everything else is returned unchanged (own header and OPT, upstream's sections). */
    private void forward(final Pending p)
    {
        final Record q = p.query.getQuestion();
        fetch(p, q.getName(), q.getType(), q.getDClass(), p.checkingDisabled, response -> send(p,
            response == null ? Replies.empty(p.query, Rcode.SERVFAIL, config.ednsPayload) :
            Replies.from(p.query, response, false, config.ednsPayload)));
    }

    private static int countOpt(final Message query)
    {
        int n = 0;
        for (final Record r : query.getSection(Section.ADDITIONAL))
        {
            n += r.getType() == Type.OPT ? 1 : 0;
        }
        return n;
    }

    /**
     * The upstream answer (from cache or upstream) to name/type/class, or null when upstream did not answer. Identical
     * questions in flight (same cache key: name case-insensitively, type, class, DO, CD) share one upstream exchange,
     * so N clients asking at once neither open N exchanges (N chances for an off-path spoofer) nor overwrite the cache
     * N times. With RD=0 only the cache is consulted: a miss ends the query with REFUSED and {@code then} never runs.
     */
    private void fetch(
        final Pending p, final Name name, final int type, final int dclass, final boolean checkingDisabled,
        final Consumer<Message> then)
    {
        final Record question = Record.newRecord(name, type, dclass);
        final String key = Cache.key(question, p.dnssecOk, checkingDisabled);
        final Message cached = cache.get(key, System.nanoTime());
        if (cached != null)
        {
            metrics.cacheHits.increment();
            then.accept(cached);
            return;
        }
        if (!p.recursionDesired)
        {
            // RFC 1034 section 4.3.1: no recursion asked, and we hold no authoritative data: REFUSED.
            metrics.refused.increment();
            send(p, Replies.empty(p.query, Rcode.REFUSED, config.ednsPayload));
            return;
        }
        metrics.cacheMisses.increment();
        final List<Consumer<Message>> waiting = inFlight.get(key);
        if (waiting != null)
        {
            metrics.coalesced.increment();
            waiting.add(then);
            return;
        }
        final List<Consumer<Message>> waiters = new ArrayList<>(2);
        waiters.add(then);
        inFlight.put(key, waiters);
        final Message q = new Message();
        q.getHeader().setFlag(Flags.RD);
        if (checkingDisabled)
        {
            q.getHeader().setFlag(Flags.CD);
        }
        q.addRecord(question, Section.QUESTION);
        // RFC 6891 section 6.1.1: our own OPT towards upstream, with the client's DO bit.
        q.addRecord(new OPTRecord(config.ednsPayload, 0, 0, p.dnssecOk ? ExtendedFlags.DO : 0), Section.ADDITIONAL);
        upstreams.query(q, new Upstreams.Callback()
        {
            @Override
            public void answered(final Message response, final byte[] wire)
            {
                cache.put(key, response, wire, System.nanoTime());
                fanOut(key, response);
            }

            @Override
            public void failed()
            {
                fanOut(key, null);
            }
        });
    }

    /** Every client waiting for {@code key} gets the answer; one failing continuation does not starve the others. */
    private void fanOut(final String key, final Message response)
    {
        for (final Consumer<Message> waiter : inFlight.remove(key))
        {
            try
            {
                waiter.accept(response);
            }
            catch (final RuntimeException ex)
            {
                metrics.internalErrors.increment();
            }
        }
    }

    private void send(final Pending p, final Message reply)
    {
        send(p.query, reply, p.client, p.start);
    }

    /** UDP answers are cut to the client's size with TC set (RFC 1035 / RFC 6891), so a TCP retry gets all of it. */
    private void send(final Message query, final Message reply, final Client client, final long start)
    {
        Message sent = withCookie(query, reply, client);
        byte[] wire;
        try
        {
            wire = toWire(query, sent, client);
        }
        catch (final RuntimeException ex)
        {
            // A record dnsjava cannot encode must not leave the client without an answer (a bug if it happens).
            metrics.internalErrors.increment();
            sent = Replies.empty(query, Rcode.SERVFAIL, config.ednsPayload);
            wire = toWire(query, sent, client);
        }
        // Counted before it leaves (as on the fast path), so a client that has its answer sees it counted.
        metrics.response(sent.getRcode(), start);
        client.send(wire, false);
        if (answers != null && (wire[2] & 0x02) == 0)
        {
            answers.store(query, sent, wire, start);
        }
    }

    private byte[] toWire(final Message query, final Message reply, final Client client)
    {
        return client.tcp() ? reply.toWire(65535) : reply.toWire(Replies.udpLimit(query, config.ednsPayload));
    }
}
