package dev.xlat64.clat;

import dev.xlat64.addr.Rfc6052Prefix;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * RFC 8781 section 4, the PREF64 option: bytes written out from the option's diagram (type 38, length 2, a 13-bit
 * Scaled Lifetime in units of 8 seconds, a 3-bit Prefix Length Code, the highest 96 bits of the prefix).
 */
class Rfc8781Pref64OptionTest
{
    private static byte[] hex(final String s)
    {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    @Test
    void section4WellKnownPrefixSlash96With600Seconds()
    {
        // Scaled Lifetime 600 / 8 = 75 = 0b0000001001011, PLC 0 (/96): 0000 0010 0101 1000 = 0x0258.
        final Pref64Option o = Pref64Option.parse(hex("26 02 0258 0064ff9b 00000000 00000000"), 0, 16);
        assertEquals(Rfc6052Prefix.parse("64:ff9b::/96"), o.prefix());
        assertEquals(600, o.lifetimeSeconds());
    }

    @Test
    void section4EveryPrefixLengthCode()
    {
        final String[] prefixes = {"2001:db8:122:344::/96", "2001:db8:122:344::/64", "2001:db8:122:300::/56",
            "2001:db8:122::/48", "2001:db8:100::/40", "2001:db8::/32"};
        final String[] bodies = {"20010db8 01220344 00000000", "20010db8 01220344 00000000",
            "20010db8 01220300 00000000", "20010db8 01220000 00000000", "20010db8 01000000 00000000",
            "20010db8 00000000 00000000"};
        for (int plc = 0; plc <= 5; plc++)
        {
            // Scaled Lifetime 1 (8 s) in the top 13 bits: 0x0008 | PLC.
            final Pref64Option o =
                Pref64Option.parse(hex("26 02 000" + Integer.toHexString(8 + plc) + bodies[plc]), 0, 16);
            assertEquals(Rfc6052Prefix.parse(prefixes[plc]), o.prefix(), "PLC " + plc);
            assertEquals(8, o.lifetimeSeconds());
        }
    }

    @Test
    void section4LongestLifetimeIs8191TimesEight()
    {
        // Scaled Lifetime all ones (8191), PLC 5: 0xfffd.
        final Pref64Option o = Pref64Option.parse(hex("26 02 fffd 20010db8 00000000 00000000"), 0, 16);
        assertEquals(65528, o.lifetimeSeconds());
        assertEquals(Rfc6052Prefix.parse("2001:db8::/32"), o.prefix());
    }

    @Test
    void section4LifetimeZeroIsKeptForTheReceiverToWithdraw()
    {
        assertEquals(0, Pref64Option.parse(hex("26 02 0000 0064ff9b 00000000 00000000"), 0, 16).lifetimeSeconds());
    }

    @Test
    void section4BitsBeyondThePrefixLengthAreIgnored()
    {
        // PLC 5 (/32) with junk in bits 32-95: the receiver ignores them.
        final Pref64Option o = Pref64Option.parse(hex("26 02 0085 20010db8 deadbeef 01020304"), 0, 16);
        assertEquals(Rfc6052Prefix.parse("2001:db8::/32"), o.prefix());
        assertEquals(128, o.lifetimeSeconds());
    }

    @Test
    void section4ReservedPrefixLengthCodesMakeTheOptionIgnored()
    {
        assertThrows(IllegalArgumentException.class,
            () -> Pref64Option.parse(hex("26 02 0006 0064ff9b 00000000 00000000"), 0, 16));
        assertThrows(IllegalArgumentException.class,
            () -> Pref64Option.parse(hex("26 02 0007 0064ff9b 00000000 00000000"), 0, 16));
    }

    @Test
    void section4LengthOtherThanTwoMakesTheOptionIgnored()
    {
        assertThrows(IllegalArgumentException.class,
            () -> Pref64Option.parse(hex("26 03 0258 0064ff9b 00000000 00000000 0000000000000000"), 0, 24));
        assertThrows(IllegalArgumentException.class, () -> Pref64Option.parse(hex("26 02 0258 0064ff9b"), 0, 8));
        assertThrows(IllegalArgumentException.class,
            () -> Pref64Option.parse(hex("19 02 0258 0064ff9b 00000000 00000000"), 0, 16));
    }

    @Test
    void rtnetlinkNdUserOptMessageYieldsThePref64OfThatLinkOnly()
    {
        // RTM_NEWNDUSEROPT (68): nlmsghdr, struct nduseroptmsg (family, pad, opts_len, ifindex, icmp type 134, code,
        // pads), then the RA's options as the kernel passes them: here an RDNSS-like type 25 option, then PREF64.
        final byte[] options = hex("19 01 0000 00000000" + "26 02 0258 20010db8 00640000 00000000");
        final ByteBuffer m = ByteBuffer.allocate(16 + 16 + options.length).order(ByteOrder.nativeOrder());
        m.putInt(m.capacity()).putShort((short)68).putShort((short)0).putInt(0).putInt(0);
        m.put((byte)10).put((byte)0).putShort((short)options.length).putInt(7)
            .put((byte)134).put((byte)0).putShort((short)0).putInt(0);
        m.put(options);
        final List<Pref64Option> found = NdUserOptions.pref64Options(m.array(), m.capacity(), 7);
        assertEquals(List.of(new Pref64Option(Rfc6052Prefix.parse("2001:db8:64::/96"), 600)), found);
        assertTrue(NdUserOptions.pref64Options(m.array(), m.capacity(), 8).isEmpty(), "another link's RA");
        assertTrue(NdUserOptions.pref64Options(m.array(), 20, 7).isEmpty(), "a truncated datagram");
    }
}
