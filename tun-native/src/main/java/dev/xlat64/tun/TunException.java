package dev.xlat64.tun;

import java.io.IOException;

/** A TUN set-up or control call failed; the message says what happened, what to do, and carries the errno text. */
public final class TunException extends IOException
{
    private static final long serialVersionUID = 1L;

    private final int errno;

    public TunException(final String message, final int errno)
    {
        super(message + ": " + Errno.describe(errno));
        this.errno = errno;
    }

    /** The errno the kernel returned, e.g. {@link Errno#EPERM}. */
    public int errno()
    {
        return errno;
    }
}
