package dev.xlat64.service;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Adds and deletes device routes through rtnetlink (RTM_NEWROUTE / RTM_DELROUTE on a NETLINK_ROUTE socket, the same
 * messages {@code ip route replace|del PREFIX dev DEV} sends), bound with jnr-ffi. Control plane only: one request and
 * its acknowledgement per route, at start, reload and stop.
 */
public final class Rtnetlink implements AutoCloseable
{
    private static final int AF_INET = 2;
    private static final int AF_INET6 = 10;
    private static final int AF_NETLINK = 16;
    private static final int SOCK_RAW = 3;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int NETLINK_ROUTE = 0;

    private static final short RTM_NEWROUTE = 24;
    private static final short RTM_DELROUTE = 25;
    private static final short NLMSG_ERROR = 2;
    private static final short NLM_F_REQUEST = 0x1;
    private static final short NLM_F_ACK = 0x4;
    private static final short NLM_F_REPLACE = 0x100;
    private static final short NLM_F_CREATE = 0x400;

    private static final byte RT_TABLE_MAIN = (byte)254;
    /** RTPROT_BOOT: what {@code ip route add} uses by default, so the routes look like hand-made ones. */
    public static final byte RTPROT_BOOT = 3;
    private static final byte RT_SCOPE_UNIVERSE = 0;
    private static final byte RT_SCOPE_LINK = (byte)253;
    private static final byte RT_SCOPE_NOWHERE = (byte)255;
    private static final byte RTN_UNICAST = 1;
    private static final short RTA_DST = 1;
    private static final short RTA_OIF = 4;

    private static final int NLMSGHDR = 16;
    private static final int RTMSG = 12;

    private final int fd;
    private int sequence;

    private Rtnetlink(final int fd)
    {
        this.fd = fd;
    }

    public static Rtnetlink open() throws IOException
    {
        final int fd = Libc.get().socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
        if (fd < 0)
        {
            throw new IOException("cannot open a NETLINK_ROUTE socket: " + Libc.lastError());
        }
        return new Rtnetlink(fd);
    }

    /** {@code ip route replace PREFIX dev DEVICE}. */
    public void replace(final String prefix, final String device) throws IOException
    {
        replace(prefix, device, RTPROT_BOOT);
    }

    /**
     * {@code ip route replace PREFIX dev DEVICE proto PROTOCOL}: the same route re-marked in place (a routing daemon
     * can tell {@code boot} from e.g. xlat64's draining mark, while the kernel forwards as before).
     */
    public void replace(final String prefix, final String device, final byte protocol) throws IOException
    {
        request(RTM_NEWROUTE, (short)(NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_REPLACE), prefix, device,
            protocol);
    }

    /** {@code ip route del PREFIX dev DEVICE}; throws with the kernel's reason (e.g. "No such process": no route). */
    public void delete(final String prefix, final String device) throws IOException
    {
        request(RTM_DELROUTE, (short)(NLM_F_REQUEST | NLM_F_ACK), prefix, device, (byte)0);
    }

    private synchronized void request(
        final short type, final short flags, final String prefix, final String device, final byte protocol)
        throws IOException
    {
        final int slash = prefix.indexOf('/');
        final byte[] address;
        try
        {
            address = InetAddress.getByName(slash < 0 ? prefix : prefix.substring(0, slash)).getAddress();
        }
        catch (final UnknownHostException ex)
        {
            throw new IOException("'" + prefix + "' is not an address");
        }
        final int length = slash < 0 ? address.length * 8 : Integer.parseInt(prefix.substring(slash + 1));
        final int ifindex = Libc.get().if_nametoindex(device);
        if (ifindex == 0)
        {
            throw new IOException("no device " + device);
        }
        final boolean v4 = address.length == 4;
        final int size = NLMSGHDR + RTMSG + align(4 + address.length) + 8;
        final ByteBuffer m = ByteBuffer.allocate(size).order(ByteOrder.nativeOrder());
        final int seq = ++sequence;
        m.putInt(size).putShort(type).putShort(flags).putInt(seq).putInt(0);
        // struct rtmsg: family, dst_len, src_len, tos, table, protocol, scope, type, flags
        m.put((byte)(v4 ? AF_INET : AF_INET6)).put((byte)length).put((byte)0).put((byte)0).put(RT_TABLE_MAIN)
            .put(type == RTM_DELROUTE ? 0 : protocol)
            .put(type == RTM_DELROUTE ? RT_SCOPE_NOWHERE : v4 ? RT_SCOPE_LINK : RT_SCOPE_UNIVERSE)
            .put(type == RTM_DELROUTE ? 0 : RTN_UNICAST).putInt(0);
        m.putShort((short)(4 + address.length)).putShort(RTA_DST).put(address);
        m.position(NLMSGHDR + RTMSG + align(4 + address.length));
        m.putShort((short)8).putShort(RTA_OIF).putInt(ifindex);

        final byte[] kernel = new byte[12];
        kernel[0] = AF_NETLINK;
        final byte[] bytes = m.array();
        if (Libc.get().sendto(fd, bytes, bytes.length, 0, kernel, kernel.length) != bytes.length)
        {
            throw new IOException("netlink send failed: " + Libc.lastError());
        }
        final byte[] reply = new byte[8192];
        while (true)
        {
            final long n = Libc.get().recv(fd, reply, reply.length, 0);
            if (n < 0)
            {
                throw new IOException("netlink receive failed: " + Libc.lastError());
            }
            final ByteBuffer r = ByteBuffer.wrap(reply, 0, (int)n).order(ByteOrder.nativeOrder());
            while (r.remaining() >= NLMSGHDR + 4)
            {
                final int start = r.position();
                final int messageLength = r.getInt(start);
                final short messageType = r.getShort(start + 4);
                final int messageSeq = r.getInt(start + 8);
                if (messageLength < NLMSGHDR || start + messageLength > r.limit())
                {
                    break;
                }
                if (messageType == NLMSG_ERROR && messageSeq == seq)
                {
                    final int error = -r.getInt(start + NLMSGHDR);
                    if (error != 0)
                    {
                        throw new IOException(Libc.error(error));
                    }
                    return;
                }
                r.position(start + align(messageLength));
            }
        }
    }

    private static int align(final int length)
    {
        return (length + 3) & ~3;
    }

    @Override
    public void close()
    {
        Libc.get().close(fd);
    }
}
