package dev.xlat64.dns64;

import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;

import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The cache-hit fast path: the wire bytes of answers already sent, by the question's wire form (name lower-cased,
 * type, class) and the query flags that shape the answer (RD, CD, EDNS present, DO). A hit is matched on the incoming
 * bytes without parsing the message, and answered by copying the stored answer and patching the ID (RFC 1035 section
 * 4.1.1), the question name's case (the client's own spelling, RFC 4343) and the TTLs (aged, RFC 1035 section 3.2.1):
 * no dnsjava, no allocation after warm-up. Only plain queries qualify (one question, at most an OPT without options,
 * so no cookie); everything else takes the full path. Bounded in bytes, least recently used first. Loop thread only.
 */
final class AnswerCache
{
    private static final int HEADER = 12;
    private static final int MAX_KEY = 255 + 5;
    private static final int TYPE_OPT = 41;
    private static final int DO_BIT = 0x8000;

    /** The question's wire form, lower-cased, plus a flags byte. Mutable only as the probe. */
    static final class Key
    {
        final byte[] bytes;
        int length;
        int hash;

        Key(final byte[] bytes, final int length)
        {
            this.bytes = bytes;
            this.length = length;
            rehash();
        }

        void rehash()
        {
            int h = 1;
            for (int i = 0; i < length; i++)
            {
                h = 31 * h + bytes[i];
            }
            hash = h;
        }

        @Override
        public boolean equals(final Object o)
        {
            return o instanceof Key && ((Key)o).length == length &&
                Arrays.equals(bytes, 0, length, ((Key)o).bytes, 0, length);
        }

        @Override
        public int hashCode()
        {
            return hash;
        }
    }

    private final LinkedHashMap<Key, CachedWire> entries = new LinkedHashMap<>(1024, 0.75f, true);
    private final long maxBytes;
    private final int ednsPayload;
    private final Key probe = new Key(new byte[MAX_KEY], 0);
    private long bytes;

    AnswerCache(final long maxBytes, final int ednsPayload)
    {
        this.maxBytes = maxBytes;
        this.ednsPayload = ednsPayload;
    }

    /**
     * The answer to {@code query[0..length)} written into {@code out} when it is a plain query whose answer is here and
     * fits the client's UDP size; its length, or -1 (take the full path).
     */
    int answer(final byte[] query, final int length, final byte[] out, final long nowNanos)
    {
        final int end = key(query, length);
        if (end < 0)
        {
            return -1;
        }
        final CachedWire e = entries.get(probe);
        if (e == null)
        {
            return -1;
        }
        if (nowNanos - e.expiresNanos >= 0)
        {
            remove(e);
            return -1;
        }
        final int limit = (probe.bytes[probe.length - 1] & 4) != 0 ? udpLimit(query, end) : Replies.MIN_UDP;
        if (e.wire.length() > limit)
        {
            return -1;
        }
        e.wire.copyAged(out, 0, (nowNanos - e.storedNanos) / 1_000_000_000L);
        out[0] = query[0];
        out[1] = query[1];
        // The question as the client spelled it (the key matched it case-insensitively, so the length is the same).
        System.arraycopy(query, HEADER, out, HEADER, probe.length - 5);
        return e.wire.length();
    }

    /**
     * Keeps {@code reply} (as sent) for {@code query} when both qualify: plain query, NOERROR/NXDOMAIN, not truncated.
     */
    void store(final Message query, final Message reply, final byte[] replyWire, final long nowNanos)
    {
        if (maxBytes == 0 || !plain(query) || reply.getHeader().getFlag(Flags.TC) ||
            (reply.getRcode() != Rcode.NOERROR && reply.getRcode() != Rcode.NXDOMAIN))
        {
            return;
        }
        final byte[] q = query.toWire();
        if (key(q, q.length) < 0)
        {
            return;
        }
        final WireTtls wire = WireTtls.of(replyWire.clone());
        if (wire == null || wire.count() == 0 || wire.minTtl() == 0 || wire.length() > Cache.MAX_CACHED_MESSAGE)
        {
            return;
        }
        final Key key = new Key(Arrays.copyOf(probe.bytes, probe.length), probe.length);
        final long cost = wire.length() + 8L * wire.count() + key.length + Cache.ENTRY_OVERHEAD;
        final CachedWire old = entries.remove(key);
        if (old != null)
        {
            bytes -= old.cost;
        }
        entries.put(key, new CachedWire(wire, nowNanos, Math.min(wire.minTtl(), Cache.MAX_TTL), cost));
        bytes += cost;
        final Iterator<Map.Entry<Key, CachedWire>> eldest = entries.entrySet().iterator();
        while (bytes > maxBytes && eldest.hasNext())
        {
            bytes -= eldest.next().getValue().cost;
            eldest.remove();
        }
    }

    int size()
    {
        return entries.size();
    }

    private void remove(final CachedWire e)
    {
        entries.remove(probe);
        bytes -= e.cost;
    }

    private static boolean plain(final Message query)
    {
        final Header h = query.getHeader();
        final OPTRecord opt = query.getOPT();
        return h.getOpcode() == Opcode.QUERY && h.getCount(Section.QUESTION) == 1 && h.getCount(Section.ANSWER) == 0 &&
            h.getCount(Section.AUTHORITY) == 0 && (opt == null ? h.getCount(Section.ADDITIONAL) == 0 :
            h.getCount(Section.ADDITIONAL) == 1 && opt.getOptions().isEmpty() && opt.getVersion() == 0);
    }

    /**
     * Fills {@link #probe} from a plain query (QUERY, one question, no other records but an option-less EDNS 0 OPT);
     * returns where the OPT starts (or the end without one), or -1 when the query is not plain.
     */
    private int key(final byte[] q, final int length)
    {
        if (length < HEADER + 5 || (q[2] & 0xf8) != 0 || u16(q, 4) != 1 || u16(q, 6) != 0 || u16(q, 8) != 0)
        {
            return -1;
        }
        final int additional = u16(q, 10);
        final byte[] k = probe.bytes;
        int at = HEADER;
        int n = 0;
        while (true)
        {
            if (at >= length)
            {
                return -1;
            }
            final int label = q[at] & 0xff;
            if ((label & 0xc0) != 0 || n + label + 1 > 255)
            {
                return -1;
            }
            k[n++] = (byte)label;
            at++;
            if (label == 0)
            {
                break;
            }
            if (at + label > length)
            {
                return -1;
            }
            for (int i = 0; i < label; i++)
            {
                final byte c = q[at++];
                k[n++] = c >= 'A' && c <= 'Z' ? (byte)(c + 32) : c;
            }
        }
        if (at + 4 > length)
        {
            return -1;
        }
        System.arraycopy(q, at, k, n, 4);
        n += 4;
        at += 4;
        final int optAt = at;
        int flags = (q[2] & 1) | ((q[3] & 0x10) != 0 ? 2 : 0);
        if (additional == 1)
        {
            // RFC 6891 section 6.1.2: root owner, type OPT, EDNS version 0, no options.
            if (at + 11 != length || q[at] != 0 || u16(q, at + 1) != TYPE_OPT || q[at + 6] != 0 || u16(q, at + 9) != 0)
            {
                return -1;
            }
            flags |= 4 | ((u16(q, at + 7) & DO_BIT) != 0 ? 8 : 0);
        }
        else if (additional != 0 || at != length)
        {
            return -1;
        }
        k[n++] = (byte)flags;
        probe.length = n;
        probe.rehash();
        return optAt;
    }

    /** RFC 6891 section 6.2.5 as {@link Replies#udpLimit}: the client's payload size, at least 512, at most ours. */
    private int udpLimit(final byte[] q, final int optAt)
    {
        return Math.min(Math.max(Replies.MIN_UDP, u16(q, optAt + 3)), ednsPayload);
    }

    private static int u16(final byte[] b, final int at)
    {
        return ((b[at] & 0xff) << 8) | (b[at + 1] & 0xff);
    }
}
