package dev.xlat64.map;

import dev.xlat64.addr.Addresses;
import dev.xlat64.addr.Ipv4Prefix;
import dev.xlat64.addr.Ipv6Prefix;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** RFC 7597 s.5.1 and appendix B: the port-mapping algorithm, for every offset a and PSID length k. */
class Rfc7597PortSetTest
{
    @Test
    void appendixAExample1PortsOfPsid0x34()
    {
        // 63 ranges: 1232-1235, 2256-2259, ..., 63696-63699, 64720-64723
        final PortSet s = new PortSet(6, 8, 0x34);
        final List<int[]> r = s.ranges();
        assertEquals(63, r.size());
        assertArrayEquals(new int[] {1232, 1235}, r.get(0));
        assertArrayEquals(new int[] {2256, 2259}, r.get(1));
        assertArrayEquals(new int[] {63696, 63699}, r.get(61));
        assertArrayEquals(new int[] {64720, 64723}, r.get(62));
        assertEquals(252, s.size());
    }

    @Test
    void appendixBExample1OffsetSixPsidZero()
    {
        // R = 256, PSID = 0, a = 6, k = 8: 1024-1027, 2048-2051, ..., 63488-63491, 64512-64515
        final List<int[]> r = new PortSet(6, 8, 0).ranges();
        assertEquals(63, r.size());
        assertArrayEquals(new int[] {1024, 1027}, r.get(0));
        assertArrayEquals(new int[] {2048, 2051}, r.get(1));
        assertArrayEquals(new int[] {63488, 63491}, r.get(61));
        assertArrayEquals(new int[] {64512, 64515}, r.get(62));
    }

    @Test
    void appendixBExample2OffsetZeroIsOneRange()
    {
        // R = 64, PSID = 0, a = 0, k = 6: 0-1023
        final PortSet s = new PortSet(0, 6, 0);
        assertEquals(1, s.ranges().size());
        assertArrayEquals(new int[] {0, 1023}, s.ranges().get(0));
        assertEquals("0-1023", s.rangesText());
    }

    @Test
    void fullAddressHasEveryPort()
    {
        final PortSet s = new PortSet(6, 0, 0);
        assertEquals(65536, s.size());
        assertEquals("0-65535", s.rangesText());
        assertTrue(s.contains(0));
    }

    /** s.5.1: (2^a - 1) * 2^m ports each when a > 0 (2^m when a = 0), and the PSIDs partition the ports with A > 0. */
    @Test
    void everyOffsetAndLengthPartitionsThePortsOutsideA0()
    {
        for (int a = 0; a <= 15; a++)
        {
            for (int k = 1; a + k <= 16; k++)
            {
                final int m = 16 - a - k;
                final int[] owner = new int[65536];
                java.util.Arrays.fill(owner, -1);
                for (int psid = 0; psid < 1 << k; psid++)
                {
                    final PortSet s = new PortSet(a, k, psid);
                    final int expected = a > 0 ? ((1 << a) - 1) << m : 1 << m;
                    assertEquals(expected, s.size(), "a=" + a + " k=" + k);
                    int counted = 0;
                    int previous = -1;
                    for (final int[] range : s.ranges())
                    {
                        assertTrue(range[0] > previous, "ascending, disjoint");
                        previous = range[1];
                        for (int port = range[0]; port <= range[1]; port++)
                        {
                            // plain checks: a message string per port would cost more than the check
                            if (owner[port] != -1 || !s.contains(port) || PortSet.psidOf(port, a, k) != psid)
                            {
                                fail("a=" + a + " k=" + k + " psid " + psid + " port " + port + " owner " +
                                    owner[port]);
                            }
                            owner[port] = psid;
                            counted++;
                        }
                    }
                    assertEquals(expected, counted);
                    if (k <= 6)
                    {
                        for (int i = 0; i < s.size(); i += Math.max(1, s.size() / 64))
                        {
                            assertEquals(psid, PortSet.psidOf(s.port(i), a, k));
                        }
                    }
                }
                final int excluded = a > 0 ? 1 << (16 - a) : 0;
                for (int port = 0; port < 65536; port++)
                {
                    // ports 0 .. 2^(16-a) - 1 (A = 0) belong to no set; every other port to exactly one
                    if ((port < excluded) != (owner[port] == -1) || (port < excluded) != PortSet.isExcluded(port, a, k))
                    {
                        fail("a=" + a + " k=" + k + " port " + port + " owner " + owner[port]);
                    }
                }
            }
        }
    }

    /** CE address <-> (IPv4, PSID) is a bijection: random rules of every shape, random CEs, both ways. */
    @Test
    void ceAddressAndIpv4PsidAreABijection()
    {
        final Random random = new Random(7597);
        for (int round = 0; round < 2000; round++)
        {
            final int r = random.nextInt(33);
            final int q = random.nextInt(17);
            final int p = 32 - r;
            final int o = Math.min(48, p + q);
            final int n = 16 + random.nextInt(128 - o - 16 + 1);
            final int k = Math.max(0, o - p);
            final int a = k == 0 ? 6 : random.nextInt(17 - k);
            final int ipv4Prefix = r == 0 ? 0 : random.nextInt() & (-1 << (32 - r));
            final byte[] v6 = new byte[16];
            random.nextBytes(v6);
            final Ipv6Prefix v6Prefix = prefixOf(v6, n);
            final MapRule rule = new MapRule(v6Prefix, new Ipv4Prefix(ipv4Prefix, r), o, a == 16 ? 0 : Math.min(a, 15),
                -1, MapRule.NO_PSID, true);
            for (int ce = 0; ce < 20; ce++)
            {
                final int hostMask = r == 32 ? 0 : (int)((1L << (32 - r)) - 1);
                final int ipv4 = ipv4Prefix | (random.nextInt() & hostMask);
                final int psid = k == 0 ? 0 : random.nextInt(1 << k);
                final boolean full = random.nextBoolean();
                final long h = rule.addressHigh(ipv4, psid);
                final long l = rule.addressLow(ipv4, psid, full);
                final String what = rule + " " + Addresses.format4(ipv4) + " psid " + psid;
                final int ceLength = rule.ceIpv4PrefixLength();
                final int ceMask = ceLength == 0 ? 0 : -1 << (32 - ceLength);
                assertTrue(rule.containsIpv6(h, l), what);
                // a CE of an IPv4 prefix (r + o < 32) is its prefix: the EA bits give the prefix, host bits zero
                assertEquals(ipv4 & ceMask, rule.ipv4Of(h, l), what);
                assertEquals(psid, rule.psidOf(h, l), what);
                assertEquals(rule.addressLow(ipv4, psid, full), l);
                // a different PSID (or address) gives a different End-user prefix: injective
                if (k > 0)
                {
                    final int other = psid ^ 1;
                    assertFalse(rule.endUserHigh(ipv4, other) == rule.endUserHigh(ipv4, psid) &&
                        rule.endUserLow(ipv4, other) == rule.endUserLow(ipv4, psid), what);
                }
            }
        }
    }

    private static Ipv6Prefix prefixOf(final byte[] address, final int length)
    {
        final long h = Addresses.high(address);
        final long l = Addresses.low(address);
        final long mh = length == 0 ? 0 : length >= 64 ? -1L : -1L << (64 - length);
        final long ml = length <= 64 ? 0 : length == 128 ? -1L : -1L << (128 - length);
        return new Ipv6Prefix(Addresses.bytes6(h & mh, l & ml), length);
    }
}
