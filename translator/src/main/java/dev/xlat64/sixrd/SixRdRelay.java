package dev.xlat64.sixrd;

import dev.xlat64.engine.Outcome;
import dev.xlat64.engine.PacketSink;
import dev.xlat64.packet.Checksum;
import dev.xlat64.packet.Ipv4Header;
import dev.xlat64.packet.Ipv6Header;
import dev.xlat64.siit.SiitConfig;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;
import java.util.List;

/**
 * The 6rd side of the engine (RFC 5969): decides which packets are 6rd's, before SIIT sees them, and hands them to
 * the {@link Decapsulator}, the {@link Encapsulator} or the {@link Icmp4ErrorRelay}. A BR claims IPv4 protocol 41
 * and whatever is addressed to a BR address, and IPv6 packets whose destination lies in a 6rd prefix; a CE claims
 * everything on its TUN device. Each entry point returns null when the packet is not 6rd's.
 * Not thread safe: one instance per agent.
 */
public final class SixRdRelay
{
    private final Encapsulator encapsulator = new Encapsulator();
    private final Decapsulator decapsulator = new Decapsulator(encapsulator);
    private final Icmp4ErrorRelay icmp4ErrorRelay = new Icmp4ErrorRelay(encapsulator);
    private int domainIndex = -1;

    /**
     * The engine's entry point: an IP packet of {@code version} from the TUN device, 6rd's or not (null). Afterwards
     * {@link #domainIndex()} tells which domain it belonged to.
     */
    public Outcome relay(
        final SiitConfig config, final long nanoTime, final int version, final MutableDirectBuffer buffer,
        final int offset, final int length, final PacketSink sink)
    {
        domainIndex = -1;
        // Checked here, not only in fromIpv4/fromIpv6, so that without 6rd this stays small enough to be inlined.
        if (config.sixRdDomains.isEmpty())
        {
            return null;
        }
        return version == 4 ? fromIpv4(config, nanoTime, buffer, offset, length, sink) :
            version == 6 ? fromIpv6(config, nanoTime, buffer, offset, length, sink) : null;
    }

    /** The position in the config's domain list of the last packet's 6rd domain; -1 when it had none. */
    public int domainIndex()
    {
        return domainIndex;
    }

    /** An IPv4 packet from the TUN device: 6in4 to decapsulate, an ICMPv4 error to relay, or not 6rd's (null). */
    public Outcome fromIpv4(
        final SiitConfig config, final long nanoTime, final MutableDirectBuffer buffer, final int offset,
        final int length, final PacketSink sink)
    {
        final List<SixRdDomain> domains = config.sixRdDomains;
        if (domains.isEmpty() || length < Ipv4Header.MIN_LENGTH)
        {
            return null;
        }
        final int protocol = buffer.getByte(offset + Ipv4Header.PROTOCOL) & 0xFF;
        final int destination = buffer.getInt(offset + Ipv4Header.DESTINATION, ByteOrder.BIG_ENDIAN);
        final int source = buffer.getInt(offset + Ipv4Header.SOURCE, ByteOrder.BIG_ENDIAN);
        final SixRdDomain domain = domainOfLocal(domains, destination, source);
        if (domain == null && protocol != Ipv4Header.PROTOCOL_IPV6 && !domains.get(0).ceMode())
        {
            return null;
        }
        encapsulator.clock(nanoTime);
        domainIndex = indexOf(domains, domain);
        final Outcome invalid = validateOuter(buffer, offset, length);
        if (invalid != null)
        {
            return invalid;
        }
        if (domain == null)
        {
            return protocol == Ipv4Header.PROTOCOL_IPV6 ? Outcome.SIXRD_NOT_BR_ADDRESS : Outcome.SIXRD_NOT_6IN4;
        }
        final int headerLength = (buffer.getByte(offset) & 0x0F) << 2;
        final int totalLength = buffer.getShort(offset + Ipv4Header.TOTAL_LENGTH, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        if (protocol == Ipv4Header.PROTOCOL_IPV6)
        {
            // RFC 5969 s.9 / RFC 4213 s.3.6: no reassembly here; the BR sends DF packets and CEs are asked to.
            final int fragment = buffer.getShort(offset + Ipv4Header.FLAGS_FRAGMENT_OFFSET, ByteOrder.BIG_ENDIAN) &
                (Ipv4Header.FLAG_MF | Ipv4Header.FRAGMENT_OFFSET_MASK);
            if (fragment != 0)
            {
                return Outcome.SIXRD_OUTER_FRAGMENT;
            }
            // RFC 5969 s.8: a BR serves the CEs of its domains only; a CE hears its BR and its domain's CEs.
            if (!domain.isCeIpv4(source) && !(domain.ceMode() && source == domain.brIpv4()))
            {
                return Outcome.SIXRD_SOURCE_NOT_IN_DOMAIN;
            }
            return decapsulator.decapsulate(config, domain, buffer, offset, sink);
        }
        if (protocol == Ipv4Header.PROTOCOL_ICMP)
        {
            return icmp4ErrorRelay.relay(config, domain, buffer, offset, headerLength, totalLength, sink);
        }
        return Outcome.SIXRD_NOT_6IN4;
    }

    /** An IPv6 packet from the TUN device: encapsulated when its destination is in a 6rd prefix (a CE: always). */
    public Outcome fromIpv6(
        final SiitConfig config, final long nanoTime, final MutableDirectBuffer buffer, final int offset,
        final int length, final PacketSink sink)
    {
        final List<SixRdDomain> domains = config.sixRdDomains;
        if (domains.isEmpty() || length < Ipv6Header.LENGTH)
        {
            return null;
        }
        SixRdDomain domain = domains.get(0);
        if (!domain.ceMode())
        {
            domain = domainOf(domains, buffer.getLong(offset + Ipv6Header.DESTINATION, ByteOrder.BIG_ENDIAN),
                buffer.getLong(offset + Ipv6Header.DESTINATION + 8, ByteOrder.BIG_ENDIAN));
            if (domain == null)
            {
                return null;
            }
        }
        encapsulator.clock(nanoTime);
        domainIndex = indexOf(domains, domain);
        final int payloadLength = buffer.getShort(offset + Ipv6Header.PAYLOAD_LENGTH, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        if (payloadLength == 0 || Ipv6Header.LENGTH + payloadLength > length)
        {
            return Outcome.IPV6_BAD_PAYLOAD_LENGTH;
        }
        return encapsulator.encapsulate(config, domain, buffer, offset, Ipv6Header.LENGTH + payloadLength, sink,
            !domain.ceMode());
    }

    /** RFC 1812 s.5.2.2: the checks made on an IPv4 packet before it is accepted. */
    static Outcome validateOuter(final MutableDirectBuffer buffer, final int offset, final int length)
    {
        final int headerLength = (buffer.getByte(offset) & 0x0F) << 2;
        if (headerLength < Ipv4Header.MIN_LENGTH)
        {
            return Outcome.IPV4_BAD_IHL;
        }
        if (headerLength > length)
        {
            return Outcome.IPV4_TRUNCATED;
        }
        final int totalLength = buffer.getShort(offset + Ipv4Header.TOTAL_LENGTH, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        if (totalLength < headerLength || totalLength > length)
        {
            return Outcome.IPV4_BAD_TOTAL_LENGTH;
        }
        if (Checksum.fold(Checksum.add(buffer, offset, headerLength, 0)) != 0xFFFF)
        {
            return Outcome.IPV4_BAD_HEADER_CHECKSUM;
        }
        return null;
    }

    /** The domain whose 6rd prefix holds the IPv6 address, or null (prefixes never overlap: validated). */
    public static SixRdDomain domainOf(final List<SixRdDomain> domains, final long high, final long low)
    {
        if (domains instanceof SixRdDomains)
        {
            return ((SixRdDomains)domains).byIpv6(high, low);
        }
        for (int i = 0; i < domains.size(); i++)
        {
            final SixRdDomain d = domains.get(i);
            if (d.contains(high, low))
            {
                return d;
            }
        }
        return null;
    }

    /**
     * The domain a packet to a local (BR or CE WAN) address belongs to: a BR picks the domain whose CE IPv4 prefix
     * holds the source (several domains may share an anycast BR address); a CE has one domain. Null when none.
     */
    static SixRdDomain domainOfLocal(final List<SixRdDomain> domains, final int destination, final int source)
    {
        if (domains instanceof SixRdDomains && ((SixRdDomains)domains).hasCeIpv4Table())
        {
            // The one domain whose CE prefix holds the source; anything else (a CE, a foreign source) scans below.
            final SixRdDomain d = ((SixRdDomains)domains).byCeIpv4(source);
            if (d != null && d.localIpv4() == destination)
            {
                return d;
            }
        }
        SixRdDomain fallback = null;
        for (int i = 0; i < domains.size(); i++)
        {
            final SixRdDomain d = domains.get(i);
            if (d.localIpv4() != destination)
            {
                continue;
            }
            if (d.ceMode() || d.isCeIpv4(source))
            {
                return d;
            }
            fallback = fallback == null ? d : fallback;
        }
        return fallback;
    }

    private static int indexOf(final List<SixRdDomain> domains, final SixRdDomain domain)
    {
        if (domains instanceof SixRdDomains)
        {
            return domains.indexOf(domain);
        }
        for (int i = 0; i < domains.size(); i++)
        {
            if (domains.get(i) == domain)
            {
                return i;
            }
        }
        return -1;
    }
}
