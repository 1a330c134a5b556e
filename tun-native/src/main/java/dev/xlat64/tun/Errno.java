package dev.xlat64.tun;

/** The errno values TunDevice reacts to, and their text for messages (Linux numbering). */
public final class Errno
{
    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int EINTR = 4;
    public static final int EAGAIN = 11;
    public static final int EACCES = 13;
    public static final int EBUSY = 16;
    public static final int ENODEV = 19;
    public static final int EINVAL = 22;
    public static final int ENOSYS = 38;

    private Errno()
    {
    }

    /** "Operation not permitted (errno 1)", for messages; not for the hot path. */
    public static String describe(final int errno)
    {
        return LibC.INSTANCE.strerror(errno) + " (errno " + errno + ")";
    }
}
