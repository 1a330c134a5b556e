package dev.xlat64.dataplane;

import org.agrona.concurrent.IdleStrategy;

/**
 * The {@code sleep} idle strategy: when a duty cycle found nothing, block until a packet arrives (or 100 ms pass, so
 * the runner can notice it is being closed): in poll(2) on the queue's fd, or with io_uring in io_uring_enter waiting
 * for a completion ({@link TunAgent#awaitInput}). No CPU when idle and no added latency, unlike a fixed sleep.
 */
final class PollIdleStrategy implements IdleStrategy
{
    private static final int TIMEOUT_MILLIS = 100;

    private final TunAgent agent;

    PollIdleStrategy(final TunAgent agent)
    {
        this.agent = agent;
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
        agent.awaitInput(TIMEOUT_MILLIS);
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
