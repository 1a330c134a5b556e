package dev.xlat64.dataplane;

import dev.xlat64.tun.TunDevice;
import org.agrona.concurrent.IdleStrategy;

/**
 * The {@code sleep} idle strategy: when a duty cycle found nothing, block in poll(2) on the queue's fd until a packet
 * arrives (or 100 ms pass, so the runner can notice it is being closed). No CPU when idle and no added latency,
 * unlike a fixed sleep.
 */
final class PollIdleStrategy implements IdleStrategy
{
    private static final int TIMEOUT_MILLIS = 100;

    private final TunDevice tun;
    private final int queue;

    PollIdleStrategy(final TunDevice tun, final int queue)
    {
        this.tun = tun;
        this.queue = queue;
    }

    @Override
    public void idle(final int workCount)
    {
        if (workCount <= 0)
        {
            idle();
        }
    }

    @Override
    public void idle()
    {
        tun.poll(queue, TIMEOUT_MILLIS);
    }

    @Override
    public void reset()
    {
    }

    @Override
    public String alias()
    {
        return "poll";
    }
}
