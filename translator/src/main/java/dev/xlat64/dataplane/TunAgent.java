package dev.xlat64.dataplane;

import dev.xlat64.core.Counters;
import dev.xlat64.core.Outcome;
import dev.xlat64.core.PacketSink;
import dev.xlat64.engine.Translator;
import dev.xlat64.packet.Ipv4Header;
import dev.xlat64.packet.Ipv6Header;
import dev.xlat64.packet.VirtioNetHeader;
import dev.xlat64.core.TranslatorConfig;
import dev.xlat64.map.MapDomain;
import dev.xlat64.tun.TunDevice;
import dev.xlat64.tun.TunException;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.function.Supplier;

/**
 * The packet path of one TUN queue: each packet its {@link QueueIo} reads (into a {@link Slot}, after
 * {@link Translator#HEADROOM} bytes) is translated in place and the result written back to the same queue; the
 * virtio-net offloads are handled around the engine ({@link VirtioNetOffload}, {@link UdpSegmenter}) and every outcome
 * counted once ({@link OutcomeRecorder}). No allocation, no lock, no logging in {@link #doWork()}; counters are this
 * agent's own.
 */
public final class TunAgent implements Agent, PacketSink, QueueIo.Handler, UdpSegmenter.Sink
{
    /** Packets handled per doWork() before the runner gets control back (bounded work, as Agent requires). */
    static final int BATCH = 64;

    private static final Logger LOG = LoggerFactory.getLogger(TunAgent.class);

    private final TunDevice tun;
    private final int queue;
    private final String name;
    private final boolean vnet;
    private final boolean ioUringWanted;
    private final Supplier<TranslatorConfig> configSource;
    private final Translator translator;
    private final OutcomeRecorder recorder = new OutcomeRecorder();
    private final VirtioNetOffload offload = new VirtioNetOffload();
    private final UdpSegmenter segmenter = new UdpSegmenter();
    private final TcpSegmenter tcpSegmenter = new TcpSegmenter();
    /** read(2)/write(2) until {@link #onStart} sets up io_uring (on the agent's thread: the ring is single-issuer). */
    private QueueIo io;
    private TranslatorConfig config;
    private TranslatorConfig gsoConfig;
    private Supplier<List<MapDomain>> mapDomainSource = List::of;
    private List<MapDomain> mapDomains = List.of();
    /** The slot of the packet being handled, and whether a write of its results failed. */
    private Slot slot;
    private boolean writeFailed;

    public TunAgent(final TunDevice tun, final int queue, final Supplier<TranslatorConfig> configSource,
        final boolean vnet, final boolean ioUring)
    {
        this(tun, new SyscallQueue(tun, queue, vnet), queue, configSource, vnet, ioUring);
    }

    /** An agent on {@code io} (tests: a fake queue). */
    TunAgent(final QueueIo io, final Supplier<TranslatorConfig> configSource, final boolean vnet)
    {
        this(null, io, 0, configSource, vnet, false);
    }

    private TunAgent(final TunDevice tun, final QueueIo io, final int queue,
        final Supplier<TranslatorConfig> configSource, final boolean vnet, final boolean ioUring)
    {
        this.tun = tun;
        this.io = io;
        this.queue = queue;
        this.name = "xlat64-queue-" + queue;
        this.vnet = vnet;
        this.ioUringWanted = ioUring;
        this.configSource = configSource;
        this.config = configSource.get();
        this.gsoConfig = unlimited(config);
        this.translator = new Translator(config);
    }

    /** Where the MAP domains in force are read, once per batch (default: none). */
    public void mapDomainSource(final Supplier<List<MapDomain>> source)
    {
        mapDomainSource = source;
    }

    /** The snapshot used for GSO super-packets whose segments fit: size checks are per segment, done here. */
    private static TranslatorConfig unlimited(final TranslatorConfig c)
    {
        // A 65516-65535-byte IPv4 super-packet becomes up to 20 bytes longer as IPv6 (its payload length still fits
        // 16 bits): the MTU must not refuse or fragment it, its segments were checked to fit (VirtioNetOffload).
        final int unlimited = 0xFFFF + Ipv6Header.LENGTH - Ipv4Header.MIN_LENGTH;
        return c.toBuilder().tunMtu(unlimited).ipv4Mtu(unlimited).ipv6Mtu(unlimited).lowestIpv6Mtu(unlimited).build();
    }

    /** On the agent's thread: sets up its io_uring when asked for; stays with read/write if the kernel refuses. */
    @Override
    public void onStart()
    {
        if (!ioUringWanted)
        {
            return;
        }
        try
        {
            final QueueIo ring = IoUringQueue.open(tun, queue, vnet);
            io.close();
            io = ring;
        }
        catch (final TunException ex)
        {
            LOG.warn("queue {}: io_uring refused, reading and writing packet by packet: {}", queue, ex.getMessage());
        }
    }

    @Override
    public void onClose()
    {
        io.close();
    }

    /** Whether this queue reads and writes through io_uring (false until {@link #onStart} ran, or if refused). */
    public boolean ioUring()
    {
        return io.ioUring();
    }

    /** The idle wait of the {@code sleep} strategy: blocks until a packet can be handled or the timeout passes. */
    void awaitInput(final int timeoutMillis)
    {
        io.awaitInput(timeoutMillis);
    }

    @Override
    public int doWork()
    {
        // Config snapshots are swapped between packets: one volatile read per batch (docs/architecture.md, "The
        // packet path").
        final TranslatorConfig latest = configSource.get();
        if (latest != config)
        {
            config = latest;
            gsoConfig = unlimited(latest); // allocates, but only on reload
        }
        final List<MapDomain> maps = mapDomainSource.get();
        if (maps != mapDomains)
        {
            mapDomains = maps;
            translator.mapDomains(maps); // allocates, but only on reload
        }
        translator.clock(System.nanoTime());
        return io.readBatch(this, BATCH);
    }

    /** Handles one packet of {@code read} bytes (with the virtio-net header when offloads are on) in {@code slot}. */
    @Override
    public void packet(final Slot slot, final int read)
    {
        this.slot = slot;
        final int length = vnet ? read - VirtioNetHeader.LENGTH : read;
        if (!vnet)
        {
            translateAndCount(slot.buffer, length, config);
        }
        else if (!offload.read(slot.buffer, length, config))
        {
            recorder.empty(length);
        }
        else if (offload.superPacket() && offload.segmentsFit(config))
        {
            translateAndCount(slot.buffer, length, gsoConfig);
        }
        else if (offload.tcpSuperPacket() && TcpSegmenter.count(length, offload.l4Offset(),
            VirtioNetOffload.l4HeaderLength(slot.buffer, Translator.HEADROOM + offload.l4Offset(), 0),
            offload.segmentSize()) > 0)
        {
            offload.checksumsCompleted(); // every segment gets a complete checksum
            tcpSegmenter.cut(slot.buffer, length, offload.l4Offset(), offload.segmentSize(), this);
        }
        else if (offload.udpSuperPacket() && UdpSegmenter.count(length, offload.l4Offset(), offload.segmentSize()) > 0)
        {
            offload.checksumsCompleted(); // every datagram gets a complete checksum
            segmenter.cut(slot.buffer, length, offload.l4Offset(), offload.segmentSize(), this);
        }
        else
        {
            // A UDP super-packet too short to hold its headers goes here too: the engine says why it drops it.
            translateAndCount(slot.buffer, length, config);
        }
    }

    /** One datagram cut from a UDP super-packet, translated and counted like any packet. */
    @Override
    public void segment(final UnsafeBuffer buffer, final int length)
    {
        translateAndCount(buffer, length, config);
    }

    /** Translates the packet at {@link Translator#HEADROOM} of {@code from} and counts its outcome. */
    private void translateAndCount(final UnsafeBuffer from, final int length, final TranslatorConfig snapshot)
    {
        writeFailed = false;
        slot.queuedNow = false;
        translator.config(snapshot);
        final Outcome outcome = translator.translate(from, Translator.HEADROOM, length, this);
        recorder.record(slot, outcome, length, writeFailed, translator);
    }

    @Override
    public void writeCompleted(final Slot slot, final int result)
    {
        recorder.writeCompleted(slot, result);
    }

    /**
     * Writes what the engine emits. With offloads, a result translated in place gets its virtio-net header in front
     * ({@link VirtioNetOffload#writeHeader}); one built elsewhere (an ICMP error, a fragment, a cut datagram) is a
     * complete packet with real checksums and goes out behind a plain header.
     */
    @Override
    public void emit(final MutableDirectBuffer out, final int offset, final int length)
    {
        final int written;
        if (!vnet)
        {
            written = io.write(out.addressOffset() + offset, length);
        }
        else if (out == slot.buffer && offset >= VirtioNetHeader.LENGTH)
        {
            offload.writeHeader(offset);
            written = io.write(slot.address + offset - VirtioNetHeader.LENGTH, length + VirtioNetHeader.LENGTH) -
                VirtioNetHeader.LENGTH;
        }
        else
        {
            written = io.write(offload.plainHeaderAddress(), VirtioNetHeader.LENGTH, out.addressOffset() + offset,
                length) - VirtioNetHeader.LENGTH;
        }
        if (written != length)
        {
            writeFailed = true;
        }
    }

    public Counters counters()
    {
        return recorder.counters();
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
