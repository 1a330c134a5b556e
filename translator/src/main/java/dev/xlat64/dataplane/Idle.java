package dev.xlat64.dataplane;

/** How a queue's agent waits when its queue is empty ({@code tun.idle}). */
public enum Idle
{
    /** Spin on the CPU: lowest latency, one core per queue always busy. */
    BUSY_SPIN,
    /** Spin, yield, then park up to 1 ms: low latency under load, little CPU when idle. */
    BACKOFF,
    /** Block in poll(2) on the TUN fd (io_uring: in io_uring_enter): no CPU when idle, one wake-up per burst. */
    SLEEP
}
