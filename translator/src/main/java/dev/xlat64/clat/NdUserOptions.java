package dev.xlat64.clat;

import dev.xlat64.service.Libc;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The Router Advertisement options the kernel passes up to user space (rtnetlink group RTNLGRP_ND_USEROPT, message
 * RTM_NEWNDUSEROPT: RDNSS, DNSSL, captive portal and, since Linux 5.9, PREF64), filtered for PREF64 on one link; and a
 * Router Solicitation (RFC 4861 section 6.3.7) sent on that link so a router answers at once instead of at its next
 * periodic RA. The kernel has checked the RA (hop limit 255, link-local source, accept_ra) before it hands an option
 * up.
 */
public final class NdUserOptions implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(NdUserOptions.class);

    private static final int AF_NETLINK = 16;
    private static final int AF_INET6 = 10;
    private static final int SOCK_RAW = 3;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int NETLINK_ROUTE = 0;
    private static final int RTNLGRP_ND_USEROPT = 20;
    private static final short RTM_NEWNDUSEROPT = 68;
    private static final int SOL_SOCKET = 1;
    private static final int SO_RCVTIMEO = 20;
    private static final int SO_BINDTODEVICE = 25;
    private static final int IPPROTO_IPV6 = 41;
    private static final int IPPROTO_ICMPV6 = 58;
    private static final int IPV6_MULTICAST_IF = 17;
    private static final int IPV6_MULTICAST_HOPS = 18;
    private static final int NLMSGHDR = 16;
    /** struct nduseroptmsg: family, pad, opts_len, ifindex, icmp_type, icmp_code, pad, pad. */
    private static final int NDUSEROPTMSG = 16;
    /** RFC 4861 section 4.2: ICMPv6 type of a Router Advertisement. */
    private static final int ND_ROUTER_ADVERT = 134;
    /** RFC 4861 section 4.1: ICMPv6 type of a Router Solicitation. */
    private static final int ND_ROUTER_SOLICIT = 133;
    private static final int EAGAIN = 11;

    private final int fd;
    private final int ifindex;
    private final byte[] buffer = new byte[65536];

    private NdUserOptions(final int fd, final int ifindex)
    {
        this.fd = fd;
        this.ifindex = ifindex;
    }

    /** Subscribes to the ND user options of {@code device}; {@link #receive} waits at most {@code timeoutMillis}. */
    public static NdUserOptions open(final String device, final int timeoutMillis) throws IOException
    {
        final int ifindex = Libc.get().if_nametoindex(device);
        if (ifindex == 0)
        {
            throw new IOException("no device " + device);
        }
        final int fd = Libc.get().socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
        if (fd < 0)
        {
            throw new IOException("cannot open a NETLINK_ROUTE socket: " + Libc.lastError());
        }
        // struct sockaddr_nl: family, pad, pid (0: the kernel assigns), groups (the legacy bit mask).
        final ByteBuffer sa = ByteBuffer.allocate(12).order(ByteOrder.nativeOrder());
        sa.putShort((short)AF_NETLINK).putShort((short)0).putInt(0).putInt(1 << (RTNLGRP_ND_USEROPT - 1));
        final ByteBuffer tv = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder());
        tv.putLong(timeoutMillis / 1000).putLong((timeoutMillis % 1000) * 1000L);
        if (Libc.get().bind(fd, sa.array(), 12) != 0
            || Libc.get().setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, tv.array(), 16) != 0)
        {
            final String why = Libc.lastError();
            Libc.get().close(fd);
            throw new IOException("cannot subscribe to RTNLGRP_ND_USEROPT: " + why);
        }
        return new NdUserOptions(fd, ifindex);
    }

    /** The PREF64 options of the RAs that arrived on the link, waiting up to the timeout; empty when none came. */
    public List<Pref64Option> receive() throws IOException
    {
        final long n = Libc.get().recv(fd, buffer, buffer.length, 0);
        if (n < 0)
        {
            final int errno = Libc.errno();
            if (errno == EAGAIN)
            {
                return List.of();
            }
            throw new IOException("netlink receive failed: " + Libc.get().strerror(errno));
        }
        return pref64Options(buffer, (int)n, ifindex);
    }

    /** The PREF64 options in a netlink datagram of RTM_NEWNDUSEROPT messages, for RAs received on {@code ifindex}. */
    static List<Pref64Option> pref64Options(final byte[] datagram, final int length, final int ifindex)
    {
        final List<Pref64Option> out = new ArrayList<>();
        final ByteBuffer m = ByteBuffer.wrap(datagram, 0, length).order(ByteOrder.nativeOrder());
        int at = 0;
        while (at + NLMSGHDR <= length)
        {
            final int size = m.getInt(at);
            if (size < NLMSGHDR || at + size > length)
            {
                break;
            }
            if (m.getShort(at + 4) == RTM_NEWNDUSEROPT && size >= NLMSGHDR + NDUSEROPTMSG)
            {
                final int body = at + NLMSGHDR;
                final int optionsLength = m.getShort(body + 2) & 0xffff;
                final int index = m.getInt(body + 4);
                final int icmpType = m.get(body + 8) & 0xff;
                final int options = body + NDUSEROPTMSG;
                if (index == ifindex && icmpType == ND_ROUTER_ADVERT && options + optionsLength <= at + size)
                {
                    options(datagram, options, optionsLength, out);
                }
            }
            at += (size + 3) & ~3;
        }
        return out;
    }

    /** RFC 4861 section 4.6: options are type, length in units of 8 octets, body; a zero length ends the walk. */
    private static void options(final byte[] bytes, final int start, final int length, final List<Pref64Option> out)
    {
        int at = start;
        while (at + 2 <= start + length)
        {
            final int size = (bytes[at + 1] & 0xff) * 8;
            if (size == 0 || at + size > start + length)
            {
                return;
            }
            if ((bytes[at] & 0xff) == Pref64Option.TYPE)
            {
                try
                {
                    out.add(Pref64Option.parse(bytes, at, size));
                }
                catch (final IllegalArgumentException ex)
                {
                    LOG.warn("ignoring a PREF64 option (RFC 8781 section 4): {}", ex.getMessage());
                }
            }
            at += size;
        }
    }

    /**
     * Sends one Router Solicitation to all-routers (ff02::2) on {@code device} from a raw ICMPv6 socket (the kernel
     * fills in the checksum and the link-local source); RFC 4861 section 6.3.7: hop limit 255.
     */
    public static void solicit(final String device) throws IOException
    {
        final int ifindex = Libc.get().if_nametoindex(device);
        if (ifindex == 0)
        {
            throw new IOException("no device " + device);
        }
        final int fd = Libc.get().socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMPV6);
        if (fd < 0)
        {
            throw new IOException("cannot open a raw ICMPv6 socket: " + Libc.lastError());
        }
        try
        {
            final byte[] name = (device + "\0").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            final byte[] hops = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(255).array();
            final byte[] index = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(ifindex).array();
            if (Libc.get().setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, name, name.length) != 0
                || Libc.get().setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, hops, 4) != 0
                || Libc.get().setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, index, 4) != 0)
            {
                throw new IOException("cannot set up the raw ICMPv6 socket: " + Libc.lastError());
            }
            // RFC 4861 section 4.1: type 133, code 0, checksum, 32 reserved bits; no options (source LLA may be left
            // out).
            final byte[] rs = {(byte)ND_ROUTER_SOLICIT, 0, 0, 0, 0, 0, 0, 0};
            // struct sockaddr_in6: family, port, flowinfo, ff02::2, scope id.
            final ByteBuffer sa = ByteBuffer.allocate(28).order(ByteOrder.nativeOrder());
            sa.putShort((short)AF_INET6).putShort((short)0).putInt(0);
            sa.put(new byte[] {(byte)0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2});
            sa.putInt(ifindex);
            if (Libc.get().sendto(fd, rs, rs.length, 0, sa.array(), 28) != rs.length)
            {
                throw new IOException("cannot send a Router Solicitation on " + device + ": " + Libc.lastError());
            }
        }
        finally
        {
            Libc.get().close(fd);
        }
    }

    @Override
    public void close()
    {
        Libc.get().close(fd);
    }
}
