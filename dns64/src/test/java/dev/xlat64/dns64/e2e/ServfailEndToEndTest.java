package dev.xlat64.dns64.e2e;

import dev.xlat64.config.ConfigFile;
import dev.xlat64.dns64.Dns64Config;
import dev.xlat64.dns64.Server;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SERVFAIL from upstream, which unbound cannot be made to send on demand: a tiny Java upstream answers SERVFAIL to
 * every AAAA and A question; dig must see SERVFAIL (RFC 6147 section 5.1.6: the A error is the basis).
 */
class ServfailEndToEndTest
{
    @Test
    void upstreamServfailReachesDig() throws Exception
    {
        try (DatagramSocket upstream = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)))
        {
            final Thread t = new Thread(() ->
            {
                final byte[] buf = new byte[4096];
                while (!upstream.isClosed())
                {
                    try
                    {
                        final DatagramPacket p = new DatagramPacket(buf, buf.length);
                        upstream.receive(p);
                        final byte[] r = java.util.Arrays.copyOf(buf, p.getLength());
                        r[2] |= (byte)0x80;         // QR
                        r[3] = (byte)(0x80 | 2);     // RA, SERVFAIL
                        upstream.send(new DatagramPacket(r, r.length, p.getSocketAddress()));
                    }
                    catch (final java.io.IOException ex)
                    {
                        return;
                    }
                }
            });
            t.setDaemon(true);
            t.start();
            final ConfigFile file = ConfigFile.parse("e2e.toml", "[translator]\nprefix = \"64:ff9b::/96\"\n[dns64]\n" +
                "listen = [\"[::1]:0\"]\nupstream = [\"127.0.0.1:" + upstream.getLocalPort() + "\"]\n");
            try (Server s = Server.start(Dns64Config.load(file, new Dns64Config.Overrides()),
                new SimpleMeterRegistry()))
            {
                final String port = String.valueOf(s.udpAddresses().get(0).getPort());
                final String udp = Tools.run("dig", "@::1", "-p", port, "+time=3", "broken.test.example.", "AAAA");
                assertTrue(udp.contains("status: SERVFAIL"), udp);
                final String tcp = Tools.run("kdig", "@::1", "-p", port, "+tcp", "broken.test.example.", "AAAA");
                assertTrue(tcp.contains("status: SERVFAIL"), tcp);
            }
        }
    }
}
