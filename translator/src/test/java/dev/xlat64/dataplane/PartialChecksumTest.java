package dev.xlat64.dataplane;

import dev.xlat64.addr.AddressMapper;
import dev.xlat64.addr.Eamt;
import dev.xlat64.addr.Rfc6052Prefix;
import dev.xlat64.core.Outcome;
import dev.xlat64.core.TranslatorConfig;
import dev.xlat64.engine.Translator;
import dev.xlat64.packet.Checksum;
import dev.xlat64.packet.Icmp;
import dev.xlat64.packet.Tcp;
import dev.xlat64.packet.Udp;
import dev.xlat64.packet.VirtioNetHeader;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

import static dev.xlat64.testing.TestPackets.ICMPV6;
import static dev.xlat64.testing.TestPackets.TCP;
import static dev.xlat64.testing.TestPackets.UDP;
import static dev.xlat64.testing.TestPackets.bytes;
import static dev.xlat64.testing.TestPackets.icmp6;
import static dev.xlat64.testing.TestPackets.ipv6;
import static dev.xlat64.testing.TestPackets.tcp;
import static dev.xlat64.testing.TestPackets.udp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * TUN offloads: a packet from a local socket arrives with NEEDS_CSUM, its checksum field holding only the folded
 * pseudo-header sum, and the kernel completes the checksum after xlat64 writes it back. This plays the kernel's part
 * around the real engine and {@link VirtioNetOffload#finaliseChecksumFirst}: complementing around the translation is
 * right for TCP and UDP, and wrong for an ICMPv6 echo (its type byte changes inside the range the kernel sums, and its
 * pseudo-header goes away, RFC 7915 s.5.2), which is therefore completed in software first.
 */
class PartialChecksumTest
{
    private static final String H6 = "2001:db8:6::7";
    private static final String H4_AS_IPV6 = "2001:db8:64::c633:6409";

    @Test
    void tcpAndUdpKeepTheirPartialChecksumAndIcmpIsCompletedFirst()
    {
        assertFalse(VirtioNetOffload.finaliseChecksumFirst(VirtioNetHeader.GSO_NONE, 100, Tcp.CHECKSUM));
        assertFalse(VirtioNetOffload.finaliseChecksumFirst(VirtioNetHeader.GSO_NONE, 100, Udp.CHECKSUM));
        assertTrue(VirtioNetOffload.finaliseChecksumFirst(VirtioNetHeader.GSO_NONE, 100, Icmp.CHECKSUM));
        assertFalse(VirtioNetOffload.finaliseChecksumFirst(VirtioNetHeader.GSO_TCPV6, 60000, Tcp.CHECKSUM));
    }

    @Test
    void udpWithPartialChecksumVerifiesAfterTheKernelCompletesIt()
    {
        final byte[] packet = ipv6(H6, H4_AS_IPV6, UDP, 64, 0, 0, udp(H6, H4_AS_IPV6, 1000, 2000, bytes(37, 1)));
        assertEquals(0xFFFF, offloadedThenCompleted(packet, Udp.CHECKSUM, false));
    }

    @Test
    void tcpWithPartialChecksumVerifiesAfterTheKernelCompletesIt()
    {
        final byte[] packet = ipv6(H6, H4_AS_IPV6, TCP, 64, 0, 0,
            tcp(H6, H4_AS_IPV6, 1000, 80, 1, 2, 0x18, bytes(100, 2)));
        assertEquals(0xFFFF, offloadedThenCompleted(packet, Tcp.CHECKSUM, false));
    }

    @Test
    void icmpv6EchoWithPartialChecksumVerifiesOnlyWhenCompletedFirst()
    {
        final byte[] packet =
            ipv6(H6, H4_AS_IPV6, ICMPV6, 64, 0, 0, icmp6(H6, H4_AS_IPV6, 128, 0, 0x01020003, bytes(56, 3)));
        assertTrue(VirtioNetOffload.finaliseChecksumFirst(VirtioNetHeader.GSO_NONE, packet.length, Icmp.CHECKSUM));
        assertEquals(0xFFFF, offloadedThenCompleted(packet, Icmp.CHECKSUM, false));
        assertNotEquals(0xFFFF, offloadedThenCompleted(packet, Icmp.CHECKSUM, true),
            "complementing around the translation double-counts the type change");
    }

    /**
     * Replaces the packet's transport checksum by its folded pseudo-header sum (what the kernel hands over with
     * NEEDS_CSUM), does what VirtioNetOffload does (or forces the complement trick), translates 6->4, lets the "kernel"
     * complete the checksum over the output's transport part, and returns the one's complement sum that a receiver
     * checks: 0xFFFF when it verifies.
     */
    private static int offloadedThenCompleted(final byte[] packet, final int csumOffset, final boolean forceComplement)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(Translator.HEADROOM + 2048));
        final int start = Translator.HEADROOM;
        buffer.putBytes(start, packet);
        final int l4 = start + 40;
        final int l4Length = packet.length - 40;
        final int field = l4 + csumOffset;
        final int partial = Checksum.fold(Checksum.ipv6PseudoHeader(buffer, start + 8, l4Length, packet[6] & 0xFF));
        buffer.putShort(field, (short)partial, ByteOrder.BIG_ENDIAN);

        final boolean complement = forceComplement ||
            !VirtioNetOffload.finaliseChecksumFirst(VirtioNetHeader.GSO_NONE, packet.length, csumOffset);
        if (complement)
        {
            buffer.putShort(field, (short)~buffer.getShort(field));
        }
        else
        {
            buffer.putShort(field, (short)Checksum.finish(Checksum.add(buffer, l4, l4Length, 0)), ByteOrder.BIG_ENDIAN);
        }

        final int[] emitted = new int[2];
        final Translator translator = new Translator(config());
        final Outcome outcome = translator.translate(buffer, start, packet.length, (out, offset, length) ->
        {
            emitted[0] = offset;
            emitted[1] = length;
        });
        assertEquals(Outcome.TRANSLATED_6TO4, outcome);
        final int out = emitted[0];
        final int out4 = out + 20;
        final int outL4Length = emitted[1] - 20;
        if (complement)
        {
            buffer.putShort(out4 + csumOffset, (short)~buffer.getShort(out4 + csumOffset));
            // The kernel: checksum over csum_start..end with the field as it stands, stored complemented.
            buffer.putShort(out4 + csumOffset, (short)Checksum.finish(Checksum.add(buffer, out4, outL4Length, 0)),
                ByteOrder.BIG_ENDIAN);
        }
        final int protocol = buffer.getByte(out + 9) & 0xFF;
        final long pseudo = protocol == 1 ? 0 : Checksum.ipv4PseudoHeader(buffer.getInt(out + 12, ByteOrder.BIG_ENDIAN),
            buffer.getInt(out + 16, ByteOrder.BIG_ENDIAN), outL4Length, protocol);
        return Checksum.fold(Checksum.add(buffer, out4, outL4Length, pseudo));
    }

    private static TranslatorConfig config()
    {
        return TranslatorConfig.builder(new AddressMapper(Rfc6052Prefix.parse("2001:db8:64::/96"),
            new Eamt(List.of(Eamt.Entry.parse("198.51.100.7=" + H6))), true)).build();
    }
}
