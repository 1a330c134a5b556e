package dev.xlat64.addr;

import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * RFC 7757 section 3.3 for every pair of prefix lengths: "the IPv4 suffix is appended to the IPv6 prefix" (4 to 6,
 * remaining bits zero), and the bits right after the IPv6 prefix are the IPv4 suffix (6 to 4, any bits after them
 * ignored). The reference works on 128-bit integers, not on the table's precomputed masks and rotations.
 */
class Rfc7757SuffixArithmeticTest
{
    private static final BigInteger ALL_128 = BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE);

    private static BigInteger unsigned(final long v)
    {
        return new BigInteger(Long.toUnsignedString(v));
    }

    private static BigInteger address(final long high, final long low)
    {
        return unsigned(high).shiftLeft(64).or(unsigned(low));
    }

    @Test
    void suffixGoesRightAfterTheIpv6PrefixForEveryLengthPair()
    {
        final SplittableRandom random = new SplittableRandom(7757);
        for (int ipv4Length = 0; ipv4Length <= 32; ipv4Length++)
        {
            final int suffixBits = 32 - ipv4Length;
            for (int ipv6Length = 0; ipv6Length <= 128 - suffixBits; ipv6Length++)
            {
                for (int k = 0; k < 4; k++)
                {
                    check(random, ipv4Length, ipv6Length);
                }
            }
        }
    }

    private static void check(final SplittableRandom random, final int ipv4Length, final int ipv6Length)
    {
        final int suffixBits = 32 - ipv4Length;
        final int ipv4Prefix = ipv4Length == 0 ? 0 : random.nextInt() & (-1 << (32 - ipv4Length));
        final BigInteger ipv6Prefix = address(random.nextLong(), random.nextLong())
            .and(ALL_128.shiftLeft(128 - ipv6Length).and(ALL_128));
        final Eamt eamt = new Eamt.Builder().add(ipv4Prefix, ipv4Length, ipv6Prefix.shiftRight(64).longValue(),
            ipv6Prefix.longValue(), ipv6Length).build();
        final int suffix = suffixBits == 0 ? 0 : random.nextInt() >>> ipv4Length;
        final int ipv4 = ipv4Prefix | suffix;
        final int suffixAt = 128 - ipv6Length - suffixBits;
        final BigInteger expected = ipv6Prefix.or(BigInteger.valueOf(suffix & 0xFFFF_FFFFL).shiftLeft(suffixAt));
        final String what = ipv4Length + "/" + ipv6Length + " " + Addresses.format4(ipv4);
        assertEquals(expected.shiftRight(64).longValue(), eamt.ipv6High(0, ipv4), what);
        assertEquals(expected.longValue(), eamt.ipv6Low(0, ipv4), what);
        // 6 to 4: random bits after the suffix do not matter.
        final BigInteger trailing = address(random.nextLong(), random.nextLong())
            .and(BigInteger.ONE.shiftLeft(suffixAt).subtract(BigInteger.ONE));
        final BigInteger in = expected.or(trailing);
        assertEquals(ipv4, eamt.ipv4(0, in.shiftRight(64).longValue(), in.longValue()), what);
        assertEquals(ipv4Prefix, eamt.ipv4Address(0), what);
        assertEquals(ipv6Length, eamt.ipv6Length(0), what);
        assertEquals(ipv4Length, eamt.entry(0).ipv4.length(), what);
    }
}
