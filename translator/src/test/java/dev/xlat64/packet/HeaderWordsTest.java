package dev.xlat64.packet;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The header words the translations read once per packet (RFC 791 s.3.1, RFC 8200 s.3) and the fields decoded from
 * them: expected values are the fields written into the literal header bytes, at a non-zero offset in the buffer.
 */
class HeaderWordsTest
{
    private static UnsafeBuffer at(final int offset, final int... bytes)
    {
        final UnsafeBuffer b = new UnsafeBuffer(new byte[offset + bytes.length]);
        for (int i = 0; i < bytes.length; i++)
        {
            b.putByte(offset + i, (byte)bytes[i]);
        }
        return b;
    }

    @Test
    void ipv4WordsDecodeEveryFieldOfRfc791Section3_1()
    {
        // Version 4, IHL 5, TOS 0xB8, total length 1500, identification 0x1C46, flags DF+MF, offset 0x0123 (units of
        // 8 bytes), TTL 64, protocol 6, checksum 0xB1E6 (not checked here), source 192.0.2.1, destination 198.51.100.2.
        final UnsafeBuffer b = at(7, 0x45, 0xB8, 0x05, 0xDC, 0x1C, 0x46, 0x61, 0x23,
            0x40, 0x06, 0xB1, 0xE6, 0xC0, 0x00, 0x02, 0x01, 0xC6, 0x33, 0x64, 0x02);
        final Ipv4Header h = new Ipv4Header().wrap(b, 7);
        final long first = h.firstWord();
        final long second = h.secondWord();
        assertEquals(20, Ipv4Header.headerLengthOf(first));
        assertEquals(0xB8, Ipv4Header.tosOf(first));
        assertEquals(1500, Ipv4Header.totalLengthOf(first));
        assertEquals(0x1C46, Ipv4Header.identificationOf(first));
        assertEquals(Ipv4Header.FLAG_DF | Ipv4Header.FLAG_MF | 0x0123, Ipv4Header.flagsAndFragmentOffsetOf(first));
        assertEquals(64, Ipv4Header.ttlOf(second));
        assertEquals(6, Ipv4Header.protocolOf(second));
        assertEquals(0xC0000201, Ipv4Header.sourceOf(second));
    }

    @Test
    void ipv4WordsDecodeTheLargestIhlAndAllOnesFields()
    {
        // IHL 15 (60 bytes), every other byte of the first 16 all ones: no field may bleed into its neighbour.
        final UnsafeBuffer b = at(3, 0x4F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
            0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF);
        final long first = new Ipv4Header().wrap(b, 3).firstWord();
        final long second = new Ipv4Header().wrap(b, 3).secondWord();
        assertEquals(60, Ipv4Header.headerLengthOf(first));
        assertEquals(0xFF, Ipv4Header.tosOf(first));
        assertEquals(0xFFFF, Ipv4Header.totalLengthOf(first));
        assertEquals(0xFFFF, Ipv4Header.identificationOf(first));
        assertEquals(0xFFFF, Ipv4Header.flagsAndFragmentOffsetOf(first));
        assertEquals(255, Ipv4Header.ttlOf(second));
        assertEquals(255, Ipv4Header.protocolOf(second));
        assertEquals(-1, Ipv4Header.sourceOf(second));
    }

    @Test
    void ipv4ChecksumFromTheFirstWordVerifiesLikeTheBytes()
    {
        // RFC 1071 over the widely cited example header (checksum 0xB861): version 4, IHL 5, total length
        // 0x0073, id 0, DF, TTL 64, protocol 17, 192.168.0.1 -> 192.168.0.199 (the well-known example header).
        final UnsafeBuffer b = at(5, 0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00,
            0x40, 0x11, 0xB8, 0x61, 0xC0, 0xA8, 0x00, 0x01, 0xC0, 0xA8, 0x00, 0xC7);
        final Ipv4Header h = new Ipv4Header().wrap(b, 5);
        assertEquals(true, h.headerChecksumValid(h.firstWord()));
        b.putByte(5 + Ipv4Header.HEADER_CHECKSUM + 1, (byte)0x62);
        assertEquals(false, h.headerChecksumValid(h.firstWord()));
    }

    @Test
    void ipv6FirstWordDecodesEveryFieldOfRfc8200Section3()
    {
        // Version 6, traffic class 0xE2, flow label 0x34567, payload length 1024, next header 44, hop limit 1.
        final UnsafeBuffer b = at(9, 0x6E, 0x23, 0x45, 0x67, 0x04, 0x00, 0x2C, 0x01);
        final long first = new Ipv6Header().wrap(b, 9).firstWord();
        assertEquals(0xE2, Ipv6Header.trafficClassOf(first));
        assertEquals(1024, Ipv6Header.payloadLengthOf(first));
        assertEquals(44, Ipv6Header.nextHeaderOf(first));
        assertEquals(1, Ipv6Header.hopLimitOf(first));
    }

    @Test
    void ipv6FirstWordDecodesAllOnesFieldsWithoutBleeding()
    {
        final UnsafeBuffer b = at(0, 0x6F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF);
        final long first = new Ipv6Header().wrap(b, 0).firstWord();
        assertEquals(0xFF, Ipv6Header.trafficClassOf(first));
        assertEquals(0xFFFF, Ipv6Header.payloadLengthOf(first));
        assertEquals(255, Ipv6Header.nextHeaderOf(first));
        assertEquals(255, Ipv6Header.hopLimitOf(first));
    }
}
