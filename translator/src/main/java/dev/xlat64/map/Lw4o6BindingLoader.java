package dev.xlat64.map;

import dev.xlat64.addr.Addresses;
import dev.xlat64.addr.PrefixParser;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.util.Arrays;
import java.util.List;

/**
 * Reads an lwAFTR binding file (RFC 7596 s.6.1; the format is on {@link Lw4o6BindingTable}) off the data path:
 * collects the parsed lines in growable arrays, sorts them (radix, stable) and checks for overlaps by one scan, each
 * error as {@code file:line: message}. A million lines take well under a second: no regex, no InetAddress per line.
 */
final class Lw4o6BindingLoader
{
    /** At most this many errors are listed per file; a summary line counts the rest. */
    static final int MAX_ERRORS = 50;

    private final String name;
    private final List<String> errors;
    private int errorCount;
    private int size;
    private long[] keys = new long[1024];
    private byte[] offsets = new byte[1024];
    private byte[] psidLengths = new byte[1024];
    private long[] high = new long[1024];
    private long[] low = new long[1024];
    private int[] lines = new int[1024];
    private final int[] starts = new int[4];
    private final int[] ends = new int[4];
    private final PrefixParser parser = new PrefixParser();
    private final byte[] ascii = new byte[64];
    private long b4High;
    private long b4Low;

    private Lw4o6BindingLoader(final String name, final List<String> errors)
    {
        this.name = name;
        this.errors = errors;
    }

    private void error(final int line, final String message)
    {
        if (errorCount++ < MAX_ERRORS)
        {
            errors.add(name + ":" + line + ": " + message);
        }
    }

    private void line(final String raw, final int number, final int defaultOffset)
    {
        final int hash = raw.indexOf('#');
        final int end = hash >= 0 ? hash : raw.length();
        final int count = fields(raw, end);
        if (count == 0)
        {
            return;
        }
        if (count != 3)
        {
            error(number, "expected IPV4 PORTS B4-IPV6 (PORTS: all, PSID/K or FIRST-LAST), found " + count +
                " fields");
            return;
        }
        try
        {
            final int ipv4 = ipv4(raw.substring(starts[0], ends[0]));
            final int[] ports = ports(raw.substring(starts[1], ends[1]), defaultOffset);
            b4(raw, starts[2], ends[2]);
            add(ipv4, ports[0], ports[1], ports[2], b4High, b4Low, number);
        }
        catch (final IllegalArgumentException ex)
        {
            error(number, ex.getMessage());
        }
    }

    /** Splits {@code line[0, end)} at blanks into {@link #starts}/{@link #ends} (at most 4 kept); the count. */
    private int fields(final String line, final int end)
    {
        int count = 0;
        int i = 0;
        while (true)
        {
            while (i < end && Character.isWhitespace(line.charAt(i)))
            {
                i++;
            }
            if (i == end)
            {
                return count;
            }
            final int start = i;
            while (i < end && !Character.isWhitespace(line.charAt(i)))
            {
                i++;
            }
            if (count < starts.length)
            {
                starts[count] = start;
                ends[count] = i;
            }
            count++;
        }
    }

    /**
     * The B4 address of {@code raw[from, to)} into {@link #b4High}/{@link #b4Low}: its bytes through
     * {@link PrefixParser} (an InetAddress per line made a million bindings take tens of seconds); anything
     * unusual through {@link Addresses#parse6}, which accepts odd spellings or gives the precise error.
     */
    private void b4(final String raw, final int from, final int to)
    {
        final int n = to - from;
        boolean plain = n <= ascii.length;
        for (int i = 0; plain && i < n; i++)
        {
            final char c = raw.charAt(from + i);
            plain = c < 128 && c != '/';
            ascii[i] = (byte)c;
        }
        if (plain && parser.parse6(ascii, 0, n))
        {
            b4High = parser.high;
            b4Low = parser.low;
            return;
        }
        final byte[] b4 = Addresses.parse6(raw.substring(from, to));
        b4High = Addresses.high(b4);
        b4Low = Addresses.low(b4);
    }

    /** A dotted quad, parsed without a regex (a million lines); anything unusual goes to the strict parser. */
    private static int ipv4(final String text)
    {
        int value = 0;
        int octet = 0;
        int digits = 0;
        int dots = 0;
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            if (c >= '0' && c <= '9' && digits < 3)
            {
                octet = octet * 10 + (c - '0');
                digits++;
            }
            else if (c == '.' && digits > 0 && octet <= 255 && dots < 3)
            {
                value = value << 8 | octet;
                octet = 0;
                digits = 0;
                dots++;
            }
            else
            {
                return Addresses.parse4(text);
            }
        }
        if (dots != 3 || digits == 0 || octet > 255)
        {
            return Addresses.parse4(text);
        }
        return value << 8 | octet;
    }

    /** {offset, k, psid} of a PORTS field. */
    private static int[] ports(final String text, final int defaultOffset)
    {
        if (text.equals("all"))
        {
            return new int[] {0, 0, 0};
        }
        final int slash = text.indexOf('/');
        if (slash > 0)
        {
            final int psid = number(text.substring(0, slash), text);
            final int k = number(text.substring(slash + 1), text);
            if (k < 1)
            {
                throw new IllegalArgumentException("'" + text + "': a PSID length is 1..16 (all: a full address)");
            }
            new PortSet(defaultOffset, k, psid);
            return new int[] {defaultOffset, k, psid};
        }
        final int dash = text.indexOf('-');
        if (dash > 0)
        {
            final int first = number(text.substring(0, dash), text);
            final int last = number(text.substring(dash + 1), text);
            final int count = last - first + 1;
            if (first < 0 || last > 65535 || count < 1 || Integer.bitCount(count) != 1 || first % count != 0)
            {
                throw new IllegalArgumentException("'" + text + "' is not a port set: with offset 0 a port set " +
                    "is 2^m ports starting at a multiple of 2^m (RFC 7597 s.5.1), e.g. 4096-8191");
            }
            final int m = Integer.numberOfTrailingZeros(count);
            return m == 16 ? new int[] {0, 0, 0} : new int[] {0, 16 - m, first >>> m};
        }
        throw new IllegalArgumentException("'" + text + "': PORTS is all, PSID/K or FIRST-LAST");
    }

    private static int number(final String text, final String whole)
    {
        try
        {
            return text.startsWith("0x") ? Integer.parseInt(text.substring(2), 16) : Integer.parseInt(text);
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException("'" + whole + "': '" + text + "' is not a number");
        }
    }

    private void add(final int ipv4, final int offset, final int k, final int psid, final long h, final long l,
        final int line)
    {
        if (size == keys.length)
        {
            final int n = size * 2;
            keys = Arrays.copyOf(keys, n);
            offsets = Arrays.copyOf(offsets, n);
            psidLengths = Arrays.copyOf(psidLengths, n);
            high = Arrays.copyOf(high, n);
            low = Arrays.copyOf(low, n);
            lines = Arrays.copyOf(lines, n);
        }
        keys[size] = (ipv4 & 0xffffffffL) << 16 | psid;
        offsets[size] = (byte)offset;
        psidLengths[size] = (byte)k;
        high[size] = h;
        low[size] = l;
        lines[size] = line;
        size++;
    }

    private Lw4o6BindingTable build()
    {
        final int[] order = sortedOrder();
        final long[] k = new long[size];
        final byte[] o = new byte[size];
        final byte[] p = new byte[size];
        final long[] h = new long[size];
        final long[] l = new long[size];
        final int[] ln = new int[size];
        for (int i = 0; i < size; i++)
        {
            final int from = order[i];
            k[i] = keys[from];
            o[i] = offsets[from];
            p[i] = psidLengths[from];
            h[i] = high[from];
            l[i] = low[from];
            ln[i] = lines[from];
        }
        checkOverlaps(k, o, p, ln);
        if (errorCount > MAX_ERRORS)
        {
            errors.add(name + ": " + (errorCount - MAX_ERRORS) + " more errors not shown");
        }
        return new Lw4o6BindingTable(k, o, p, h, l);
    }

    /** LSD radix sort of the 48-bit keys, 16 bits a pass; stable, so a duplicate keeps its file order. */
    private int[] sortedOrder()
    {
        int[] order = new int[size];
        int[] next = new int[size];
        for (int i = 0; i < size; i++)
        {
            order[i] = i;
        }
        final int[] count = new int[65537];
        for (int shift = 0; shift < 48; shift += 16)
        {
            Arrays.fill(count, 0);
            for (int i = 0; i < size; i++)
            {
                count[(int)(keys[order[i]] >>> shift & 0xffff) + 1]++;
            }
            for (int d = 0; d < 65536; d++)
            {
                count[d + 1] += count[d];
            }
            for (int i = 0; i < size; i++)
            {
                next[count[(int)(keys[order[i]] >>> shift & 0xffff)]++] = order[i];
            }
            final int[] t = order;
            order = next;
            next = t;
        }
        return order;
    }

    /** RFC 7597 s.5.1: CEs sharing an address use the same a and k, and distinct PSIDs; a full address is alone. */
    private void checkOverlaps(final long[] k, final byte[] o, final byte[] p, final int[] ln)
    {
        int group = 0;
        for (int i = 1; i < k.length; i++)
        {
            if (k[i] >>> 16 != k[group] >>> 16)
            {
                group = i;
                continue;
            }
            if (p[i] == 0 || p[group] == 0)
            {
                error(ln[i], address(k, i) + " is bound at line " + ln[group] +
                    " already; a full address (all ports) cannot share it");
            }
            else if (p[i] != p[group] || o[i] != o[group])
            {
                error(ln[i], address(k, i) + ": PSID length " + p[i] + " offset " + o[i] + " differs from line " +
                    ln[group] + " (length " + p[group] + " offset " + o[group] + "): every port set of one " +
                    "address needs the same a and k or they overlap (RFC 7597 s.5.1)");
            }
            else if (k[i] == k[i - 1])
            {
                error(ln[i], address(k, i) + " PSID " + (k[i] & 0xffff) + "/" + p[i] + " is bound at line " +
                    ln[i - 1] + " already");
            }
        }
    }

    private static String address(final long[] keys, final int i)
    {
        return Addresses.format4((int)(keys[i] >>> 16));
    }

    /** Parses bindings from text named {@code name} in errors. */
    static Lw4o6BindingTable parse(
        final String name, final Reader text, final int defaultOffset, final List<String> errors) throws IOException
    {
        PortSet.check(defaultOffset, 0);
        final Lw4o6BindingLoader b = new Lw4o6BindingLoader(name, errors);
        final BufferedReader reader = new BufferedReader(text, 1 << 16);
        String line;
        int number = 0;
        while ((line = reader.readLine()) != null)
        {
            number++;
            b.line(line, number, defaultOffset);
        }
        return b.build();
    }
}
