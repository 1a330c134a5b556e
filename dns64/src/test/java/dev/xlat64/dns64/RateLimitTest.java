package dev.xlat64.dns64;

import org.junit.jupiter.api.Test;
import org.xbill.DNS.CookieOption;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.SocketTimeoutException;
import java.util.List;

import static dev.xlat64.dns64.TestRecords.query;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Response rate limiting per client (like BIND's RRL / Unbound's ip-ratelimit): off by default; when on, answers over
 * the rate are dropped except every {@code ratelimit-slip}-th, which goes out truncated (TC=1) so a real client
 * retries over TCP. Clients with a valid server cookie (RFC 7873 section 5.3) are not spoofed and not limited.
 */
class RateLimitTest
{
    private static final int QUERIES = 40;

    /** Sends QUERIES queries at once from one socket; returns {full answers, truncated answers}. */
    private static int[] burst(final Harness h, final Message query) throws Exception
    {
        try (DatagramSocket s = new DatagramSocket())
        {
            s.setSoTimeout(500);
            final byte[] wire = query.toWire();
            for (int i = 0; i < QUERIES; i++)
            {
                s.send(new DatagramPacket(wire, wire.length, h.address()));
            }
            int full = 0;
            int truncated = 0;
            final byte[] buf = new byte[4096];
            try
            {
                while (true)
                {
                    final DatagramPacket p = new DatagramPacket(buf, buf.length);
                    s.receive(p);
                    final Message r = new Message(java.util.Arrays.copyOf(buf, p.getLength()));
                    if (r.getHeader().getFlag(Flags.TC))
                    {
                        truncated++;
                        assertEquals(0, r.getSection(Section.ANSWER).size());
                    }
                    else
                    {
                        full++;
                    }
                }
            }
            catch (final SocketTimeoutException done)
            {
                return new int[] {full, truncated};
            }
        }
    }

    @Test
    void offByDefault() throws Exception
    {
        try (Harness h = new Harness(q -> null))
        {
            assertEquals(QUERIES, burst(h, query("ipv4only.arpa.", Type.A))[0]);
        }
    }

    @Test
    void overTheRateEverySecondLimitedAnswerSlipsOutTruncated() throws Exception
    {
        try (Harness h = new Harness(q -> null, "ratelimit = 5\nratelimit-slip = 2\n"))
        {
            final int[] got = burst(h, query("ipv4only.arpa.", Type.A));
            assertTrue(got[0] >= 5 && got[0] <= 10, "full answers " + got[0]);
            final int limited = QUERIES - got[0];
            assertEquals(limited / 2, got[1], "truncated answers of " + limited + " limited");
            assertEquals(limited, h.registry.get("xlat64.dns64.ratelimited").counter().count());
        }
    }

    @Test
    void clientsWithAValidServerCookieAreNotLimited() throws Exception
    {
        try (Harness h = new Harness(q -> null, "ratelimit = 5\n"))
        {
            final byte[] client = {1, 2, 3, 4, 5, 6, 7, 8};
            final Message first = query("ipv4only.arpa.", Type.A);
            first.addRecord(new OPTRecord(1232, 0, 0, 0, List.<EDNSOption>of(new CookieOption(client))),
                Section.ADDITIONAL);
            final CookieOption learned = (CookieOption)h.send(first, false).getOPT()
                .getOptions(EDNSOption.Code.COOKIE).get(0);
            final Message q = query("ipv4only.arpa.", Type.A);
            q.addRecord(new OPTRecord(1232, 0, 0, 0, List.<EDNSOption>of(new CookieOption(client,
                learned.getServerCookie().orElseThrow()))), Section.ADDITIONAL);
            assertEquals(QUERIES, burst(h, q)[0]);
        }
    }
}
