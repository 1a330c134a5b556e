package dev.xlat64.dns64;

import java.net.InetAddress;
import java.security.MessageDigest;

/**
 * RFC 7873 DNS server cookies in the RFC 9018 interoperable format: version 1, three reserved bytes, a 32-bit
 * timestamp and SipHash-2-4 over client cookie, those eight bytes and the client's address, keyed with the server
 * secret ({@code dns64.cookie-secret}, so servers behind one anycast address can share it). Immutable.
 */
final class ServerCookies
{
    static final int CLIENT_COOKIE = 8;
    static final int SERVER_COOKIE = 16;
    /** RFC 9018 section 4.3: a cookie is valid for an hour, and up to five minutes ahead of our clock. */
    static final long MAX_AGE_SECONDS = 3600;
    static final long MAX_AHEAD_SECONDS = 300;

    private final byte[] secret;

    ServerCookies(final byte[] secret)
    {
        if (secret.length != 16)
        {
            throw new IllegalArgumentException("a cookie secret is 16 bytes");
        }
        this.secret = secret.clone();
    }

    /** RFC 9018 section 4.2: the server cookie for this client cookie, client and time (seconds since 1970). */
    byte[] make(final byte[] clientCookie, final InetAddress client, final long nowSeconds)
    {
        final byte[] out = new byte[SERVER_COOKIE];
        out[0] = 1;
        out[4] = (byte)(nowSeconds >>> 24);
        out[5] = (byte)(nowSeconds >>> 16);
        out[6] = (byte)(nowSeconds >>> 8);
        out[7] = (byte)nowSeconds;
        final long hash = hash(clientCookie, out, client);
        for (int i = 0; i < 8; i++)
        {
            out[8 + i] = (byte)(hash >>> (8 * i)); // little-endian, as the reference implementation writes it
        }
        return out;
    }

    /** RFC 9018 section 4.3: version 1, timestamp in the window, hash over our secret matches. */
    boolean valid(final byte[] clientCookie, final byte[] serverCookie, final InetAddress client, final long nowSeconds)
    {
        if (clientCookie.length != CLIENT_COOKIE || serverCookie.length != SERVER_COOKIE || serverCookie[0] != 1)
        {
            return false;
        }
        final long stamp = ((serverCookie[4] & 0xffL) << 24) | ((serverCookie[5] & 0xffL) << 16) |
            ((serverCookie[6] & 0xffL) << 8) | (serverCookie[7] & 0xffL);
        // Serial number arithmetic (RFC 1982) around the 32-bit timestamp.
        final int age = (int)(nowSeconds - stamp);
        if (age > MAX_AGE_SECONDS || age < -MAX_AHEAD_SECONDS)
        {
            return false;
        }
        final byte[] expected = new byte[SERVER_COOKIE];
        System.arraycopy(serverCookie, 0, expected, 0, 8);
        final long hash = hash(clientCookie, expected, client);
        for (int i = 0; i < 8; i++)
        {
            expected[8 + i] = (byte)(hash >>> (8 * i));
        }
        return MessageDigest.isEqual(expected, serverCookie);
    }

    /** RFC 9018 section 4.4: SipHash-2-4(Client Cookie | Version | Reserved | Timestamp | Client-IP, Secret). */
    private long hash(final byte[] clientCookie, final byte[] head, final InetAddress client)
    {
        final byte[] ip = client.getAddress();
        final byte[] input = new byte[CLIENT_COOKIE + 8 + ip.length];
        System.arraycopy(clientCookie, 0, input, 0, CLIENT_COOKIE);
        System.arraycopy(head, 0, input, CLIENT_COOKIE, 8);
        System.arraycopy(ip, 0, input, CLIENT_COOKIE + 8, ip.length);
        return SipHash24.hash(secret, input, input.length);
    }
}
