package dev.xlat64.addr;

import dev.xlat64.core.Outcome;
import dev.xlat64.core.TranslatorConfig;
import dev.xlat64.testing.EngineHarness;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static dev.xlat64.testing.TestPackets.UDP;
import static dev.xlat64.testing.TestPackets.addr;
import static dev.xlat64.testing.TestPackets.bytes;
import static dev.xlat64.testing.TestPackets.hex;
import static dev.xlat64.testing.TestPackets.ipv4;
import static dev.xlat64.testing.TestPackets.ipv6;
import static dev.xlat64.testing.TestPackets.udp;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * RFC 6219 section 5.1: the IVI address format (ISP /32, 0xFF, IPv4 in bits 40-71, zero suffix), as a selectable
 * embedding for the {@link AddressMapper}.
 */
class Rfc6219IviTest
{
    private final IviFormat cernet = IviFormat.parse("2001:da8::/32");

    @Test
    void cernetExampleEmbedsTheIpv4AddressAfterTheFfOctet()
    {
        assertArrayEquals(addr("2001:da8:ffca:266c:200::"), cernet.embed(addr("202.38.108.2")));
        assertArrayEquals(addr("2001:da8:ff01:203:400::"), cernet.embed(addr("1.2.3.4")));
        assertArrayEquals(addr("2001:da8:ff00::"), cernet.embed(addr("0.0.0.0")));
        assertArrayEquals(addr("2001:da8:ffff:ffff:ff00::"), cernet.embed(addr("255.255.255.255")));
    }

    @Test
    void extractionIgnoresTheSuffixAndRejectsOtherAddresses()
    {
        assertArrayEquals(addr("202.38.108.2"), cernet.extract(addr("2001:da8:ffca:266c:200::")));
        assertArrayEquals(addr("202.38.108.2"), cernet.extract(addr("2001:da8:ffca:266c:2ff:1:2:3")));
        assertNull(cernet.extract(addr("2001:da8:feca:266c:200::")));
        assertNull(cernet.extract(addr("2001:db8:ffca:266c:200::")));
    }

    @Test
    void bufferFormsAgreeWithTheByteArrayForms()
    {
        final UnsafeBuffer b = new UnsafeBuffer(new byte[32]);
        cernet.embed(Addresses.parse4("202.38.108.2"), b, 8);
        final byte[] out = new byte[16];
        b.getBytes(8, out);
        assertArrayEquals(addr("2001:da8:ffca:266c:200::"), out);
        assertTrue(cernet.contains(b, 8));
        assertEquals(Addresses.parse4("202.38.108.2"), cernet.extract(b, 8));
    }

    @Test
    void theSlash40FormIsAcceptedAndOtherLengthsRejected()
    {
        assertEquals(cernet, IviFormat.parse("2001:da8:ff00::/40"));
        assertEquals("2001:da8:ff00::/40", cernet.prefix().toString());
        assertThrows(IllegalArgumentException.class, () -> IviFormat.parse("2001:da8::/48"));
        assertThrows(IllegalArgumentException.class, () -> IviFormat.parse("2001:da8:1200::/40"));
        assertFalse(cernet.isWellKnown());
    }

    @Test
    void mapperTranslatesThroughTheIviFormatAfterTheEamt()
    {
        final TranslatorConfig config = TranslatorConfig.builder(new AddressMapper(cernet, Eamt.EMPTY, true)).build();
        final EngineHarness engine = new EngineHarness(config);
        final String a4 = "202.38.108.2";
        final String b4 = "10.1.2.3";   // not global, but RFC 6052 s.3.1 is about the Well-Known Prefix only
        final String a6 = "2001:da8:ffca:266c:200::";
        final String b6 = "2001:da8:ff0a:102:300::";
        final byte[] data = bytes(16, 1);
        assertEquals(Outcome.TRANSLATED_4TO6,
            engine.translate(ipv4(a4, b4, UDP, 64, 0, 1, 0, udp(a4, b4, 1, 2, data))));
        assertEquals(hex(ipv6(a6, b6, UDP, 63, 0, 0, udp(a6, b6, 1, 2, data))), hex(engine.single()));

        assertEquals(Outcome.TRANSLATED_6TO4, engine.translate(ipv6(b6, a6, UDP, 64, 0, 0, udp(b6, a6, 2, 1, data))));
        final byte[] out = engine.single();
        final int id = ((out[4] & 0xff) << 8) | (out[5] & 0xff);
        assertEquals(hex(ipv4(b4, a4, UDP, 63, 0, id, 0, udp(b4, a4, 2, 1, data))), hex(out));

        final String outside = "2001:da8:1::1";
        assertEquals(Outcome.IPV6_SOURCE_UNTRANSLATABLE,
            engine.translate(ipv6(outside, a6, UDP, 64, 0, 0, udp(outside, a6, 2, 1, data))));
        assertNull(config.mapper.prefix());
        assertEquals(cernet, config.mapper.format());
    }
}
