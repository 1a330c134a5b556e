package dev.xlat64.siit;

import dev.xlat64.addr.AddressMapper;
import dev.xlat64.addr.Rfc6791Pool;
import dev.xlat64.core.Outcome;
import dev.xlat64.core.PacketContext;
import dev.xlat64.core.TranslatorConfig;
import dev.xlat64.packet.Checksum;
import dev.xlat64.packet.FragmentHeader;
import dev.xlat64.packet.Icmp;
import dev.xlat64.packet.Ipv4Header;
import dev.xlat64.packet.Ipv6Header;
import dev.xlat64.packet.Tcp;
import dev.xlat64.packet.Udp;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * ICMPv4 to ICMPv6 (RFC 7915 s.4.2 and s.4.3): echo messages in place, errors rebuilt in the scratch buffer with their
 * quoted IPv4 packet translated too (addresses, inner checksums, inner TTL kept) and the whole truncated to the IPv6
 * minimum MTU; RFC 4884 extensions carried where the ICMPv6 type has a length attribute. The quoted header is read
 * through its own flyweight. Not thread safe: one per engine.
 */
final class Icmpv4ToIcmpv6
{
    /** Scratch layout of a translated error: outer IPv6 | ICMPv6 header | inner IPv6 | ... */
    private static final int ICMP6 = Ipv6Header.LENGTH;
    private static final int INNER6 = ICMP6 + Icmp.HEADER_LENGTH;

    private final MutableDirectBuffer scratch;
    private final Ipv4Header outer = new Ipv4Header();
    private final Ipv4Header quoted4 = new Ipv4Header();
    private final Ipv6Header ip6 = new Ipv6Header();

    // The error being translated (fields, not an object, so nothing is allocated per packet).
    private int type6;
    private int originalLength;
    private int extensionLength;
    private int lengthAttribute;
    private int innerFragmentOffset;
    private boolean innerFragment;

    Icmpv4ToIcmpv6(final MutableDirectBuffer scratch)
    {
        this.scratch = scratch;
    }

    /**
     * RFC 7915 s.4.2: Echo Request/Reply (8/0) become ICMPv6 128/129 with code 0; the ICMPv6 checksum adds the
     * pseudo-header (over {@code messageLength}), applied incrementally so the payload is not read.
     */
    static void translateInformational(
        final MutableDirectBuffer buffer, final int l4, final int messageLength, final int newAddressSum)
    {
        final int type = buffer.getByte(l4 + Icmp.TYPE) & 0xFF;
        if (type != Icmp.V4_ECHO_REQUEST && type != Icmp.V4_ECHO_REPLY)
        {
            return;
        }
        final int oldTypeCode = buffer.getShort(l4 + Icmp.TYPE, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        final int newType = type == Icmp.V4_ECHO_REQUEST ? Icmp.V6_ECHO_REQUEST : Icmp.V6_ECHO_REPLY;
        final int newTypeCode = newType << 8;
        // RFC 8200 s.8.1 pseudo-header: addresses, upper-layer length, next header 58.
        final long pseudo = newAddressSum + (messageLength & 0xFFFF_FFFFL) + Ipv6Header.NEXT_HEADER_ICMPV6;
        final int checksum = buffer.getShort(l4 + Icmp.CHECKSUM, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        buffer.putShort(l4 + Icmp.TYPE, (short)newTypeCode, ByteOrder.BIG_ENDIAN);
        buffer.putShort(l4 + Icmp.CHECKSUM,
            (short)Checksum.update(checksum, oldTypeCode, Checksum.fold(pseudo + newTypeCode)), ByteOrder.BIG_ENDIAN);
    }

    /** RFC 7915 s.4.3: translates the ICMPv4 error of {@code ctx} (its IPv4 header {@code headerLength} long). */
    Outcome translateError(
        final PacketContext ctx, final int headerLength, final int totalLength, final boolean hairpinned)
    {
        final MutableDirectBuffer buffer = ctx.buffer;
        final int l4 = ctx.offset + headerLength;
        final int icmpLength = totalLength - headerLength;
        if (Checksum.fold(Checksum.add(buffer, l4, icmpLength, 0)) != 0xFFFF)
        {
            return Outcome.ICMPV4_BAD_CHECKSUM;
        }
        final int type = buffer.getByte(l4 + Icmp.TYPE) & 0xFF;
        final int typeCode6 = IcmpTypeMapping.ipv4ErrorToIpv6(type, buffer.getByte(l4 + Icmp.CODE) & 0xFF);
        if (typeCode6 == IcmpTypeMapping.NOT_TRANSLATABLE)
        {
            return Outcome.ICMPV4_UNTRANSLATABLE;
        }
        type6 = typeCode6 >>> 8;
        if (!splitExtension(buffer, l4, type, icmpLength - Icmp.HEADER_LENGTH))
        {
            return Outcome.ICMPV4_BAD_EXTENSION_LENGTH;
        }
        final int quoted = l4 + Icmp.HEADER_LENGTH;
        if (!readableQuote(buffer, quoted))
        {
            return Outcome.ICMPV4_INNER_UNTRANSLATABLE;
        }
        final Outcome addresses = translateAddresses(ctx, hairpinned);
        if (addresses != Outcome.TRANSLATED_4TO6)
        {
            return addresses;
        }
        final int rest6 = restOfHeader(ctx.config, buffer, l4, type);
        if (rest6 == IcmpTypeMapping.NOT_TRANSLATABLE)
        {
            return Outcome.ICMPV4_UNTRANSLATABLE;
        }
        final int end = translateQuotedPacket(ctx.config, buffer, quoted);
        return finish(ctx, typeCode6, rest6, end);
    }

    /**
     * RFC 4884 s.4.1: a non-zero length attribute (32-bit words) of Destination Unreachable, Time Exceeded and
     * Parameter Problem separates the original datagram from the extensions. False when it points past the message.
     */
    private boolean splitExtension(final MutableDirectBuffer buffer, final int l4, final int type, final int available)
    {
        originalLength = available;
        if (type == Icmp.V4_DESTINATION_UNREACHABLE || type == Icmp.V4_TIME_EXCEEDED ||
            type == Icmp.V4_PARAMETER_PROBLEM)
        {
            originalLength = Rfc4884.originalDatagramLength(buffer, l4, Rfc4884.ICMPV4_LENGTH_ATTRIBUTE,
                Rfc4884.ICMPV4_WORD, available);
        }
        extensionLength = available - originalLength;
        return originalLength != Rfc4884.BAD_LENGTH;
    }

    /** RFC 7915 s.4.3: the quoted packet must be an IPv4 header we can read, and not itself an ICMP error. */
    private boolean readableQuote(final MutableDirectBuffer buffer, final int quoted)
    {
        final Ipv4Header q = quoted4.wrap(buffer, quoted);
        if (originalLength < Ipv4Header.MIN_LENGTH || q.version() != 4)
        {
            return false;
        }
        final int innerHeaderLength = q.headerLength();
        if (innerHeaderLength < Ipv4Header.MIN_LENGTH || innerHeaderLength > originalLength ||
            q.totalLength() < innerHeaderLength)
        {
            return false;
        }
        final int flags = q.flagsAndFragmentOffset();
        innerFragmentOffset = flags & Ipv4Header.FRAGMENT_OFFSET_MASK;
        innerFragment = (flags & Ipv4Header.FLAG_MF) != 0 || innerFragmentOffset != 0;
        return !(q.protocol() == Ipv4Header.PROTOCOL_ICMP && innerFragmentOffset == 0 &&
            originalLength > innerHeaderLength && Icmp.isV4Error(buffer.getByte(quoted + innerHeaderLength) & 0xFF));
    }

    /**
     * RFC 7915 s.4.3 and RFC 6791: the outer source is a router that may not map (then an address of icmpPool6, chosen
     * by a hash of the quoted flow); the outer destination and both inner addresses must map. A hairpinned error
     * (RFC 7757 s.4) takes its outer source and its inner destination, the hairpinned host, from the prefix.
     * TRANSLATED_4TO6 when all four are written.
     */
    private Outcome translateAddresses(final PacketContext ctx, final boolean hairpinned)
    {
        if (ctx.addressesMapped)
        {
            // RFC 7599 s.10.1: a MAP-T BR mapped all four, the quoted packet's by its port (RFC 7596 s.8.1 step 3).
            ctx.writeMappedIpv6(scratch, Ipv6Header.SOURCE, INNER6 + Ipv6Header.SOURCE);
            return Outcome.TRANSLATED_4TO6;
        }
        final TranslatorConfig config = ctx.config;
        final AddressMapper mapper = config.mapper;
        final Ipv4Header o = outer.wrap(ctx.buffer, ctx.offset);
        final Ipv4Header q = quoted4;
        final int s = hairpinned ? mapper.toIpv6WithoutEamt(o.source(), scratch, Ipv6Header.SOURCE) :
            mapper.toIpv6(o.source(), scratch, Ipv6Header.SOURCE);
        if (s != AddressMapper.MAPPED)
        {
            if (config.icmpPool6 == null)
            {
                return s == AddressMapper.DENYLISTED_IPV4 ? Outcome.IPV4_DENYLISTED :
                    s == AddressMapper.FORBIDDEN_UNDER_WKP ? Outcome.IPV4_NON_GLOBAL_UNDER_WKP :
                    Outcome.IPV4_SOURCE_UNTRANSLATABLE;
            }
            Rfc6791Pool.ipv6(config.icmpPool6, flowHash(q.source(), q.destination(), q.protocol()), scratch,
                Ipv6Header.SOURCE);
        }
        final int d = mapper.toIpv6(o.destination(), scratch, Ipv6Header.DESTINATION);
        if (d != AddressMapper.MAPPED)
        {
            return d == AddressMapper.DENYLISTED_IPV4 ? Outcome.IPV4_DENYLISTED :
                d == AddressMapper.FORBIDDEN_UNDER_WKP ? Outcome.IPV4_NON_GLOBAL_UNDER_WKP :
                Outcome.IPV4_DESTINATION_UNTRANSLATABLE;
        }
        if (mapper.toIpv6(q.source(), scratch, INNER6 + Ipv6Header.SOURCE) != AddressMapper.MAPPED ||
            (hairpinned ? mapper.toIpv6WithoutEamt(q.destination(), scratch, INNER6 + Ipv6Header.DESTINATION) :
                mapper.toIpv6(q.destination(), scratch, INNER6 + Ipv6Header.DESTINATION)) != AddressMapper.MAPPED)
        {
            return Outcome.ICMPV4_INNER_UNTRANSLATABLE;
        }
        return Outcome.TRANSLATED_4TO6;
    }

    /** RFC 6791 s.3: the pool address is picked by a hash of the quoted flow, so one flow's errors keep one source. */
    static int flowHash(final int source, final int destination, final int protocol)
    {
        return (source * 31 + destination) * 31 + protocol;
    }

    /** RFC 7915 s.4.2: the type-specific word: the Packet Too Big MTU, or the Parameter Problem pointer. */
    private int restOfHeader(
        final TranslatorConfig config, final MutableDirectBuffer buffer, final int l4, final int type)
    {
        if (type6 == Icmp.V6_PACKET_TOO_BIG)
        {
            return PathMtu.packetTooBigMtu(config, buffer.getShort(l4 + Icmp.REST + 2, ByteOrder.BIG_ENDIAN) & 0xFFFF,
                quoted4.totalLength(), innerFragment);
        }
        if (type6 == Icmp.V6_PARAMETER_PROBLEM)
        {
            // Protocol Unreachable becomes Parameter Problem pointing at the Next Header field (Figure 3 for the rest).
            return type == Icmp.V4_PARAMETER_PROBLEM ?
                IcmpTypeMapping.ipv4PointerToIpv6(buffer.getByte(l4 + Icmp.REST) & 0xFF) : Ipv6Header.NEXT_HEADER;
        }
        return 0;
    }

    /**
     * RFC 7915 s.4.3: the quoted packet is translated like the outer one (its TTL not decremented), then as much of its
     * payload as fits in 1280 bytes, then (RFC 4884 s.4.1) the extension after a padded original datagram when at
     * least 128 bytes of it still fit. Returns where the error ends in the scratch buffer.
     */
    private int translateQuotedPacket(final TranslatorConfig config, final MutableDirectBuffer buffer, final int quoted)
    {
        final Ipv4Header q = quoted4;
        final int innerHeaderLength = q.headerLength();
        final int innerData = INNER6 + Ipv6Header.LENGTH + (innerFragment ? FragmentHeader.LENGTH : 0);
        final int room = Icmp.V6_ERROR_MAX_LENGTH - INNER6;
        lengthAttribute = 0;
        boolean carryExtension = extensionLength > 0 &&
            (type6 == Icmp.V6_DESTINATION_UNREACHABLE || type6 == Icmp.V6_TIME_EXCEEDED);
        int innerRoom = room;
        if (carryExtension)
        {
            innerRoom = Rfc4884.roomBeforeExtension(room, extensionLength, Rfc4884.ICMPV6_WORD);
            carryExtension = innerRoom >= 0;
            innerRoom = carryExtension ? innerRoom : room;
        }
        // RFC 4884 s.4.1: with an extension, the field past the quoted datagram's own length is zero padding, not
        // datagram: only the datagram is translated, then padded again in ICMPv6's 64-bit words (s.4.2).
        final int datagramLength = extensionLength > 0 ?
            Math.max(innerHeaderLength, Math.min(originalLength, q.totalLength())) : originalLength;
        final int copied = Math.min(datagramLength - innerHeaderLength, innerRoom - (innerData - INNER6));
        scratch.putBytes(innerData, buffer, quoted + innerHeaderLength, copied);
        final int innerPayloadLength = q.totalLength() - innerHeaderLength;
        final int innerUpperLayer = TranslatedHeaders.ipv6NextHeader(q.protocol());
        TranslatedHeaders.writeIpv6Header(ip6.wrap(scratch, INNER6), config, q.tos(),
            innerPayloadLength + (innerFragment ? FragmentHeader.LENGTH : 0),
            innerFragment ? Ipv6Header.NEXT_HEADER_FRAGMENT : innerUpperLayer, q.ttl());
        if (innerFragment)
        {
            TranslatedHeaders.writeFragmentHeader(scratch, INNER6 + Ipv6Header.LENGTH, innerUpperLayer,
                innerFragmentOffset, (q.flagsAndFragmentOffset() & Ipv4Header.FLAG_MF) != 0, q.identification());
        }
        if (innerFragmentOffset == 0)
        {
            translateInnerTransport(q.protocol(), innerData, copied, innerPayloadLength, q.source(), q.destination());
        }
        final int innerLength = innerData - INNER6 + copied;
        if (!carryExtension)
        {
            return INNER6 + innerLength;
        }
        final int padded = Rfc4884.paddedLength(innerLength, Rfc4884.ICMPV6_WORD);
        scratch.setMemory(INNER6 + innerLength, padded - innerLength, (byte)0);
        scratch.putBytes(INNER6 + padded, buffer, quoted + originalLength, extensionLength);
        lengthAttribute = padded / Rfc4884.ICMPV6_WORD;
        return INNER6 + padded + extensionLength;
    }

    /** RFC 7915 s.4.3: the quoted upper-layer checksum follows its pseudo-header, where enough of it is quoted. */
    private void translateInnerTransport(
        final int protocol, final int data, final int copied, final int upperLayerLength, final int source,
        final int destination)
    {
        switch (protocol)
        {
            case Ipv4Header.PROTOCOL_TCP:
                if (copied >= Tcp.CHECKSUM + 2)
                {
                    TransportChecksum.update(scratch, data + Tcp.CHECKSUM, TransportChecksum.ipv4AddressSum(source,
                        destination), TransportChecksum.ipv6AddressSum(scratch, INNER6), false);
                }
                break;
            case Ipv4Header.PROTOCOL_UDP:
                if (copied >= Udp.HEADER_LENGTH && scratch.getShort(data + Udp.CHECKSUM) != 0)
                {
                    TransportChecksum.update(scratch, data + Udp.CHECKSUM, TransportChecksum.ipv4AddressSum(source,
                        destination), TransportChecksum.ipv6AddressSum(scratch, INNER6), true);
                }
                break;
            case Ipv4Header.PROTOCOL_ICMP:
                if (copied >= Icmp.CHECKSUM + 2)
                {
                    translateInformational(scratch, data, upperLayerLength, TransportChecksum.ipv6AddressSum(scratch,
                        INNER6));
                }
                break;
            default:
                break;
        }
    }

    /** RFC 7915 s.4.3 / RFC 4443 s.2.3: the outer IPv6 header (hop limit = TTL - 1), ICMPv6 header and checksum. */
    private Outcome finish(final PacketContext ctx, final int typeCode6, final int rest, final int end)
    {
        final Ipv4Header o = outer.wrap(ctx.buffer, ctx.offset);
        // RFC 4884 s.4.2: with an extension, the length attribute is the first byte of the type-specific word.
        final int rest6 = lengthAttribute != 0 ? lengthAttribute << 24 : rest;
        TranslatedHeaders.writeIpv6Header(ip6.wrap(scratch, 0), ctx.config, o.tos(), end - Ipv6Header.LENGTH,
            Ipv6Header.NEXT_HEADER_ICMPV6, o.ttl() - 1);
        scratch.putShort(ICMP6 + Icmp.TYPE, (short)typeCode6, ByteOrder.BIG_ENDIAN);
        scratch.putShort(ICMP6 + Icmp.CHECKSUM, (short)0);
        scratch.putInt(ICMP6 + Icmp.REST, rest6, ByteOrder.BIG_ENDIAN);
        final long pseudo = Checksum.ipv6PseudoHeader(scratch, Ipv6Header.SOURCE, end - ICMP6,
            Ipv6Header.NEXT_HEADER_ICMPV6);
        scratch.putShort(ICMP6 + Icmp.CHECKSUM,
            (short)Checksum.finish(Checksum.add(scratch, ICMP6, end - ICMP6, pseudo)), ByteOrder.BIG_ENDIAN);
        ctx.sink.emit(scratch, 0, end);
        return Outcome.TRANSLATED_4TO6;
    }
}
