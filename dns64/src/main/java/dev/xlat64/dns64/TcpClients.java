package dev.xlat64.dns64;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.LinkedHashSet;

/**
 * Client TCP connections (RFC 7766): two-byte length framing, pipelined queries answered as they complete, idle
 * connections closed, frames shorter than a header or longer than {@link #MAX_TCP_QUERY} close the connection. At most
 * {@code dns64.max-tcp-clients} connections: at the bound, a new connection replaces the longest-idle one with nothing
 * in flight (a slowloris trickle never counts as activity), and is refused only when every connection is busy. Answers
 * queued are bounded per connection and in total ({@code dns64.tcp-connection-output-bytes},
 * {@code dns64.tcp-output-bytes}). Loop thread only.
 */
final class TcpClients
{
    /** A query is one question plus OPT: anything longer is not a query we serve. */
    static final int MAX_TCP_QUERY = 4096;
    /** RFC 7766 section 6.2.1.1: pipelining is allowed, but a client that does not read its answers is paused. */
    static final int MAX_TCP_PENDING = 128;

    private final EventLoop loop;
    private final Resolver resolver;
    private final Dns64Metrics metrics;
    /** Open client connections, least recently active first. */
    private final LinkedHashSet<TcpConnection> connections = new LinkedHashSet<>();
    private final int maxClients;
    /** RFC 7766 section 6.2.3: idle client connections are closed (seconds, not minutes). */
    private final long idleMs;
    /** Bytes of answers queued for all connections together, and the bounds. */
    private long totalOutBytes;
    private final long maxTotalOutBytes;
    private final int maxConnectionOutBytes;

    TcpClients(
        final Dns64Config config, final EventLoop loop, final Resolver resolver, final Dns64Metrics metrics)
    {
        this.loop = loop;
        this.resolver = resolver;
        this.metrics = metrics;
        this.maxClients = config.maxTcpClients;
        this.idleMs = config.tcpIdleTimeoutMs;
        this.maxTotalOutBytes = config.tcpOutputBytes;
        this.maxConnectionOutBytes = config.tcpConnectionOutputBytes;
    }

    /** Bytes of answers queued for all connections (the tcp.output.bytes gauge; read by other threads). */
    long outputBytes()
    {
        return totalOutBytes;
    }

    /** A connection from an admitted client: kept (evicting the idlest at the bound), or closed when all are busy. */
    void accept(final SocketChannel c) throws IOException
    {
        if (connections.size() >= maxClients && !evictIdlest())
        {
            metrics.tcpRefused.increment();
            c.close();
            return;
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
            return;
        }
        connections.add(conn);
        conn.armIdleTimer();
    }

    /** Closes the least recently active connection with nothing in flight or queued; false when all are busy. */
    private boolean evictIdlest()
    {
        for (final TcpConnection conn : connections)
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
        /** Bytes queued in {@link #out} (counted in {@link #totalOutBytes} too). */
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
            loop.schedule(idleMs, () ->
            {
                if (closed)
                {
                    return;
                }
                if (inflight == 0 && System.nanoTime() - lastActivity >= idleMs * 1_000_000L)
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
            if (connections.remove(this))
            {
                connections.add(this);
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
            if (outBytes + size > maxConnectionOutBytes || totalOutBytes + size > maxTotalOutBytes)
            {
                metrics.tcpOutputOverflow.increment();
                close();
                return;
            }
            final ByteBuffer frame = ByteBuffer.allocate(size);
            frame.putShort((short)wire.length).put(wire).flip();
            out.add(frame);
            outBytes += size;
            totalOutBytes += size;
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
                totalOutBytes -= size;
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
            connections.remove(this);
            totalOutBytes -= outBytes;
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
