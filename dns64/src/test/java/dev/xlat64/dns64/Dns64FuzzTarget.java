package dev.xlat64.dns64;

import com.code_intelligence.jazzer.api.BugDetectors;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The DNS64 fuzz target: one real {@link Server} on loopback in front of a {@link FakeUpstream}, fed three kinds of
 * hostile input (the first byte chooses):
 * <ol>
 * <li>a client UDP datagram: answered with a well-formed response carrying its ID (FORMERR, NOTIMP, REFUSED, ... or
 * an answer) unless it is shorter than a header or a response (QR=1), which are dropped (Resolver's documented
 * rule);</li>
 * <li>a client TCP byte stream (length prefixes included): every frame that comes back is a well-formed response,
 * and the server closes the connection within the budget once the client has finished sending;</li>
 * <li>an upstream answer to a legitimate query (AAAA, A, PTR under the prefix, MX): the fuzz bytes are returned by the
 * fake upstream over UDP and TCP, usually shaped to pass the RFC 5452 checks (our ID, QR set, our question), so the
 * client gets a well-formed response to its question: SERVFAIL or a (possibly synthesized) answer.</li>
 * </ol>
 * After every input a normal query must still be answered, and the event loop must not have caught any exception
 * ({@code xlat64.dns64.internal.errors} stays 0). Any violation throws, which Jazzer reports as a finding.
 */
public final class Dns64FuzzTarget
{
    static final AtomicLong INPUTS = new AtomicLong();
    /** No response, no close within this: the server hangs. Far above the worst upstream path (2 x timeout-ms). */
    private static final int BUDGET_MS = 3000;
    /** Short, so garbage that upstream matching ignores costs little; a late real answer is a SERVFAIL, also fine. */
    private static final int UPSTREAM_TIMEOUT_MS = 30;
    /** Responses this server may produce to a client (upstream's own rcode is passed on only in mode 3). */
    private static final Set<Integer> CLIENT_RCODES = Set.of(Rcode.NOERROR, Rcode.FORMERR, Rcode.SERVFAIL,
        Rcode.NXDOMAIN, Rcode.NOTIMP, Rcode.REFUSED);
    private static final int[] UPSTREAM_QTYPES = {Type.AAAA, Type.A, Type.PTR, Type.MX};
    /** 2001:db8:64::/96 as the tail of an ip6.arpa name; the PTR path turns it into a CNAME into in-addr.arpa. */
    private static final String PREFIX_IP6_ARPA = "0.0.0.0.0.0.0.0.0.0.0.0.4.6.0.0.8.b.d.0.1.0.0.2.ip6.arpa.";
    private static final AtomicLong SEQUENCE = new AtomicLong();

    private static Harness harness;
    private static DatagramSocket client;
    private static int sentinelId;

    private Dns64FuzzTarget()
    {
    }

    /** Jazzer's entry point (also used by the standalone driver for long runs). */
    public static void fuzzerTestOneInput(final byte[] input)
    {
        if (input.length < 2)
        {
            return;
        }
        allowLoopbackConnections();
        try
        {
            setUp();
            final double bugsBefore = bugs();
            final byte[] payload = Arrays.copyOfRange(input, 2, input.length);
            switch (input[0] & 3)
            {
                case 1:
                    clientTcp(payload);
                    break;
                case 2:
                    upstreamAnswer(input[1], payload);
                    break;
                default:
                    clientUdp(payload);
                    break;
            }
            stillServes(false);
            if (bugs() > bugsBefore)
            {
                throw new IllegalStateException("the event loop caught " + (bugs() - bugsBefore) + " exception(s)");
            }
            harness.upstream.seen.clear(); // the fake upstream's record of queries would grow without bound
            INPUTS.incrementAndGet();
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    private static double bugs()
    {
        return harness.registry.counter("xlat64.dns64.internal.errors").count();
    }

    /** Jazzer's SSRF detector forbids connections unless allowed, and forgets the permission after each input. */
    private static void allowLoopbackConnections()
    {
        try
        {
            BugDetectors.allowNetworkConnections((host, port) -> "localhost".equals(host) || host.startsWith("127."));
        }
        catch (final IllegalStateException ex)
        {
            // Not running under Jazzer's agent (a plain JUnit run): there is no detector to tell.
        }
    }

    private static synchronized void setUp() throws IOException
    {
        if (harness != null)
        {
            return;
        }
        harness = new Harness(Dns64FuzzTarget::saneUpstream,
            "timeout-ms = " + UPSTREAM_TIMEOUT_MS + "\nattempts = 1\n");
        client = new DatagramSocket();
        client.connect(harness.address());
        client.setSoTimeout(BUDGET_MS);
    }

    /** What a normal recursive resolver would say: an A record for A, an empty NOERROR for anything else. */
    private static Message saneUpstream(final Message q)
    {
        final Record question = q.getQuestion();
        if (question != null && question.getType() == Type.A)
        {
            return FakeUpstream.answer(q, Rcode.NOERROR,
                TestRecords.a(question.getName().toString(), 300, "192.0.2.1"));
        }
        return FakeUpstream.answer(q, Rcode.NOERROR);
    }

    // Mode 1: a client datagram.
    private static void clientUdp(final byte[] datagram) throws IOException
    {
        final byte[] wire = datagram.length > 65507 ? Arrays.copyOf(datagram, 65507) : datagram;
        client.send(new DatagramPacket(wire, wire.length));
        final boolean dropped = wire.length < 12 || (wire[2] & 0x80) != 0;
        if (dropped)
        {
            stillServes(true);
            return;
        }
        final byte[] response = receive("a response to a client datagram");
        final Message m = wellFormed(response, "UDP response");
        if (m.getHeader().getID() != (((wire[0] & 0xff) << 8) | (wire[1] & 0xff)))
        {
            throw new IllegalStateException("response ID " + m.getHeader().getID() + " is not the query's");
        }
        if (!CLIENT_RCODES.contains(m.getRcode()) && m.getRcode() != Rcode.BADVERS)
        {
            throw new IllegalStateException("unexpected rcode " + Rcode.string(m.getRcode()));
        }
        if (response.length > 4096)
        {
            throw new IllegalStateException(response.length + "-byte UDP response: more than any client accepts");
        }
    }

    // Mode 2: a client TCP stream.
    private static void clientTcp(final byte[] stream) throws IOException
    {
        try (Socket s = new Socket(harness.address().getAddress(), harness.address().getPort()))
        {
            s.setSoTimeout(BUDGET_MS);
            try
            {
                final OutputStream out = s.getOutputStream();
                out.write(stream);
                out.flush();
                s.shutdownOutput();
            }
            catch (final SocketException ex)
            {
                // The server may close on a bad frame while we still write: that is allowed.
            }
            final DataInputStream in = new DataInputStream(s.getInputStream());
            while (true)
            {
                final int length;
                try
                {
                    length = in.readUnsignedShort();
                }
                catch (final EOFException | SocketException ex)
                {
                    return; // closed (or reset after a bad frame): the end we expect
                }
                catch (final SocketTimeoutException ex)
                {
                    throw new IllegalStateException("TCP connection neither answered nor closed within " + BUDGET_MS +
                        " ms after the client finished");
                }
                final byte[] frame = new byte[length];
                in.readFully(frame);
                wellFormed(frame, "TCP response");
            }
        }
    }

    // Mode 3: an upstream answer to a legitimate query.
    private static void upstreamAnswer(final byte control, final byte[] fuzz) throws IOException
    {
        final int qtype = UPSTREAM_QTYPES[control & 3];
        final boolean shaped = (control & 0x80) == 0;
        // Usually the real answer (a SERVFAIL) follows the fuzzed one, as when a spoofer races the real server: what
        // the server ignores then costs no timeout. Sometimes nothing follows, and the server must time out.
        final boolean realAnswerFollows = (control & 0x60) != 0x60;
        // A fresh name per input, so the cache never hides the fuzzed answer on the first of the two queries.
        final long n = SEQUENCE.incrementAndGet();
        final Name qname = Name.fromString(qtype == Type.PTR ? ptrName(0x0a000000 | (int)(n & 0xffffff)) :
            "q" + n + ".fuzz.test.example.");
        harness.upstream.raw = q -> realAnswerFollows ?
            List.of(shaped ? shape(q, fuzz) : fuzz, FakeUpstream.answer(q, Rcode.SERVFAIL).toWire()) :
            List.of(shaped ? shape(q, fuzz) : fuzz);
        try
        {
            final Message query = Message.newQuery(Record.newRecord(qname, qtype, DClass.IN));
            query.getHeader().setID((int)(n & 0xffff));
            if ((control & 0x04) != 0)
            {
                query.addRecord(new OPTRecord(1232, 0, 0, (control & 0x08) != 0 ? ExtendedFlags.DO : 0),
                    Section.ADDITIONAL);
            }
            if ((control & 0x10) != 0)
            {
                query.getHeader().setFlag(Flags.CD);
            }
            // A cacheable answer is asked for again: the second comes from the cache (TTLs aged, messages cloned).
            for (int i = 0; i < 2; i++)
            {
                final byte[] wire = query.toWire();
                client.send(new DatagramPacket(wire, wire.length));
                final Message m = wellFormed(receive("an answer built on a fuzzed upstream response"), "response");
                if (m.getHeader().getID() != query.getHeader().getID() || !query.getQuestion().equals(m.getQuestion()))
                {
                    throw new IllegalStateException("response does not answer the question: " + m);
                }
                if (m.getRcode() != Rcode.NOERROR && m.getRcode() != Rcode.NXDOMAIN)
                {
                    break;
                }
            }
        }
        finally
        {
            harness.upstream.raw = null;
        }
    }

    /** The ip6.arpa name of {@code ipv4} under the prefix. */
    private static String ptrName(final int ipv4)
    {
        final StringBuilder b = new StringBuilder();
        for (int shift = 0; shift < 32; shift += 4)
        {
            b.append(Character.forDigit((ipv4 >>> shift) & 0xf, 16)).append('.');
        }
        return b + PREFIX_IP6_ARPA;
    }

    /** Our ID, QR set, one question (ours), then the fuzz bytes as header flags, counts and the other sections. */
    private static byte[] shape(final Message query, final byte[] fuzz)
    {
        final byte[] header = Arrays.copyOf(fuzz, 12);
        final byte[] question = query.getQuestion().toWire(Section.QUESTION);
        final byte[] rest = fuzz.length > 12 ? Arrays.copyOfRange(fuzz, 12, fuzz.length) : new byte[0];
        final int id = query.getHeader().getID();
        header[0] = (byte)(id >>> 8);
        header[1] = (byte)id;
        header[2] |= (byte)0x80;
        header[4] = 0;
        header[5] = 1;
        final byte[] out = new byte[12 + question.length + rest.length];
        System.arraycopy(header, 0, out, 0, 12);
        System.arraycopy(question, 0, out, 12, question.length);
        System.arraycopy(rest, 0, out, 12 + question.length, rest.length);
        return out.length > 65507 ? Arrays.copyOf(out, 65507) : out;
    }

    /** A local answer (ipv4only.arpa) must come back; with {@code nothingElse}, nothing may come before it. */
    private static void stillServes(final boolean nothingElse) throws IOException
    {
        sentinelId = (sentinelId + 1) & 0xffff;
        final Message q = Message.newQuery(Record.newRecord(LocalAnswers.IPV4ONLY, Type.A, DClass.IN));
        q.getHeader().setID(sentinelId);
        final byte[] wire = q.toWire();
        client.send(new DatagramPacket(wire, wire.length));
        while (true)
        {
            final Message m = wellFormed(receive("the answer to a normal query after the fuzz input"), "response");
            if (m.getHeader().getID() == sentinelId && m.getRcode() == Rcode.NOERROR)
            {
                return;
            }
            if (nothingElse)
            {
                throw new IllegalStateException("answered a message it must drop: " + m);
            }
        }
    }

    private static byte[] receive(final String what) throws IOException
    {
        final byte[] buf = new byte[65535];
        final DatagramPacket p = new DatagramPacket(buf, buf.length);
        try
        {
            client.receive(p);
        }
        catch (final SocketTimeoutException ex)
        {
            throw new IllegalStateException("no " + what + " within " + BUDGET_MS + " ms");
        }
        return Arrays.copyOf(buf, p.getLength());
    }

    private static Message wellFormed(final byte[] wire, final String what)
    {
        final Message m;
        try
        {
            m = new Message(wire);
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException(what + " does not parse: " + ex.getMessage());
        }
        if (!m.getHeader().getFlag(Flags.QR))
        {
            throw new IllegalStateException(what + " without QR: " + m);
        }
        return m;
    }
}
