package dev.xlat64.dns64;

import org.junit.jupiter.api.Test;
import org.xbill.DNS.CookieOption;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

import java.net.InetAddress;
import java.util.HexFormat;
import java.util.List;

import static dev.xlat64.dns64.TestRecords.query;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * RFC 7873 DNS cookies with the RFC 9018 interoperable server cookie: version 1, reserved, timestamp, SipHash-2-4 of
 * client cookie, those fields and the client's address under the server secret.
 */
class Rfc9018ServerCookieTest
{
    private static final HexFormat HEX = HexFormat.of();
    private static final byte[] SECRET = HEX.parseHex("e5e973e5a6b2a43f48e7dc849e37bfcf");

    @Test
    void appendixA1LearningANewServerCookie() throws Exception
    {
        // RFC 9018 appendix A.1: client 198.51.100.100, client cookie 2464c4abcf10c957, time 1559731985.
        final ServerCookies cookies = new ServerCookies(SECRET);
        assertEquals("010000005cf79f111f8130c3eee29480", HEX.formatHex(cookies.make(
            HEX.parseHex("2464c4abcf10c957"), InetAddress.getByName("198.51.100.100"), 1559731985L)));
    }

    @Test
    void aCookieIsValidForTheSameClientOnlyAndForAnHour() throws Exception
    {
        final ServerCookies cookies = new ServerCookies(SECRET);
        final byte[] client = HEX.parseHex("0102030405060708");
        final InetAddress me = InetAddress.getByName("2001:db8::1");
        final byte[] server = cookies.make(client, me, 1_000_000);
        assertTrue(cookies.valid(client, server, me, 1_000_000 + 1800));
        assertFalse(cookies.valid(client, server, me, 1_000_000 + 3601), "RFC 9018 section 4.3: one hour");
        assertFalse(cookies.valid(client, server, InetAddress.getByName("2001:db8::2"), 1_000_000));
        assertFalse(cookies.valid(HEX.parseHex("0102030405060709"), server, me, 1_000_000));
    }

    private static Message withCookie(final CookieOption cookie)
    {
        final Message q = query("ipv4only.arpa.", Type.A);
        q.addRecord(new OPTRecord(1232, 0, 0, 0, List.<EDNSOption>of(cookie)), Section.ADDITIONAL);
        return q;
    }

    @Test
    void theServerAnswersAClientCookieWithItsOwnAndAcceptsItBack() throws Exception
    {
        try (Harness h = new Harness(q -> null))
        {
            final byte[] client = HEX.parseHex("2464c4abcf10c957");
            final Message r = h.send(withCookie(new CookieOption(client)), false);
            assertEquals(Rcode.NOERROR, r.getRcode());
            final CookieOption back = (CookieOption)r.getOPT().getOptions(EDNSOption.Code.COOKIE).get(0);
            assertArrayEquals(client, back.getClientCookie());
            final byte[] server = back.getServerCookie().orElseThrow();
            assertEquals(16, server.length);
            assertEquals(1, server[0], "version 1");
            final Message again = h.send(withCookie(new CookieOption(client, server)), false);
            assertEquals(Rcode.NOERROR, again.getRcode());
            assertEquals(1.0, h.registry.get("xlat64.dns64.cookies").tag("result", "valid").counter().count());
        }
    }
}
