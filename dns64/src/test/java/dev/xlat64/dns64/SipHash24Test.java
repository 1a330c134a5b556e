package dev.xlat64.dns64;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** SipHash-2-4 (Aumasson and Bernstein, "SipHash: a fast short-input PRF", appendix A) as RFC 9018 uses it. */
class SipHash24Test
{
    @Test
    void thePapersTestVector()
    {
        // Key 00 01 .. 0f, message 00 01 .. 0e (15 bytes): 0xa129ca6149be45e5.
        final byte[] key = new byte[16];
        final byte[] message = new byte[15];
        for (int i = 0; i < 16; i++)
        {
            key[i] = (byte)i;
        }
        for (int i = 0; i < 15; i++)
        {
            message[i] = (byte)i;
        }
        assertEquals(0xa129ca6149be45e5L, SipHash24.hash(key, message, message.length));
    }

    @Test
    void theEmptyMessage()
    {
        // vectors.h of the reference implementation, first entry: 31 0e 0e dd 47 db 6f 72 (little-endian).
        final byte[] key = new byte[16];
        for (int i = 0; i < 16; i++)
        {
            key[i] = (byte)i;
        }
        assertEquals(0x726fdb47dd0e0e31L, SipHash24.hash(key, new byte[0], 0));
    }
}
