package dev.xlat64.dns64;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Opening the listening sockets, with errors that name the protocol and address; the local addresses to bind. */
final class Sockets
{
    private Sockets()
    {
    }

    /** The addresses of the interfaces that are up: IPv4 only, or IPv4 and IPv6. */
    static List<InetAddress> localAddresses(final boolean ipv6Too) throws IOException
    {
        final List<InetAddress> out = new ArrayList<>();
        for (final NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces()))
        {
            if (!nif.isUp())
            {
                continue;
            }
            for (final InetAddress a : Collections.list(nif.getInetAddresses()))
            {
                if (a instanceof Inet4Address || ipv6Too)
                {
                    out.add(a);
                }
            }
        }
        return out;
    }

    /** {@code shared}: SO_REUSEPORT, for one socket per event loop on the same address (same user only, Linux). */
    static DatagramChannel bindUdp(final InetSocketAddress address, final boolean shared) throws IOException
    {
        final DatagramChannel udp = DatagramChannel.open(
            address.getAddress().getAddress().length == 4 ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6);
        try
        {
            if (shared)
            {
                udp.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            }
            udp.bind(address);
            return udp;
        }
        catch (final IOException ex)
        {
            udp.close();
            throw new IOException("UDP " + HostPort.format(address) + ": " + ex.getMessage(), ex);
        }
    }

    static ServerSocketChannel bindTcp(final InetSocketAddress address, final boolean shared) throws IOException
    {
        final ServerSocketChannel tcp = ServerSocketChannel.open();
        try
        {
            tcp.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            if (shared)
            {
                tcp.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            }
            tcp.bind(address, 128);
            return tcp;
        }
        catch (final IOException ex)
        {
            tcp.close();
            throw new IOException("TCP " + HostPort.format(address) + ": " + ex.getMessage(), ex);
        }
    }
}
