package dev.xlat64.dns64;

import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static dev.xlat64.dns64.TestRecords.a;
import static dev.xlat64.dns64.TestRecords.aaaas;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Identical questions in flight (name case-insensitively, type, class, DO, CD) share one upstream exchange: N clients
 * asking at once do not give an off-path spoofer N chances, and each client gets the answer with its own ID and its
 * own spelling of the name.
 */
class CoalescingTest
{
    private static final int CLIENTS = 8;

    @Test
    void identicalQuestionsInFlightShareOneUpstreamExchange() throws Exception
    {
        // The upstream is slow, so all clients' queries arrive while the first exchange is in flight.
        try (Harness h = new Harness(q ->
        {
            sleep(400);
            return q.getQuestion().getType() == Type.A ?
                FakeUpstream.answer(q, Rcode.NOERROR, a(q.getQuestion().getName().toString(), 300, "192.0.2.1")) :
                FakeUpstream.answer(q, Rcode.NOERROR);
        }, "timeout-ms = 3000\n"))
        {
            final ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
            final List<Future<Message>> answers = new ArrayList<>();
            final List<Message> queries = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++)
            {
                final String spelling = (i % 2 == 0) ? "Same.Test.Example." : "sAME.tEST.eXAMPLE.";
                final Message q = Message.newQuery(Record.newRecord(Name.fromString(spelling), Type.AAAA, DClass.IN));
                q.getHeader().setID(1000 + i);
                queries.add(q);
                answers.add(pool.submit(() -> h.send(q, false)));
            }
            for (int i = 0; i < CLIENTS; i++)
            {
                final Message r = answers.get(i).get();
                assertEquals(1000 + i, r.getHeader().getID());
                assertEquals(queries.get(i).getQuestion().getName().toString(),
                    r.getQuestion().getName().toString(), "the client's own case");
                assertEquals(List.of("2001:db8:64::c000:201"), aaaas(r));
            }
            pool.shutdown();
            // One AAAA and one A exchange for all eight clients.
            assertEquals(2, h.upstream.seen.size(), h.upstream.seen.toString());
        }
    }

    private static void sleep(final long ms)
    {
        try
        {
            Thread.sleep(ms);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
