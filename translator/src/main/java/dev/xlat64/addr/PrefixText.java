package dev.xlat64.addr;

/**
 * The text form {@code ADDRESS[/LENGTH]} of a prefix, split the same way for {@link Ipv4Prefix} and
 * {@link Ipv6Prefix} (config and command-line values; not the bulk table files, which {@link PrefixParser} reads).
 */
final class PrefixText
{
    private PrefixText()
    {
    }

    /** The address part of {@code text}: all of it when there is no {@code /}. */
    static String address(final String text)
    {
        final int slash = text.indexOf('/');
        return slash < 0 ? text : text.substring(0, slash);
    }

    /**
     * The length after the {@code /}, or {@code hostLength} (32 or 128: a bare address is a host prefix) when there is
     * none; the range is the prefix constructor's to check.
     */
    static int length(final String text, final int hostLength, final String family)
    {
        final int slash = text.indexOf('/');
        try
        {
            return slash < 0 ? hostLength : Integer.parseInt(text.substring(slash + 1));
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException("'" + text + "' is not an " + family
                + " prefix: the length is not a number");
        }
    }
}
