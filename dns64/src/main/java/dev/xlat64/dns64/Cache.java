package dev.xlat64.dns64;

import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Upstream answers by (name, type, class, DO, CD), kept for their TTL (negative answers for the SOA's negative TTL,
 * RFC 2308 section 5) and returned with TTLs decremented by the time spent in the cache. Bounded LRU; loop thread only.
 */
final class Cache
{
    /** Cached data is never kept longer than a day, whatever upstream said. */
    static final long MAX_TTL = 86400;
    /** Answers larger than this (wire bytes, as received) are not cached, so memory stays near entries x 1 KB. */
    static final int MAX_CACHED_MESSAGE = 8192;

    private static final class Entry
    {
        final Message message;
        final long storedNanos;
        final long expiresNanos;
        /** The message with TTLs aged by {@link #agedSeconds}: rebuilt at most once a second, not per hit. */
        Message aged;
        long agedSeconds;

        Entry(final Message message, final long storedNanos, final long ttl)
        {
            this.message = message;
            this.storedNanos = storedNanos;
            this.expiresNanos = storedNanos + ttl * 1_000_000_000L;
            this.aged = message;
        }
    }

    private final int capacity;
    private final LinkedHashMap<String, Entry> entries;

    Cache(final int capacity)
    {
        this.capacity = capacity;
        this.entries = new LinkedHashMap<>(Math.min(capacity, 1024) * 2, 0.75f, true)
        {
            @Override
            protected boolean removeEldestEntry(final Map.Entry<String, Entry> eldest)
            {
                return size() > Cache.this.capacity;
            }
        };
    }

    static String key(final Record question, final boolean dnssecOk, final boolean checkingDisabled)
    {
        return question.getName().toString().toLowerCase() + '/' + question.getType() + '/' + question.getDClass() +
            (dnssecOk ? "/do" : "") + (checkingDisabled ? "/cd" : "");
    }

    /** The cached answer with TTLs aged, or null. */
    Message get(final String key, final long nowNanos)
    {
        final Entry e = entries.get(key);
        if (e == null)
        {
            return null;
        }
        if (nowNanos - e.expiresNanos >= 0)
        {
            entries.remove(key);
            return null;
        }
        final long age = Math.max(0, (nowNanos - e.storedNanos) / 1_000_000_000L);
        if (age != e.agedSeconds)
        {
            e.aged = aged(e.message, age);
            e.agedSeconds = age;
        }
        return e.aged.clone();
    }

    void put(final String key, final Message response, final long nowNanos)
    {
        if (capacity == 0)
        {
            return;
        }
        final long ttl = ttl(response);
        if (ttl > 0 && response.numBytes() <= MAX_CACHED_MESSAGE)
        {
            entries.put(key, new Entry(response, nowNanos, Math.min(ttl, MAX_TTL)));
        }
    }

    int size()
    {
        return entries.size();
    }

    /** How long {@code response} may be cached: 0 for errors other than NXDOMAIN, truncated or SOA-less negatives. */
    static long ttl(final Message response)
    {
        final int rcode = response.getRcode();
        if ((rcode != Rcode.NOERROR && rcode != Rcode.NXDOMAIN) || response.getHeader().getFlag(org.xbill.DNS.Flags.TC))
        {
            return 0;
        }
        long ttl = Long.MAX_VALUE;
        boolean answered = false;
        for (final Record r : response.getSection(Section.ANSWER))
        {
            ttl = Math.min(ttl, r.getTTL());
            answered = true;
        }
        if (answered && rcode == Rcode.NOERROR)
        {
            return ttl;
        }
        for (final Record r : response.getSection(Section.AUTHORITY))
        {
            if (r.getType() == Type.SOA)
            {
                return Math.min(ttl, Synthesizer.negativeTtl(response));
            }
        }
        return 0;
    }

    private static Message aged(final Message m, final long age)
    {
        final Message out = m.clone();
        for (final int section : new int[] {Section.ANSWER, Section.AUTHORITY, Section.ADDITIONAL})
        {
            out.removeAllRecords(section);
            for (final Record r : m.getSection(section))
            {
                out.addRecord(r.getType() == Type.OPT ? r : withTtl(r, Math.max(0, r.getTTL() - age)), section);
            }
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
        catch (final java.io.IOException ex)
        {
            return r;
        }
    }
}
