package dev.xlat64.map;

import java.util.ArrayList;
import java.util.List;

/**
 * A port set of the port-mapping algorithm (RFC 7597 s.5.1, appendix B): offset a, PSID length k and the PSID.
 * A port is {@code A (a bits) | PSID (k bits) | j (m = 16 - a - k bits)}; with a > 0 the ports with A = 0 are
 * excluded (ports 0 to 2^(16-a) - 1, the system ports 0-1023 for the default a = 6). k = 0 is a full address: every
 * port (RFC 7598 s.4.5: a PSID length of 0 means the PSID is ignored).
 */
public final class PortSet
{
    /** RFC 7597 s.5.1: the default offset excludes the system ports 0-1023. */
    public static final int DEFAULT_MAP_OFFSET = 6;
    /** RFC 7596 s.5.1: lw4o6 SHOULD use a = 0, one contiguous range per B4. */
    public static final int DEFAULT_LW4O6_OFFSET = 0;

    private final int offset;
    private final int psidLength;
    private final int psid;

    public PortSet(final int offset, final int psidLength, final int psid)
    {
        check(offset, psidLength);
        if (psid < 0 || psid >= 1 << psidLength)
        {
            throw new IllegalArgumentException("PSID " + psid + " does not fit in a PSID length of " + psidLength +
                " bits (0.." + ((1 << psidLength) - 1) + ")");
        }
        this.offset = offset;
        this.psidLength = psidLength;
        this.psid = psid;
    }

    /** RFC 7598 s.4.5: offset 0..15; RFC 7597 s.5.1: a + k fit in the 16-bit port. */
    static void check(final int offset, final int psidLength)
    {
        if (offset < 0 || offset > 15)
        {
            throw new IllegalArgumentException("PSID offset a must be 0..15 (RFC 7598 s.4.5), not " + offset);
        }
        if (psidLength < 0 || psidLength > 16)
        {
            throw new IllegalArgumentException("PSID length k must be 0..16, not " + psidLength);
        }
        if (psidLength > 0 && offset + psidLength > 16)
        {
            throw new IllegalArgumentException("PSID offset a (" + offset + ") + PSID length k (" + psidLength +
                ") exceed the 16 bits of a port (RFC 7597 s.5.1)");
        }
    }

    /** RFC 7597 appendix B formula (2), as the bit mask of B.1: the PSID a port belongs to. */
    public static int psidOf(final int port, final int offset, final int psidLength)
    {
        if (psidLength == 0)
        {
            return 0;
        }
        return (port >>> (16 - offset - psidLength)) & ((1 << psidLength) - 1);
    }

    /** RFC 7597 s.5.1: with a > 0, A must be larger than 0; the ports with A = 0 belong to no port set. */
    public static boolean isExcluded(final int port, final int offset, final int psidLength)
    {
        return psidLength > 0 && offset > 0 && (port >>> (16 - offset)) == 0;
    }

    public int offset()
    {
        return offset;
    }

    public int psidLength()
    {
        return psidLength;
    }

    public int psid()
    {
        return psid;
    }

    /** m = 16 - a - k: 2^m contiguous ports per range. */
    public int contiguousBits()
    {
        return psidLength == 0 ? 16 : 16 - offset - psidLength;
    }

    /** Whether {@code port} (0..65535) is one of this set's ports. */
    public boolean contains(final int port)
    {
        if (psidLength == 0)
        {
            return true;
        }
        return !isExcluded(port, offset, psidLength) && psidOf(port, offset, psidLength) == psid;
    }

    /** RFC 7597 s.5.1: 2^(16-k) - 2^m ports when a > 0 ((2^a - 1) ranges of 2^m), 2^(16-k) when a = 0. */
    public int size()
    {
        if (psidLength == 0)
        {
            return 65536;
        }
        final int m = contiguousBits();
        return offset == 0 ? 1 << m : ((1 << offset) - 1) << m;
    }

    /** The i-th port of the set in ascending order (0 <= i < size()): A from 1 (a > 0), then j. */
    public int port(final int index)
    {
        if (psidLength == 0)
        {
            return index;
        }
        final int m = contiguousBits();
        final int a = (index >>> m) + (offset == 0 ? 0 : 1);
        return a << (16 - offset) | psid << m | (index & ((1 << m) - 1));
    }

    /** The set as ascending, non-adjacent ranges {first, last} (adjacent ranges merged, e.g. k = 0 or m = 16 - a). */
    public List<int[]> ranges()
    {
        final List<int[]> out = new ArrayList<>();
        if (psidLength == 0)
        {
            out.add(new int[] {0, 65535});
            return out;
        }
        final int m = contiguousBits();
        for (int a = offset == 0 ? 0 : 1; a < 1 << offset; a++)
        {
            final int first = a << (16 - offset) | psid << m;
            final int last = first + (1 << m) - 1;
            final int[] previous = out.isEmpty() ? null : out.get(out.size() - 1);
            if (previous != null && previous[1] + 1 == first)
            {
                previous[1] = last;
            }
            else
            {
                out.add(new int[] {first, last});
            }
        }
        return out;
    }

    /** The ranges as text, e.g. {@code 1232-1235, 2256-2259}. */
    public String rangesText()
    {
        final StringBuilder b = new StringBuilder();
        for (final int[] r : ranges())
        {
            if (b.length() > 0)
            {
                b.append(", ");
            }
            b.append(r[0]);
            if (r[1] != r[0])
            {
                b.append('-').append(r[1]);
            }
        }
        return b.toString();
    }

    @Override
    public boolean equals(final Object o)
    {
        return o instanceof PortSet && ((PortSet)o).offset == offset && ((PortSet)o).psidLength == psidLength &&
            ((PortSet)o).psid == psid;
    }

    @Override
    public int hashCode()
    {
        return (offset * 31 + psidLength) * 65537 + psid;
    }

    @Override
    public String toString()
    {
        return psidLength == 0 ? "all ports" : "PSID " + psid + "/" + psidLength + " offset " + offset;
    }
}
