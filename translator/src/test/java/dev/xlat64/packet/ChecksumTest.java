package dev.xlat64.packet;

import dev.xlat64.testing.TestPackets;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** RFC 1071 sums and the RFC 1624 incremental update. */
class ChecksumTest
{
    @Test
    void rfc1624Section4Example()
    {
        // RFC 1624 section 4: HC = 0xDD2F, m = 0x5555 -> m' = 0x3285 gives HC' = 0x0000 by equation 3.
        assertEquals(0x0000, Checksum.update(0xDD2F, 0x5555, 0x3285));
    }

    @Test
    void fullSumMatchesNaiveSumForEveryLength()
    {
        for (int n = 0; n < 80; n++)
        {
            final byte[] data = TestPackets.bytes(n, n * 7);
            final UnsafeBuffer b = new UnsafeBuffer(new byte[n + 3]);
            b.putBytes(3, data);
            assertEquals(TestPackets.checksum(data), Checksum.finish(Checksum.add(b, 3, n, 0)), "length " + n);
        }
    }

    /** RFC 1071 s.2(B) as written: add the 16-bit words of the sum with end-around carry until none is left. */
    private static int foldByEndAroundCarry(final long accumulator)
    {
        long sum = 0;
        for (int shift = 0; shift < 64; shift += 16)
        {
            sum += (accumulator >>> shift) & 0xFFFF;
        }
        while ((sum >>> 16) != 0)
        {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int)sum;
    }

    @Test
    void foldIsTheEndAroundCarrySumOfEveryCarryCase()
    {
        final long[] edges = {0, 1, 0xFFFF, 0x1_0000, 0x1_FFFE, 0xFFFF_FFFFL, 0x1_0000_0000L, 0xFFFF_0001L,
            0xFFFF_FFFF_FFFF_FFFFL, 0x8000_0000_0000_0000L, 0x0001_FFFE_0001_FFFEL, 0xFFFF_FFFF_0000_0001L,
            0x0000_FFFF_FFFF_0000L, 0x7FFF_FFFF_FFFF_FFFFL};
        for (final long a : edges)
        {
            assertEquals(foldByEndAroundCarry(a), Checksum.fold(a), Long.toHexString(a));
        }
        final SplittableRandom random = new SplittableRandom(7915);
        for (int i = 0; i < 200_000; i++)
        {
            // Small sums (the usual accumulators) and full 64-bit patterns alike.
            final long a = (i & 1) == 0 ? random.nextLong() : random.nextLong() >>> random.nextInt(64);
            assertEquals(foldByEndAroundCarry(a), Checksum.fold(a), Long.toHexString(a));
        }
    }

    @Test
    void incrementalUpdateEqualsRecomputation()
    {
        final byte[] data = TestPackets.bytes(40, 3);
        final int before = TestPackets.checksum(data);
        final int oldWord = ((data[10] & 0xff) << 8) | (data[11] & 0xff);
        data[10] = (byte)0x12;
        data[11] = (byte)0x34;
        assertEquals(TestPackets.checksum(data), Checksum.update(before, oldWord, 0x1234));
    }

    @Test
    void ipv4HeaderChecksumVerifiesAndComputes()
    {
        final byte[] header = TestPackets.ipv4Header("192.0.2.1", "198.51.100.2", 17, 64, 0, 0x1234, 0, 100);
        final UnsafeBuffer b = new UnsafeBuffer(header.clone());
        final Ipv4Header h = new Ipv4Header().wrap(b, 0);
        assertEquals(true, h.headerChecksumValid());
        b.putShort(Ipv4Header.HEADER_CHECKSUM, (short)0);
        h.computeHeaderChecksum();
        assertEquals(TestPackets.hex(header), TestPackets.hex(b.byteArray()));
    }
}
