package dev.xlat64.packet;

import org.agrona.DirectBuffer;
import org.agrona.UnsafeApi;

import java.nio.ByteOrder;

/**
 * Big-endian 8-byte loads and stores within a header whose whole range was bounds-checked once by {@link #at}: the
 * header writers store 3 to 5 words back to back, and Agrona would check each of them again.
 */
public final class HeaderWords
{
    private static final boolean NATIVE_BIG_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.BIG_ENDIAN;

    private HeaderWords()
    {
    }

    /**
     * Checks that {@code length} bytes at {@code offset} lie inside {@code buffer} (throws like any Agrona access if
     * not) and returns the address to pass to {@link #putLong} and {@link #getLong}, relative to its byte array.
     */
    public static long at(final DirectBuffer buffer, final int offset, final int length)
    {
        buffer.boundsCheck(offset, length);
        return buffer.addressOffset() + offset;
    }

    /** Stores {@code value} big-endian at {@code address} (from {@link #at}, within the checked range). */
    public static void putLong(final DirectBuffer buffer, final long address, final long value)
    {
        UnsafeApi.putLong(buffer.byteArray(), address, NATIVE_BIG_ENDIAN ? value : Long.reverseBytes(value));
    }

    /** Stores {@code value} big-endian at {@code address} (from {@link #at}, within the checked range). */
    public static void putInt(final DirectBuffer buffer, final long address, final int value)
    {
        UnsafeApi.putInt(buffer.byteArray(), address, NATIVE_BIG_ENDIAN ? value : Integer.reverseBytes(value));
    }

    /** Loads the big-endian int at {@code address} (from {@link #at}, within the checked range). */
    public static int getInt(final DirectBuffer buffer, final long address)
    {
        final int value = UnsafeApi.getInt(buffer.byteArray(), address);
        return NATIVE_BIG_ENDIAN ? value : Integer.reverseBytes(value);
    }

    /** Loads the big-endian long at {@code address} (from {@link #at}, within the checked range). */
    public static long getLong(final DirectBuffer buffer, final long address)
    {
        final long value = UnsafeApi.getLong(buffer.byteArray(), address);
        return NATIVE_BIG_ENDIAN ? value : Long.reverseBytes(value);
    }
}
