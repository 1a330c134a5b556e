package dev.xlat64.dns64;

import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;

import static dev.xlat64.dns64.TestRecords.a;
import static dev.xlat64.dns64.TestRecords.query;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Malformed input gets FORMERR, unknown opcodes NOTIMP, bad TCP frames a closed connection; the server survives. */
class BadInputTest
{
    private static FakeUpstream.Script v4()
    {
        return q -> FakeUpstream.answer(q, Rcode.NOERROR, a("v4.test.example.", 300, "192.0.2.9"));
    }

    private static byte[] udp(final Harness h, final byte[] wire) throws Exception
    {
        try (DatagramSocket s = new DatagramSocket())
        {
            s.setSoTimeout(1000);
            s.send(new DatagramPacket(wire, wire.length, h.address()));
            final byte[] buf = new byte[65535];
            final DatagramPacket p = new DatagramPacket(buf, buf.length);
            s.receive(p);
            return java.util.Arrays.copyOf(buf, p.getLength());
        }
    }

    private static void assertStillServes(final Harness h) throws Exception
    {
        assertEquals(Rcode.NOERROR, h.query("v4.test.example.", Type.A).getRcode());
    }

    @Test
    void garbageAfterTheHeaderIsFormerrWithTheSameId() throws Exception
    {
        try (Harness h = new Harness(v4()))
        {
            final byte[] wire = {0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0x3f, 'x', 'y'};
            final byte[] r = udp(h, wire);
            assertEquals(12, r.length);
            assertEquals(0x12, r[0]);
            assertEquals(0x34, r[1]);
            assertEquals(Rcode.FORMERR, r[3] & 0xf);
            assertEquals(0x80, r[2] & 0x80);
            assertStillServes(h);
        }
    }

    @Test
    void shortDatagramsAndResponsesAreDropped() throws Exception
    {
        try (Harness h = new Harness(v4()))
        {
            assertThrows(SocketTimeoutException.class, () -> udp(h, new byte[] {1, 2, 3}));
            final byte[] response = query("v4.test.example.", Type.A).toWire();
            response[2] |= (byte)0x80;
            assertThrows(SocketTimeoutException.class, () -> udp(h, response));
            assertStillServes(h);
        }
    }

    @Test
    void unknownOpcodeIsNotimp() throws Exception
    {
        try (Harness h = new Harness(v4()))
        {
            final Message q = query("v4.test.example.", Type.A);
            q.getHeader().setOpcode(Opcode.UPDATE);
            assertEquals(Rcode.NOTIMP, new Message(udp(h, q.toWire())).getRcode());
            q.getHeader().setOpcode(Opcode.IQUERY);
            assertEquals(Rcode.NOTIMP, new Message(udp(h, q.toWire())).getRcode());
        }
    }

    @Test
    void twoQuestionsAreFormerr() throws Exception
    {
        try (Harness h = new Harness(v4()))
        {
            final Message q = query("v4.test.example.", Type.A);
            q.addRecord(org.xbill.DNS.Record.newRecord(TestRecords.n("x.test.example."), Type.A, 1), Section.QUESTION);
            assertEquals(Rcode.FORMERR, new Message(udp(h, q.toWire())).getRcode());
            final Message none = new Message();
            assertEquals(Rcode.FORMERR, new Message(udp(h, none.toWire())).getRcode());
        }
    }

    @Test
    void overLongAndTooShortTcpFramesCloseTheConnection() throws Exception
    {
        try (Harness h = new Harness(v4()))
        {
            for (final int length : new int[] {60000, 3})
            {
                try (Socket s = new Socket(h.address().getAddress(), h.address().getPort()))
                {
                    s.setSoTimeout(2000);
                    final DataOutputStream out = new DataOutputStream(s.getOutputStream());
                    out.writeShort(length);
                    out.write(new byte[Math.min(length, 100)]);
                    out.flush();
                    assertEquals(-1, s.getInputStream().read());
                }
            }
            assertStillServes(h);
        }
    }

    /** Queries for v4.test.example. A with IDs {@code first..last}, each in its RFC 7766 length frame. */
    private static void writeQueries(final DataOutputStream out, final int first, final int last) throws IOException
    {
        for (int id = first; id <= last; id++)
        {
            final Message q = query("v4.test.example.", Type.A);
            q.getHeader().setID(id);
            final byte[] w = q.toWire();
            out.writeShort(w.length);
            out.write(w);
        }
    }

    @Test
    void pipelinedTcpQueriesAreAllAnswered() throws Exception
    {
        try (Harness h = new Harness(v4()))
        {
            try (Socket s = new Socket(h.address().getAddress(), h.address().getPort()))
            {
                s.setSoTimeout(3000);
                final DataOutputStream out = new DataOutputStream(s.getOutputStream());
                writeQueries(out, 1, 3);
                out.flush();
                final DataInputStream in = new DataInputStream(s.getInputStream());
                int ids = 0;
                for (int i = 0; i < 3; i++)
                {
                    final byte[] w = new byte[in.readUnsignedShort()];
                    in.readFully(w);
                    ids += new Message(w).getHeader().getID();
                }
                assertEquals(6, ids);
            }
        }
    }

    @Test
    void garbageTcpMessageGetsFormerrThenClose() throws Exception
    {
        try (Harness h = new Harness(v4()))
        {
            try (Socket s = new Socket(h.address().getAddress(), h.address().getPort()))
            {
                s.setSoTimeout(2000);
                final DataOutputStream out = new DataOutputStream(s.getOutputStream());
                final byte[] garbage = {0x43, 0x21, 0x01, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0, (byte)0xc0, (byte)0xff};
                out.writeShort(garbage.length);
                out.write(garbage);
                out.flush();
                final DataInputStream in = new DataInputStream(s.getInputStream());
                final byte[] w = new byte[in.readUnsignedShort()];
                in.readFully(w);
                assertEquals(Rcode.FORMERR, w[3] & 0xf);
                assertThrows(EOFException.class, () -> in.readUnsignedShort());
            }
            assertStillServes(h);
        }
    }

    @Test
    void aClientThatDoesNotReadIsPausedNotDropped() throws Exception
    {
        try (Harness h = new Harness(v4()))
        {
            try (Socket s = new Socket(h.address().getAddress(), h.address().getPort()))
            {
                s.setSoTimeout(5000);
                final DataOutputStream out = new DataOutputStream(
                    new java.io.BufferedOutputStream(s.getOutputStream()));
                final int n = 400;
                writeQueries(out, 0, n - 1);
                out.flush();
                Thread.sleep(300);
                final DataInputStream in = new DataInputStream(s.getInputStream());
                for (int i = 0; i < n; i++)
                {
                    final byte[] w = new byte[in.readUnsignedShort()];
                    in.readFully(w);
                    assertEquals(Rcode.NOERROR, new Message(w).getRcode());
                }
            }
        }
    }
}
