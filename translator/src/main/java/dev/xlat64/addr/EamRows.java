package dev.xlat64.addr;

/**
 * The EAMT's entries packed in one {@code long[]}, three longs (24 bytes) an entry, and RFC 7757 section 3.3's
 * arithmetic on them: where the IPv4 suffix goes in the IPv6 address and back. An entry's row is
 * {@code ipv4 << 32 | ipv4Length << 16 | ipv6Length << 8 | shift} (the IPv4 suffix's lowest bit sits {@code shift} bits
 * above the IPv6 address's last), then the IPv6 prefix's halves: one array, so one range check per row, and a host's
 * entry (IPv4 /32, no suffix, the common kind) answers from its row without arithmetic. Immutable; no allocation.
 */
final class EamRows
{
    private static final int STRIDE = 3;
    private static final int META = 0;
    private static final int HIGH = 1;
    private static final int LOW = 2;
    /** The low 32 bits of {@code META} from here up: the IPv4 prefix is a /32 (no suffix: a host's entry). */
    private static final int HOST_META = 32 << 16;

    private final long[] rows;

    private EamRows(final long[] rows)
    {
        this.rows = rows;
    }

    /** The rows of the first {@code size} entries given as columns (lengths as unsigned bytes). */
    static EamRows pack(final int size, final int[] ipv4, final byte[] ipv4Length, final long[] ipv6High,
        final long[] ipv6Low, final byte[] ipv6Length)
    {
        final long[] rows = new long[STRIDE * size];
        for (int i = 0; i < size; i++)
        {
            final int shift = 128 - (ipv6Length[i] & 0xFF) - (32 - ipv4Length[i]);
            final int r = STRIDE * i;
            rows[r + META] = (long)ipv4[i] << 32 | (ipv4Length[i] & 0xFFL) << 16 | (ipv6Length[i] & 0xFFL) << 8 | shift;
            rows[r + HIGH] = ipv6High[i];
            rows[r + LOW] = ipv6Low[i];
        }
        return new EamRows(rows);
    }

    int size()
    {
        return rows.length / STRIDE;
    }

    int ipv4Address(final int index)
    {
        return (int)(rows[STRIDE * index + META] >>> 32);
    }

    int ipv4Length(final int index)
    {
        return (int)(rows[STRIDE * index + META] >>> 16) & 0xFF;
    }

    long ipv6PrefixHigh(final int index)
    {
        return rows[STRIDE * index + HIGH];
    }

    long ipv6PrefixLow(final int index)
    {
        return rows[STRIDE * index + LOW];
    }

    int ipv6Length(final int index)
    {
        return (int)(rows[STRIDE * index + META] >>> 8) & 0xFF;
    }

    /** RFC 7757 s.3.3 (IPv4 to IPv6): the IPv4 suffix follows the IPv6 prefix; remaining bits zero. High half. */
    long ipv6High(final int index, final int address)
    {
        final int r = STRIDE * index;
        final long meta = rows[r + META];
        final long prefix = rows[r + HIGH];
        if ((int)meta >= HOST_META)
        {
            return prefix;
        }
        final int shift = (int)meta & 0xFF;
        final long suffix = address & suffixMask(meta);
        // Java counts long shifts mod 64: ">>> 1 >>> 63 - shift" is ">>> 64 - shift" that gives 0 at shift 0.
        return prefix | (shift >= 64 ? suffix << (shift - 64) : suffix >>> 1 >>> (63 - shift));
    }

    /** Low half of the IPv6 address for {@code address} under entry {@code index}. */
    long ipv6Low(final int index, final int address)
    {
        final int r = STRIDE * index;
        final long meta = rows[r + META];
        final long prefix = rows[r + LOW];
        final int shift = (int)meta & 0xFF;
        if ((int)meta >= HOST_META || shift >= 64)
        {
            return prefix;
        }
        return prefix | ((address & suffixMask(meta)) << shift);
    }

    /** RFC 7757 s.3.3 (IPv6 to IPv4): the IPv4 prefix plus the suffix bits right after the IPv6 prefix. */
    int ipv4(final int index, final long high, final long low)
    {
        final long meta = rows[STRIDE * index + META];
        if ((int)meta >= HOST_META)
        {
            return (int)(meta >>> 32);
        }
        final int shift = (int)meta & 0xFF;
        // As above, "<< 1 << 63 - shift" is "<< 64 - shift" that gives 0 at shift 0.
        final long bits = shift >= 64 ? high >>> (shift - 64) : (low >>> shift) | (high << 1 << (63 - shift));
        return (int)(meta >>> 32) | (int)(bits & suffixMask(meta));
    }

    /** The IPv4 suffix's bits (0..32 of them) as a mask. */
    private static long suffixMask(final long meta)
    {
        return (1L << (32 - ((int)meta >>> 16 & 0xFF))) - 1;
    }
}
