package dev.xlat64.map;

import dev.xlat64.addr.Addresses;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RFC 7596 s.6.1-6.2 and s.8.1: the lwAFTR binding table, its file, its look-ups and its checks. */
class Rfc7596BindingTableTest
{
    private static Lw4o6BindingTable parse(final String text, final List<String> errors) throws IOException
    {
        return Lw4o6BindingTable.parse("b.txt", new StringReader(text), 0, errors);
    }

    @Test
    void looksUpByAddressAndPort() throws IOException
    {
        final List<String> errors = new ArrayList<>();
        final Lw4o6BindingTable t = parse(String.join("\n",
            "# ipv4      ports      b4",
            "192.0.2.1   1/2        2001:db8::1   # ports 16384-32767",
            "192.0.2.1   0x3/2      2001:db8::3",
            "192.0.2.2   all        2001:db8::2",
            "192.0.2.3   4096-8191  2001:db8::4",
            ""), errors);
        assertEquals(List.of(), errors);
        assertEquals(4, t.size());
        final int i = t.find(Addresses.parse4("192.0.2.1"), 20000);
        assertTrue(t.isB4(i, Addresses.high(Addresses.parse6("2001:db8::1")),
            Addresses.low(Addresses.parse6("2001:db8::1"))));
        assertEquals(1, t.psid(i));
        assertEquals(-1, t.find(Addresses.parse4("192.0.2.1"), 40000), "PSID 2 is nobody's");
        assertEquals(3, t.psid(t.find(Addresses.parse4("192.0.2.1"), 65535)));
        assertEquals(Addresses.parse4("192.0.2.2"), t.ipv4(t.find(Addresses.parse4("192.0.2.2"), 1)));
        final int r = t.find(Addresses.parse4("192.0.2.3"), 5000);
        assertEquals(4, t.psidLength(r));
        assertEquals(1, t.psid(r));
        assertEquals(-1, t.find(Addresses.parse4("192.0.2.3"), 8192));
        assertEquals(-1, t.find(Addresses.parse4("192.0.2.4"), 5000));
        assertEquals(-1, t.find(Addresses.parse4("0.0.0.0"), 5000));
        assertEquals(-1, t.find(Addresses.parse4("255.255.255.255"), 5000));
    }

    @Test
    void offsetExcludesTheLowPorts() throws IOException
    {
        final List<String> errors = new ArrayList<>();
        final Lw4o6BindingTable t = Lw4o6BindingTable.parse("b.txt", new StringReader("192.0.2.1 0x34/8 2001:db8::1\n"),
            6, errors);
        assertEquals(List.of(), errors);
        assertEquals(0, t.find(Addresses.parse4("192.0.2.1"), 1232));
        assertEquals(-1, t.find(Addresses.parse4("192.0.2.1"), 0x34 << 2), "A = 0");
    }

    @Test
    void errorsNameFileAndLine() throws IOException
    {
        final List<String> errors = new ArrayList<>();
        parse(String.join("\n",
            "192.0.2.1 1/2 2001:db8::1",
            "192.0.2.1 1/2 2001:db8::9",
            "192.0.2.1 1/3 2001:db8::8",
            "192.0.2.2 all 2001:db8::2",
            "192.0.2.2 0/1 2001:db8::3",
            "192.0.2.300 all 2001:db8::4",
            "192.0.2.5 1000-2000 2001:db8::5",
            "192.0.2.6 9/3 2001:db8::6",
            "192.0.2.7 all",
            "192.0.2.8 all 192.0.2.8"), errors);
        assertEquals(List.of(
            "b.txt:6: '192.0.2.300' is not an IPv4 address: 300 > 255",
            "b.txt:7: '1000-2000' is not a port set: with offset 0 a port set is 2^m ports starting at a multiple " +
                "of 2^m (RFC 7597 s.5.1), e.g. 4096-8191",
            "b.txt:8: PSID 9 does not fit in a PSID length of 3 bits (0..7)",
            "b.txt:9: expected IPV4 PORTS B4-IPV6 (PORTS: all, PSID/K or FIRST-LAST), found 2 fields",
            "b.txt:10: '192.0.2.8' is not an IPv6 address",
            "b.txt:2: 192.0.2.1 PSID 1/2 is bound at line 1 already",
            "b.txt:3: 192.0.2.1: PSID length 3 offset 0 differs from line 1 (length 2 offset 0): every port set of " +
                "one address needs the same a and k or they overlap (RFC 7597 s.5.1)",
            "b.txt:5: 192.0.2.2 is bound at line 4 already; a full address (all ports) cannot share it"), errors);
    }

    @Test
    void findAgreesWithALinearScan() throws IOException
    {
        // addresses with k from 0 to 8, some PSIDs missing, so groups straddle the 64-key index blocks
        final Random random = new Random(6);
        final StringBuilder text = new StringBuilder();
        final int base = Addresses.parse4("203.0.113.0");
        for (int a = 0; a < 200; a++)
        {
            final int k = random.nextInt(9);
            if (k == 0)
            {
                text.append(Addresses.format4(base + a * 3)).append(" all 2001:db8::").append(Integer.toHexString(a))
                    .append('\n');
                continue;
            }
            for (int psid = 0; psid < 1 << k; psid++)
            {
                if (random.nextInt(4) != 0)
                {
                    text.append(Addresses.format4(base + a * 3)).append(' ').append(psid).append('/').append(k)
                        .append(" 2001:db8::").append(Integer.toHexString(a)).append(':').append(psid).append('\n');
                }
            }
        }
        final List<String> errors = new ArrayList<>();
        final Lw4o6BindingTable t = Lw4o6BindingTable.parse("b.txt", new StringReader(text.toString()), 2, errors);
        assertEquals(List.of(), errors);
        for (int n = 0; n < 20000; n++)
        {
            final int ipv4 = base + random.nextInt(620);
            final int port = random.nextInt(65536);
            int expected = -1;
            for (int i = 0; i < t.size(); i++)
            {
                if (t.ipv4(i) == ipv4 && t.portSet(i).contains(port))
                {
                    expected = i;
                }
            }
            assertEquals(expected, t.find(ipv4, port), Addresses.format4(ipv4) + ":" + port);
            // the lwAFTR's path: the slots give the same binding's B4 address
            final int address = t.addressSlot(ipv4);
            final int slot = address < 0 ? -1 : t.bindingSlot(address, ipv4, port);
            assertEquals(expected < 0, slot < 0, Addresses.format4(ipv4) + ":" + port);
            if (expected >= 0)
            {
                assertEquals(t.b4High(expected), t.slotB4High(slot));
                assertEquals(t.b4Low(expected), t.slotB4Low(slot));
            }
        }
    }

    @Test
    void aDuplicateBindingKeepsTheFirstLineForLookups() throws IOException
    {
        // RFC 7596 s.6.1: one B4 per (IPv4, PSID); the loader reports the second line and the table answers the first
        final List<String> errors = new ArrayList<>();
        final Lw4o6BindingTable t = parse(String.join("\n",
            "192.0.2.1 1/2 2001:db8::1",
            "192.0.2.1 1/2 2001:db8::2", ""), errors);
        assertEquals(List.of("b.txt:2: 192.0.2.1 PSID 1/2 is bound at line 1 already"), errors);
        final int address = t.addressSlot(Addresses.parse4("192.0.2.1"));
        final int slot = t.bindingSlot(address, Addresses.parse4("192.0.2.1"), 16384);
        assertEquals(Addresses.high(Addresses.parse6("2001:db8::1")), t.slotB4High(slot));
        assertEquals(Addresses.low(Addresses.parse6("2001:db8::1")), t.slotB4Low(slot));
        assertEquals(-1, t.bindingSlot(address, Addresses.parse4("192.0.2.1"), 0));
        assertEquals(-1, t.addressSlot(Addresses.parse4("192.0.2.2")));
    }

    @Test
    void aMillionBindingsLoadAndAreFound() throws IOException
    {
        // 2^20 subscribers: 16384 addresses of 198.18.0.0/15 x 64 PSIDs (k = 6, a = 0), each with its own B4
        final StringBuilder text = new StringBuilder(1 << 26);
        for (int i = (1 << 20) - 1; i >= 0; i--)
        {
            final int ipv4 = Addresses.parse4("198.18.0.0") + (i >>> 6);
            text.append(Addresses.format4(ipv4)).append(' ').append(i & 63).append("/6 2001:db8:")
                .append(Integer.toHexString(i >>> 16)).append(':').append(Integer.toHexString(i & 0xffff))
                .append("::1\n");
        }
        final List<String> errors = new ArrayList<>();
        final Lw4o6BindingTable t = parse(text.toString(), errors);
        assertEquals(List.of(), errors);
        assertEquals(1 << 20, t.size());
        final Random probe = new Random(7596);
        for (int n = 0; n < 10000; n++)
        {
            final int i = probe.nextInt(1 << 20);
            final int port = (i & 63) << 10 | probe.nextInt(1024);
            final int found = t.find(Addresses.parse4("198.18.0.0") + (i >>> 6), port);
            assertTrue(found >= 0);
            assertEquals(0x20010db8_0000_0000L | (long)(i >>> 16) << 16 | (i & 0xffff), t.b4High(found));
        }
    }
}
