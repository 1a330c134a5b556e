package dev.xlat64.dns64;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The DNS64 responder: UDP and TCP listeners (RFC 7766) on one event loop with the upstream exchanges. TCP: two-byte
 * length framing, pipelined queries answered as they complete, idle connections closed, frames shorter than a header
 * or longer than {@link #MAX_TCP_QUERY} close the connection. At most {@code dns64.max-tcp-clients} connections: at the
 * bound, a new connection replaces the longest-idle one with nothing in flight (a slowloris trickle never counts as
 * activity), and is refused only when every connection is busy.
 */
public final class Server implements AutoCloseable
{
    /** A query is one question plus OPT: anything longer is not a query we serve. */
    static final int MAX_TCP_QUERY = 4096;
    /** Accepting failed (e.g. out of file descriptors): accept again after this pause instead of spinning. */
    private static final long ACCEPT_RETRY_MS = 100;
    /** RFC 7766 section 6.2.1.1: pipelining is allowed, but a client that does not read its answers is paused. */
    static final int MAX_TCP_PENDING = 128;
    private static final int UDP_BURST = 64;

    private final EventLoop loop;
    private final Resolver resolver;
    private final List<InetSocketAddress> udpAddresses = new ArrayList<>();
    private final List<InetSocketAddress> tcpAddresses = new ArrayList<>();
    private final ByteBuffer udpBuffer = ByteBuffer.allocateDirect(65535);
    /** The fast path's buffers (reused: a cache hit allocates nothing) and the last sender found in the ACL. */
    private final byte[] udpIn = new byte[65535];
    private final byte[] udpOut = new byte[65535];
    private final ByteBuffer udpOutBuffer = ByteBuffer.allocateDirect(65535);
    private InetSocketAddress lastAdmitted;
    /** Open client connections, least recently active first. */
    private final LinkedHashSet<TcpConnection> tcpConnections = new LinkedHashSet<>();
    private final int maxTcpClients;
    /** RFC 7766 section 6.2.3: idle client connections are closed (seconds, not minutes). */
    private final long tcpIdleMs;
    private final Dns64Metrics metrics;
    private final Policy policy;
    /** Bytes of answers queued for client TCP connections, all together, and the bounds (dns64.tcp-*-output-bytes). */
    private long tcpOutBytes;
    private final long maxTcpOutBytes;
    private final int maxConnectionOutBytes;

    private Server(final Dns64Config config, final MeterRegistry registry) throws IOException
    {
        final Dns64Metrics metrics = new Dns64Metrics(registry);
        this.metrics = metrics;
        this.maxTcpClients = config.maxTcpClients;
        this.tcpIdleMs = config.tcpIdleTimeoutMs;
        this.policy = config.policy;
        this.maxTcpOutBytes = config.tcpOutputBytes;
        this.maxConnectionOutBytes = config.tcpConnectionOutputBytes;
        Gauge.builder("xlat64.dns64.tcp.output.bytes", this, s -> s.tcpOutBytes)
            .description("Bytes of answers queued for client TCP connections (bounded by dns64.tcp-output-bytes)")
            .register(registry);
        this.loop = new EventLoop("xlat64-dns64", metrics.internalErrors::increment, EventLoop::exitProcess);
        final Upstreams upstreams = new Upstreams(loop, config.upstreams, config.timeoutMs, config.attempts, metrics);
        Gauge.builder("xlat64.dns64.upstream.in.flight", upstreams, Upstreams::inFlight)
            .description("Upstream look-ups in flight (bounded by dns64.max-pending)").register(registry);
        this.resolver = new Resolver(config, new Cache(config.cacheEntries, config.cacheBytes), upstreams, metrics);
    }

    /** Binds every listen address (UDP and TCP on the same port) and starts answering. */
    public static Server start(final Dns64Config config, final MeterRegistry registry) throws IOException
    {
        final Server server = new Server(config, registry);
        try
        {
            for (final InetSocketAddress address : config.listen)
            {
                server.listen(address);
            }
        }
        catch (final IOException ex)
        {
            try
            {
                server.loop.close();
            }
            catch (final InterruptedException ignored)
            {
                Thread.currentThread().interrupt();
            }
            throw new IOException("cannot listen: " + ex.getMessage(), ex);
        }
        server.loop.start();
        return server;
    }

    public List<InetSocketAddress> udpAddresses()
    {
        return udpAddresses;
    }

    public List<InetSocketAddress> tcpAddresses()
    {
        return tcpAddresses;
    }

    /** Port 0 asks for any port free for both UDP and TCP: the kernel's UDP choice may be taken for TCP, so retry. */
    private void listen(final InetSocketAddress address) throws IOException
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                listenOnce(address);
                return;
            }
            catch (final IOException ex)
            {
                if (address.getPort() != 0 || attempt >= 20)
                {
                    throw ex;
                }
            }
        }
    }

    private void listenOnce(final InetSocketAddress address) throws IOException
    {
        if (address.getAddress().isAnyLocalAddress())
        {
            listenWildcard(address);
            return;
        }
        final DatagramChannel udp = Sockets.bindUdp(address);
        final InetSocketAddress bound = (InetSocketAddress)udp.getLocalAddress();
        final ServerSocketChannel tcp;
        try
        {
            // Port 0 (tests): TCP takes the port the kernel gave UDP.
            tcp = Sockets.bindTcp(new InetSocketAddress(address.getAddress(), bound.getPort()));
        }
        catch (final IOException ex)
        {
            udp.close();
            throw ex;
        }
        udpAddresses.add(bound);
        loop.register(udp, SelectionKey.OP_READ, new UdpListener(udp));
        registerTcp(tcp);
    }

    /**
     * A wildcard address: a UDP reply must leave from the address the query was sent to (a client checks it), which
     * needs IP_PKTINFO / IPV6_RECVPKTINFO on a wildcard socket, and Java's DatagramChannel has neither. So UDP is bound
     * to each local address (those present at start; 0.0.0.0 the IPv4 ones, :: all) and the kernel picks the right
     * source by itself; TCP (connected: always the right source) stays on the wildcard.
     */
    private void listenWildcard(final InetSocketAddress address) throws IOException
    {
        final ServerSocketChannel tcp = Sockets.bindTcp(address);
        final int port = ((InetSocketAddress)tcp.getLocalAddress()).getPort();
        final List<DatagramChannel> bound = new ArrayList<>();
        try
        {
            for (final InetAddress local : Sockets.localAddresses(address.getAddress().getAddress().length == 16))
            {
                bound.add(Sockets.bindUdp(new InetSocketAddress(local, port)));
            }
        }
        catch (final IOException ex)
        {
            tcp.close();
            for (final DatagramChannel c : bound)
            {
                c.close();
            }
            throw ex;
        }
        for (final DatagramChannel udp : bound)
        {
            udpAddresses.add((InetSocketAddress)udp.getLocalAddress());
            loop.register(udp, SelectionKey.OP_READ, new UdpListener(udp));
        }
        registerTcp(tcp);
    }

    private void registerTcp(final ServerSocketChannel tcp) throws IOException
    {
        tcpAddresses.add((InetSocketAddress)tcp.getLocalAddress());
        final TcpListener listener = new TcpListener(tcp);
        listener.key = loop.register(tcp, SelectionKey.OP_ACCEPT, listener);
    }

    @Override
    public void close() throws InterruptedException
    {
        loop.close();
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
                if (admittedFast(from))
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
                resolver.handle(java.util.Arrays.copyOf(udpIn, n), new UdpClient(channel, from));
            }
        }

        @Override
        public void failed(final IOException cause)
        {
            // ICMP errors surface here on some kernels; the listener stays.
        }
    }

    /** The ACL for the fast path; the JDK hands back the same address object for a repeating sender. */
    private boolean admittedFast(final InetSocketAddress from)
    {
        if (from == lastAdmitted)
        {
            return true;
        }
        if (policy.admits(from.getAddress()))
        {
            lastAdmitted = from;
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
            try
            {
                channel.send(ByteBuffer.wrap(wire), peer);
            }
            catch (final IOException ignored)
            {
                // UDP: a lost response is the client's retry
            }
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
                if (tcpConnections.size() >= maxTcpClients && !evictIdlest())
                {
                    metrics.tcpRefused.increment();
                    c.close();
                    continue;
                }
                final TcpConnection conn;
                try
                {
                    conn = new TcpConnection(c);
                    conn.key = loop.register(c, SelectionKey.OP_READ, conn);
                }
                catch (final IOException ex)
                {
                    c.close(); // the peer is already gone
                    continue;
                }
                tcpConnections.add(conn);
                conn.armIdleTimer();
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

    /** Closes the least recently active connection with nothing in flight or queued; false when all are busy. */
    private boolean evictIdlest()
    {
        for (final TcpConnection conn : tcpConnections)
        {
            if (conn.inflight <= 0 && conn.out.isEmpty())
            {
                metrics.tcpEvicted.increment();
                conn.close();
                return true;
            }
        }
        return false;
    }

    private final class TcpConnection implements EventLoop.Handler, Resolver.Client
    {
        private final SocketChannel channel;
        private final InetAddress peer;
        private final ByteBuffer length = ByteBuffer.allocate(2);
        private final ArrayDeque<ByteBuffer> out = new ArrayDeque<>();
        /** Bytes queued in {@link #out} (counted in {@link #tcpOutBytes} too). */
        private long outBytes;
        private SelectionKey key;
        private ByteBuffer body;
        private int inflight;
        private boolean readClosed;
        private boolean closed;
        private long lastActivity = System.nanoTime();

        TcpConnection(final SocketChannel channel) throws IOException
        {
            this.channel = channel;
            this.peer = ((InetSocketAddress)channel.getRemoteAddress()).getAddress();
        }

        void armIdleTimer()
        {
            loop.schedule(tcpIdleMs, () ->
            {
                if (closed)
                {
                    return;
                }
                if (inflight == 0 && System.nanoTime() - lastActivity >= tcpIdleMs * 1_000_000L)
                {
                    close();
                }
                else
                {
                    armIdleTimer();
                }
            });
        }

        @Override
        public void ready(final SelectionKey k) throws IOException
        {
            if (k.isWritable())
            {
                flush();
            }
            if (k.isValid() && k.isReadable())
            {
                read();
            }
        }

        private void read() throws IOException
        {
            while (!closed && !readClosed)
            {
                // RFC 7766 section 6.2.1.1: a client that does not read its answers is not read either.
                if (inflight + out.size() >= MAX_TCP_PENDING || outBytes >= maxConnectionOutBytes / 2)
                {
                    key.interestOps(key.interestOps() & ~SelectionKey.OP_READ);
                    return;
                }
                if (body == null)
                {
                    final int n = channel.read(length);
                    if (n < 0)
                    {
                        endOfInput();
                        return;
                    }
                    if (length.hasRemaining())
                    {
                        return;
                    }
                    final int frame = length.getShort(0) & 0xffff;
                    if (frame < 12 || frame > MAX_TCP_QUERY)
                    {
                        close(); // garbage or over-long frame: nothing sensible to answer
                        return;
                    }
                    body = ByteBuffer.allocate(frame);
                }
                final int n = channel.read(body);
                if (n < 0)
                {
                    endOfInput();
                    return;
                }
                if (body.hasRemaining())
                {
                    return;
                }
                active();
                final byte[] wire = body.array();
                body = null;
                length.clear();
                inflight++;
                resolver.handle(wire, this);
            }
        }

        /** A whole query read or an answer queued: the connection moves to the most recently active end. */
        private void active()
        {
            lastActivity = System.nanoTime();
            if (tcpConnections.remove(this))
            {
                tcpConnections.add(this);
            }
        }

        private void endOfInput()
        {
            readClosed = true;
            if (key.isValid())
            {
                key.interestOps(key.interestOps() & ~SelectionKey.OP_READ);
            }
            closeIfFinished();
        }

        @Override
        public InetAddress address()
        {
            return peer;
        }

        @Override
        public boolean tcp()
        {
            return true;
        }

        @Override
        public void send(final byte[] wire, final boolean closeAfter)
        {
            inflight--;
            readClosed |= closeAfter;
            if (closed)
            {
                return;
            }
            final int size = 2 + wire.length;
            // Bounded output: answers a client does not read cost at most these bytes; past them it is closed.
            if (outBytes + size > maxConnectionOutBytes || tcpOutBytes + size > maxTcpOutBytes)
            {
                metrics.tcpOutputOverflow.increment();
                close();
                return;
            }
            final ByteBuffer frame = ByteBuffer.allocate(size);
            frame.putShort((short)wire.length).put(wire).flip();
            out.add(frame);
            outBytes += size;
            tcpOutBytes += size;
            active();
            try
            {
                flush();
            }
            catch (final IOException ex)
            {
                close();
            }
        }

        @Override
        public void drop(final boolean closeConnection)
        {
            inflight--;
            readClosed |= closeConnection;
            closeIfFinished();
        }

        private void flush() throws IOException
        {
            while (!out.isEmpty())
            {
                channel.write(out.peek());
                if (out.peek().hasRemaining())
                {
                    key.interestOps(key.interestOps() | SelectionKey.OP_WRITE);
                    return;
                }
                final int size = out.poll().capacity();
                outBytes -= size;
                tcpOutBytes -= size;
            }
            if (key.isValid())
            {
                key.interestOps(readClosed ? 0 : SelectionKey.OP_READ);
            }
            closeIfFinished();
        }

        private void closeIfFinished()
        {
            if (readClosed && inflight <= 0 && out.isEmpty())
            {
                close();
            }
        }

        private void close()
        {
            if (closed)
            {
                return;
            }
            closed = true;
            tcpConnections.remove(this);
            tcpOutBytes -= outBytes;
            outBytes = 0;
            out.clear();
            try
            {
                channel.close();
            }
            catch (final IOException ignored)
            {
                // closing anyway
            }
        }

        @Override
        public void failed(final IOException cause)
        {
            close();
        }
    }
}
