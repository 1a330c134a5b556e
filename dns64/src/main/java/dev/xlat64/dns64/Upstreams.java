package dev.xlat64.dns64;

import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.security.SecureRandom;
import java.util.List;

/**
 * Forwards questions to the upstream resolvers: a random ID per attempt on one of a few connected UDP sockets with
 * kernel-random source ports, re-drawn often ({@link UpstreamSockets}), answers accepted only from the server asked
 * with the same ID and question (RFC 5452), TCP when the UDP answer is truncated, timeouts, retries and failover to
 * the next upstream. Runs on the event loop.
 */
final class Upstreams
{
    /** The outcome of one look-up. */
    interface Callback
    {
        /** {@code wire} is the response as dnsjava writes it back (checked writable), for the cache. */
        void answered(Message response, byte[] wire);

        /** Every attempt timed out or failed. */
        void failed();
    }

    private final EventLoop loop;
    private final List<InetSocketAddress> servers;
    private final int timeoutMs;
    private final int attempts;
    private final Dns64Metrics metrics;
    private final SecureRandom random = new SecureRandom();
    private final UpstreamSockets sockets;
    /** Failover: the server asked first; moves on when it times out, so a dead server is not asked first again. */
    private int preferred;
    /** Exchanges started and not finished (each holds a socket and a timer). Written by the loop, read by metrics. */
    private volatile int inFlight;

    Upstreams(
        final EventLoop loop, final List<InetSocketAddress> servers, final int timeoutMs, final int attempts,
        final Dns64Metrics metrics)
    {
        this.loop = loop;
        this.servers = List.copyOf(servers);
        this.timeoutMs = timeoutMs;
        this.attempts = attempts;
        this.metrics = metrics;
        this.sockets = new UpstreamSockets(loop, this.servers, random);
    }

    /** UDP sockets open towards the upstreams (tests). */
    int openSockets()
    {
        return sockets.open();
    }

    /** Sends {@code query} (its ID is replaced per attempt) and reports to {@code callback} exactly once. */
    void query(final Message query, final Callback callback)
    {
        inFlight++;
        new Exchange(query, callback).attempt();
    }

    /** Exchanges in flight: every one ends (answer, error or timeout), so this always comes back down. */
    int inFlight()
    {
        return inFlight;
    }

    private final class Exchange implements EventLoop.Handler, UpstreamSockets.Waiter
    {
        private final Message query;
        private final Record question;
        private final Callback callback;
        private final int first = preferred;
        private int attempt;
        private int server;
        private int id;
        /** The query's wire form, written once; each attempt patches its ID in. */
        private final byte[] wire;
        private UpstreamSockets.Socket udp;
        /** The matching response written back by dnsjava ({@link #matching}). */
        private byte[] rewritten;
        private SocketChannel tcp;
        private ByteBuffer tcpOut;
        private ByteBuffer tcpLength;
        private ByteBuffer tcpIn;
        private EventLoop.Timer timer;
        private boolean done;

        Exchange(final Message query, final Callback callback)
        {
            this.query = query;
            this.question = query.getQuestion();
            this.callback = callback;
            this.wire = query.toWire();
        }

        void attempt()
        {
            closeChannels();
            if (attempt >= attempts)
            {
                finish(null);
                return;
            }
            server = (first + attempt) % servers.size();
            attempt++;
            timer = loop.schedule(timeoutMs, this::timedOut);
            try
            {
                final UpstreamSockets.Socket s = sockets.socket(server);
                id = s.send(wire, this);
                udp = s;
            }
            catch (final IOException ex)
            {
                failed(ex);
            }
        }

        @Override
        public void socketFailed(final IOException cause)
        {
            udp = null; // the socket forgets its waiters itself
            failed(cause);
        }

        private void timedOut()
        {
            if (done)
            {
                return;
            }
            metrics.upstreamTimeouts.increment();
            if (server == preferred)
            {
                preferred = (preferred + 1) % servers.size();
            }
            attempt();
        }

        @Override
        public void failed(final IOException cause)
        {
            if (done)
            {
                return;
            }
            metrics.upstreamErrors.increment();
            if (timer != null)
            {
                timer.cancel();
            }
            attempt();
        }

        @Override
        public void ready(final SelectionKey key) throws IOException
        {
            if (done)
            {
                key.cancel();
                return;
            }
            if (key.channel() == tcp)
            {
                tcpReady(key);
            }
        }

        @Override
        public void datagram(final byte[] answer)
        {
            if (done || udp == null)
            {
                return;
            }
            final Message response = matching(answer);
            if (response == null)
            {
                return; // RFC 5452 section 9.1: not our answer; keep waiting for the real one
            }
            if (response.getHeader().getFlag(Flags.TC))
            {
                metrics.upstreamTruncated.increment();
                try
                {
                    startTcp();
                }
                catch (final IOException ex)
                {
                    failed(ex);
                }
                return;
            }
            accept(response);
        }

        private void startTcp() throws IOException
        {
            udp.release(id);
            udp = null;
            tcpOut = ByteBuffer.allocate(2 + wire.length);
            tcpOut.putShort((short)wire.length).put(wire).flip();
            tcpLength = ByteBuffer.allocate(2);
            tcp = SocketChannel.open();
            tcp.configureBlocking(false);
            final boolean connected = tcp.connect(servers.get(server));
            loop.register(tcp, connected ? SelectionKey.OP_WRITE : SelectionKey.OP_CONNECT, this);
        }

        private void tcpReady(final SelectionKey key) throws IOException
        {
            if (key.isConnectable())
            {
                tcp.finishConnect();
                key.interestOps(SelectionKey.OP_WRITE);
                return;
            }
            if (key.isWritable())
            {
                tcp.write(tcpOut);
                if (!tcpOut.hasRemaining())
                {
                    key.interestOps(SelectionKey.OP_READ);
                }
                return;
            }
            if (tcpIn == null)
            {
                if (tcp.read(tcpLength) < 0)
                {
                    throw new IOException("upstream closed the TCP connection");
                }
                if (tcpLength.hasRemaining())
                {
                    return;
                }
                final int length = tcpLength.getShort(0) & 0xffff;
                if (length < 12)
                {
                    throw new IOException("upstream sent a TCP frame of " + length + " bytes");
                }
                tcpIn = ByteBuffer.allocate(length);
            }
            if (tcp.read(tcpIn) < 0)
            {
                throw new IOException("upstream closed the TCP connection");
            }
            if (tcpIn.hasRemaining())
            {
                return;
            }
            final Message response = matching(tcpIn.array());
            if (response == null)
            {
                throw new IOException("upstream TCP answer does not match the question");
            }
            accept(response);
        }

        /**
         * RFC 5452 section 9.1: same ID, QR set, same question; anything else is ignored. The opcode must be ours
         * too (RFC 1035 section 4.1.1: copied into the response): dnsjava parses an UPDATE message's records with
         * empty RDATA, which would make our QUERY response to the client unparseable.
         */
        private Message matching(final byte[] answer)
        {
            try
            {
                final Message m = new Message(answer);
                final Record q = m.getQuestion();
                if (m.getHeader().getID() == id && m.getHeader().getFlag(Flags.QR) &&
                    m.getHeader().getOpcode() == query.getHeader().getOpcode() && q != null &&
                    q.getName().equals(question.getName()) && q.getType() == question.getType() &&
                    q.getDClass() == question.getDClass())
                {
                    // dnsjava parses some records it cannot write back (a WKS record without a bitmap throws in
                    // toWire): an answer we cannot pass on is no answer, not a client left waiting.
                    rewritten = m.toWire();
                    return m;
                }
            }
            catch (final IOException | RuntimeException ex)
            {
                // Garbage is not an answer. dnsjava throws unchecked exceptions for some (e.g. InvalidTTLException for
                // a TTL above 2^31-1): uncaught, one such datagram ended the exchange before the real answer came.
            }
            return null;
        }

        private void accept(final Message response)
        {
            final int rcode = response.getRcode();
            // A server that refuses us or does not understand the query is broken for us: ask the next one.
            if (rcode == Rcode.REFUSED || rcode == Rcode.NOTIMP || rcode == Rcode.FORMERR)
            {
                metrics.upstreamErrors.increment();
                timer.cancel();
                if (attempt < attempts)
                {
                    attempt();
                    return;
                }
            }
            finish(response);
        }

        private void finish(final Message response)
        {
            done = true;
            inFlight--;
            if (timer != null)
            {
                timer.cancel();
            }
            closeChannels();
            if (response == null)
            {
                callback.failed();
            }
            else
            {
                callback.answered(response, rewritten);
            }
        }

        private void closeChannels()
        {
            if (udp != null)
            {
                udp.release(id);
            }
            try
            {
                if (tcp != null)
                {
                    tcp.close();
                }
            }
            catch (final IOException ignored)
            {
                // nothing left to do with it
            }
            udp = null;
            tcp = null;
            tcpIn = null;
        }
    }
}
