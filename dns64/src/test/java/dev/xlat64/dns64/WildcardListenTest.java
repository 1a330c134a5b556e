package dev.xlat64.dns64;

import dev.xlat64.config.ConfigFile;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;

import static dev.xlat64.dns64.TestRecords.query;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Listening on a wildcard address: UDP is bound per local address so each reply leaves from the address its query
 * was sent to (what IP_PKTINFO gives a C server); a client with a connected socket accepts nothing else.
 */
class WildcardListenTest
{
    @Test
    void udpIsBoundToEachLocalAddressAndAnswersFromIt() throws Exception
    {
        final ConfigFile file = ConfigFile.parse("t.toml", "[translator]\nprefix = \"64:ff9b::/96\"\n[dns64]\n" +
            "listen = [\"0.0.0.0:0\"]\nupstream = [\"127.0.0.1:9\"]\n");
        try (Server server = Server.start(Dns64Config.load(file, new Dns64Config.Overrides()),
            new SimpleMeterRegistry()))
        {
            InetSocketAddress loopback = null;
            for (final InetSocketAddress a : server.udpAddresses())
            {
                assertFalse(a.getAddress().isAnyLocalAddress(), "no wildcard UDP socket: " + a);
                loopback = a.getAddress().equals(InetAddress.getByName("127.0.0.1")) ? a : loopback;
            }
            assertTrue(loopback != null, server.udpAddresses().toString());
            assertTrue(server.tcpAddresses().get(0).getAddress().isAnyLocalAddress());
            try (DatagramSocket s = new DatagramSocket())
            {
                s.connect(loopback); // a connected socket takes replies from exactly this address and port
                s.setSoTimeout(3000);
                final byte[] wire = query("ipv4only.arpa.", Type.A).toWire();
                s.send(new DatagramPacket(wire, wire.length));
                final DatagramPacket p = new DatagramPacket(new byte[512], 512);
                s.receive(p);
                assertEquals(loopback, p.getSocketAddress());
                assertEquals(Rcode.NOERROR, new Message(java.util.Arrays.copyOf(p.getData(),
                    p.getLength())).getRcode());
            }
        }
    }
}
