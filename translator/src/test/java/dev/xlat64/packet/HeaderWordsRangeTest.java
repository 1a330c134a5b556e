package dev.xlat64.packet;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** {@link HeaderWords}: network byte order on heap and direct buffers, and one range check that refuses overruns. */
class HeaderWordsRangeTest
{
    @Test
    void storesAndLoadsAreBigEndianOnHeapAndDirectBuffers()
    {
        for (final UnsafeBuffer b : new UnsafeBuffer[] {new UnsafeBuffer(new byte[20]),
            new UnsafeBuffer(ByteBuffer.allocateDirect(20))})
        {
            final long at = HeaderWords.at(b, 3, 12);
            HeaderWords.putLong(b, at, 0x0102030405060708L);
            HeaderWords.putInt(b, at + 8, 0x090A0B0C);
            final byte[] out = new byte[12];
            b.getBytes(3, out);
            assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, out);
            assertEquals(0x05060708090A0B0CL, HeaderWords.getLong(b, at + 4));
            assertEquals(0, b.getByte(2));
            assertEquals(0, b.getByte(15));
        }
    }

    @Test
    void aRangeBeyondTheBufferIsRefusedBeforeAnyAccess()
    {
        final UnsafeBuffer b = new UnsafeBuffer(new byte[40]);
        assertThrows(IndexOutOfBoundsException.class, () -> HeaderWords.at(b, 1, Ipv6Header.LENGTH));
        assertThrows(IndexOutOfBoundsException.class, () -> HeaderWords.at(b, -1, 8));
        assertThrows(IndexOutOfBoundsException.class,
            () -> Ipv6Header.write(b, 8, 0, 0, 6, 64, 1, 2, 3, 4));
        assertArrayEquals(new byte[40], b.byteArray());
    }
}
