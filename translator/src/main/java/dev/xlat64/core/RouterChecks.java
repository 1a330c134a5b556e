package dev.xlat64.core;

import dev.xlat64.packet.Ipv4Header;

/**
 * The checks every mechanism makes on an IPv4 packet before it accepts it, as a router does (RFC 1812 s.5.2.2): one
 * copy for SIIT and 6rd.
 */
public final class RouterChecks
{
    private RouterChecks()
    {
    }

    /** RFC 1812 s.5.2.2: lengths and header checksum of the IPv4 header {@code in}, {@code length} bytes received. */
    public static Verdict validateIpv4(final Ipv4Header in, final int length, final PacketContext ctx)
    {
        if (length < Ipv4Header.MIN_LENGTH)
        {
            return ctx.done(Outcome.IPV4_TRUNCATED);
        }
        // The first 8 bytes are read once (one bounds check): the lengths and the checksum come from this word.
        final long first = in.firstWord();
        final int headerLength = Ipv4Header.headerLengthOf(first);
        if (headerLength < Ipv4Header.MIN_LENGTH)
        {
            return ctx.done(Outcome.IPV4_BAD_IHL);
        }
        if (headerLength > length)
        {
            return ctx.done(Outcome.IPV4_TRUNCATED);
        }
        final int totalLength = Ipv4Header.totalLengthOf(first);
        if (totalLength < headerLength || totalLength > length)
        {
            return ctx.done(Outcome.IPV4_BAD_TOTAL_LENGTH);
        }
        return in.headerChecksumValid(first) ? Verdict.CONTINUE : ctx.done(Outcome.IPV4_BAD_HEADER_CHECKSUM);
    }
}
