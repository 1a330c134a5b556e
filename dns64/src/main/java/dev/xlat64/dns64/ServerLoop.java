package dev.xlat64.dns64;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * One of the DNS64's event loops ({@code dns64.threads}) with everything it touches: its own UDP and TCP listening
 * sockets (SO_REUSEPORT siblings of the other loops': the kernel spreads clients over them), its upstream sockets,
 * resolver, caches and TCP clients. Loops share nothing but the (thread-safe) meters, so nothing on a query's path
 * takes a lock. UDP cache hits take the fast path ({@link AnswerCache}), read and answered in recvmmsg/sendmmsg
 * batches ({@link UdpBatch}) where {@link NativeUdp} can, else one datagram at a time through the JDK's channel;
 * client TCP connections (RFC 7766) are {@link TcpClients}'. Clients outside the ACL are not accepted over TCP.
 */
final class ServerLoop
{
    /** Accepting failed (e.g. out of file descriptors): accept again after this pause instead of spinning. */
    private static final long ACCEPT_RETRY_MS = 100;
    private static final int UDP_BURST = 64;

    final EventLoop loop;
    final Upstreams upstreams;
    final Resolver resolver;
    final TcpClients tcpClients;
    private final ByteBuffer udpBuffer = ByteBuffer.allocateDirect(65535);
    /** The fast path's buffers (reused: a cache hit allocates nothing) and the last sender found in the ACL. */
    private final byte[] udpIn = new byte[65535];
    private final byte[] udpOut = new byte[65535];
    private final ByteBuffer udpOutBuffer = ByteBuffer.allocateDirect(65535);
    private InetAddress lastAdmitted;
    /** The batch path's: its buffers (when it is used), a sender's address bytes and the last admitted ones. */
    private UdpBatch batch;
    private final byte[] sender = new byte[16];
    private final byte[] lastAdmittedBytes = new byte[16];
    private int lastAdmittedLength;
    private final Dns64Metrics metrics;
    private final Policy policy;

    /** {@code config} is this loop's share ({@link Dns64Config#share}); {@code onFatal} gets an Error in the loop. */
    ServerLoop(final Dns64Config config, final Dns64Metrics metrics, final int index,
        final Consumer<Throwable> onFatal) throws IOException
    {
        this.metrics = metrics;
        this.policy = config.policy;
        this.loop = new EventLoop("xlat64-dns64-" + index, metrics.internalErrors::increment, onFatal);
        this.upstreams = new Upstreams(loop, config.upstreams, config.timeoutMs, config.attempts, metrics);
        this.resolver = new Resolver(config, new Cache(config.cacheEntries, config.cacheBytes), upstreams, metrics);
        this.tcpClients = new TcpClients(config, loop, resolver, metrics);
    }

    /** Adds a listening UDP socket, read with recvmmsg batches when {@link NativeUdp} can; the handler (tests). */
    EventLoop.Handler addUdp(final DatagramChannel udp) throws IOException
    {
        return addUdp(udp, true);
    }

    /** {@code batched} false: the JDK's DatagramChannel whatever {@link NativeUdp} can do (tests compare both). */
    EventLoop.Handler addUdp(final DatagramChannel udp, final boolean batched) throws IOException
    {
        final int fd = batched ? NativeUdp.fd(udp) : -1;
        if (fd >= 0 && batch == null)
        {
            batch = new UdpBatch();
        }
        final EventLoop.Handler listener = fd >= 0 ? new BatchListener(udp, fd) : new UdpListener(udp);
        loop.register(udp, SelectionKey.OP_READ, listener);
        return listener;
    }

    void addTcp(final ServerSocketChannel tcp) throws IOException
    {
        final TcpListener listener = new TcpListener(tcp);
        listener.key = loop.register(tcp, SelectionKey.OP_ACCEPT, listener);
    }

    /** True when this loop's UDP sockets are read in recvmmsg batches. */
    boolean batched()
    {
        return batch != null;
    }

    private final class UdpListener implements EventLoop.Handler
    {
        private final DatagramChannel channel;

        UdpListener(final DatagramChannel channel)
        {
            this.channel = channel;
        }

        @Override
        public void ready(final SelectionKey key) throws IOException
        {
            for (int i = 0; i < UDP_BURST; i++)
            {
                udpBuffer.clear();
                final InetSocketAddress from = (InetSocketAddress)channel.receive(udpBuffer);
                if (from == null)
                {
                    return;
                }
                udpBuffer.flip();
                final int n = udpBuffer.remaining();
                udpBuffer.get(udpIn, 0, n);
                if (admittedFast(from.getAddress()))
                {
                    final int answer = resolver.fastAnswer(udpIn, n, udpOut);
                    if (answer > 0)
                    {
                        udpOutBuffer.clear();
                        udpOutBuffer.put(udpOut, 0, answer).flip();
                        sendQuietly(channel, udpOutBuffer, from);
                        continue;
                    }
                }
                resolver.handle(Arrays.copyOf(udpIn, n), new UdpClient(channel, from));
            }
        }

        @Override
        public void failed(final IOException cause)
        {
            // ICMP errors surface here on some kernels; the listener stays.
        }
    }

    /**
     * The same as {@link UdpListener} a batch at a time: cache hits are answered into the send batch, which leaves in
     * one sendmmsg; everything else (misses, refusals, malformed queries) takes the full path as there, answered
     * through the channel.
     */
    private final class BatchListener implements EventLoop.Handler
    {
        private final DatagramChannel channel;
        private final int fd;

        BatchListener(final DatagramChannel channel, final int fd)
        {
            this.channel = channel;
            this.fd = fd;
        }

        @Override
        public void ready(final SelectionKey key) throws IOException
        {
            for (int round = 0; round < UDP_BURST / UdpBatch.SIZE; round++)
            {
                final int n = batch.receive(fd);
                if (n < 0)
                {
                    throw new IOException("recvmmsg: errno " + -n);
                }
                for (int i = 0; i < n; i++)
                {
                    answerQuietly(i);
                }
                batch.flush(fd);
                if (n < UdpBatch.SIZE)
                {
                    return;
                }
            }
        }

        /**
         * A bug while answering one datagram (a RuntimeException) is counted, as the event loop counts it on the JDK
         * path, and costs that datagram only: the rest of the batch, already read, is still answered.
         */
        private void answerQuietly(final int i)
        {
            try
            {
                answer(i);
            }
            catch (final RuntimeException bug)
            {
                metrics.internalErrors.increment();
            }
        }

        private void answer(final int i)
        {
            final int n = batch.datagram(i, udpIn);
            final int length = batch.senderAddress(i, sender);
            if (length > 0 && admittedFast(sender, length))
            {
                final int answer = resolver.fastAnswer(udpIn, n, udpOut);
                if (answer > 0)
                {
                    batch.reply(i, udpOut, answer);
                    return;
                }
            }
            final InetSocketAddress from = batch.sender(i);
            if (from != null)
            {
                resolver.handle(Arrays.copyOf(udpIn, n), new UdpClient(channel, from));
            }
        }

        @Override
        public void failed(final IOException cause)
        {
            // as UdpListener's: the listener stays
        }
    }

    /** {@link #admittedFast(InetAddress)} for raw address bytes: nothing allocated, whoever the sender. */
    private boolean admittedFast(final byte[] address, final int length)
    {
        if (length == lastAdmittedLength && Arrays.equals(address, 0, length, lastAdmittedBytes, 0, length))
        {
            return true;
        }
        if (policy.admits(address, length))
        {
            System.arraycopy(address, 0, lastAdmittedBytes, 0, length);
            lastAdmittedLength = length;
            return true;
        }
        return false;
    }

    /**
     * The ACL for the fast path. The last admitted address is remembered: many queries in a row come from one host
     * (on other ports too), and {@link Policy#admits} copies the address bytes (InetAddress.getAddress clones them).
     */
    private boolean admittedFast(final InetAddress address)
    {
        if (address.equals(lastAdmitted))
        {
            return true;
        }
        if (policy.admits(address))
        {
            lastAdmitted = address;
            return true;
        }
        return false;
    }

    private static void sendQuietly(final DatagramChannel channel, final ByteBuffer answer, final InetSocketAddress to)
    {
        try
        {
            channel.send(answer, to);
        }
        catch (final IOException ignored)
        {
            // UDP: a lost response is the client's retry
        }
    }

    private static final class UdpClient implements Resolver.Client
    {
        private final DatagramChannel channel;
        private final InetSocketAddress peer;

        UdpClient(final DatagramChannel channel, final InetSocketAddress peer)
        {
            this.channel = channel;
            this.peer = peer;
        }

        @Override
        public InetAddress address()
        {
            return peer.getAddress();
        }

        @Override
        public boolean tcp()
        {
            return false;
        }

        @Override
        public void send(final byte[] wire, final boolean close)
        {
            sendQuietly(channel, ByteBuffer.wrap(wire), peer);
        }

        @Override
        public void drop(final boolean close)
        {
        }
    }

    private final class TcpListener implements EventLoop.Handler
    {
        private final ServerSocketChannel channel;
        private SelectionKey key;

        TcpListener(final ServerSocketChannel channel)
        {
            this.channel = channel;
        }

        @Override
        public void ready(final SelectionKey key) throws IOException
        {
            SocketChannel c;
            while ((c = channel.accept()) != null)
            {
                // The ACL at accept: a stranger costs no connection slot, buffer or timer.
                if (!admitted(c))
                {
                    metrics.tcpAclRefused.increment();
                    c.close();
                    continue;
                }
                tcpClients.accept(c);
            }
        }

        @Override
        public void failed(final IOException cause)
        {
            // Typically EMFILE: the pending connection stays in the backlog, so pause instead of spinning on it.
            if (key.isValid())
            {
                key.interestOps(0);
                loop.schedule(ACCEPT_RETRY_MS, () ->
                {
                    if (key.isValid())
                    {
                        key.interestOps(SelectionKey.OP_ACCEPT);
                    }
                });
            }
        }
    }

    private boolean admitted(final SocketChannel c)
    {
        try
        {
            return policy.admits(((InetSocketAddress)c.getRemoteAddress()).getAddress());
        }
        catch (final IOException ex)
        {
            return false; // the peer is already gone
        }
    }
}
