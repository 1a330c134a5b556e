package dev.xlat64.tun;

/** Numbers from linux/if_tun.h, linux/if.h, linux/sockios.h, linux/sched.h and fcntl.h (x86_64 and arm64). */
public final class TunFlags
{
    public static final long TUNSETIFF = 0x400454caL;
    public static final long TUNSETOFFLOAD = 0x400454d0L;
    public static final long TUNGETIFF = 0x800454d2L;
    public static final long TUNSETVNETHDRSZ = 0x400454d8L;

    public static final short IFF_TUN = 0x0001;
    public static final short IFF_MULTI_QUEUE = 0x0100;
    public static final short IFF_NO_PI = 0x1000;
    public static final short IFF_VNET_HDR = 0x4000;

    /** Offloads for TUNSETOFFLOAD; USO4/USO6 are newer than some headers (Linux 6.2), hence spelled out here. */
    public static final int TUN_F_CSUM = 0x01;
    public static final int TUN_F_TSO4 = 0x02;
    public static final int TUN_F_TSO6 = 0x04;
    public static final int TUN_F_TSO_ECN = 0x08;
    public static final int TUN_F_UFO = 0x10;
    public static final int TUN_F_USO4 = 0x20;
    public static final int TUN_F_USO6 = 0x40;

    public static final long SIOCGIFFLAGS = 0x8913L;
    public static final long SIOCSIFFLAGS = 0x8914L;
    public static final long SIOCGIFMTU = 0x8921L;
    public static final long SIOCSIFMTU = 0x8922L;
    public static final short IFF_UP = 0x1;

    public static final int CLONE_NEWNET = 0x40000000;

    public static final int O_RDWR = 2;
    public static final int O_NONBLOCK = 0x800;
    public static final int O_CLOEXEC = 0x80000;
    public static final int F_GETFL = 3;
    public static final int F_SETFL = 4;

    public static final int AF_INET = 2;
    public static final int SOCK_DGRAM = 2;
    public static final int SOCK_CLOEXEC = 0x80000;

    public static final short POLLIN = 0x1;

    /** struct ifreq: 16-byte name, then a 24-byte union (flags as short, mtu as int, both at offset 16). */
    public static final int IFREQ_SIZE = 40;
    public static final int IFNAMSIZ = 16;
    public static final int IFREQ_UNION_OFFSET = 16;

    /** struct pollfd: int fd, short events, short revents. */
    public static final int POLLFD_SIZE = 8;
    public static final int POLLFD_EVENTS_OFFSET = 4;

    private TunFlags()
    {
    }
}
