package dev.xlat64.dns64;

import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Upstream answers by (name, type, class, DO, CD), kept for their TTL (negative answers, and CNAME chains ending in
 * NODATA, for the SOA's negative TTL, RFC 2308 section 5) and returned with TTLs decremented by the time spent in the
 * cache. An entry is the answer's wire form only, with its TTLs patched on the way out ({@link WireTtls}); the cache is
 * bounded in those bytes (plus a fixed overhead per entry) and in entries, least recently used first. Loop thread only.
 */
final class Cache
{
    /** Cached data is never kept longer than a day, whatever upstream said. */
    static final long MAX_TTL = 86400;
    /** Answers larger than this (wire bytes) are not cached: one name cannot take a large share of the cache. */
    static final int MAX_CACHED_MESSAGE = 8192;
    /** Bookkeeping per entry besides the wire bytes: map node, key string, entry object, TTL offsets. */
    static final int ENTRY_OVERHEAD = 160;
    /** The default byte bound ({@code dns64.cache-bytes}). */
    static final long DEFAULT_BYTES = 32L << 20;

    private final int capacity;
    private final long maxBytes;
    private final LinkedHashMap<String, CachedWire> entries;
    private long bytes;

    Cache(final int capacity)
    {
        this(capacity, DEFAULT_BYTES);
    }

    Cache(final int capacity, final long maxBytes)
    {
        this.capacity = capacity;
        this.maxBytes = maxBytes;
        this.entries = new LinkedHashMap<>(Math.min(capacity, 1024) * 2, 0.75f, true);
    }

    /**
     * The key: the name lower-cased the same in every locale (Locale.ROOT: no Turkish dotless i), type, class, DO, CD.
     */
    static String key(final Record question, final boolean dnssecOk, final boolean checkingDisabled)
    {
        return question.getName().toString().toLowerCase(Locale.ROOT) + '/' + question.getType() + '/' +
            question.getDClass() + (dnssecOk ? "/do" : "") + (checkingDisabled ? "/cd" : "");
    }

    /** The cached answer with TTLs aged, or null. */
    Message get(final String key, final long nowNanos)
    {
        final CachedWire e = entries.get(key);
        if (e == null)
        {
            return null;
        }
        if (nowNanos - e.expiresNanos >= 0)
        {
            remove(key, e);
            return null;
        }
        final long age = Math.max(0, (nowNanos - e.storedNanos) / 1_000_000_000L);
        try
        {
            return new Message(e.wire.aged(age));
        }
        catch (final IOException ex)
        {
            remove(key, e); // cannot happen: the bytes were written by dnsjava
            return null;
        }
    }

    void put(final String key, final Message response, final long nowNanos)
    {
        put(key, response, null, nowNanos);
    }

    /** {@code wire}: {@code response.toWire()} when the caller has it already (or null), to spare writing it again. */
    void put(final String key, final Message response, final byte[] wire, final long nowNanos)
    {
        if (capacity == 0 || maxBytes == 0)
        {
            return;
        }
        final long ttl = ttl(response);
        if (ttl <= 0)
        {
            return;
        }
        final Message stored = negativeSoaTtls(response);
        final byte[] encoded = stored == response && wire != null ? wire : stored.toWire();
        if (encoded.length > MAX_CACHED_MESSAGE)
        {
            return;
        }
        final WireTtls w = WireTtls.of(encoded);
        if (w == null)
        {
            return;
        }
        final long cost = encoded.length + 8L * w.count() + 2L * key.length() + ENTRY_OVERHEAD;
        final CachedWire old = entries.remove(key);
        if (old != null)
        {
            bytes -= old.cost;
        }
        entries.put(key, new CachedWire(w, nowNanos, Math.min(ttl, MAX_TTL), cost));
        bytes += cost;
        final Iterator<Map.Entry<String, CachedWire>> eldest = entries.entrySet().iterator();
        while ((bytes > maxBytes || entries.size() > capacity) && eldest.hasNext())
        {
            bytes -= eldest.next().getValue().cost;
            eldest.remove();
        }
    }

    private void remove(final String key, final CachedWire e)
    {
        entries.remove(key);
        bytes -= e.cost;
    }

    int size()
    {
        return entries.size();
    }

    /** What the entries cost, as counted against the byte bound. */
    long bytes()
    {
        return bytes;
    }

    /**
     * How long {@code response} may be cached: 0 for errors other than NXDOMAIN, truncated or SOA-less negatives. RFC
     * 2308 section 5: a negative answer (NXDOMAIN, NODATA, or a CNAME chain ending in either) for the SOA's negative
     * TTL, never longer than the chain's own TTLs.
     */
    static long ttl(final Message response)
    {
        final int rcode = response.getRcode();
        if ((rcode != Rcode.NOERROR && rcode != Rcode.NXDOMAIN) || response.getHeader().getFlag(Flags.TC))
        {
            return 0;
        }
        final Record question = response.getQuestion();
        final int qtype = question == null ? -1 : question.getType();
        long ttl = Long.MAX_VALUE;
        boolean answered = false;
        boolean hasData = false;
        for (final Record r : response.getSection(Section.ANSWER))
        {
            ttl = Math.min(ttl, r.getTTL());
            answered = true;
            hasData |= r.getType() == qtype || qtype == Type.ANY || qtype == Type.CNAME || qtype == Type.RRSIG;
        }
        final boolean soa = hasSoa(response);
        if (answered && rcode == Rcode.NOERROR && (hasData || !soa))
        {
            return ttl; // data, or a bare chain from an upstream that does not chase: the chain's TTL
        }
        return soa ? Math.min(ttl, Synthesizer.negativeTtl(response)) : 0;
    }

    private static boolean hasSoa(final Message response)
    {
        for (final Record r : response.getSection(Section.AUTHORITY))
        {
            if (r.getType() == Type.SOA)
            {
                return true;
            }
        }
        return false;
    }

    /**
     * RFC 2308 section 5: the SOA of a negative answer is kept with TTL min(SOA TTL, MINIMUM), so that counting it
     * down ages the negative TTL (MINIMUM itself never changes).
     */
    private static Message negativeSoaTtls(final Message response)
    {
        boolean change = false;
        for (final Record r : response.getSection(Section.AUTHORITY))
        {
            change |= r instanceof SOARecord && ((SOARecord)r).getMinimum() < r.getTTL();
        }
        if (!change)
        {
            return response;
        }
        final Message out = response.clone();
        out.removeAllRecords(Section.AUTHORITY);
        for (final Record r : response.getSection(Section.AUTHORITY))
        {
            out.addRecord(r instanceof SOARecord && ((SOARecord)r).getMinimum() < r.getTTL() ?
                withTtl(r, ((SOARecord)r).getMinimum()) : r, Section.AUTHORITY);
        }
        return out;
    }

    /** dnsjava keeps its TTL setter private: rewrite the TTL in the record's uncompressed wire form. */
    static Record withTtl(final Record r, final long ttl)
    {
        final byte[] wire = r.toWire(Section.ANSWER);
        final int at = r.getName().length() + 4;
        wire[at] = (byte)(ttl >>> 24);
        wire[at + 1] = (byte)(ttl >>> 16);
        wire[at + 2] = (byte)(ttl >>> 8);
        wire[at + 3] = (byte)ttl;
        try
        {
            return Record.fromWire(wire, Section.ANSWER);
        }
        catch (final IOException ex)
        {
            return r;
        }
    }
}
