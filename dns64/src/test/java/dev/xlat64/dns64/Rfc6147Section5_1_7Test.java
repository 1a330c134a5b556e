package dev.xlat64.dns64;

import dev.xlat64.addr.Ipv4Prefix;
import dev.xlat64.addr.Ipv6Prefix;
import dev.xlat64.addr.Rfc6052Prefix;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

import java.util.List;

import static dev.xlat64.dns64.TestRecords.a;
import static dev.xlat64.dns64.TestRecords.aaaas;
import static dev.xlat64.dns64.TestRecords.query;
import static dev.xlat64.dns64.TestRecords.soa;
import static dev.xlat64.dns64.TestRecords.withAuthority;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** RFC 6147 section 5.1.7 (with 5.2 and RFC 6052 section 2.4): how each synthetic AAAA is made. */
class Rfc6147Section5_1_7Test
{
    private static Synthesizer synthesizer(final List<String> prefixes, final List<Policy.Mapping> mappings)
    {
        final List<Rfc6052Prefix> p = prefixes.stream().map(Rfc6052Prefix::parse).toList();
        return new Synthesizer(new Policy(p, mappings, List.of(Ipv6Prefix.parse("::ffff:0:0/96")), List.of()));
    }

    private static Message aAnswer(final String ipv4, final long ttl)
    {
        return FakeUpstream.answer(query("host.test.example.", Type.A), Rcode.NOERROR, a("host.test.example.", ttl,
            ipv4));
    }

    @Test
    void everyRfc6052PrefixLengthEmbedsAsTable1() throws Exception
    {
        final String[][] table1 = {
            {"2001:db8::/32", "2001:db8:c000:221::"},
            {"2001:db8:100::/40", "2001:db8:1c0:2:21::"},
            {"2001:db8:122::/48", "2001:db8:122:c000:2:2100::"},
            {"2001:db8:122:300::/56", "2001:db8:122:3c0:0:221::"},
            {"2001:db8:122:344::/64", "2001:db8:122:344:c0:2:2100:0"},
            {"2001:db8:122:344::/96", "2001:db8:122:344::c000:221"},
        };
        for (final String[] row : table1)
        {
            final Message out = synthesizer(List.of(row[0]), List.of()).synthesize(aAnswer("192.0.2.33", 300), 600);
            assertEquals(List.of(dev.xlat64.addr.Addresses.format6(dev.xlat64.addr.Addresses.parse6(row[1]))),
                aaaas(out), row[0]);
        }
    }

    @Test
    void ttlIsTheMinimumOfATtlAndTheNegativeTtlOfTheSoa() throws Exception
    {
        final Synthesizer s = synthesizer(List.of("64:ff9b::/96"), List.of());
        final Message negative = withAuthority(FakeUpstream.answer(query("host.test.example.", Type.AAAA),
            Rcode.NOERROR),
            soa("test.example.", 3600, 120));
        final Synthesizer.AaaaDecision d = s.examineAaaa(negative);
        assertEquals(120, d.negativeTtl);
        assertEquals(120, s.synthesize(aAnswer("64.64.64.64", 300), d.negativeTtl).getSection(1).get(0).getTTL());
        assertEquals(60, s.synthesize(aAnswer("64.64.64.64", 60), d.negativeTtl).getSection(1).get(0).getTTL());
        final Synthesizer.AaaaDecision noSoa = s.examineAaaa(FakeUpstream.answer(query("h.", Type.AAAA),
            Rcode.NOERROR));
        assertEquals(600, s.synthesize(aAnswer("64.64.64.64", 3600), noSoa.negativeTtl).getSection(1).get(0).getTTL());
    }

    @Test
    void soaTtlSmallerThanMinimumWins() throws Exception
    {
        final Synthesizer s = synthesizer(List.of("64:ff9b::/96"), List.of());
        final Message negative = withAuthority(FakeUpstream.answer(query("h.", Type.AAAA), Rcode.NOERROR),
            soa("test.example.", 30, 300));
        assertEquals(30, s.examineAaaa(negative).negativeTtl);
    }

    @Test
    void severalPrefixesGiveOneAaaaEach() throws Exception
    {
        final Message out = synthesizer(List.of("2001:db8:64::/96", "64:ff9b::/96"), List.of())
            .synthesize(aAnswer("64.64.64.64", 300), 600);
        assertEquals(List.of("2001:db8:64::4040:4040", "64:ff9b::4040:4040"), aaaas(out));
    }

    @Test
    void wellKnownPrefixSkipsNonGlobalIpv4() throws Exception
    {
        final Synthesizer s = synthesizer(List.of("64:ff9b::/96"), List.of());
        assertEquals(List.of(), aaaas(s.synthesize(aAnswer("10.1.2.3", 300), 600)));
        assertEquals(List.of("64:ff9b::4040:4040"), aaaas(s.synthesize(aAnswer("64.64.64.64", 300), 600)));
    }

    @Test
    void mappedRangesPickTheirPrefixOrNone() throws Exception
    {
        final Synthesizer s = synthesizer(List.of("2001:db8:64::/96"), List.of(
            new Policy.Mapping(Ipv4Prefix.parse("198.51.100.0/24"), Rfc6052Prefix.parse("2001:db8:100::/40")),
            new Policy.Mapping(Ipv4Prefix.parse("203.0.113.0/24"), null)));
        assertEquals(List.of("2001:db8:1c6:3364:1::"), aaaas(s.synthesize(aAnswer("198.51.100.1", 300), 600)));
        assertEquals(List.of(), aaaas(s.synthesize(aAnswer("203.0.113.1", 300), 600)));
        assertEquals(List.of("2001:db8:64::c000:221"), aaaas(s.synthesize(aAnswer("192.0.2.33", 300), 600)));
    }

    @Test
    void ownerNameAndClassComeFromTheARecord() throws Exception
    {
        final Message out = synthesizer(List.of("64:ff9b::/96"), List.of()).synthesize(aAnswer("64.64.64.64", 300),
            600);
        assertEquals("host.test.example.", out.getSection(1).get(0).getName().toString());
        assertEquals(1, out.getSection(1).get(0).getDClass());
        assertEquals(Type.AAAA, out.getSection(1).get(0).getType());
    }
}
