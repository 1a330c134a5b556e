package dev.xlat64.packet;

/**
 * UDP header layout (RFC 768).
 *
 * <pre>
 *   |          Source Port          |       Destination Port        |
 *   |            Length             |           Checksum            |
 * </pre>
 */
public final class Udp
{
    public static final int HEADER_LENGTH = 8;
    public static final int SOURCE_PORT = 0;
    public static final int DESTINATION_PORT = 2;
    public static final int LENGTH = 4;
    public static final int CHECKSUM = 6;

    private Udp()
    {
    }
}
