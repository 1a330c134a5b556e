package dev.xlat64.dns64;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.nio.channels.NetworkChannel;
import java.nio.channels.ServerSocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The DNS64 responder: {@code dns64.threads} event loops ({@link ServerLoop}), each with its own UDP and TCP socket on
 * every listen address. With more than one loop the sockets are bound with SO_REUSEPORT, so the kernel spreads
 * clients over the loops by a hash of their address and port; each loop has its own caches and upstream sockets.
 */
public final class Server implements AutoCloseable
{
    private final List<ServerLoop> loops = new ArrayList<>();
    private final List<InetSocketAddress> udpAddresses = new ArrayList<>();
    private final List<InetSocketAddress> tcpAddresses = new ArrayList<>();

    private Server(final Dns64Config config, final MeterRegistry registry, final Consumer<Throwable> onFatal)
        throws IOException
    {
        final Dns64Metrics metrics = new Dns64Metrics(registry);
        final Dns64Config share = config.share(config.threads);
        for (int i = 0; i < config.threads; i++)
        {
            final ServerLoop loop = new ServerLoop(share, metrics, i, onFatal);
            loops.add(loop);
            FunctionCounter.builder("xlat64.dns64.loop.queries", loop.resolver, r -> r.queries)
                .tag("loop", Integer.toString(i))
                .description("Queries taken by one event loop (dns64.threads): how evenly the kernel spreads clients")
                .register(registry);
        }
        Gauge.builder("xlat64.dns64.upstream.in.flight", loops, l -> sum(l, 0))
            .description("Upstream look-ups in flight (bounded by dns64.max-pending)").register(registry);
        Gauge.builder("xlat64.dns64.tcp.output.bytes", loops, l -> sum(l, 1))
            .description("Bytes of answers queued for client TCP connections (bounded by dns64.tcp-output-bytes)")
            .register(registry);
    }

    private static double sum(final List<ServerLoop> loops, final int what)
    {
        double total = 0;
        for (final ServerLoop l : loops)
        {
            total += what == 0 ? l.upstreams.inFlight() : l.tcpClients.outputBytes();
        }
        return total;
    }

    /** Binds every listen address (UDP and TCP on the same port) and starts answering. */
    public static Server start(final Dns64Config config, final MeterRegistry registry) throws IOException
    {
        return start(config, registry, EventLoop::exitProcess);
    }

    /** As {@link #start(Dns64Config, MeterRegistry)}; {@code onFatal} gets an Error that stopped a loop (tests). */
    static Server start(final Dns64Config config, final MeterRegistry registry, final Consumer<Throwable> onFatal)
        throws IOException
    {
        final Server server = new Server(config, registry, onFatal);
        try
        {
            for (final InetSocketAddress address : config.listen)
            {
                server.listen(address);
            }
        }
        catch (final IOException ex)
        {
            server.close();
            throw new IOException("cannot listen: " + ex.getMessage(), ex);
        }
        for (final ServerLoop loop : server.loops)
        {
            loop.loop.start();
        }
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

    /**
     * How client UDP is read and answered, for the start-up line: in recvmmsg/sendmmsg batches ({@link NativeUdp}) or
     * with the JDK's DatagramChannel, and why.
     */
    public String udpPath()
    {
        for (final ServerLoop loop : loops)
        {
            if (!loop.batched())
            {
                final String why = NativeUdp.unavailable();
                return "UDP through the JDK's DatagramChannel (" + (why == null ? "no socket descriptor" : why) + ")";
            }
        }
        return "UDP in recvmmsg/sendmmsg batches of " + UdpBatch.SIZE;
    }

    /** The event loops (tests). */
    List<ServerLoop> loops()
    {
        return loops;
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
        final List<Closeable> opened = new ArrayList<>();
        try
        {
            if (address.getAddress().isAnyLocalAddress())
            {
                listenWildcard(address, opened);
                return;
            }
            final List<DatagramChannel> udp = bindUdp(address, opened);
            final InetSocketAddress bound = (InetSocketAddress)udp.get(0).getLocalAddress();
            // Port 0 (tests): TCP takes the port the kernel gave UDP.
            final List<ServerSocketChannel> tcp = bindTcp(bound, opened);
            udpAddresses.add(bound);
            tcpAddresses.add((InetSocketAddress)tcp.get(0).getLocalAddress());
            for (int i = 0; i < loops.size(); i++)
            {
                loops.get(i).addUdp(udp.get(i));
                loops.get(i).addTcp(tcp.get(i));
            }
        }
        catch (final IOException ex)
        {
            for (final Closeable c : opened)
            {
                c.close();
            }
            throw ex;
        }
    }

    /**
     * A wildcard address: a UDP reply must leave from the address the query was sent to (a client checks it), which
     * needs IP_PKTINFO / IPV6_RECVPKTINFO on a wildcard socket, and Java's DatagramChannel has neither. So UDP is bound
     * to each local address (those present at start; 0.0.0.0 the IPv4 ones, :: all) and the kernel picks the right
     * source by itself; TCP (connected: always the right source) stays on the wildcard.
     */
    private void listenWildcard(final InetSocketAddress address, final List<Closeable> opened) throws IOException
    {
        final List<ServerSocketChannel> tcp = bindTcp(address, opened);
        final int port = ((InetSocketAddress)tcp.get(0).getLocalAddress()).getPort();
        final List<List<DatagramChannel>> udp = new ArrayList<>();
        for (final InetAddress local : Sockets.localAddresses(address.getAddress().getAddress().length == 16))
        {
            udp.add(bindUdp(new InetSocketAddress(local, port), opened));
        }
        tcpAddresses.add((InetSocketAddress)tcp.get(0).getLocalAddress());
        for (final List<DatagramChannel> siblings : udp)
        {
            udpAddresses.add((InetSocketAddress)siblings.get(0).getLocalAddress());
        }
        for (int i = 0; i < loops.size(); i++)
        {
            for (final List<DatagramChannel> siblings : udp)
            {
                loops.get(i).addUdp(siblings.get(i));
            }
            loops.get(i).addTcp(tcp.get(i));
        }
    }

    /** Opens one socket of a kind on an address; {@code shared}: SO_REUSEPORT ({@link Sockets}). */
    private interface Binder<C extends NetworkChannel>
    {
        C bind(InetSocketAddress address, boolean shared) throws IOException;
    }

    /** One UDP socket per loop on {@code address} (port 0: the port the first one got), SO_REUSEPORT when several. */
    private List<DatagramChannel> bindUdp(final InetSocketAddress address, final List<Closeable> opened)
        throws IOException
    {
        return bindEach(address, opened, Sockets::bindUdp);
    }

    private List<ServerSocketChannel> bindTcp(final InetSocketAddress address, final List<Closeable> opened)
        throws IOException
    {
        return bindEach(address, opened, Sockets::bindTcp);
    }

    private <C extends NetworkChannel> List<C> bindEach(final InetSocketAddress address, final List<Closeable> opened,
        final Binder<C> binder) throws IOException
    {
        final boolean shared = loops.size() > 1;
        final List<C> out = new ArrayList<>();
        InetSocketAddress at = address;
        for (int i = 0; i < loops.size(); i++)
        {
            final C c = binder.bind(at, shared);
            opened.add(c);
            out.add(c);
            at = bound(address, c);
        }
        return out;
    }

    private static InetSocketAddress bound(final InetSocketAddress asked, final NetworkChannel c) throws IOException
    {
        return new InetSocketAddress(asked.getAddress(), ((InetSocketAddress)c.getLocalAddress()).getPort());
    }

    @Override
    public void close()
    {
        for (final ServerLoop loop : loops)
        {
            loop.loop.close();
        }
    }
}
