package dev.xlat64.dns64;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The UDP sockets of one event loop towards the upstream servers: a few connected sockets per server, each with a
 * kernel-chosen random source port, shared by the exchanges in flight and told apart by their random IDs (unique per
 * socket). A socket is retired after {@link #MAX_USES} queries or {@link #MAX_AGE_NANOS}, whichever comes first, and a
 * fresh one (a fresh random port) takes its place; the retired one closes when its last exchange ends. A socket per
 * query cost about 17 system calls (socket, bind, connect, fcntl, getsockname, epoll_ctl, close...) for the 2 that
 * carry the query; the RFC 5452 argument for the pool is in docs/dns64-defences.md. Loop thread only.
 */
final class UpstreamSockets
{
    /** Sockets open for new queries per server (per event loop). */
    static final int SOCKETS_PER_SERVER = 4;
    /** Queries sent on one socket before it is retired: bounds how long one source port is worth guessing. */
    static final int MAX_USES = 256;
    /** A socket is retired this long after it was opened, however little it was used. */
    static final long MAX_AGE_NANOS = 1_000_000_000L;
    private static final int MAX_MESSAGE = 65535;

    /** What an exchange hears from its socket. */
    interface Waiter
    {
        /** A datagram carrying this waiter's ID (not yet checked any further: RFC 5452 section 9.1 is the waiter's). */
        void datagram(byte[] wire);

        /** The socket failed (e.g. ICMP port unreachable): this attempt is over. */
        void socketFailed(IOException cause);
    }

    /** One connected socket and the exchanges waiting on it by ID. */
    final class Socket implements EventLoop.Handler
    {
        private final DatagramChannel channel;
        private final Map<Integer, Waiter> waiting = new HashMap<>();
        private final long openedNanos;
        private int uses;
        private boolean retired;

        Socket(final DatagramChannel channel, final long openedNanos)
        {
            this.channel = channel;
            this.openedNanos = openedNanos;
        }

        boolean usable(final long now)
        {
            return !retired && uses < MAX_USES && now - openedNanos < MAX_AGE_NANOS;
        }

        /** Sends {@code wire} with a random ID no other exchange on this socket holds, written into bytes 0-1. */
        int send(final byte[] wire, final Waiter waiter) throws IOException
        {
            int id;
            do
            {
                id = random.nextInt(0x10000);
            }
            while (waiting.containsKey(id));
            wire[0] = (byte)(id >>> 8);
            wire[1] = (byte)id;
            uses++;
            waiting.put(id, waiter);
            try
            {
                channel.write(ByteBuffer.wrap(wire));
            }
            catch (final IOException ex)
            {
                waiting.remove(id);
                throw ex;
            }
            return id;
        }

        /** The exchange holding {@code id} is done with this socket. */
        void release(final int id)
        {
            waiting.remove(id);
            closeIfDone();
        }

        private void retire()
        {
            retired = true;
            closeIfDone();
        }

        private void closeIfDone()
        {
            if (retired && waiting.isEmpty() && channel.isOpen())
            {
                open--;
                try
                {
                    channel.close();
                }
                catch (final IOException ignored)
                {
                    // nothing left to do with it
                }
            }
        }

        @Override
        public void ready(final SelectionKey key) throws IOException
        {
            while (channel.isOpen())
            {
                buffer.clear();
                final int n = channel.read(buffer);
                if (n <= 0)
                {
                    return;
                }
                if (n < 12)
                {
                    continue; // not even a header: not an answer
                }
                buffer.flip();
                final Waiter w = waiting.get(((buffer.get(0) & 0xff) << 8) | (buffer.get(1) & 0xff));
                if (w == null)
                {
                    continue; // RFC 5452 section 9.1: no query with this ID; a late or forged answer
                }
                final byte[] wire = new byte[n];
                buffer.get(wire);
                w.datagram(wire);
            }
        }

        @Override
        public void failed(final IOException cause)
        {
            // Every exchange on it hears of it (each moves to its next attempt); the socket is not used again.
            retired = true;
            for (final Waiter w : waiting.values().toArray(new Waiter[0]))
            {
                w.socketFailed(cause);
            }
            waiting.clear();
            closeIfDone();
        }
    }

    private final EventLoop loop;
    private final List<InetSocketAddress> servers;
    private final SecureRandom random;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(MAX_MESSAGE);
    /** The sockets taking new queries, by server and slot; null until first needed. */
    private final Socket[][] pool;
    private int next;
    /** Sockets open (in the pool or retired with exchanges still waiting). */
    private int open;

    UpstreamSockets(final EventLoop loop, final List<InetSocketAddress> servers, final SecureRandom random)
    {
        this.loop = loop;
        this.servers = servers;
        this.random = random;
        this.pool = new Socket[servers.size()][SOCKETS_PER_SERVER];
    }

    /** A socket to {@code server} that takes a new query, opened (a fresh random source port) if needed. */
    Socket socket(final int server) throws IOException
    {
        final long now = System.nanoTime();
        next = (next + 1) % SOCKETS_PER_SERVER;
        final Socket current = pool[server][next];
        if (current != null && current.usable(now))
        {
            return current;
        }
        if (current != null)
        {
            current.retire();
        }
        final InetSocketAddress to = servers.get(server);
        final DatagramChannel channel = DatagramChannel.open(to.getAddress().getAddress().length == 4 ?
            StandardProtocolFamily.INET : StandardProtocolFamily.INET6);
        try
        {
            channel.connect(to); // the kernel binds a random ephemeral port
            final Socket s = new Socket(channel, now);
            loop.register(channel, SelectionKey.OP_READ, s);
            open++;
            pool[server][next] = s;
            return s;
        }
        catch (final IOException ex)
        {
            pool[server][next] = null;
            channel.close();
            throw ex;
        }
    }

    /** Sockets open now (tests, metrics). */
    int open()
    {
        return open;
    }
}
