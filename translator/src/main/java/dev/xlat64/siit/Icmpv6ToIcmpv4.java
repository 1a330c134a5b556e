package dev.xlat64.siit;

import dev.xlat64.addr.AddressMapper;
import dev.xlat64.addr.Rfc6791Pool;
import dev.xlat64.core.IcmpErrorOriginator;
import dev.xlat64.core.Outcome;
import dev.xlat64.core.PacketContext;
import dev.xlat64.core.TranslatorConfig;
import dev.xlat64.packet.Checksum;
import dev.xlat64.packet.FragmentHeader;
import dev.xlat64.packet.Icmp;
import dev.xlat64.packet.Ipv4Header;
import dev.xlat64.packet.Ipv6ExtensionHeaders;
import dev.xlat64.packet.Ipv6Header;
import dev.xlat64.packet.Tcp;
import dev.xlat64.packet.Udp;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * ICMPv6 to ICMPv4 (RFC 7915 s.5.2 and s.5.3): echo messages in place, errors rebuilt in the scratch buffer with their
 * quoted IPv6 packet translated too (addresses, inner checksums, inner hop limit kept) and the whole truncated to 576
 * bytes; RFC 4884 extensions carried where the ICMPv4 type has a length attribute. The quoted header is read through
 * its own flyweight and extension-header walker. Not thread safe: one per engine.
 */
final class Icmpv6ToIcmpv4
{
    /** Where a hairpinned ICMPv4 error is built in the scratch buffer: past the 1280 bytes its IPv6 form needs. */
    private static final int HAIRPIN_SCRATCH_OFFSET = 2048;

    private final MutableDirectBuffer scratch;
    private final IcmpErrorOriginator icmpErrors;
    private final Ipv4ToIpv6 hairpin;
    private final Ipv6Header outer = new Ipv6Header();
    private final Ipv6Header quoted6 = new Ipv6Header();
    private final Ipv4Header ip4 = new Ipv4Header();
    private final Ipv6ExtensionHeaders quotedChain = new Ipv6ExtensionHeaders();

    // The error being translated (fields, not an object, so nothing is allocated per packet).
    private int originalLength;
    private int extensionLength;
    private int innerUpperLayerLength;
    private int innerFragmentOffset;
    private long innerSource;
    private long innerDestination;
    private long source;
    private long destination;
    private int lengthAttribute;

    Icmpv6ToIcmpv4(final MutableDirectBuffer scratch, final IcmpErrorOriginator icmpErrors, final Ipv4ToIpv6 hairpin)
    {
        this.scratch = scratch;
        this.icmpErrors = icmpErrors;
        this.hairpin = hairpin;
    }

    /** RFC 7915 s.5.2: ICMPv6 Echo Request/Reply (128/129) become 8/0; the pseudo-header leaves the checksum. */
    static void translateInformational(final MutableDirectBuffer buffer, final int l4, final long pseudoHeader6)
    {
        final int type = buffer.getByte(l4 + Icmp.TYPE) & 0xFF;
        if (type != Icmp.V6_ECHO_REQUEST && type != Icmp.V6_ECHO_REPLY)
        {
            return;
        }
        final int oldTypeCode = buffer.getShort(l4 + Icmp.TYPE, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        final int newTypeCode = (type == Icmp.V6_ECHO_REQUEST ? Icmp.V4_ECHO_REQUEST : Icmp.V4_ECHO_REPLY) << 8;
        final int checksum = buffer.getShort(l4 + Icmp.CHECKSUM, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        buffer.putShort(l4 + Icmp.TYPE, (short)newTypeCode, ByteOrder.BIG_ENDIAN);
        final int updated = Checksum.update(checksum, Checksum.fold(pseudoHeader6 + oldTypeCode), newTypeCode);
        // An all-zero ICMPv4 message verifies only with 0xFFFF; RFC 1624 eqn 3 yields 0x0000 there (found by fuzzing).
        buffer.putShort(l4 + Icmp.CHECKSUM, (short)(updated == 0 ? 0xFFFF : updated), ByteOrder.BIG_ENDIAN);
    }

    /**
     * RFC 7915 s.5.3: translates the ICMPv6 error at {@code l4} of the packet of {@code ctx}, which ends at
     * {@code end}.
     */
    Outcome translateError(final PacketContext ctx, final int l4, final int end)
    {
        final MutableDirectBuffer buffer = ctx.buffer;
        final int icmpLength = end - l4;
        final long pseudo = Checksum.ipv6PseudoHeader(buffer, ctx.offset + Ipv6Header.SOURCE, icmpLength,
            Ipv6Header.NEXT_HEADER_ICMPV6);
        if (Checksum.fold(Checksum.add(buffer, l4, icmpLength, pseudo)) != 0xFFFF)
        {
            return Outcome.ICMPV6_BAD_CHECKSUM;
        }
        final int type = buffer.getByte(l4 + Icmp.TYPE) & 0xFF;
        final int typeCode4 = IcmpTypeMapping.ipv6ErrorToIpv4(type, buffer.getByte(l4 + Icmp.CODE) & 0xFF);
        if (typeCode4 == IcmpTypeMapping.NOT_TRANSLATABLE)
        {
            return Outcome.ICMPV6_UNTRANSLATABLE;
        }
        if (!splitExtension(buffer, l4, type, icmpLength - Icmp.HEADER_LENGTH))
        {
            return Outcome.ICMPV6_BAD_EXTENSION_LENGTH;
        }
        final int quoted = l4 + Icmp.HEADER_LENGTH;
        if (!readableQuote(buffer, quoted))
        {
            return Outcome.ICMPV6_INNER_UNTRANSLATABLE;
        }
        final Outcome addresses = translateAddresses(ctx, quoted);
        if (addresses != Outcome.TRANSLATED_6TO4)
        {
            return addresses;
        }
        final int rest4 = restOfHeader(ctx.config, buffer, l4, type, typeCode4 >>> 8);
        if (rest4 == IcmpTypeMapping.NOT_TRANSLATABLE)
        {
            return Outcome.ICMPV6_UNTRANSLATABLE;
        }
        return build(ctx, quoted, typeCode4, rest4);
    }

    /**
     * RFC 4884 s.4.2: a non-zero length attribute (64-bit words) of Destination Unreachable and Time Exceeded
     * separates the original datagram from the extensions. False when it points past the message.
     */
    private boolean splitExtension(final MutableDirectBuffer buffer, final int l4, final int type, final int available)
    {
        originalLength = available;
        if (type == Icmp.V6_DESTINATION_UNREACHABLE || type == Icmp.V6_TIME_EXCEEDED)
        {
            originalLength = Rfc4884.originalDatagramLength(buffer, l4, Rfc4884.ICMPV6_LENGTH_ATTRIBUTE,
                Rfc4884.ICMPV6_WORD, available);
        }
        extensionLength = available - originalLength;
        return originalLength != Rfc4884.BAD_LENGTH;
    }

    /**
     * RFC 7915 s.5.3: the quoted packet must be an IPv6 header (and extension chain) we can read, not an ICMPv6 error.
     */
    private boolean readableQuote(final MutableDirectBuffer buffer, final int quoted)
    {
        final int quotedEnd = quoted + originalLength;
        final Ipv6Header q = quoted6.wrap(buffer, quoted);
        // RFC 7915 s.5.1 applies to the quoted header too: no IPv4 protocol carries an IPv6 extension header.
        if (originalLength < Ipv6Header.LENGTH || q.version() != 6 ||
            !quotedChain.walk(buffer, quoted + Ipv6Header.LENGTH, q.nextHeader(), quotedEnd) ||
            quotedChain.extensionAfterFragment() ||
            Ipv6ExtensionHeaders.isIpv6ExtensionHeader(quotedChain.upperLayerProtocol()))
        {
            return false;
        }
        final int innerFragmentHeader = quotedChain.fragmentHeaderOffset();
        final int innerL4 = quotedChain.upperLayerOffset();
        innerFragmentOffset = innerFragmentHeader >= 0 ? FragmentHeader.fragmentOffset(buffer, innerFragmentHeader) : 0;
        innerUpperLayerLength = q.payloadLength() - (innerL4 - quoted - Ipv6Header.LENGTH);
        if (innerUpperLayerLength < 0)
        {
            return false;
        }
        return !(quotedChain.upperLayerProtocol() == Ipv6Header.NEXT_HEADER_ICMPV6 && innerFragmentOffset == 0 &&
            quotedEnd > innerL4 && Icmp.isV6Error(buffer.getByte(innerL4 + Icmp.TYPE) & 0xFF));
    }

    /**
     * RFC 7915 s.5.3 and RFC 6791: both inner addresses and the outer destination must map; a router's source that does
     * not map takes an icmpPool4 address (flow hash); a MAP-T BR's mapping when set (RFC 7599 s.10.1, the quoted
     * packet's by its port, RFC 7596 s.8.1 step 3). TRANSLATED_6TO4 when all four map.
     */
    private Outcome translateAddresses(final PacketContext ctx, final int quoted)
    {
        if (ctx.addressesMapped)
        {
            source = ctx.mappedIpv4Source & 0xFFFF_FFFFL; destination = ctx.mappedIpv4Destination & 0xFFFF_FFFFL;
            innerSource = ctx.mappedQuotedIpv4Source & 0xFFFF_FFFFL;
            innerDestination = ctx.mappedQuotedIpv4Destination & 0xFFFF_FFFFL;
            return Outcome.TRANSLATED_6TO4;
        }
        final TranslatorConfig config = ctx.config;
        final AddressMapper mapper = config.mapper;
        innerSource = mapper.toIpv4(ctx.buffer, quoted + Ipv6Header.SOURCE);
        innerDestination = mapper.toIpv4(ctx.buffer, quoted + Ipv6Header.DESTINATION);
        if (innerSource < 0 || innerDestination < 0)
        {
            return Outcome.ICMPV6_INNER_UNTRANSLATABLE;
        }
        source = mapper.toIpv4(ctx.buffer, ctx.offset + Ipv6Header.SOURCE);
        if (source < 0)
        {
            if (config.icmpPool4 == null)
            {
                return Ipv6ToIpv4.unmappedAddress(source, 0);
            }
            source = Rfc6791Pool.ipv4(config.icmpPool4, Icmpv4ToIcmpv6.flowHash((int)innerSource, (int)innerDestination,
                quotedChain.upperLayerProtocol())) & 0xFFFF_FFFFL;
        }
        destination = mapper.toIpv4(ctx.buffer, ctx.offset + Ipv6Header.DESTINATION);
        if (destination < 0)
        {
            return Ipv6ToIpv4.unmappedAddress(0, destination);
        }
        return Outcome.TRANSLATED_6TO4;
    }

    /** RFC 7915 s.5.2: the type-specific word: the Fragmentation Needed MTU, or the Parameter Problem pointer. */
    private int restOfHeader(
        final TranslatorConfig config, final MutableDirectBuffer buffer, final int l4, final int type, final int type4)
    {
        if (type == Icmp.V6_PACKET_TOO_BIG)
        {
            return PathMtu.fragmentationNeededMtu(config, buffer.getInt(l4 + Icmp.REST, ByteOrder.BIG_ENDIAN),
                quotedChain.fragmentHeaderOffset() >= 0);
        }
        if (type4 == Icmp.V4_PARAMETER_PROBLEM)
        {
            final int pointer = IcmpTypeMapping.ipv6PointerToIpv4(buffer.getInt(l4 + Icmp.REST, ByteOrder.BIG_ENDIAN));
            return pointer == IcmpTypeMapping.NOT_TRANSLATABLE ? IcmpTypeMapping.NOT_TRANSLATABLE : pointer << 24;
        }
        return 0;
    }

    /**
     * RFC 7915 s.5.3: builds the ICMPv4 error (outer IPv4 | ICMPv4 header | inner IPv4 | inner upper layer), hairpins
     * it back to IPv6 when it goes to an EAM host reached through the prefix (RFC 7757 s.4), or emits it.
     */
    private Outcome build(final PacketContext ctx, final int quoted, final int typeCode4, final int rest)
    {
        final TranslatorConfig config = ctx.config;
        final AddressMapper mapper = config.mapper;
        final boolean hairpinning = !ctx.addressesMapped && config.eamHairpinning &&
            mapper.isEamIpv4((int)destination) && !mapper.isEamIpv6(ctx.buffer, ctx.offset + Ipv6Header.DESTINATION);
        // A hairpinned error is built further in, so the IPv4-to-IPv6 pass can build its result at the start.
        final int base = hairpinning ? HAIRPIN_SCRATCH_OFFSET : 0;
        final int icmp4 = base + Ipv4Header.MIN_LENGTH;
        final int errorEnd = translateQuotedPacket(ctx, quoted, icmp4 + Icmp.HEADER_LENGTH, typeCode4 >>> 8);
        final int rest4 = rest | (lengthAttribute << 16);
        final int total = errorEnd - base;
        final Ipv6Header o = outer.wrap(ctx.buffer, ctx.offset);
        TranslatedHeaders.writeIpv4Header(ip4.wrap(scratch, base), config, o.trafficClass(), total,
            icmpErrors.nextIdentification(), 0, Ipv6Header.NEXT_HEADER_ICMPV6, o.hopLimit() - 1, (int)source,
            (int)destination);
        scratch.putByte(icmp4 + Icmp.TYPE, (byte)(typeCode4 >>> 8));
        scratch.putByte(icmp4 + Icmp.CODE, (byte)typeCode4);
        scratch.putShort(icmp4 + Icmp.CHECKSUM, (short)0);
        scratch.putInt(icmp4 + Icmp.REST, rest4, ByteOrder.BIG_ENDIAN);
        scratch.putShort(icmp4 + Icmp.CHECKSUM,
            (short)Checksum.finish(Checksum.add(scratch, icmp4, errorEnd - icmp4, 0)), ByteOrder.BIG_ENDIAN);
        if (hairpinning)
        {
            final Outcome second = hairpin.translateHairpinned(ctx.repoint(scratch, base, total));
            return second == Outcome.TRANSLATED_4TO6 ? Outcome.EAM_HAIRPINNED : second;
        }
        ctx.sink.emit(scratch, 0, total);
        return Outcome.TRANSLATED_6TO4;
    }

    /**
     * RFC 7915 s.5.3: the quoted packet's header translated like the outer one (hop limit kept), as much of its payload
     * as fits in 576 bytes, then (RFC 4884 s.4.2) the extension after a padded original datagram when at least 128
     * bytes of it still fit. Returns where the error ends in the scratch buffer.
     */
    private int translateQuotedPacket(final PacketContext ctx, final int quoted, final int inner4, final int type4)
    {
        final MutableDirectBuffer buffer = ctx.buffer;
        final Ipv6Header q = quoted6.wrap(buffer, quoted);
        final int innerData = inner4 + Ipv4Header.MIN_LENGTH;
        final int room = Icmp.V4_ERROR_MAX_LENGTH - Ipv4Header.MIN_LENGTH - Icmp.HEADER_LENGTH;
        lengthAttribute = 0;
        boolean carryExtension = extensionLength > 0 &&
            (type4 == Icmp.V4_DESTINATION_UNREACHABLE || type4 == Icmp.V4_TIME_EXCEEDED);
        int innerRoom = room;
        if (carryExtension)
        {
            innerRoom = Rfc4884.roomBeforeExtension(room, extensionLength, Rfc4884.ICMPV4_WORD);
            carryExtension = innerRoom >= 0;
            innerRoom = carryExtension ? innerRoom : room;
        }
        final int innerL4 = quotedChain.upperLayerOffset();
        // RFC 4884 s.4.2: with an extension, the field past the quoted datagram's own length is zero padding, not
        // datagram: only the datagram is translated, then padded again in ICMPv4's 32-bit words (s.4.1).
        final int datagramEnd = extensionLength > 0 ? Math.max(innerL4,
            quoted + Math.min(originalLength, Ipv6Header.LENGTH + q.payloadLength())) : quoted + originalLength;
        final int copied = Math.min(datagramEnd - innerL4, innerRoom - Ipv4Header.MIN_LENGTH);
        scratch.putBytes(innerData, buffer, innerL4, copied);
        final int innerTotalLength = Ipv4Header.MIN_LENGTH + innerUpperLayerLength;
        final int innerFragmentHeader = quotedChain.fragmentHeaderOffset();
        final boolean innerFragment = innerFragmentHeader >= 0;
        final int innerFlags = innerFragment ?
            (FragmentHeader.moreFragments(buffer, innerFragmentHeader) ? Ipv4Header.FLAG_MF : 0) | innerFragmentOffset :
            (innerTotalLength > PathMtu.DF_THRESHOLD ? Ipv4Header.FLAG_DF : 0);
        final int innerIdentification = innerFragment ? FragmentHeader.identification(buffer, innerFragmentHeader) : 0;
        TranslatedHeaders.writeIpv4Header(ip4.wrap(scratch, inner4), ctx.config, q.trafficClass(),
            innerTotalLength & 0xFFFF, innerIdentification & 0xFFFF, innerFlags, quotedChain.upperLayerProtocol(),
            q.hopLimit(), (int)innerSource, (int)innerDestination);
        if (innerFragmentOffset == 0)
        {
            translateInnerTransport(buffer, quoted, innerData, copied);
        }
        final int innerLength = Ipv4Header.MIN_LENGTH + copied;
        if (!carryExtension)
        {
            return inner4 + innerLength;
        }
        final int padded = Rfc4884.paddedLength(innerLength, Rfc4884.ICMPV4_WORD);
        scratch.setMemory(inner4 + innerLength, padded - innerLength, (byte)0);
        scratch.putBytes(inner4 + padded, buffer, quoted + originalLength, extensionLength);
        lengthAttribute = padded / Rfc4884.ICMPV4_WORD;
        return inner4 + padded + extensionLength;
    }

    /** RFC 7915 s.5.3: the quoted upper-layer checksum follows its pseudo-header, where enough of it is quoted. */
    private void translateInnerTransport(
        final MutableDirectBuffer buffer, final int quoted, final int data, final int copied)
    {
        final int oldAddressSum = TransportChecksum.ipv6AddressSum(buffer, quoted);
        final int newAddressSum = TransportChecksum.ipv4AddressSum((int)innerSource, (int)innerDestination);
        switch (quotedChain.upperLayerProtocol())
        {
            case Ipv6Header.NEXT_HEADER_TCP:
                if (copied >= Tcp.CHECKSUM + 2)
                {
                    TransportChecksum.update(scratch, data + Tcp.CHECKSUM, oldAddressSum, newAddressSum, false);
                }
                break;
            case Ipv6Header.NEXT_HEADER_UDP:
                if (copied >= Udp.HEADER_LENGTH && scratch.getShort(data + Udp.CHECKSUM) != 0)
                {
                    TransportChecksum.update(scratch, data + Udp.CHECKSUM, oldAddressSum, newAddressSum, true);
                }
                break;
            case Ipv6Header.NEXT_HEADER_ICMPV6:
                if (copied >= Icmp.CHECKSUM + 2)
                {
                    translateInformational(scratch, data,
                        oldAddressSum + (long)innerUpperLayerLength + Ipv6Header.NEXT_HEADER_ICMPV6);
                }
                break;
            default:
                break;
        }
    }
}
