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
import java.util.ArrayList;
import java.util.List;

/**
 * The DNS64 responder: UDP and TCP listeners on one event loop with the upstream exchanges. UDP cache hits take the
 * fast path ({@link AnswerCache}); client TCP connections (RFC 7766) are {@link TcpClients}'. Clients outside the ACL
 * are not accepted over TCP.
 */
public final class Server implements AutoCloseable
{
    /** Accepting failed (e.g. out of file descriptors): accept again after this pause instead of spinning. */
    private static final long ACCEPT_RETRY_MS = 100;
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
    private final Dns64Metrics metrics;
    private final Policy policy;
    private final TcpClients tcpClients;

    private Server(final Dns64Config config, final MeterRegistry registry) throws IOException
    {
        final Dns64Metrics metrics = new Dns64Metrics(registry);
        this.metrics = metrics;
        this.policy = config.policy;
        this.loop = new EventLoop("xlat64-dns64", metrics.internalErrors::increment, EventLoop::exitProcess);
        final Upstreams upstreams = new Upstreams(loop, config.upstreams, config.timeoutMs, config.attempts, metrics);
        Gauge.builder("xlat64.dns64.upstream.in.flight", upstreams, Upstreams::inFlight)
            .description("Upstream look-ups in flight (bounded by dns64.max-pending)").register(registry);
        this.resolver = new Resolver(config, new Cache(config.cacheEntries, config.cacheBytes), upstreams, metrics);
        this.tcpClients = new TcpClients(config, loop, resolver, metrics, registry);
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
            server.loop.close();
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
    public void close()
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
