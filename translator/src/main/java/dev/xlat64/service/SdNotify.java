package dev.xlat64.service;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The sd_notify(3) protocol without libsystemd: one datagram of {@code KEY=VALUE} lines to the AF_UNIX socket named
 * by {@code $NOTIFY_SOCKET} (a path, or {@code @name} for the abstract namespace). Java 17's channels cannot send
 * AF_UNIX datagrams, so this binds socket(2)/sendto(2) with jnr-ffi. Without {@code $NOTIFY_SOCKET} (not started by
 * systemd with Type=notify) every call does nothing.
 */
public final class SdNotify implements AutoCloseable
{
    private static final int AF_UNIX = 1;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int MSG_NOSIGNAL = 0x4000;
    /** sizeof(struct sockaddr_un): sa_family_t sun_family + char sun_path[108]. */
    private static final int SOCKADDR_UN_SIZE = 110;
    private static final int SUN_PATH_MAX = 108;

    private final byte[] address;
    private final int addressLength;
    private int fd = -1;

    private SdNotify(final byte[] address, final int addressLength)
    {
        this.address = address;
        this.addressLength = addressLength;
    }

    /** From {@code $NOTIFY_SOCKET}; a no-op notifier when it is unset or unusable. */
    public static SdNotify fromEnvironment()
    {
        return forSocket(System.getenv("NOTIFY_SOCKET"));
    }

    /** For the socket {@code path} ({@code @name}: abstract namespace); null or empty gives a no-op notifier. */
    public static SdNotify forSocket(final String path)
    {
        if (path == null || path.isEmpty() || (path.charAt(0) != '/' && path.charAt(0) != '@'))
        {
            return new SdNotify(null, 0);
        }
        final byte[] name = path.getBytes(StandardCharsets.UTF_8);
        if (name.length >= SUN_PATH_MAX)
        {
            return new SdNotify(null, 0);
        }
        final byte[] sockaddr = new byte[SOCKADDR_UN_SIZE];
        if (ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN)
        {
            sockaddr[0] = AF_UNIX;
        }
        else
        {
            sockaddr[1] = AF_UNIX;
        }
        System.arraycopy(name, 0, sockaddr, 2, name.length);
        final boolean isAbstract = name[0] == '@';
        if (isAbstract)
        {
            // The abstract namespace: a leading NUL, and the length counts exactly the name's bytes.
            sockaddr[2] = 0;
        }
        return new SdNotify(sockaddr, 2 + name.length + (isAbstract ? 0 : 1));
    }

    /** True when a notification socket is configured. */
    public boolean enabled()
    {
        return address != null;
    }

    /**
     * Sends {@code state}, e.g. {@code "READY=1\nSTATUS=translating"}; returns false when disabled or when sending
     * failed (systemd gone): notification is best effort and never stops the service.
     */
    public synchronized boolean send(final String state)
    {
        if (address == null)
        {
            return false;
        }
        final Libc n = Libc.get();
        if (fd < 0)
        {
            fd = n.socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
            if (fd < 0)
            {
                return false;
            }
        }
        final byte[] payload = state.getBytes(StandardCharsets.UTF_8);
        return n.sendto(fd, payload, payload.length, MSG_NOSIGNAL, address, addressLength) == payload.length;
    }

    /** {@code READY=1} plus the main PID and a one-line status. */
    public boolean ready(final String status)
    {
        return send("READY=1\nMAINPID=" + Libc.get().getpid() + "\nSTATUS=" + status);
    }

    /** {@code RELOADING=1} with the monotonic time systemd 253+ asks for. */
    public boolean reloading()
    {
        return send("RELOADING=1\nMONOTONIC_USEC=" + System.nanoTime() / 1000 + "\nSTATUS=reloading the config");
    }

    public boolean stopping()
    {
        return send("STOPPING=1\nSTATUS=stopping");
    }

    public boolean watchdog()
    {
        return send("WATCHDOG=1");
    }

    /**
     * Half the watchdog interval systemd asked for ({@code $WATCHDOG_USEC}, meant for this process when
     * {@code $WATCHDOG_PID} is unset or ours), in microseconds; 0 when there is no watchdog.
     */
    public static long watchdogPingIntervalMicros()
    {
        final String usec = System.getenv("WATCHDOG_USEC");
        final String pid = System.getenv("WATCHDOG_PID");
        if (usec == null || (pid != null && !pid.equals(String.valueOf(ProcessHandle.current().pid()))))
        {
            return 0;
        }
        try
        {
            return Math.max(0, Long.parseLong(usec.trim()) / 2);
        }
        catch (final NumberFormatException ex)
        {
            return 0;
        }
    }

    @Override
    public synchronized void close()
    {
        if (fd >= 0)
        {
            Libc.get().close(fd);
            fd = -1;
        }
    }
}
