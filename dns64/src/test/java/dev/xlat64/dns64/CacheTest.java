package dev.xlat64.dns64;

import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

import static dev.xlat64.dns64.TestRecords.a;
import static dev.xlat64.dns64.TestRecords.query;
import static dev.xlat64.dns64.TestRecords.soa;
import static dev.xlat64.dns64.TestRecords.withAuthority;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The answer cache: TTLs honoured and aged, negative answers per RFC 2308, bounded size, errors not cached. */
class CacheTest
{
    private static final long SECOND = 1_000_000_000L;

    private static Message answer(final String name, final long ttl)
    {
        return FakeUpstream.answer(query(name, Type.A), Rcode.NOERROR, a(name, ttl, "192.0.2.1"));
    }

    @Test
    void entriesAgeAndExpire()
    {
        final Cache c = new Cache(10);
        c.put("k", answer("x.test.", 30), 0);
        assertEquals(20, c.get("k", 10 * SECOND).getSection(1).get(0).getTTL());
        assertNull(c.get("k", 30 * SECOND));
    }

    @Test
    void negativeAnswersUseTheSoa()
    {
        final Cache c = new Cache(10);
        c.put("nx", withAuthority(FakeUpstream.answer(query("nx.test.", Type.A), Rcode.NXDOMAIN),
            soa("test.", 3600, 5)), 0);
        assertNotNull(c.get("nx", 4 * SECOND));
        assertNull(c.get("nx", 5 * SECOND));
        c.put("nosoa", FakeUpstream.answer(query("nx.test.", Type.A), Rcode.NXDOMAIN), 0);
        assertNull(c.get("nosoa", 0));
    }

    @Test
    void errorsAreNotCached()
    {
        final Cache c = new Cache(10);
        c.put("sf", FakeUpstream.answer(query("sf.test.", Type.A), Rcode.SERVFAIL), 0);
        assertNull(c.get("sf", 0));
    }

    @Test
    void sizeIsBoundedLeastRecentlyUsedFirst()
    {
        final Cache c = new Cache(2);
        c.put("a", answer("a.test.", 300), 0);
        c.put("b", answer("b.test.", 300), 0);
        c.get("a", 0);
        c.put("c", answer("c.test.", 300), 0);
        assertEquals(2, c.size());
        assertNotNull(c.get("a", 0));
        assertNull(c.get("b", 0));
    }

    @Test
    void keyDistinguishesDoAndCd()
    {
        final org.xbill.DNS.Record q = query("Mixed.Test.", Type.A).getQuestion();
        assertEquals("mixed.test./1/1", Cache.key(q, false, false));
        assertEquals("mixed.test./1/1/do/cd", Cache.key(q, true, true));
    }

    @Test
    void hugeAnswersAreNotCached() throws Exception
    {
        final Message big = FakeUpstream.answer(query("big.test.", Type.TXT), Rcode.NOERROR);
        for (int i = 0; i < 40; i++)
        {
            big.addRecord(new org.xbill.DNS.TXTRecord(TestRecords.n("big.test."), 1, 300, "x".repeat(250) + i), 1);
        }
        final Message received = new Message(big.toWire());
        final Cache c = new Cache(10);
        c.put("big", received, 0);
        assertNull(c.get("big", 0));
    }
    @Test
    void aCnameChainEndingInNodataIsCachedForTheNegativeTtl()
    {
        // RFC 2308 section 5: the NODATA at the end of the chain bounds the whole answer, not the CNAME's day.
        final Message m = withAuthority(FakeUpstream.answer(query("alias.test.", Type.AAAA), Rcode.NOERROR,
            TestRecords.cname("alias.test.", 86400, "target.test.")), soa("test.", 3600, 30));
        assertEquals(30, Cache.ttl(m));
        final Cache c = new Cache(10);
        c.put("k", m, 0);
        assertNotNull(c.get("k", 29 * SECOND));
        assertNull(c.get("k", 30 * SECOND));
    }

    @Test
    void theNegativeTtlAgesInTheCache()
    {
        // RFC 2308 section 5: the SOA in a negative answer carries min(SOA TTL, MINIMUM), counted down like any TTL.
        final Cache c = new Cache(10);
        c.put("k", withAuthority(FakeUpstream.answer(query("nodata.test.", Type.AAAA), Rcode.NOERROR),
            soa("test.", 3600, 300)), 0);
        final Message aged = c.get("k", 200 * SECOND);
        assertEquals(100, aged.getSection(org.xbill.DNS.Section.AUTHORITY).get(0).getTTL());
        assertEquals(100, Synthesizer.negativeTtl(aged));
    }

    @Test
    void keysAreLowerCasedTheSameInEveryLocale()
    {
        final java.util.Locale saved = java.util.Locale.getDefault();
        try
        {
            java.util.Locale.setDefault(new java.util.Locale("tr", "TR"));
            assertEquals("wiki.test./28/1", Cache.key(query("WIKI.TEST.", Type.AAAA).getQuestion(), false, false));
        }
        finally
        {
            java.util.Locale.setDefault(saved);
        }
    }

    @Test
    void theCacheIsBoundedInBytes()
    {
        final Cache c = new Cache(1000, 4096);
        for (int i = 0; i < 200; i++)
        {
            c.put("k" + i, answer("name" + i + ".test.", 300), 0);
        }
        org.junit.jupiter.api.Assertions.assertTrue(c.bytes() <= 4096, "bytes " + c.bytes());
        org.junit.jupiter.api.Assertions.assertTrue(c.size() > 10 && c.size() < 200, "entries " + c.size());
        assertNotNull(c.get("k199", 0));
        assertNull(c.get("k0", 0));
    }
}
