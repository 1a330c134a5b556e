package dev.xlat64.dataplane;

import dev.xlat64.engine.Counters;
import dev.xlat64.engine.Outcome;
import dev.xlat64.engine.PacketSink;
import dev.xlat64.engine.Translator;
import dev.xlat64.siit.SiitConfig;
import dev.xlat64.tun.TunDevice;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.util.function.Supplier;

/**
 * The packet path of one TUN queue: read into the agent's own direct buffer after {@link Translator#HEADROOM} bytes,
 * translate in place, write the result back to the same queue. No allocation, no lock, no logging in
 * {@link #doWork()}; counters are this agent's own.
 */
public final class TunAgent implements Agent, PacketSink
{
    /** Packets handled per doWork() before the runner gets control back (bounded work, as Agent requires). */
    static final int BATCH = 64;
    private static final int BUFFER_SIZE = Translator.HEADROOM + 65536 + 4096;

    private final TunDevice tun;
    private final int queue;
    private final Translator translator;
    private final Counters counters = new Counters();
    private final Supplier<SiitConfig> configSource;
    private final UnsafeBuffer buffer;
    private final long address;
    private final String name;
    private boolean writeFailed;

    public TunAgent(final TunDevice tun, final int queue, final Supplier<SiitConfig> configSource)
    {
        this.tun = tun;
        this.queue = queue;
        this.configSource = configSource;
        this.translator = new Translator(configSource.get());
        this.buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(BUFFER_SIZE));
        this.address = buffer.addressOffset();
        this.name = "xlat64-queue-" + queue;
    }

    @Override
    public int doWork()
    {
        // Config snapshots are swapped between packets: one volatile read per batch (design.md section 2).
        final SiitConfig config = configSource.get();
        if (config != translator.config())
        {
            translator.config(config);
        }
        translator.clock(System.nanoTime());
        int work = 0;
        while (work < BATCH)
        {
            final int length = tun.read(queue, address + Translator.HEADROOM, BUFFER_SIZE - Translator.HEADROOM - 4096);
            if (length <= 0)
            {
                break; // 0: nothing pending; <0: a read error, retried on the next duty cycle
            }
            writeFailed = false;
            Outcome outcome = translator.translate(buffer, Translator.HEADROOM, length, this);
            if (writeFailed && outcome.kind != Outcome.Kind.DROPPED)
            {
                outcome = Outcome.TUN_WRITE_FAILED;
            }
            counters.record(outcome, length);
            counters.recordSixRdDomain(translator.sixRdDomainIndex(), outcome);
            work++;
        }
        return work;
    }

    @Override
    public void emit(final MutableDirectBuffer out, final int offset, final int length)
    {
        if (tun.write(queue, out.addressOffset() + offset, length) != length)
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
