package dev.xlat64.dns64;

import org.junit.jupiter.api.Test;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.ReverseMap;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

import static dev.xlat64.dns64.TestRecords.aaaas;
import static dev.xlat64.dns64.TestRecords.n;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RFC 7050 section 2.2 / RFC 8880 section 7: ipv4only.arpa answered locally, never forwarded. */
class Rfc7050Ipv4OnlyArpaTest
{
    private static final String TWO_PREFIXES = "prefixes = [\"2001:db8:64::/96\", \"64:ff9b::/96\"]\n";

    @Test
    void aIsTheTwoWellKnownAddresses() throws Exception
    {
        try (Harness h = new Harness(q -> null, TWO_PREFIXES))
        {
            final Message r = h.query("ipv4only.arpa.", Type.A);
            final List<String> addresses = new ArrayList<>();
            for (final Record rec : r.getSection(Section.ANSWER))
            {
                addresses.add(rec.rdataToString());
            }
            assertEquals(List.of("192.0.0.170", "192.0.0.171"), addresses);
            assertTrue(r.getHeader().getFlag(Flags.AA));
            assertEquals(0, h.upstream.seen.size());
        }
    }

    @Test
    void aaaaUsesEveryPrefixIncludingTheWellKnownOne() throws Exception
    {
        try (Harness h = new Harness(q -> null, TWO_PREFIXES))
        {
            assertEquals(List.of("2001:db8:64::c000:aa", "2001:db8:64::c000:ab", "64:ff9b::c000:aa",
                "64:ff9b::c000:ab"),
                aaaas(h.query("IPv4only.ARPA.", Type.AAAA)));
        }
    }

    @Test
    void ptrOfTheSynthesizedAddressesIsIpv4onlyArpa() throws Exception
    {
        try (Harness h = new Harness(q -> null, TWO_PREFIXES))
        {
            for (final String address : List.of("64:ff9b::c000:aa", "2001:db8:64::c000:ab"))
            {
                final Message r = h.query(ReverseMap.fromAddress(InetAddress.getByName(address)).toString(), Type.PTR);
                assertEquals(n("ipv4only.arpa."), ((PTRRecord)r.getSection(Section.ANSWER).get(0)).getTarget(),
                    address);
            }
            assertEquals(0, h.upstream.seen.size());
        }
    }

    @Test
    void otherTypesAreNodataAndOtherNamesNxdomain() throws Exception
    {
        try (Harness h = new Harness(q -> null))
        {
            final Message mx = h.query("ipv4only.arpa.", Type.MX);
            assertEquals(Rcode.NOERROR, mx.getRcode());
            assertTrue(mx.getSection(Section.ANSWER).isEmpty());
            assertEquals(Type.SOA, mx.getSection(Section.AUTHORITY).get(0).getType());
            assertEquals(Rcode.NXDOMAIN, h.query("www.ipv4only.arpa.", Type.AAAA).getRcode());
        }
    }
}
