package dev.xlat64.map;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The lwAFTR binding table (RFC 7596 s.6.1): (IPv4 address, port set) -> B4 IPv6 address, for up to millions of
 * subscribers. Bindings are kept in flat arrays sorted by (IPv4, PSID) (for tools and the config checks) and in an
 * open-addressing hash table whose slots hold the key, the B4 address and the binding's place together (32 bytes,
 * mostly within one cache line): a lookup by (IPv4, port) is one probe for the address (its a and k, s.5.1) and one
 * for (IPv4, PSID), and allocates nothing (s.6.2: the destination of an inbound packet, and with the B4 address the
 * check of an outbound one). Loaded ({@link Lw4o6BindingLoader}) from a text file, one binding per line:
 * {@code IPV4 PORTS B4-IPV6}, where PORTS is {@code all} (a full address), {@code PSID/K} (PSID decimal or 0x-hex,
 * k bits, the table's offset a) or {@code FIRST-LAST} (a contiguous port set: 2^m ports from a multiple of 2^m, i.e.
 * a = 0); {@code #} starts a comment. Immutable.
 */
public final class Lw4o6BindingTable
{
    /** Longs per hash slot: tag, B4 high, B4 low, meta. */
    private static final int SLOT = 4;
    /** The tag of a used slot has this bit; 0 is an empty slot. */
    private static final long USED = 1L << 62;
    /** The tag of an address's slot (key IPv4 << 16) has this bit too; a binding's tag is USED | IPv4 << 16 | PSID. */
    private static final long ADDRESS = 1L << 61;

    // key = IPv4 (unsigned) << 16 | PSID, ascending
    private final long[] keys;
    private final byte[] offsets;
    private final byte[] psidLengths;
    private final long[] b4High;
    private final long[] b4Low;
    /**
     * The hash: SLOT longs per slot, a power of two of slots, at most half of them used. Meta: the binding's index;
     * for an address, the index of its first binding | k << 32 | a << 40 (and that binding's B4 address).
     */
    private final long[] slots;
    private final int mask;
    /** 64 - log2(slots): the hash takes the top bits of the product (Fibonacci hashing). */
    private final int shift;

    Lw4o6BindingTable(
        final long[] keys, final byte[] offsets, final byte[] psidLengths, final long[] b4High, final long[] b4Low)
    {
        this.keys = keys;
        this.offsets = offsets;
        this.psidLengths = psidLengths;
        this.b4High = b4High;
        this.b4Low = b4Low;
        int entries = 0;
        for (int i = 0; i < keys.length; i++)
        {
            entries += i == 0 || keys[i] >>> 16 != keys[i - 1] >>> 16 ? 2 : 1;
        }
        final int capacity = Integer.highestOneBit(Math.max(2, entries) * 2 - 1) * 2;
        this.mask = capacity - 1;
        this.shift = 64 - Integer.numberOfTrailingZeros(capacity);
        this.slots = new long[capacity * SLOT];
        for (int i = 0; i < keys.length; i++)
        {
            if (i == 0 || keys[i] >>> 16 != keys[i - 1] >>> 16)
            {
                final long meta = (long)psidLengths[i] << 32 | (long)offsets[i] << 40 | i;
                insert(USED | ADDRESS | keys[i] >>> 16 << 16, i, meta);
            }
            insert(USED | keys[i], i, i);
        }
    }

    /** Adds a slot unless the tag is there already (a duplicate binding: the first in file order stays). */
    private void insert(final long tag, final int binding, final long meta)
    {
        for (int s = hash(tag); ; s = (s + 1) & mask)
        {
            final int at = s * SLOT;
            if (slots[at] == tag)
            {
                return;
            }
            if (slots[at] == 0)
            {
                slots[at] = tag;
                slots[at + 1] = b4High[binding];
                slots[at + 2] = b4Low[binding];
                slots[at + 3] = meta;
                return;
            }
        }
    }

    private int hash(final long tag)
    {
        return (int)((tag * 0x9E3779B97F4A7C15L) >>> shift);
    }

    /** The slot (its first long) holding the tag, or -1. */
    private int slot(final long tag)
    {
        for (int s = hash(tag); ; s = (s + 1) & mask)
        {
            final int at = s * SLOT;
            final long t = slots[at];
            if (t == tag)
            {
                return at;
            }
            if (t == 0)
            {
                return -1;
            }
        }
    }

    /** Reads a binding file; errors go to {@code errors} as {@code file:line: message}. */
    public static Lw4o6BindingTable load(final Path file, final int defaultOffset, final List<String> errors)
        throws IOException
    {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8))
        {
            return parse(file.toString(), reader, defaultOffset, errors);
        }
    }

    /** Parses bindings from text named {@code name} in errors. */
    public static Lw4o6BindingTable parse(
        final String name, final Reader text, final int defaultOffset, final List<String> errors) throws IOException
    {
        return Lw4o6BindingLoader.parse(name, text, defaultOffset, errors);
    }

    /** The number of bindings. */
    public int size()
    {
        return keys.length;
    }

    /**
     * The slot of the IPv4 address (see {@link #slotB4High}), or -1 when the address has no binding. With
     * {@link #slotPsidLength} 0 it is the address's one binding; otherwise {@link #bindingSlot} finds the port's.
     */
    public int addressSlot(final int ipv4)
    {
        return slot(USED | ADDRESS | (ipv4 & 0xffffffffL) << 16);
    }

    /** k of an address slot: 0 for a full address. */
    public int slotPsidLength(final int addressSlot)
    {
        return (int)(slots[addressSlot + 3] >>> 32) & 0xFF;
    }

    /**
     * RFC 7596 s.6.2: the slot of the binding of {@code ipv4}'s {@code addressSlot} whose port set holds the port,
     * or -1. The port of an ICMP echo is its identifier (s.8.1).
     */
    public int bindingSlot(final int addressSlot, final int ipv4, final int port)
    {
        final long meta = slots[addressSlot + 3];
        final int k = (int)(meta >>> 32) & 0xFF;
        if (k == 0)
        {
            return addressSlot;
        }
        final int a = (int)(meta >>> 40) & 0xFF;
        if (PortSet.isExcluded(port, a, k))
        {
            return -1;
        }
        return slot(USED | (ipv4 & 0xffffffffL) << 16 | PortSet.psidOf(port, a, k));
    }

    /** The B4 address (high half) of a slot from {@link #addressSlot} or {@link #bindingSlot}. */
    public long slotB4High(final int slot)
    {
        return slots[slot + 1];
    }

    /** The B4 address (low half) of a slot. */
    public long slotB4Low(final int slot)
    {
        return slots[slot + 2];
    }

    /** The binding (index, as {@link #ipv4} etc. take it) of a slot; an address slot: its first binding. */
    public int slotBinding(final int slot)
    {
        return (int)slots[slot + 3];
    }

    /** RFC 7596 s.6.2: the binding whose IPv4 address and port set hold (ipv4, port), or -1. */
    public int find(final int ipv4, final int port)
    {
        final int address = addressSlot(ipv4);
        final int binding = address < 0 ? -1 : bindingSlot(address, ipv4, port);
        return binding < 0 ? -1 : slotBinding(binding);
    }

    /** The first binding of the IPv4 address (its lowest PSID), or -1 when the address has none. */
    public int firstOfAddress(final int ipv4)
    {
        final int address = addressSlot(ipv4);
        return address < 0 ? -1 : slotBinding(address);
    }

    /** RFC 7596 s.6.2: an outbound packet's IPv6 source must be the B4 address of the binding its IPv4 source hits. */
    public boolean isB4(final int index, final long high, final long low)
    {
        return b4High[index] == high && b4Low[index] == low;
    }

    public int ipv4(final int index)
    {
        return (int)(keys[index] >>> 16);
    }

    public int psid(final int index)
    {
        return (int)(keys[index] & 0xffff);
    }

    public int psidLength(final int index)
    {
        return psidLengths[index];
    }

    public int offset(final int index)
    {
        return offsets[index];
    }

    public long b4High(final int index)
    {
        return b4High[index];
    }

    public long b4Low(final int index)
    {
        return b4Low[index];
    }

    /** The binding's port set. */
    public PortSet portSet(final int index)
    {
        return new PortSet(offsets[index], psidLengths[index], psid(index));
    }
}
