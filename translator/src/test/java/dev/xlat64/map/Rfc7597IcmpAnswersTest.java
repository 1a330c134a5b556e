package dev.xlat64.map;

import dev.xlat64.addr.AddressMapper;
import dev.xlat64.addr.Addresses;
import dev.xlat64.addr.Eamt;
import dev.xlat64.addr.Ipv6Prefix;
import dev.xlat64.addr.Rfc6052Prefix;
import dev.xlat64.config.ConfigFile;
import dev.xlat64.config.GatewayConfig;
import dev.xlat64.config.Settings;
import dev.xlat64.core.Outcome;
import dev.xlat64.core.TranslatorConfig;
import dev.xlat64.testing.EngineHarness;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;

import static dev.xlat64.testing.TestPackets.ICMP;
import static dev.xlat64.testing.TestPackets.ICMPV6;
import static dev.xlat64.testing.TestPackets.UDP;
import static dev.xlat64.testing.TestPackets.addr;
import static dev.xlat64.testing.TestPackets.bytes;
import static dev.xlat64.testing.TestPackets.hex;
import static dev.xlat64.testing.TestPackets.icmp4;
import static dev.xlat64.testing.TestPackets.icmp6;
import static dev.xlat64.testing.TestPackets.ipv4;
import static dev.xlat64.testing.TestPackets.ipv6;
import static dev.xlat64.testing.TestPackets.udp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The optional ICMP answers of a BR (RFC 7597 s.8.1 and s.8.2, RFC 7599 s.8.3, RFC 7596 s.6.2): ICMPv6 1/5 ("source
 * address failed ingress/egress policy") to a CE whose IPv4 source or port is not its own, ICMPv4 3/1 (host
 * unreachable) for IPv4 to an address/port in no port set. Off by default, per domain ({@code icmp-spoofed},
 * {@code icmp-unreachable}), rate-limited. The expected errors are built by the test's packet builder from RFC 4443
 * s.3.1 and RFC 792 (RFC 1812 s.4.3.2.5: precedence 6 in ICMPv4 errors), quoting the offending packet whole.
 */
class Rfc7597IcmpAnswersTest
{
    private static final String HOST4 = "10.2.3.4";
    private static final String SELF4 = "192.0.0.1";
    private static final String SELF6 = "2001:db8:fff0::1";
    private static final int ERROR_TOS = 0xC0;
    /** RFC 7599 appendix A: the CE of 2001:db8:12:3400::/56 (192.0.2.18, PSID 0x34: ports 1232-1235, ...). */
    private static final String CE = "2001:db8:12:3400:0:c000:212:34";
    private static final String CE4 = "192.0.2.18";
    private static final String HOST = "2001:db8:ffff:0:a:203:400:0";
    private static final String BR = "2001:db8:ffff::1";

    private static EngineHarness engine(final MapDomain domain, final int errorsPerSecond)
    {
        final EngineHarness engine = new EngineHarness(TranslatorConfig.builder(new AddressMapper(
            Rfc6052Prefix.parse("2001:db8:64::/96"), Eamt.EMPTY, true)).ipv4Address(Addresses.parse4(SELF4))
            .ipv6Address(Ipv6Prefix.parse(SELF6 + "/128")).icmpErrorsPerSecond(errorsPerSecond).build());
        engine.translator().mapDomains(List.of(domain));
        return engine;
    }

    private static MapDomain mapT()
    {
        return new MapDomain(Mechanism.MAP_T, "t", MapRuleTable.of(MapRule.of("2001:db8::/40", "192.0.2.0/24",
            16)), Rfc6052Prefix.parse("2001:db8:ffff::/64"), null, null, false);
    }

    private static MapDomain mapE()
    {
        return new MapDomain(Mechanism.MAP_E, "e", MapRuleTable.of(MapRule.of("2001:db8::/40", "192.0.2.0/24",
            16)), null, addr(BR), null, false);
    }

    private static int identification(final byte[] ipv4)
    {
        return ((ipv4[4] & 0xff) << 8) | (ipv4[5] & 0xff);
    }

    /** RFC 7599 s.8.3 (SHOULD) and RFC 7597 s.8.1: the MAP-T BR. */
    @Nested
    class MapT
    {
        private final EngineHarness engine = engine(mapT().withIcmpAnswers(true, true), 1000);

        @Test
        void aSourcePortOutsideTheSetIsAnsweredWith1Code5()
        {
            // 1236 is PSID 0x35's: RFC 4443 s.3.1 Destination Unreachable code 5, from the translator's address.
            final byte[] packet = ipv6(CE, HOST, UDP, 64, 0, 0, udp(CE, HOST, 1236, 53, bytes(4, 1)));
            assertEquals(Outcome.MAPT_SPOOFED_ANSWERED, engine.translate(packet));
            assertEquals(hex(ipv6(SELF6, CE, ICMPV6, 64, 0, 0, icmp6(SELF6, CE, 1, 5, 0, packet))),
                hex(engine.single()));
        }

        @Test
        void aSpoofedIpv4SourceInTheInterfaceIdIsAnsweredToo()
        {
            final String spoofed = "2001:db8:12:3400:0:c000:213:34";
            final byte[] packet = ipv6(spoofed, HOST, UDP, 64, 0, 0, udp(spoofed, HOST, 1232, 53, bytes(4, 2)));
            assertEquals(Outcome.MAPT_SPOOFED_ANSWERED, engine.translate(packet));
            assertEquals(hex(ipv6(SELF6, spoofed, ICMPV6, 64, 0, 0, icmp6(SELF6, spoofed, 1, 5, 0, packet))),
                hex(engine.single()));
        }

        @Test
        void ipv4ToAPortInNoSetIsAnsweredWithHostUnreachable()
        {
            // RFC 7597 s.8.2: port 80 (A = 0) is in no port set; RFC 792 type 3 code 1.
            final byte[] packet = ipv4(HOST4, CE4, UDP, 64, 0, 1, 0, udp(HOST4, CE4, 53, 80, bytes(4, 3)));
            assertEquals(Outcome.MAPT_NO_PORT_SET_ANSWERED, engine.translate(packet));
            final byte[] out = engine.single();
            assertEquals(hex(ipv4(SELF4, HOST4, ICMP, 64, ERROR_TOS, identification(out), 0, icmp4(3, 1, 0, packet))),
                hex(out));
        }

        @Test
        void offByDefault()
        {
            final EngineHarness quiet = engine(mapT(), 1000);
            assertEquals(Outcome.MAPT_PORT_OUTSIDE_SET, quiet.translate(
                ipv6(CE, HOST, UDP, 64, 0, 0, udp(CE, HOST, 1236, 53, bytes(4, 1)))));
            assertEquals(Outcome.MAPT_NO_PORT_SET, quiet.translate(
                ipv4(HOST4, CE4, UDP, 64, 0, 1, 0, udp(HOST4, CE4, 53, 80, bytes(4, 3)))));
            assertTrue(quiet.emitted().isEmpty());
        }

        @Test
        void rateLimitedAnswersLeaveThePlainDrop()
        {
            // RFC 4443 s.2.4(f): one error per second, the clock does not move: the second packet is only dropped.
            final EngineHarness limited = engine(mapT().withIcmpAnswers(true, true), 1);
            final byte[] packet = ipv6(CE, HOST, UDP, 64, 0, 0, udp(CE, HOST, 1236, 53, bytes(4, 1)));
            assertEquals(Outcome.MAPT_SPOOFED_ANSWERED, limited.translate(packet));
            assertEquals(Outcome.MAPT_PORT_OUTSIDE_SET, limited.translate(packet));
            assertTrue(limited.emitted().isEmpty());
        }
    }

    /** RFC 7597 s.8.1 and s.8.2 (MAP-E), RFC 7596 s.6.2 (lw4o6, MAY). */
    @Nested
    class Softwire
    {
        @Test
        void aSpoofedTunnelPacketIsAnsweredFromTheBrAddress()
        {
            final EngineHarness engine = engine(mapE().withIcmpAnswers(true, false), 1000);
            final byte[] packet = ipv6(CE, BR, 4, 64, 0, 0,
                ipv4(CE4, HOST4, UDP, 64, 0, 1, 0, udp(CE4, HOST4, 1236, 53, bytes(9, 4))));
            assertEquals(Outcome.SOFTWIRE_SPOOFED_ANSWERED, engine.translate(packet));
            assertEquals(hex(ipv6(BR, CE, ICMPV6, 64, 0, 0, icmp6(BR, CE, 1, 5, 0, packet))), hex(engine.single()));
            // icmp-unreachable is off in this domain.
            assertEquals(Outcome.SOFTWIRE_NO_PORT_SET, engine.translate(
                ipv4(HOST4, CE4, UDP, 64, 0, 1, 0, udp(HOST4, CE4, 53, 80, bytes(4, 5)))));
        }

        @Test
        void ipv4ToAnUnboundPortIsAnsweredWithHostUnreachable() throws IOException
        {
            final List<String> errors = new ArrayList<>();
            final Lw4o6BindingTable table = Lw4o6BindingTable.parse("b.txt",
                new StringReader("192.0.2.200 0x34/8 2001:db8:99:3400::1\n"), 0, errors);
            final EngineHarness engine = engine(new MapDomain(Mechanism.LW4O6, "l", null, null,
                addr("2001:db8:fffe::1"), table, true).withIcmpAnswers(false, true), 1000);
            // a = 0, PSID 0x35's ports (0x3500-0x35ff) have no binding.
            final byte[] packet = ipv4(HOST4, "192.0.2.200", UDP, 64, 0, 1, 0,
                udp(HOST4, "192.0.2.200", 53, 0x3510, bytes(4, 6)));
            assertEquals(Outcome.SOFTWIRE_NO_PORT_SET_ANSWERED, engine.translate(packet));
            final byte[] out = engine.single();
            assertEquals(hex(ipv4(SELF4, HOST4, ICMP, 64, ERROR_TOS, identification(out), 0, icmp4(3, 1, 0, packet))),
                hex(out));
        }
    }

    /** The config keys, per domain, reported like every other key. */
    @Nested
    class Config
    {
        private GatewayConfig.Result load(final String... lines)
        {
            return GatewayConfig.from(new Settings().fromFile(ConfigFile.parse("gw.toml", String.join("\n", lines))));
        }

        @Test
        void keysAreReadPerDomainAndOffByDefault()
        {
            final GatewayConfig.Result r = load(
                "[[mapt.domain]]",
                "dmr = \"2001:db8:ffff::/64\"",
                "icmp-spoofed = true",
                "[[mapt.domain.rule]]",
                "ipv6-prefix = \"2001:db8::/40\"",
                "ipv4-prefix = \"192.0.2.0/24\"",
                "ea-bits = 16",
                "[[mape.domain]]",
                "br = \"2001:db8:fffe::1\"",
                "[[mape.domain.rule]]",
                "ipv6-prefix = \"2001:db8:100::/40\"",
                "ipv4-prefix = \"203.0.113.0/24\"",
                "ea-bits = 16");
            assertTrue(r.ok(), r.errors.toString());
            final MapDomain t = r.config.mapDomains.get(0);
            final MapDomain e = r.config.mapDomains.get(1);
            assertTrue(t.icmpSpoofed);
            assertFalse(t.icmpUnreachable);
            assertFalse(e.icmpSpoofed || e.icmpUnreachable);
            assertTrue(t.summary().endsWith(", ICMP answers: spoofed 1/5"), t.summary());
        }

        @Test
        void aNonBooleanIsAFileLineKeyError()
        {
            final GatewayConfig.Result r = load(
                "[[mape.domain]]",
                "br = \"2001:db8:fffe::1\"",
                "icmp-unreachable = \"yes\"",
                "[[mape.domain.rule]]",
                "ipv6-prefix = \"2001:db8:100::/40\"",
                "ipv4-prefix = \"203.0.113.0/24\"",
                "ea-bits = 16");
            assertEquals(List.of("gw.toml:3: mape.domain[1].icmp-unreachable: expected true or false, found a string"),
                r.errors);
        }
    }
}
