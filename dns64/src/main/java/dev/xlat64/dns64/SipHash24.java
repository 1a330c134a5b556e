package dev.xlat64.dns64;

/**
 * SipHash-2-4 (Aumasson and Bernstein, 2012), the keyed hash RFC 9018 section 4.4 uses for interoperable server
 * cookies. Neither dnsjava nor the JDK has it, and it is 60 lines: a dependency (Guava) for it is not worth its size.
 * Verified with the paper's test vectors (SipHash24Test) and RFC 9018 appendix A (Rfc9018ServerCookieTest).
 */
final class SipHash24
{
    private SipHash24()
    {
    }

    /** The 64-bit hash of {@code data[0..length)} under the 16-byte {@code key} (k0, k1 little-endian). */
    static long hash(final byte[] key, final byte[] data, final int length)
    {
        final long k0 = le64(key, 0);
        final long k1 = le64(key, 8);
        long v0 = k0 ^ 0x736f6d6570736575L;
        long v1 = k1 ^ 0x646f72616e646f6dL;
        long v2 = k0 ^ 0x6c7967656e657261L;
        long v3 = k1 ^ 0x7465646279746573L;
        final int whole = length & ~7;
        for (int i = 0; i < whole; i += 8)
        {
            final long m = le64(data, i);
            v3 ^= m;
            for (int r = 0; r < 2; r++)
            {
                v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
                v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
                v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
                v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
            }
            v0 ^= m;
        }
        long last = ((long)length & 0xff) << 56;
        for (int i = whole; i < length; i++)
        {
            last |= (data[i] & 0xffL) << (8 * (i - whole));
        }
        v3 ^= last;
        for (int r = 0; r < 2; r++)
        {
            v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
            v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
            v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
            v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
        }
        v0 ^= last;
        v2 ^= 0xff;
        for (int r = 0; r < 4; r++)
        {
            v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
            v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
            v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
            v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
        }
        return v0 ^ v1 ^ v2 ^ v3;
    }

    private static long le64(final byte[] b, final int at)
    {
        long v = 0;
        for (int i = 7; i >= 0; i--)
        {
            v = (v << 8) | (b[at + i] & 0xffL);
        }
        return v;
    }
}
