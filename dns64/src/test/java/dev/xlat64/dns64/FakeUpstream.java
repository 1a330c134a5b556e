package dev.xlat64.dns64;

import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/** A scripted upstream resolver on 127.0.0.1 (UDP and TCP, same port) for the cases unbound cannot play. */
final class FakeUpstream implements AutoCloseable
{
    /** Builds the answer to a query; null means stay silent. */
    interface Script extends Function<Message, Message>
    {
    }

    final DatagramSocket udp;
    final ServerSocket tcp;
    final List<Message> seen = new CopyOnWriteArrayList<>();
    final AtomicInteger tcpQueries = new AtomicInteger();
    volatile Script script;
    /** When set, answers TCP queries instead of {@link #script} (null from it: close without answering). */
    volatile Script tcpScript;
    /**
     * When set, replaces the scripts: the exact bytes to send back, null = silence. Over UDP each element is one
     * datagram, in order; over TCP the first element is the one frame's body.
     */
    volatile Function<Message, List<byte[]>> raw;
    /** The source of the last UDP query, so a script can aim a forged answer at it from another socket. */
    volatile java.net.SocketAddress lastClient;
    /** The source of every UDP query, in order of arrival. */
    final List<java.net.SocketAddress> sources = new CopyOnWriteArrayList<>();
    volatile boolean truncateUdp;
    private volatile boolean running = true;

    FakeUpstream(final Script script) throws IOException
    {
        this.script = script;
        DatagramSocket u = null;
        ServerSocket t = null;
        for (int i = 0; i < 20 && t == null; i++)
        {
            u = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            try
            {
                t = new ServerSocket(u.getLocalPort(), 16, InetAddress.getLoopbackAddress());
            }
            catch (final IOException ex)
            {
                u.close();
            }
        }
        this.udp = u;
        this.tcp = t;
        final Thread ut = new Thread(this::serveUdp, "fake-upstream-udp");
        ut.setDaemon(true);
        ut.start();
        final Thread tt = new Thread(this::serveTcp, "fake-upstream-tcp");
        tt.setDaemon(true);
        tt.start();
    }

    String address()
    {
        return "127.0.0.1:" + udp.getLocalPort();
    }

    /** An answer to {@code query} with its ID, question and the given records in the answer section. */
    static Message answer(final Message query, final int rcode, final Record... answers)
    {
        final Message m = new Message(query.getHeader().getID());
        m.getHeader().setFlag(Flags.QR);
        m.getHeader().setFlag(Flags.RA);
        m.getHeader().setFlag(Flags.RD);
        m.getHeader().setRcode(rcode);
        m.addRecord(query.getQuestion(), Section.QUESTION);
        for (final Record r : answers)
        {
            m.addRecord(r, Section.ANSWER);
        }
        return m;
    }

    private void serveUdp()
    {
        final byte[] buf = new byte[65535];
        while (running)
        {
            try
            {
                final DatagramPacket p = new DatagramPacket(buf, buf.length);
                udp.receive(p);
                final Message q = new Message(java.util.Arrays.copyOf(p.getData(), p.getLength()));
                seen.add(q);
                lastClient = p.getSocketAddress();
                sources.add(p.getSocketAddress());
                final Function<Message, List<byte[]>> rawScript = raw;
                if (rawScript != null)
                {
                    final List<byte[]> datagrams = rawScript.apply(q);
                    for (final byte[] wire : datagrams == null ? List.<byte[]>of() : datagrams)
                    {
                        udp.send(new DatagramPacket(wire, wire.length, p.getSocketAddress()));
                    }
                    continue;
                }
                final Message r = script.apply(q);
                if (r != null)
                {
                    byte[] wire = r.toWire();
                    if (truncateUdp)
                    {
                        final Message t = answer(q, 0);
                        t.getHeader().setID(r.getHeader().getID());
                        t.getHeader().setFlag(Flags.TC);
                        wire = t.toWire();
                    }
                    udp.send(new DatagramPacket(wire, wire.length, p.getSocketAddress()));
                }
            }
            catch (final IOException ex)
            {
                if (!running)
                {
                    return;
                }
            }
        }
    }

    private void serveTcp()
    {
        while (running)
        {
            try (Socket s = tcp.accept())
            {
                final DataInputStream in = new DataInputStream(s.getInputStream());
                final byte[] wire = new byte[in.readUnsignedShort()];
                in.readFully(wire);
                final Message q = new Message(wire);
                seen.add(q);
                tcpQueries.incrementAndGet();
                final Function<Message, List<byte[]>> rawScript = raw;
                final Script tcpOnly = tcpScript;
                final Message r = rawScript != null ? null : (tcpOnly != null ? tcpOnly : script).apply(q);
                final List<byte[]> frames = rawScript != null ? rawScript.apply(q) : null;
                final byte[] out = rawScript != null ? (frames == null || frames.isEmpty() ? null : frames.get(0)) :
                    r == null ? null : r.toWire();
                if (out != null)
                {
                    final DataOutputStream o = new DataOutputStream(s.getOutputStream());
                    o.writeShort(out.length);
                    o.write(out);
                    o.flush();
                }
            }
            catch (final IOException ex)
            {
                if (!running)
                {
                    return;
                }
            }
        }
    }

    @Override
    public void close() throws IOException
    {
        running = false;
        udp.close();
        tcp.close();
    }
}
