package dev.xlat64.dns64;

import dev.xlat64.config.ConfigFile;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

import static dev.xlat64.dns64.TestRecords.a;
import static dev.xlat64.dns64.TestRecords.aaaas;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The recvmmsg/sendmmsg path of the UDP listeners ({@link UdpBatch}) against the JDK DatagramChannel path it replaces,
 * on real sockets on 127.0.0.1 and ::1: the same bytes back for hits, misses, local and malformed queries, each answer
 * to its own sender from the address it asked, and no allocation for a batch of hits.
 */
class UdpBatchTest
{
    private static final String IPV4ONLY = "2001:db8:64::c000:aa";

    /** Answers A with 192.0.2.1 and everything else NODATA; nx.test. is NXDOMAIN. */
    private static Message upstream(final Message q)
    {
        if (q.getQuestion().getName().toString().equalsIgnoreCase("nx.test."))
        {
            return TestRecords.withAuthority(FakeUpstream.answer(q, Rcode.NXDOMAIN),
                TestRecords.soa("test.", 600, 300));
        }
        return q.getQuestion().getType() == Type.A ?
            FakeUpstream.answer(q, Rcode.NOERROR, a(q.getQuestion().getName().toString(), 300, "192.0.2.1")) :
            TestRecords.withAuthority(FakeUpstream.answer(q, Rcode.NOERROR), TestRecords.soa("test.", 600, 300));
    }

    private static Dns64Config config(final String listen, final String upstream)
    {
        final ConfigFile file = ConfigFile.parse("t.toml", "[translator]\nprefix = \"2001:db8:64::/96\"\n[dns64]\n" +
            "listen = [" + listen + "]\nupstream = [\"" + upstream + "\"]\ntimeout-ms = 500\n");
        final Dns64Config config = Dns64Config.load(file, new Dns64Config.Overrides());
        assertNotNull(config, file.errors().toString());
        return config;
    }

    private static byte[] query(final int id, final String name, final int type, final boolean edns)
        throws IOException
    {
        final Message q = Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN));
        q.getHeader().setID(id);
        if (edns)
        {
            q.addRecord(new OPTRecord(1232, 0, 0, Flags.DO), org.xbill.DNS.Section.ADDITIONAL);
        }
        return q.toWire();
    }

    /** Hits (after their misses), misses, local answers, NXDOMAIN, EDNS/DO, mixed case, and malformed datagrams. */
    private static List<byte[]> mixedQueries() throws IOException
    {
        final List<byte[]> out = new ArrayList<>();
        out.add(query(1, "a-only.test.", Type.AAAA, false));
        out.add(query(2, "a-only.test.", Type.AAAA, false));
        out.add(query(3, "A-Only.TEST.", Type.AAAA, true));
        out.add(query(4, "a-ONLY.test.", Type.AAAA, true));
        out.add(query(5, "a-only.test.", Type.A, false));
        out.add(query(6, "ipv4only.arpa.", Type.AAAA, false));
        out.add(query(7, "IPV4ONLY.arpa.", Type.AAAA, false));
        out.add(query(8, "nx.test.", Type.AAAA, false));
        out.add(query(9, "nx.test.", Type.AAAA, false));
        out.add(new byte[] {0, 10, 1, 0, 0});
        final byte[] response = query(11, "a-only.test.", Type.AAAA, false);
        response[2] |= (byte)0x80;
        out.add(response);
        final byte[] cut = query(12, "a-only.test.", Type.AAAA, false);
        out.add(Arrays.copyOf(cut, cut.length - 6));
        return out;
    }

    /**
     * Sends each query in turn and waits for the answer with its ID: up to 3 s for the first {@code answered} (a miss
     * asks upstream, and the machine may be loaded), 400 ms for the rest (null: none came).
     */
    private static List<byte[]> ask(final InetSocketAddress server, final List<byte[]> queries, final int answered)
        throws IOException
    {
        final List<byte[]> answers = new ArrayList<>();
        try (DatagramSocket client = new DatagramSocket(new InetSocketAddress(server.getAddress(), 0)))
        {
            for (int i = 0; i < queries.size(); i++)
            {
                final byte[] q = queries.get(i);
                client.send(new DatagramPacket(q, q.length, server));
                answers.add(answerTo(client, q, i < answered ? 3000 : 400));
            }
        }
        return answers;
    }

    /** The next datagram with {@code query}'s ID within {@code millis} (a late answer to another is skipped). */
    private static byte[] answerTo(final DatagramSocket client, final byte[] query, final long millis)
        throws IOException
    {
        final long deadline = System.nanoTime() + millis * 1_000_000L;
        while (true)
        {
            final long left = (deadline - System.nanoTime()) / 1_000_000L;
            if (left <= 0)
            {
                return null;
            }
            client.setSoTimeout((int)left);
            final DatagramPacket p = new DatagramPacket(new byte[65535], 65535);
            try
            {
                client.receive(p);
            }
            catch (final SocketTimeoutException ex)
            {
                return null;
            }
            if (p.getLength() >= 2 && p.getData()[0] == query[0] && p.getData()[1] == query[1])
            {
                return Arrays.copyOf(p.getData(), p.getLength());
            }
        }
    }

    @Test
    void hitsMissesAndBadQueriesGetTheJdkPathsBytesOverIpv4AndIpv6() throws Exception
    {
        try (FakeUpstream up = new FakeUpstream(UdpBatchTest::upstream))
        {
            for (final String listen : List.of("127.0.0.1:0", "[::1]:0"))
            {
                // Fresh servers (cold caches) for each address, so a hit's TTL has aged the same on both.
                final Dns64Config config = config("\"" + listen + "\"", up.address());
                final List<byte[]> expected;
                System.setProperty(NativeUdp.PROPERTY, "false");
                try (Server jdk = Server.start(config, new SimpleMeterRegistry()))
                {
                    System.clearProperty(NativeUdp.PROPERTY);
                    assertTrue(jdk.udpPath().contains("JDK"), jdk.udpPath());
                    expected = ask(jdk.udpAddresses().get(0), mixedQueries(), 9);
                }
                finally
                {
                    System.clearProperty(NativeUdp.PROPERTY);
                }
                try (Server batched = Server.start(config, new SimpleMeterRegistry()))
                {
                    assertTrue(batched.udpPath().contains("recvmmsg"), batched.udpPath());
                    final List<byte[]> actual = ask(batched.udpAddresses().get(0), mixedQueries(), 9);
                    for (int i = 0; i < expected.size(); i++)
                    {
                        assertArrayEquals(expected.get(i), actual.get(i), "answer " + i + " on " + listen);
                    }
                }
                assertEquals(List.of(IPV4ONLY, "2001:db8:64::c000:ab"), aaaas(new Message(expected.get(6))));
                assertEquals(List.of("2001:db8:64::c000:201"), aaaas(new Message(expected.get(1))));
                assertEquals(Rcode.NXDOMAIN, new Message(expected.get(8)).getRcode());
            }
        }
    }

    /** A loop not started: the test calls its UDP listener, one batch per call, on the test thread. */
    private static final class Rig implements AutoCloseable
    {
        final ServerLoop loop;
        final DatagramChannel channel;
        final EventLoop.Handler listener;
        final InetSocketAddress address;
        final SimpleMeterRegistry registry = new SimpleMeterRegistry();

        Rig(final String listen, final boolean batched) throws IOException
        {
            final Dns64Config config = config("\"" + listen + "\"", "127.0.0.1:9");
            loop = new ServerLoop(config.share(1), new Dns64Metrics(registry), 0, e -> { });
            channel = Sockets.bindUdp(config.listen.get(0), false);
            listener = loop.addUdp(channel, batched);
            assertEquals(batched, loop.batched());
            address = (InetSocketAddress)channel.getLocalAddress();
        }

        void drain() throws IOException
        {
            listener.ready(null);
        }

        @Override
        public void close()
        {
            loop.loop.close();
        }
    }

    /** Every datagram waiting for {@code client} within 300 ms of the last one. */
    private static List<DatagramPacket> received(final DatagramSocket client) throws IOException
    {
        final List<DatagramPacket> out = new ArrayList<>();
        client.setSoTimeout(300);
        while (true)
        {
            final DatagramPacket p = new DatagramPacket(new byte[65535], 65535);
            try
            {
                client.receive(p);
            }
            catch (final SocketTimeoutException ex)
            {
                return out;
            }
            p.setData(Arrays.copyOf(p.getData(), p.getLength()));
            out.add(p);
        }
    }

    private static List<byte[]> answersTo(final Rig rig, final List<byte[]> batch) throws IOException
    {
        try (DatagramSocket client = new DatagramSocket(new InetSocketAddress(rig.address.getAddress(), 0)))
        {
            final byte[] prime = query(100, "ipv4only.arpa.", Type.AAAA, false);
            client.send(new DatagramPacket(prime, prime.length, rig.address));
            rig.drain();
            assertEquals(1, received(client).size());
            for (final byte[] q : batch)
            {
                client.send(new DatagramPacket(q, q.length, rig.address));
            }
            rig.drain();
            final List<byte[]> out = new ArrayList<>();
            received(client).forEach(p -> out.add(p.getData()));
            // The batch path sends its hits after the batch; compare in query ID order.
            out.sort(Comparator.comparingInt(b -> ((b[0] & 0xff) << 8) | (b[1] & 0xff)));
            return out;
        }
    }

    @Test
    void malformedDatagramsInABatchAreAnsweredAsBeforeAndLeaveTheirNeighboursAlone() throws Exception
    {
        final byte[] response = query(3, "ipv4only.arpa.", Type.AAAA, false);
        response[2] |= (byte)0x80;
        final byte[] cut = query(5, "ipv4only.arpa.", Type.AAAA, false);
        final List<byte[]> batch = List.of(query(1, "ipv4only.arpa.", Type.AAAA, false), new byte[] {0, 2, 1},
            response, new byte[0], Arrays.copyOf(cut, cut.length - 7), query(6, "ipv4only.arpa.", Type.AAAA, false),
            new byte[] {0, 7, 1, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1});
        final List<byte[]> expected;
        try (Rig jdk = new Rig("127.0.0.1:0", false))
        {
            expected = answersTo(jdk, batch);
        }
        try (Rig batched = new Rig("127.0.0.1:0", true))
        {
            final List<byte[]> actual = answersTo(batched, batch);
            assertEquals(expected.size(), actual.size());
            for (int i = 0; i < expected.size(); i++)
            {
                assertArrayEquals(expected.get(i), actual.get(i), "answer " + i);
            }
            // The two good queries around the bad ones are cache hits answered from the batch.
            assertEquals(2.0, batched.registry.get("xlat64.dns64.cache.answer.hits").counter().count());
        }
        final Message first = new Message(expected.get(0));
        final Message last = new Message(expected.get(expected.size() - 1));
        assertEquals(1, first.getHeader().getID());
        assertEquals(List.of(IPV4ONLY, "2001:db8:64::c000:ab"), aaaas(first));
        assertEquals(7, last.getHeader().getID());
        assertEquals(Rcode.FORMERR, last.getRcode());
    }

    @Test
    void eachSenderGetsItsOwnAnswersFromTheAddressItAsked() throws Exception
    {
        for (final String listen : List.of("127.0.0.1:0", "[::1]:0"))
        {
            try (Rig rig = new Rig(listen, true);
                DatagramSocket one = new DatagramSocket(new InetSocketAddress(rig.address.getAddress(), 0));
                DatagramSocket two = new DatagramSocket(new InetSocketAddress(rig.address.getAddress(), 0)))
            {
                final byte[] prime = query(100, "ipv4only.arpa.", Type.AAAA, false);
                one.send(new DatagramPacket(prime, prime.length, rig.address));
                rig.drain();
                assertEquals(1, received(one).size());
                for (int id = 1; id <= 20; id++)
                {
                    // Hits and, every fifth, a FORMERR from the full path, interleaved between the two senders.
                    final byte[] q = id % 5 == 0 ? new byte[] {0, (byte)id, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0} :
                        query(id, "ipv4only.arpa.", Type.AAAA, false);
                    (id % 2 == 0 ? two : one).send(new DatagramPacket(q, q.length, rig.address));
                }
                rig.drain();
                for (final DatagramSocket client : List.of(one, two))
                {
                    final List<Integer> ids = new ArrayList<>();
                    for (final DatagramPacket p : received(client))
                    {
                        assertEquals(rig.address, p.getSocketAddress(), "answered from the address asked");
                        ids.add(new Message(p.getData()).getHeader().getID());
                    }
                    ids.sort(Integer::compare);
                    final List<Integer> mine = new ArrayList<>();
                    for (int id = client == one ? 1 : 2; id <= 20; id += 2)
                    {
                        mine.add(id);
                    }
                    assertEquals(mine, ids, listen);
                }
            }
        }
    }

    @Test
    void aWildcardListenAnswersFromEachLocalAddress() throws Exception
    {
        final Dns64Config config = config("\"0.0.0.0:0\"", "127.0.0.1:9");
        try (Server server = Server.start(config, new SimpleMeterRegistry()))
        {
            assertTrue(server.udpPath().contains("recvmmsg"), server.udpPath());
            for (final InetSocketAddress at : server.udpAddresses())
            {
                if (java.net.NetworkInterface.getByInetAddress(at.getAddress()) == null)
                {
                    continue; // gone since (another test's interface): not this test's concern
                }
                try (DatagramSocket client = new DatagramSocket(new InetSocketAddress(at.getAddress(), 0)))
                {
                    client.setSoTimeout(2000);
                    for (int id = 1; id <= 2; id++)
                    {
                        final byte[] q = query(id, "ipv4only.arpa.", Type.AAAA, false);
                        client.send(new DatagramPacket(q, q.length, at));
                        final DatagramPacket p = new DatagramPacket(new byte[512], 512);
                        client.receive(p);
                        assertEquals(at, p.getSocketAddress());
                        assertEquals(id, new Message(Arrays.copyOf(p.getData(), p.getLength())).getHeader().getID());
                    }
                }
            }
        }
    }

    /** A datagram for the non-blocking {@code channel} within 2 s, or null. */
    private static java.net.SocketAddress receive(final DatagramChannel channel, final java.nio.ByteBuffer in)
        throws IOException, InterruptedException
    {
        final long deadline = System.nanoTime() + 2_000_000_000L;
        java.net.SocketAddress from;
        while ((from = channel.receive(in)) == null && System.nanoTime() < deadline)
        {
            Thread.sleep(1);
        }
        return from;
    }

    @Test
    void aBatchOfHitsAllocatesNothing() throws Exception
    {
        // Two clients in turn: the JDK path would decode a new sender address for every datagram.
        try (Rig rig = new Rig("127.0.0.1:0", true);
            DatagramChannel one = DatagramChannel.open();
            DatagramChannel two = DatagramChannel.open())
        {
            final List<DatagramChannel> clients = List.of(one, two);
            for (final DatagramChannel c : clients)
            {
                c.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                c.configureBlocking(false);
            }
            final java.nio.ByteBuffer q = java.nio.ByteBuffer.wrap(query(1, "IPv4only.arpa.", Type.AAAA, true));
            final java.nio.ByteBuffer in = java.nio.ByteBuffer.allocate(65535);
            final com.sun.management.ThreadMXBean mx =
                (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
            long allocated = 0;
            int answered = 0;
            for (int round = 0; round < 1200; round++)
            {
                for (int i = 0; i < UdpBatch.SIZE; i++)
                {
                    clients.get(i % 2).send(q.rewind(), rig.address);
                }
                final long before = mx.getThreadAllocatedBytes(Thread.currentThread().getId());
                rig.drain();
                final long after = mx.getThreadAllocatedBytes(Thread.currentThread().getId());
                if (round >= 600)
                {
                    allocated += after - before;
                }
                for (int i = 0; i < UdpBatch.SIZE; i++)
                {
                    in.clear();
                    assertNotNull(receive(clients.get(i % 2), in), "answer " + i + " of round " + round);
                    answered++;
                }
            }
            assertEquals(1200 * UdpBatch.SIZE, answered);
            assertEquals(1200.0 * UdpBatch.SIZE - 1,
                rig.registry.get("xlat64.dns64.cache.answer.hits").counter().count());
            // 19,200 hits: one allocation each would be 300 KiB at least. The same bound as FastPathTest's.
            assertTrue(allocated < 16 * 1024, "bytes allocated by 600 batches of hits: " + allocated);
        }
    }
}
