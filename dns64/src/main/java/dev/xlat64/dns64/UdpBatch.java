package dev.xlat64.dns64;

import jnr.ffi.Pointer;
import org.agrona.concurrent.UnsafeBuffer;

import java.net.InetSocketAddress;

/**
 * One event loop's batch of client datagrams for recvmmsg(2) and sendmmsg(2) ({@link NativeUdp}): {@value #SIZE}
 * {@code struct mmsghdr} each way with their iovecs, sender addresses and 64 KiB data slots, allocated once in native
 * memory, so receiving a batch, reading a query, queueing its answer and sending the batch allocate nothing. An answer
 * goes back to the sender address its query came with (the received {@code sockaddr} itself), from the socket it came
 * in on. Loop thread only.
 */
final class UdpBatch
{
    static final int SIZE = 32;
    /** Larger than any UDP datagram: a query is never cut (no MSG_TRUNC), an answer always fits. */
    static final int SLOT = 65536;
    /** Linux x86-64/aarch64 {@code struct mmsghdr}: a {@code struct msghdr} (56 bytes) and {@code msg_len}, padded. */
    private static final int MMSGHDR = 64;
    private static final int MSG_NAME = 0;
    private static final int MSG_NAMELEN = 8;
    private static final int MSG_IOV = 16;
    private static final int MSG_IOVLEN = 24;
    private static final int MSG_LEN = 56;
    /** {@code struct iovec {void *iov_base; size_t iov_len;}}. */
    private static final int IOVEC = 16;
    private static final int NAME = 32;

    private static final int RECV_HDRS = 0;
    private static final int SEND_HDRS = RECV_HDRS + SIZE * MMSGHDR;
    private static final int RECV_IOVS = SEND_HDRS + SIZE * MMSGHDR;
    private static final int SEND_IOVS = RECV_IOVS + SIZE * IOVEC;
    private static final int NAMES = SEND_IOVS + SIZE * IOVEC;
    private static final int HEADERS = NAMES + SIZE * NAME;
    private static final int SEND_DATA = SIZE * SLOT;

    /** The native memory (kept referenced: it is freed when collected) and views on it. */
    private final Pointer headerMemory = NativeUdp.allocate(HEADERS);
    private final Pointer dataMemory = NativeUdp.allocate(2 * SIZE * SLOT);
    private final UnsafeBuffer headers = new UnsafeBuffer(headerMemory.address(), HEADERS);
    private final UnsafeBuffer data = new UnsafeBuffer(dataMemory.address(), 2 * SIZE * SLOT);
    private final NativeUdp.LibC libc = NativeUdp.libc();
    private int queued;

    UdpBatch()
    {
        headers.setMemory(0, HEADERS, (byte)0);
        final long base = headerMemory.address();
        final long dataBase = dataMemory.address();
        for (int i = 0; i < SIZE; i++)
        {
            final int recv = RECV_HDRS + i * MMSGHDR;
            headers.putLong(recv + MSG_NAME, base + NAMES + (long)i * NAME);
            headers.putLong(recv + MSG_IOV, base + RECV_IOVS + (long)i * IOVEC);
            headers.putLong(recv + MSG_IOVLEN, 1);
            headers.putLong(RECV_IOVS + i * IOVEC, dataBase + (long)i * SLOT);
            headers.putLong(RECV_IOVS + i * IOVEC + 8, SLOT);
            final int send = SEND_HDRS + i * MMSGHDR;
            headers.putLong(send + MSG_IOV, base + SEND_IOVS + (long)i * IOVEC);
            headers.putLong(send + MSG_IOVLEN, 1);
            headers.putLong(SEND_IOVS + i * IOVEC, dataBase + SEND_DATA + (long)i * SLOT);
        }
    }

    /**
     * Receives up to {@value #SIZE} datagrams waiting on {@code fd} (non-blocking); their count, 0 when none is
     * waiting,
     * or minus the errno of a failure. Replies queued from the previous batch must have been {@link #flush}ed.
     */
    int receive(final int fd)
    {
        queued = 0;
        for (int i = 0; i < SIZE; i++)
        {
            headers.putInt(RECV_HDRS + i * MMSGHDR + MSG_NAMELEN, SockAddr.SIZE);
        }
        final int n = libc.recvmmsg(fd, headerMemory.address() + RECV_HDRS, SIZE, NativeUdp.MSG_DONTWAIT, 0);
        if (n >= 0)
        {
            return n;
        }
        final int errno = NativeUdp.errno();
        return errno == NativeUdp.EAGAIN || errno == NativeUdp.EINTR ? 0 : -errno;
    }

    /** Copies datagram {@code i} of the batch into {@code into}; its length. */
    int datagram(final int i, final byte[] into)
    {
        final int length = headers.getInt(RECV_HDRS + i * MMSGHDR + MSG_LEN);
        data.getBytes(i * SLOT, into, 0, length);
        return length;
    }

    /** The address bytes of datagram {@code i}'s sender into {@code out} (16 bytes); their count, 0 if unknown. */
    int senderAddress(final int i, final byte[] out)
    {
        return SockAddr.address(headers, NAMES + i * NAME, out);
    }

    /** Datagram {@code i}'s sender as the JDK reports it (allocates: for the full path). */
    InetSocketAddress sender(final int i)
    {
        return SockAddr.toInet(headers, NAMES + i * NAME);
    }

    /** Queues {@code answer[0..length)} for datagram {@code i}'s sender. */
    void reply(final int i, final byte[] answer, final int length)
    {
        final int j = queued++;
        final int send = SEND_HDRS + j * MMSGHDR;
        headers.putLong(send + MSG_NAME, headerMemory.address() + NAMES + (long)i * NAME);
        headers.putInt(send + MSG_NAMELEN, headers.getInt(RECV_HDRS + i * MMSGHDR + MSG_NAMELEN));
        data.putBytes(SEND_DATA + j * SLOT, answer, 0, length);
        headers.putLong(SEND_IOVS + j * IOVEC + 8, length);
    }

    /**
     * Sends the queued replies with as few sendmmsg calls as the kernel allows. A reply the kernel refuses (e.g. a
     * firewall's EPERM for one address) is skipped and the rest still go; when the socket buffer is full (EAGAIN) the
     * rest are dropped: as with a lost datagram, the client retries.
     */
    void flush(final int fd)
    {
        int sent = 0;
        for (int attempt = 0; sent < queued && attempt < 2 * SIZE; attempt++)
        {
            final int n = libc.sendmmsg(fd, headerMemory.address() + SEND_HDRS + (long)sent * MMSGHDR, queued - sent,
                NativeUdp.MSG_DONTWAIT);
            if (n > 0)
            {
                sent += n;
                continue;
            }
            final int errno = n < 0 ? NativeUdp.errno() : 0;
            if (errno == NativeUdp.EAGAIN)
            {
                break;
            }
            if (errno != NativeUdp.EINTR)
            {
                sent++;
            }
        }
        queued = 0;
    }
}
