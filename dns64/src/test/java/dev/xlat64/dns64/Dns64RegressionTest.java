package dev.xlat64.dns64;

import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

import java.nio.ByteBuffer;
import java.util.List;

import static dev.xlat64.dns64.TestRecords.a;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** One test per bug the fuzzer (Dns64FuzzTest) found; the crash inputs themselves are replayed by Dns64FuzzTest. */
class Dns64RegressionTest
{
    /**
     * crash-9ecc3158...: an upstream "answer" with opcode UPDATE. dnsjava parses records with empty RDATA in an
     * UPDATE message, the DNS64 copied them into its QUERY response, and the client could not parse that response.
     * Now a response whose opcode is not the query's is not an answer: it is ignored and the real answer is taken.
     */
    @Test
    void upstreamAnswerWithAnotherOpcodeIsIgnored() throws Exception
    {
        try (Harness h = new Harness(q -> null))
        {
            h.upstream.raw = q -> List.of(updateWithEmptyRecord(q, 300), realAnswer(q));
            final Message r = h.query("v4.test.example.", Type.A);
            assertEquals(Rcode.NOERROR, r.getRcode());
            assertEquals(1, r.getSection(Section.ANSWER).size());
            assertEquals(Type.A, r.getSection(Section.ANSWER).get(0).getType());
        }
    }

    /**
     * crash-737c1f8f...: a datagram from the upstream whose record has a TTL above 2^31-1. dnsjava checks the TTL of
     * a record without RDATA (legal in an UPDATE message) and throws InvalidTTLException, unchecked; it escaped the
     * answer matching, the event loop caught it and the exchange failed, so the real answer arriving next was lost
     * (SERVFAIL) and the loop counted a bug.
     */
    @Test
    void upstreamDatagramThatMakesTheParserThrowUncheckedIsIgnored() throws Exception
    {
        try (Harness h = new Harness(q -> null, "attempts = 1\n"))
        {
            h.upstream.raw = q -> List.of(updateWithEmptyRecord(q, 0xd0000080), realAnswer(q));
            final Message r = h.query("v4.test.example.", Type.A);
            assertEquals(Rcode.NOERROR, r.getRcode());
            assertEquals(1, r.getSection(Section.ANSWER).size());
            assertEquals(0, h.registry.counter("xlat64.dns64.internal.errors").count());
        }
    }

    /**
     * crash-9c1fba2b...: an upstream answer with a WKS record without a bitmap (RDLENGTH 5). dnsjava parses it but
     * throws ArrayIndexOutOfBoundsException writing it back, so building the client's response threw on the event
     * loop and the client never got an answer. Now such an answer is no answer (the real one is taken), and a
     * response that cannot be encoded becomes SERVFAIL.
     */
    @Test
    void upstreamAnswerThatCannotBeReencodedLeavesNoClientWaiting() throws Exception
    {
        try (Harness h = new Harness(q -> null))
        {
            h.upstream.raw = q ->
            {
                final byte[] head = FakeUpstream.answer(q, Rcode.NOERROR).toWire();
                head[7] = 1; // ANCOUNT
                final ByteBuffer b = ByteBuffer.allocate(head.length + 16);
                b.put(head).put((byte)0).putShort((short)Type.WKS).putShort((short)1).putInt(300).putShort((short)5)
                    .putInt(0xc0000201).put((byte)6);
                final Message real = FakeUpstream.answer(q, Rcode.NOERROR, a("v4.test.example.", 300, "192.0.2.9"));
                return List.of(b.array(), real.toWire());
            };
            final Message r = h.query("v4.test.example.", Type.A);
            assertEquals(Rcode.NOERROR, r.getRcode());
            assertEquals(Type.A, r.getSection(Section.ANSWER).get(0).getType());
            assertEquals(0, h.registry.counter("xlat64.dns64.internal.errors").count());
        }
    }

    /**
     * An UPDATE "answer" to {@code q} with one record: root, type MF, class IN, the given TTL, RDLENGTH 0 (legal only
     * in an UPDATE's sections).
     */
    private static byte[] updateWithEmptyRecord(final Message q, final int ttl)
    {
        final Message update = FakeUpstream.answer(q, Rcode.NOERROR);
        update.getHeader().setOpcode(Opcode.UPDATE);
        final byte[] head = update.toWire();
        head[7] = 1; // ANCOUNT
        final ByteBuffer b = ByteBuffer.allocate(head.length + 11);
        b.put(head).put((byte)0).putShort((short)Type.MF).putShort((short)1).putInt(ttl).putShort((short)0);
        return b.array();
    }

    private static byte[] realAnswer(final Message q)
    {
        return FakeUpstream.answer(q, Rcode.NOERROR, a("v4.test.example.", 300, "192.0.2.9")).toWire();
    }
}
