package dev.xlat64.dns64;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

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

    /**
     * One connected socket and the exchanges waiting on it by ID: an open-addressed table of twice {@link #MAX_USES}
     * slots, so every ID ever sent on the socket keeps its slot (a finished one with no waiter) and a probe always
     * ends. No boxing, no map nodes.
     */
    final class Socket implements EventLoop.Handler
    {
        private static final int SLOTS = 2 * MAX_USES;
        private final DatagramChannel channel;
        /** ID + 1 per slot (0 = never used), and the exchange waiting for it (null = finished). */
        private final int[] ids = new int[SLOTS];
        private final Waiter[] waiters = new Waiter[SLOTS];
        private int waiting;
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

        /** The slot of {@code id}, or of the empty slot where it would go. */
        private int slot(final int id)
        {
            int i = (id * 0x9E3779B1 >>> 16) & (SLOTS - 1);
            while (ids[i] != 0 && ids[i] != id + 1)
            {
                i = (i + 1) & (SLOTS - 1);
            }
            return i;
        }

        /** Sends {@code wire} with a random ID not used on this socket before, written into bytes 0-1. */
        int send(final byte[] wire, final Waiter waiter) throws IOException
        {
            int id;
            int i;
            do
            {
                id = random.nextInt(0x10000);
                i = slot(id);
            }
            while (ids[i] != 0);
            wire[0] = (byte)(id >>> 8);
            wire[1] = (byte)id;
            uses++;
            ids[i] = id + 1;
            waiters[i] = waiter;
            waiting++;
            try
            {
                channel.write(ByteBuffer.wrap(wire));
            }
            catch (final IOException ex)
            {
                release(id);
                throw ex;
            }
            return id;
        }

        /** The exchange holding {@code id} is done with this socket. */
        void release(final int id)
        {
            final int i = slot(id);
            if (waiters[i] != null)
            {
                waiters[i] = null;
                waiting--;
            }
            closeIfDone();
        }

        private void retire()
        {
            retired = true;
            closeIfDone();
        }

        private void closeIfDone()
        {
            if (retired && waiting == 0 && channel.isOpen())
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
                final Waiter w = waiters[slot(((buffer.get(0) & 0xff) << 8) | (buffer.get(1) & 0xff))];
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
            final List<Waiter> all = new ArrayList<>();
            for (int i = 0; i < SLOTS; i++)
            {
                if (waiters[i] != null)
                {
                    all.add(waiters[i]);
                    waiters[i] = null;
                }
            }
            waiting = 0;
            for (final Waiter w : all)
            {
                w.socketFailed(cause);
            }
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
