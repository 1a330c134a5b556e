package dev.xlat64.packet;

import org.agrona.DirectBuffer;

/**
 * The options of an IPv4 header (RFC 791 s.3.1), read in place. Checks structure only: a malformed option list ends
 * the walk as if it ended there.
 */
public final class Ipv4Options
{
    public static final int END_OF_LIST = 0;
    public static final int NO_OPERATION = 1;
    public static final int LOOSE_SOURCE_ROUTE = 131;
    public static final int STRICT_SOURCE_ROUTE = 137;
    /** Type, length and pointer come first in a source route option. */
    private static final int ROUTE_POINTER = 2;
    private static final int ROUTE_MIN_LENGTH = 3;

    private Ipv4Options()
    {
    }

    /**
     * True when a loose (131) or strict (137) source route option of the header at {@code offset} still has hops to
     * visit: its pointer (1-based, within the option) has not yet passed the option's length (RFC 791 s.3.1).
     */
    public static boolean hasUnexpiredSourceRoute(final DirectBuffer buffer, final int offset, final int headerLength)
    {
        int i = offset + Ipv4Header.MIN_LENGTH;
        final int end = offset + headerLength;
        while (i < end)
        {
            final int type = buffer.getByte(i) & 0xFF;
            if (type == END_OF_LIST)
            {
                return false;
            }
            if (type == NO_OPERATION)
            {
                i++;
                continue;
            }
            if (i + 1 >= end)
            {
                return false;
            }
            final int optionLength = buffer.getByte(i + 1) & 0xFF;
            if (optionLength < 2 || i + optionLength > end)
            {
                return false;
            }
            if ((type == LOOSE_SOURCE_ROUTE || type == STRICT_SOURCE_ROUTE) && optionLength >= ROUTE_MIN_LENGTH &&
                (buffer.getByte(i + ROUTE_POINTER) & 0xFF) <= optionLength)
            {
                return true;
            }
            i += optionLength;
        }
        return false;
    }
}
