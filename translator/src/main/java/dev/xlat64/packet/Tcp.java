package dev.xlat64.packet;

/**
 * TCP header layout (RFC 9293 section 3.1): the fields a translator touches.
 *
 * <pre>
 *   |          Source Port          |       Destination Port        |
 *   |                        Sequence Number                        |
 *   |                    Acknowledgment Number                      |
 *   |  Data |       |C|E|U|A|P|R|S|F|                               |
 *   | Offset| Rsrvd |W|C|R|C|S|S|Y|I|            Window             |
 *   |           Checksum            |         Urgent Pointer        |
 * </pre>
 */
public final class Tcp
{
    public static final int MIN_HEADER_LENGTH = 20;
    public static final int SOURCE_PORT = 0;
    public static final int DESTINATION_PORT = 2;
    public static final int CHECKSUM = 16;

    private Tcp()
    {
    }
}
