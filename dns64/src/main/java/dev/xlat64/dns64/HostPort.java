package dev.xlat64.dns64;

import dev.xlat64.addr.Addresses;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/** Parses {@code 192.0.2.1:53} and {@code [2001:db8::1]:53} (literal addresses only, never a DNS look-up). */
final class HostPort
{
    private HostPort()
    {
    }

    static InetSocketAddress parse(final String text)
    {
        final String t = text.trim();
        final String host;
        final String port;
        if (t.startsWith("["))
        {
            final int close = t.indexOf(']');
            if (close < 0 || close + 1 >= t.length() || t.charAt(close + 1) != ':')
            {
                throw new IllegalArgumentException("'" + text + "' is not [IPv6]:port");
            }
            host = t.substring(1, close);
            port = t.substring(close + 2);
        }
        else
        {
            final int colon = t.lastIndexOf(':');
            if (colon < 0 || t.indexOf(':') != colon)
            {
                throw new IllegalArgumentException("'" + text + "' is not IPv4:port or [IPv6]:port");
            }
            host = t.substring(0, colon);
            port = t.substring(colon + 1);
        }
        final int p;
        try
        {
            p = Integer.parseInt(port);
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException("'" + text + "': port '" + port + "' is not a number");
        }
        if (p < 0 || p > 65535)
        {
            throw new IllegalArgumentException("'" + text + "': port must be 0..65535");
        }
        try
        {
            final byte[] address = host.indexOf(':') >= 0 ? Addresses.parse6(host)
                : Addresses.bytes4(Addresses.parse4(host));
            return new InetSocketAddress(InetAddress.getByAddress(address), p);
        }
        catch (final UnknownHostException ex)
        {
            throw new IllegalArgumentException("'" + text + "' has no literal address");
        }
    }

    static String format(final InetSocketAddress address)
    {
        final String host = address.getAddress().getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
    }
}
