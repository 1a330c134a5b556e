package dev.xlat64.dataplane;

import dev.xlat64.core.Counters;
import dev.xlat64.core.Outcome;
import dev.xlat64.core.PacketSink;
import dev.xlat64.core.TranslatorConfig;
import dev.xlat64.engine.Translator;
import dev.xlat64.packet.Checksum;
import dev.xlat64.packet.Ipv4Header;
import dev.xlat64.packet.Ipv6Header;
import dev.xlat64.packet.Tcp;
import dev.xlat64.packet.Udp;
import dev.xlat64.packet.VirtioNetHeader;
import dev.xlat64.siit.PathMtu;
import dev.xlat64.tun.IoUring;
import dev.xlat64.tun.TunDevice;
import dev.xlat64.tun.TunException;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.Supplier;

/**
 * The packet path of one TUN queue: read into the agent's own direct buffer after {@link Translator#HEADROOM} bytes,
 * translate in place, write the result back to the same queue. No allocation, no lock, no logging in
 * {@link #doWork()}; counters are this agent's own.
 *
 * <p>With a virtio-net header (TUN offloads), the header sits just before the packet. A TCP or UDP super-packet (GSO)
 * is translated once, its header fields moved by the size difference of the IP headers and its GSO type switched
 * between TCPV4 and TCPV6 (UDP_L4 serves both IP versions); a partial checksum (NEEDS_CSUM, the uncomplemented pseudo-header sum) is complemented around the
 * translation, because the engine's RFC 1624 update applied to {@code ~P} yields {@code ~P'} — so the engine itself
 * knows nothing of offloads.
 *
 * <p>With io_uring (the default where the kernel allows it), the queue has {@link #SLOTS} buffers, each either
 * provided to the kernel for the queue's one multishot READ, or, once its packet is translated in place, carrying the
 * WRITE of the result. One io_uring_enter per duty cycle submits every request queued and reaps every completion,
 * instead of a read(2) and a write(2) per packet. One multishot read (one poll on the TUN's wait queue, a completion
 * per packet naming its buffer) rather than a read per buffer: with a READ per buffer, each waiting on its own poll,
 * every packet woke all of them, all but one went back to waiting, and io_uring moved reads that had waited too often
 * to its worker thread, where they completed out of order (measured: ~8 poll arms per completion, and 2-3x the
 * retransmits and out-of-order segments at the TCP receiver; bench/README.md). What is not translated in place (ICMP
 * errors, fragments, cut UDP segments: built in scratch buffers the next packet reuses) is written at once with
 * write(2), after the queued writes are submitted, so it does not overtake them. A packet whose write is in flight is
 * counted when the write completes, so a failed write is still counted as {@code tun_write_failed}.
 */
public final class TunAgent implements Agent, PacketSink
{
    /** Packets handled per doWork() before the runner gets control back (bounded work, as Agent requires). */
    static final int BATCH = 64;
    private static final int BUFFER_SIZE = Translator.HEADROOM + 65536 + 4096;
    private static final int MAX_PACKET = BUFFER_SIZE - Translator.HEADROOM - 4096;
    /** A non-GSO packet with a partial checksum that might be fragmented or quoted is finalised in software first. */
    private static final int FINALISE_CHECKSUM_ABOVE = 1260;
    /** Largest growth of a translated header (IPv4 to IPv6), for the GSO segment-size check. */
    private static final int MAX_GROWTH = 20;
    /**
     * io_uring mode: buffers per queue, each provided for the multishot READ or carrying a WRITE (~70 KiB each); a
     * power of two from 2 to 4096. The system property {@code xlat64.ioUringBuffers} overrides it, for benchmarks.
     */
    static final int SLOTS = slots(Integer.getInteger("xlat64.ioUringBuffers", 64));
    private static final long WRITE_TAG = 1;
    private static final long READ_USER_DATA = 0;

    private static final Logger LOG = LoggerFactory.getLogger(TunAgent.class);

    private final TunDevice tun;
    private final int queue;
    private final Translator translator;
    private final Counters counters = new Counters();
    private final Supplier<TranslatorConfig> configSource;
    /** The buffer of the packet being handled (io_uring mode: its slot's) and its native address. */
    private UnsafeBuffer buffer;
    private long address;
    private final String name;
    private final boolean vnet;
    private final VirtioNetHeader vnetIn = new VirtioNetHeader();
    private final VirtioNetHeader vnetOut = new VirtioNetHeader();
    private final UnsafeBuffer plainHeader = new UnsafeBuffer(ByteBuffer.allocateDirect(VirtioNetHeader.LENGTH));
    /** Where a UDP super-packet too big to hand back whole is cut into its datagrams ({@link #translateUdpSegments}). */
    private final UnsafeBuffer segment = new UnsafeBuffer(ByteBuffer.allocateDirect(BUFFER_SIZE));
    private final Ipv4Header segmentIpv4 = new Ipv4Header();

    private TranslatorConfig config;
    private TranslatorConfig gsoConfig;
    private boolean writeFailed;
    private boolean partialChecksum;
    private int checksumPosition;
    private int gsoType;
    private int hdrLen;
    private int gsoSize;
    private int csumStart;
    private int csumOffset;

    private final boolean ioUringWanted;
    /** null: read(2)/write(2) per packet. Created on the agent's thread (the ring is single-issuer). */
    private IoUring ring;
    private UnsafeBuffer[] slots;
    private long[] slotAddresses;
    private boolean[] slotWriting;
    private int[] slotWriteLength;
    private Outcome[] slotOutcome;
    private int[] slotInputLength;
    private int[] slotSixRdDomain;
    private Outcome[] slotIcmpReason;
    /** Whether the multishot read is in flight, and how many buffers the kernel holds for it. */
    private boolean readArmed;
    private int buffersProvided;
    /** Completions an idle wait ({@link #awaitInput}) made ready; the next duty cycle takes them without a syscall. */
    private int awaited;
    /** The slot of the packet being handled, -1 outside io_uring mode; whether its result was queued as a WRITE. */
    private int currentSlot = -1;
    private boolean writeQueued;

    public TunAgent(final TunDevice tun, final int queue, final Supplier<TranslatorConfig> configSource, final boolean vnet)
    {
        this(tun, queue, configSource, vnet, false);
    }

    public TunAgent(final TunDevice tun, final int queue, final Supplier<TranslatorConfig> configSource, final boolean vnet,
        final boolean ioUring)
    {
        this.ioUringWanted = ioUring;
        this.tun = tun;
        this.queue = queue;
        this.configSource = configSource;
        this.vnet = vnet;
        this.config = configSource.get();
        this.gsoConfig = unlimited(config);
        this.translator = new Translator(config);
        this.buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(BUFFER_SIZE));
        this.address = buffer.addressOffset();
        this.name = "xlat64-queue-" + queue;
    }

    /** {@link #SLOTS} as requested, if the provided-buffer ring can take it (a power of two from 2 to 4096). */
    static int slots(final int requested)
    {
        if (requested < 2 || requested > 4096 || Integer.bitCount(requested) != 1)
        {
            throw new IllegalArgumentException("xlat64.ioUringBuffers: " + requested +
                " is not a power of two from 2 to 4096");
        }
        return requested;
    }

    /** The snapshot used for GSO super-packets whose segments fit: size checks are per segment, done here. */
    private static TranslatorConfig unlimited(final TranslatorConfig c)
    {
        return c.toBuilder().tunMtu(65535).ipv4Mtu(65535).ipv6Mtu(65535).lowestIpv6Mtu(65535).build();
    }

    /** On the agent's thread: sets up its io_uring when asked for; falls back to read/write if the kernel refuses. */
    @Override
    public void onStart()
    {
        if (!ioUringWanted)
        {
            return;
        }
        try
        {
            ring = openRing(tun, queue);
        }
        catch (final TunException ex)
        {
            LOG.warn("queue {}: io_uring refused, reading and writing packet by packet: {}", queue, ex.getMessage());
            return;
        }
        slots = new UnsafeBuffer[SLOTS];
        slotAddresses = new long[SLOTS];
        slotWriting = new boolean[SLOTS];
        slotWriteLength = new int[SLOTS];
        slotOutcome = new Outcome[SLOTS];
        slotInputLength = new int[SLOTS];
        slotSixRdDomain = new int[SLOTS];
        slotIcmpReason = new Outcome[SLOTS];
        slots[0] = buffer;
        slotAddresses[0] = address;
        for (int i = 0; i < SLOTS; i++)
        {
            if (i > 0)
            {
                slots[i] = new UnsafeBuffer(ByteBuffer.allocateDirect(BUFFER_SIZE));
                slotAddresses[i] = slots[i].addressOffset();
            }
            provide(i);
        }
        armRead();
    }

    /**
     * The ring of one queue, with {@link #SLOTS} provided buffers registered for its multishot read. Throws where the
     * kernel refuses io_uring or lacks what is used (multishot reads: Linux 6.7); the queue then reads and writes
     * packet by packet.
     */
    static IoUring openRing(final TunDevice tun, final int queue) throws TunException
    {
        final IoUring ring = IoUring.open(tun.fd(queue), 2 * SLOTS);
        try
        {
            ring.registerBufferRing(SLOTS);
            return ring;
        }
        catch (final TunException ex)
        {
            ring.close();
            throw ex;
        }
    }

    @Override
    public void onClose()
    {
        if (ring != null)
        {
            ring.close();
        }
    }

    /** Whether this queue reads and writes through io_uring (false until {@link #onStart} ran, or if refused). */
    public boolean ioUring()
    {
        return ring != null;
    }

    /**
     * The idle wait of the {@code sleep} strategy: blocks until a packet can be handled or {@code timeoutMillis}
     * pass. With io_uring it waits for a completion of the requests in flight; otherwise it polls the TUN fd.
     */
    void awaitInput(final int timeoutMillis)
    {
        if (ring != null)
        {
            awaited = ring.submitAndWait(timeoutMillis); // handled by the next doWork, without entering again
        }
        else
        {
            tun.poll(queue, timeoutMillis);
        }
    }

    @Override
    public int doWork()
    {
        // Config snapshots are swapped between packets: one volatile read per batch (design.md section 2).
        final TranslatorConfig latest = configSource.get();
        if (latest != config)
        {
            config = latest;
            gsoConfig = unlimited(latest); // allocates, but only on reload
        }
        translator.clock(System.nanoTime());
        if (ring != null)
        {
            return doWorkWithRing();
        }
        int work = 0;
        while (work < BATCH)
        {
            final int read = tun.read(queue, address + readStart(), readCapacity());
            if (read <= 0)
            {
                break; // 0: nothing pending; <0: a read error, retried on the next duty cycle
            }
            handle(read);
            work++;
        }
        return work;
    }

    private int readStart()
    {
        return vnet ? Translator.HEADROOM - VirtioNetHeader.LENGTH : Translator.HEADROOM;
    }

    private int readCapacity()
    {
        return MAX_PACKET + Translator.HEADROOM - readStart();
    }

    /**
     * io_uring mode: one io_uring_enter submits the writes queued since the last cycle (and the multishot read, when
     * it has to be queued again) and reaps what completed; each packet read is translated in the buffer it was read
     * into, each finished write counted and its buffer handed back to the kernel for reading.
     */
    private int doWorkWithRing()
    {
        final int ready = awaited > 0 ? awaited : ring.submitAndReap();
        awaited = 0;
        if (ready <= 0)
        {
            return 0; // nothing completed; <0: the enter failed (-errno), retried on the next duty cycle
        }
        int work = 0;
        for (int i = 0; i < ready; i++)
        {
            final long userData = ring.userData(i);
            final int result = ring.result(i);
            if (userData == IoUring.TIMEOUT_USER_DATA)
            {
                continue; // the idle wait's timer fired (awaitInput)
            }
            if ((userData & WRITE_TAG) != 0)
            {
                final int slot = (int)(userData >>> 1);
                writeCompleted(slot, result);
                provide(slot);
                continue;
            }
            final int flags = ring.flags(i);
            if ((flags & IoUring.IORING_CQE_F_MORE) == 0)
            {
                readArmed = false; // the multishot read ended (-ENOBUFS: every buffer taken); queued again below
            }
            final int slot = IoUring.bufferId(flags);
            if (slot < 0)
            {
                continue; // an error (-errno) with no packet: no work, so the runner may idle
            }
            buffersProvided--;
            if (result > 0)
            {
                currentSlot = slot;
                buffer = slots[slot];
                address = slotAddresses[slot];
                handle(result);
                currentSlot = -1;
                work++;
            }
            if (!slotWriting[slot])
            {
                provide(slot); // dropped, answered with write(2), or nothing read: the buffer can be read into again
            }
        }
        ring.consumed(ready);
        armRead();
        return work;
    }

    /** Queues the multishot read again if it ended and the kernel has a buffer to read into. */
    private void armRead()
    {
        if (!readArmed && buffersProvided > 0 && ring.readMultishot(READ_USER_DATA))
        {
            readArmed = true;
        }
    }

    /** Hands the buffer of {@code slot} to the kernel for the multishot read. */
    private void provide(final int slot)
    {
        ring.provideBuffer(slotAddresses[slot] + readStart(), readCapacity(), slot);
        buffersProvided++;
    }

    /** A queued WRITE finished: the packet it carried is counted now, as a failed write if fewer bytes went out. */
    private void writeCompleted(final int slot, final int result)
    {
        slotWriting[slot] = false;
        Outcome outcome = slotOutcome[slot];
        if (result != slotWriteLength[slot] && outcome.kind != Outcome.Kind.DROPPED)
        {
            outcome = Outcome.TUN_WRITE_FAILED;
        }
        count(outcome, slotInputLength[slot], slotSixRdDomain[slot], slotIcmpReason[slot]);
        slotOutcome[slot] = null;
        slotIcmpReason[slot] = null;
    }

    /**
     * Writes {@code length} bytes at native {@code from} to the TUN: in io_uring mode, a result translated in place in
     * the current slot is queued as that slot's WRITE (the slot stays untouched until it completes); anything else is
     * written now, after submitting what was queued before it. Returns the bytes written (queued counts as written), 0 when the queue is full, or -errno.
     */
    private int writeOut(final long from, final int length)
    {
        if (currentSlot >= 0 && !writeQueued && from >= slotAddresses[currentSlot] &&
            from + length <= slotAddresses[currentSlot] + BUFFER_SIZE &&
            ring.write(from, length, ((long)currentSlot << 1) | WRITE_TAG))
        {
            writeQueued = true;
            slotWriting[currentSlot] = true;
            slotWriteLength[currentSlot] = length;
            return length;
        }
        if (ring != null)
        {
            ring.submit(); // the writes queued before this packet go first: no reordering within a flow
        }
        return tun.write(queue, from, length);
    }

    /** Handles one packet of {@code read} bytes (with the virtio-net header when offloads are on) in {@link #buffer}. */
    private void handle(final int read)
    {
        final int length = vnet ? read - VirtioNetHeader.LENGTH : read;
        if (vnet && !prepareOffload(length))
        {
            counters.record(Outcome.EMPTY_PACKET, length);
        }
        else if (vnet && gsoType != VirtioNetHeader.GSO_NONE && segmentFits())
        {
            translateAndCount(buffer, length, gsoConfig);
        }
        else if (vnet && gsoType == VirtioNetHeader.GSO_UDP_L4)
        {
            translateUdpSegments(length);
        }
        else
        {
            translateAndCount(buffer, length, config);
        }
    }

    /** Translates the packet at {@link Translator#HEADROOM} of {@code from} and counts its outcome. */
    private void translateAndCount(final UnsafeBuffer from, final int length, final TranslatorConfig snapshot)
    {
        writeFailed = false;
        writeQueued = false;
        translator.config(snapshot);
        Outcome outcome = translator.translate(from, Translator.HEADROOM, length, this);
        if (writeFailed && outcome.kind != Outcome.Kind.DROPPED)
        {
            outcome = Outcome.TUN_WRITE_FAILED;
        }
        final Outcome icmpReason = outcome == Outcome.ICMPV4_ERROR_SENT || outcome == Outcome.ICMPV6_ERROR_SENT ?
            translator.icmpErrorReason() : null;
        if (writeQueued)
        {
            // Counted when the write completes (writeCompleted), so that a failed write counts as one.
            writeQueued = false;
            slotOutcome[currentSlot] = outcome;
            slotInputLength[currentSlot] = length;
            slotSixRdDomain[currentSlot] = translator.sixRdDomainIndex();
            slotIcmpReason[currentSlot] = icmpReason;
            return;
        }
        count(outcome, length, translator.sixRdDomainIndex(), icmpReason);
    }

    private void count(final Outcome outcome, final int length, final int sixRdDomain, final Outcome icmpReason)
    {
        counters.record(outcome, length);
        if (icmpReason != null)
        {
            counters.recordIcmpErrorReason(icmpReason);
        }
        counters.recordSixRdDomain(sixRdDomain, outcome);
    }

    /**
     * A UDP super-packet whose datagrams would not fit the next hop once translated (e.g. 1472-byte IPv4 datagrams
     * with DF clear, 20 bytes too long for a 1500-byte IPv6 link): cut here into the datagrams the kernel would have
     * handed over without USO, each with its own lengths, complete checksums and (IPv4) the identification GSO would
     * give it, and each translated like any packet: fragmented, or answered with Packet Too Big, on its own. Never
     * merged: UDP keeps its message boundaries.
     */
    private void translateUdpSegments(final int length)
    {
        final int payload = length - csumStart - Udp.HEADER_LENGTH;
        if (payload < 0)
        {
            translateAndCount(buffer, length, config); // too short to hold its headers: the engine says why it drops it
            return;
        }
        final int step = gsoSize > 0 ? gsoSize : Math.max(1, payload);
        partialChecksum = false; // every datagram gets a complete checksum
        final int count = Math.max(1, (payload + step - 1) / step);
        for (int i = 0; i < count; i++)
        {
            translateAndCount(segment, cutUdpSegment(buffer, length, csumStart, step, i, segment, segmentIpv4), config);
        }
    }

    /**
     * Writes datagram {@code index} of the UDP super-packet at {@link Translator#HEADROOM} of {@code from} ({@code
     * length} bytes, UDP header at {@code udpOffset}, {@code step} payload bytes per datagram) to the same offset of
     * {@code to}, as the kernel's UDP segmentation would: IP header copied with its lengths (IPv4: total length,
     * identification + index, header checksum; IPv6: payload length) and UDP length and checksum for this datagram.
     * Returns its length.
     */
    static int cutUdpSegment(final DirectBuffer from, final int length, final int udpOffset, final int step,
        final int index, final MutableDirectBuffer to, final Ipv4Header ip4)
    {
        final int in = Translator.HEADROOM;
        final int headers = udpOffset + Udp.HEADER_LENGTH;
        final int done = index * step;
        final int chunk = Math.max(0, Math.min(step, length - headers - done));
        to.putBytes(in, from, in, headers);
        to.putBytes(in + headers, from, in + headers + done, chunk);
        final int segmentLength = headers + chunk;
        final int udpLength = Udp.HEADER_LENGTH + chunk;
        final int udp = in + udpOffset;
        to.putShort(udp + Udp.LENGTH, (short)udpLength, ByteOrder.BIG_ENDIAN);
        to.putShort(udp + Udp.CHECKSUM, (short)0);
        final long pseudoHeader;
        if ((from.getByte(in) & 0xF0) == 0x40)
        {
            ip4.wrap(to, in);
            ip4.totalLength(segmentLength).identification(ip4.identification() + index).computeHeaderChecksum();
            pseudoHeader = Checksum.ipv4PseudoHeader(ip4.source(), ip4.destination(), udpLength, Ipv4Header.PROTOCOL_UDP);
        }
        else
        {
            to.putShort(in + Ipv6Header.PAYLOAD_LENGTH, (short)(segmentLength - Ipv6Header.LENGTH), ByteOrder.BIG_ENDIAN);
            pseudoHeader = Checksum.ipv6PseudoHeader(to, in + Ipv6Header.SOURCE, udpLength, Ipv4Header.PROTOCOL_UDP);
        }
        final int checksum = Checksum.finish(Checksum.add(to, udp, udpLength, pseudoHeader));
        // RFC 768: a computed zero is sent as all ones.
        to.putShort(udp + Udp.CHECKSUM, (short)(checksum == 0 ? 0xFFFF : checksum), ByteOrder.BIG_ENDIAN);
        return segmentLength;
    }

    /** Reads the virtio-net header; false for a read too short to hold one. */
    private boolean prepareOffload(final int length)
    {
        if (length <= 0)
        {
            return false;
        }
        vnetIn.wrap(buffer, Translator.HEADROOM - VirtioNetHeader.LENGTH);
        gsoType = vnetIn.gsoType();
        hdrLen = vnetIn.hdrLen();
        gsoSize = vnetIn.gsoSize();
        csumStart = vnetIn.csumStart();
        csumOffset = vnetIn.csumOffset();
        partialChecksum = (vnetIn.flags() & VirtioNetHeader.F_NEEDS_CSUM) != 0 &&
            csumStart + csumOffset + 2 <= length;
        if (!partialChecksum)
        {
            gsoType = VirtioNetHeader.GSO_NONE; // GSO always comes with NEEDS_CSUM; without it, treat as plain
            return true;
        }
        checksumPosition = Translator.HEADROOM + csumStart + csumOffset;
        if (finaliseChecksumFirst(gsoType, length, csumOffset))
        {
            final int sum = Checksum.finish(Checksum.add(buffer, Translator.HEADROOM + csumStart, length - csumStart, 0));
            buffer.putShort(checksumPosition, (short)sum, ByteOrder.BIG_ENDIAN);
            partialChecksum = false;
            return true;
        }
        complementChecksumField();
        if (buffer.getShort(checksumPosition) == 0)
        {
            // P = 0xFFFF: ~P would read as UDP's "no checksum" (RFC 768); 0xFFFF is the same ones'-complement value.
            buffer.putShort(checksumPosition, (short)0xFFFF);
        }
        return true;
    }

    /**
     * Whether a partial checksum is completed in software before translation instead of complemented around it. The
     * complement trick only holds where translation changes nothing the kernel will sum itself: TCP and UDP, whose
     * pseudo-header (outside the summed range) is all that changes. An ICMPv6 echo also changes its type byte, which
     * the kernel sums, and loses its pseudo-header (RFC 7915 s.5.2), so ICMP is completed first; so is a non-GSO
     * packet that might be fragmented or quoted in an ICMP error (above 1260 bytes).
     */
    static boolean finaliseChecksumFirst(final int gsoType, final int length, final int csumOffset)
    {
        return gsoType == VirtioNetHeader.GSO_NONE &&
            (length > FINALISE_CHECKSUM_ABOVE || csumOffset != Tcp.CHECKSUM && csumOffset != Udp.CHECKSUM);
    }

    /**
     * True when each segment of the super-packet fits the next hop after translation; otherwise the packet takes the
     * normal path and its sender gets Fragmentation Needed / Packet Too Big.
     */
    private boolean segmentFits()
    {
        final int segment = csumStart + l4HeaderLength(buffer, Translator.HEADROOM + csumStart, gsoType) + gsoSize;
        final boolean ipv4 = (buffer.getByte(Translator.HEADROOM) & 0xF0) == 0x40;
        if (!ipv4)
        {
            return segment <= mtu(config.ipv4Mtu) + MAX_GROWTH;
        }
        // RFC 7915 s.4.1: DF=0 datagrams above the lowest IPv6 MTU are fragmented to it, so such UDP segments are cut
        // and translated one by one, as they would be without USO.
        final boolean udpWithoutDf = gsoType == VirtioNetHeader.GSO_UDP_L4 &&
            (buffer.getShort(Translator.HEADROOM + Ipv4Header.FLAGS_FRAGMENT_OFFSET, ByteOrder.BIG_ENDIAN) &
            Ipv4Header.FLAG_DF) == 0;
        final int limit = udpWithoutDf ? Math.min(config.lowestIpv6Mtu, mtu(config.ipv6Mtu)) : mtu(config.ipv6Mtu);
        return segment + MAX_GROWTH <= limit;
    }

    /**
     * Header bytes every segment of a super-packet repeats from its L4 header at {@code l4}: 8 for UDP, the data offset
     * for TCP. (hdr_len from the kernel is the length of the linear head, not of the headers, so they are measured.)
     */
    static int l4HeaderLength(final MutableDirectBuffer buffer, final int l4, final int gsoType)
    {
        return (gsoType & ~VirtioNetHeader.GSO_ECN) == VirtioNetHeader.GSO_UDP_L4 ?
            Udp.HEADER_LENGTH : (buffer.getByte(l4 + 12) & 0xF0) >>> 2;
    }

    /**
     * RFC 7915 s.5.1: DF is set only on translated packets above 1260 bytes. The engine decided DF for the whole
     * super-packet; the kernel copies that header to every segment, so when a full segment is 1260 bytes or less
     * (64-byte UDP datagrams, a small TCP MSS) DF is cleared here and the header checksum updated (RFC 1624). A short
     * last segment of a super-packet whose full segments exceed 1260 bytes keeps DF, like its siblings. Each segment's
     * identification is the kernel's increment of the engine's random one.
     */
    static void clearDontFragmentOfSmallSegments(final MutableDirectBuffer buffer, final int ipv4, final int segmentLength)
    {
        final int flags = buffer.getShort(ipv4 + Ipv4Header.FLAGS_FRAGMENT_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        if ((flags & Ipv4Header.FLAG_DF) == 0 || segmentLength > PathMtu.DF_THRESHOLD)
        {
            return;
        }
        final int cleared = flags & ~Ipv4Header.FLAG_DF;
        buffer.putShort(ipv4 + Ipv4Header.FLAGS_FRAGMENT_OFFSET, (short)cleared, ByteOrder.BIG_ENDIAN);
        final int checksum = buffer.getShort(ipv4 + Ipv4Header.HEADER_CHECKSUM, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        buffer.putShort(ipv4 + Ipv4Header.HEADER_CHECKSUM, (short)Checksum.update(checksum, flags, cleared),
            ByteOrder.BIG_ENDIAN);
    }

    private int mtu(final int configured)
    {
        return configured != 0 ? configured : config.tunMtu;
    }

    private void complementChecksumField()
    {
        buffer.putShort(checksumPosition, (short)~buffer.getShort(checksumPosition));
    }

    @Override
    public void emit(final MutableDirectBuffer out, final int offset, final int length)
    {
        final int written;
        if (!vnet)
        {
            written = writeOut(out.addressOffset() + offset, length);
            if (written != length)
            {
                writeFailed = true;
            }
            return;
        }
        if (out == buffer && offset >= VirtioNetHeader.LENGTH)
        {
            // Translated in place: the L4 header did not move, only the IP header in front of it changed size.
            final int shift = Translator.HEADROOM - offset;
            int flags = 0;
            int type = VirtioNetHeader.GSO_NONE;
            if (partialChecksum)
            {
                complementChecksumField();
                partialChecksum = false;
                flags = VirtioNetHeader.F_NEEDS_CSUM;
                if (gsoType != VirtioNetHeader.GSO_NONE)
                {
                    final boolean ipv4 = (buffer.getByte(offset) & 0xF0) == 0x40;
                    type = gsoType == VirtioNetHeader.GSO_UDP_L4 ? VirtioNetHeader.GSO_UDP_L4 :
                        (ipv4 ? VirtioNetHeader.GSO_TCPV4 : VirtioNetHeader.GSO_TCPV6) | (gsoType & VirtioNetHeader.GSO_ECN);
                    if (ipv4)
                    {
                        final int l4 = csumStart + shift;
                        clearDontFragmentOfSmallSegments(buffer, offset,
                            l4 + l4HeaderLength(buffer, offset + l4, gsoType) + gsoSize);
                    }
                }
            }
            vnetOut.wrap(buffer, offset - VirtioNetHeader.LENGTH);
            if (flags == 0)
            {
                vnetOut.set(0, VirtioNetHeader.GSO_NONE, 0, 0, 0, 0);
            }
            else
            {
                vnetOut.set(flags, type, type == VirtioNetHeader.GSO_NONE ? 0 : Math.max(0, hdrLen + shift),
                    type == VirtioNetHeader.GSO_NONE ? 0 : gsoSize, csumStart + shift, csumOffset);
            }
            written = writeOut(address + offset - VirtioNetHeader.LENGTH, length + VirtioNetHeader.LENGTH) -
                VirtioNetHeader.LENGTH;
        }
        else
        {
            // Built elsewhere (an ICMP error, a fragment): a complete packet with real checksums, no offload.
            if (ring != null)
            {
                ring.submit(); // the writes queued before this packet go first
            }
            written = tun.write(queue, plainHeader.addressOffset(), VirtioNetHeader.LENGTH, out.addressOffset() + offset,
                length) - VirtioNetHeader.LENGTH;
        }
        if (written != length)
        {
            writeFailed = true;
        }
    }

    public Counters counters()
    {
        return counters;
    }

    public int queue()
    {
        return queue;
    }

    @Override
    public String roleName()
    {
        return name;
    }
}
