package dev.xlat64.config;

import dev.xlat64.addr.Eamt;
import dev.xlat64.addr.PrefixParser;
import dev.xlat64.config.Settings.Key;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Builds the EAMT (RFC 7757) of a config from {@code translator.eam} / {@code --eam} and then the lines of
 * {@code translator.eam-file} / {@code --eam-file}: one {@code IPV4PREFIX=IPV6PREFIX} per line, {@code #} comments
 * and blank lines allowed. Large files load without an object per entry (text to columns, docs/tables.md); every
 * error names its origin ({@code file:line: message}), and the table is then not built at all.
 */
public final class EamtLoader
{
    /** Errors reported per file before the rest are only counted (a wrong file could have a million). */
    static final int MAX_ERRORS = 20;

    private Eamt.Builder builder = new Eamt.Builder();
    /** The entries of {@code eam}, added again to a builder sized for the file too. */
    private final List<Eamt.Entry> listEntries = new ArrayList<>();
    /** Per entry: where it came from, for duplicate errors. Entries of the file keep only their line number. */
    private final List<String> listOrigins = new ArrayList<>();
    private int[] fileLines = new int[0];
    private String fileName;
    private int fileErrors;
    private final List<String> errors;

    private EamtLoader(final List<String> errors)
    {
        this.errors = errors;
    }

    /** The table of the settings, or {@link Eamt#EMPTY} with the reasons added to {@code errors}. */
    public static Eamt load(final Settings s, final List<String> errors)
    {
        final int before = errors.size();
        final EamtLoader loader = new EamtLoader(errors);
        for (final String e : s.list(Key.EAM))
        {
            try
            {
                final Eamt.Entry entry = Eamt.Entry.parse(e);
                loader.builder.add(entry);
                loader.listEntries.add(entry);
                loader.listOrigins.add(s.origin(Key.EAM));
            }
            catch (final IllegalArgumentException ex)
            {
                errors.add(s.origin(Key.EAM) + ": " + ex.getMessage());
            }
        }
        final String file = s.get(Key.EAM_FILE);
        if (file != null)
        {
            loader.readFile(path(s, file.trim()), s.origin(Key.EAM_FILE));
        }
        if (errors.size() > before)
        {
            return Eamt.EMPTY;
        }
        return loader.build();
    }

    /** A relative path in the config file is relative to the file's directory; from the flag, to the working one. */
    static Path path(final Settings s, final String file)
    {
        final Path p = Path.of(file);
        if (p.isAbsolute() || s.file() == null || s.origin(Key.EAM_FILE).startsWith("--"))
        {
            return p;
        }
        return Path.of(s.file().name()).resolveSibling(p);
    }

    private void readFile(final Path path, final String origin)
    {
        fileName = path.toString();
        final PrefixParser parser = new PrefixParser();
        try
        {
            // Twice through the file in 1 MiB chunks: count the lines to size the columns once, then parse. No copy of
            // the whole file and no regrown arrays: a reload of a million entries makes little garbage (GC pauses).
            final int[] lines = {0};
            forEachLine(path, (text, from, to, line) -> lines[0] = line);
            builder = new Eamt.Builder(listOrigins.size() + lines[0]);
            for (final Eamt.Entry e : listEntries)
            {
                builder.add(e);
            }
            fileLines = new int[Math.max(1, lines[0])];
            forEachLine(path, (text, from, to, line) -> entry(parser, text, from, to, line));
        }
        catch (final IOException ex)
        {
            errors.add(origin + ": cannot read the EAM file " + path + ": " + ex.getMessage());
            return;
        }
        if (fileErrors > MAX_ERRORS)
        {
            errors.add(fileName + ": " + (fileErrors - MAX_ERRORS) + " more lines with errors");
        }
    }

    /** Called per line with the bytes {@code text[from, to)} (no line feed) and the line number from 1. */
    private interface LineHandler
    {
        void line(byte[] text, int from, int to, int line);
    }

    private static void forEachLine(final Path path, final LineHandler handler) throws IOException
    {
        try (InputStream in = Files.newInputStream(path))
        {
            byte[] buffer = new byte[1 << 20];
            int filled = 0;
            int line = 0;
            while (true)
            {
                final int n = in.read(buffer, filled, buffer.length - filled);
                final boolean end = n < 0;
                filled += end ? 0 : n;
                int start = 0;
                for (int i = 0; i < filled; i++)
                {
                    if (buffer[i] == '\n')
                    {
                        handler.line(buffer, start, i, ++line);
                        start = i + 1;
                    }
                }
                if (end)
                {
                    if (start < filled)
                    {
                        handler.line(buffer, start, filled, ++line);
                    }
                    return;
                }
                // Keep the unfinished line at the front; a line longer than the buffer doubles it.
                System.arraycopy(buffer, start, buffer, 0, filled - start);
                filled -= start;
                if (filled == buffer.length)
                {
                    buffer = Arrays.copyOf(buffer, buffer.length * 2);
                }
            }
        }
    }

    /** One line: blank, a comment, or an entry. False (and an error, for the first few) when it is wrong. */
    private boolean entry(final PrefixParser parser, final byte[] text, final int from, final int to, final int line)
    {
        int end = to;
        for (int i = from; i < to; i++)
        {
            if (text[i] == '#')
            {
                end = i;
                break;
            }
        }
        int start = skipSpace(text, from, end);
        end = trimEnd(text, start, end);
        if (start == end)
        {
            return true;
        }
        int eq = -1;
        for (int i = start; i < end; i++)
        {
            if (text[i] == '=')
            {
                eq = i;
                break;
            }
        }
        if (eq > 0 && parser.parse4(text, start, trimEnd(text, start, eq)))
        {
            final int ipv4 = parser.ipv4;
            final int ipv4Length = parser.length;
            if (parser.parse6(text, skipSpace(text, eq + 1, end), end)
                && Eamt.suffixProblem(ipv4Length, parser.length) == null)
            {
                addFileEntry(ipv4, ipv4Length, parser.high, parser.low, parser.length, line);
                return true;
            }
        }
        // Not the plain form: the String parser gives the entry (odd but valid spellings) or the precise error.
        final String entry = new String(text, start, end - start, StandardCharsets.UTF_8);
        try
        {
            final Eamt.Entry e = Eamt.Entry.parse(entry);
            addFileEntry(e.ipv4.address(), e.ipv4.length(), e.ipv6.high(), e.ipv6.low(), e.ipv6.length(), line);
            return true;
        }
        catch (final IllegalArgumentException ex)
        {
            if (fileErrors < MAX_ERRORS)
            {
                errors.add(fileName + ":" + line + ": " + ex.getMessage());
            }
            fileErrors++;
            return false;
        }
    }

    private void addFileEntry(final int ipv4, final int ipv4Length, final long high, final long low,
        final int ipv6Length, final int line)
    {
        final int index = builder.size() - listOrigins.size();
        if (index == fileLines.length)
        {
            fileLines = Arrays.copyOf(fileLines, index * 2);
        }
        fileLines[index] = line;
        builder.add(ipv4, ipv4Length, high, low, ipv6Length);
    }

    private static int skipSpace(final byte[] text, final int from, final int to)
    {
        int i = from;
        while (i < to && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r'))
        {
            i++;
        }
        return i;
    }

    private static int trimEnd(final byte[] text, final int from, final int to)
    {
        int i = to;
        while (i > from && (text[i - 1] == ' ' || text[i - 1] == '\t' || text[i - 1] == '\r'))
        {
            i--;
        }
        return i;
    }

    private String origin(final int index)
    {
        return index < listOrigins.size() ? listOrigins.get(index) :
            fileName + ":" + fileLines[index - listOrigins.size()];
    }

    private Eamt build()
    {
        final List<int[]> duplicates = new ArrayList<>();
        final Eamt table = builder.build((earlier, later, ipv4Side) ->
        {
            if (duplicates.size() <= MAX_ERRORS)
            {
                duplicates.add(new int[] {earlier, later, ipv4Side ? 1 : 0});
            }
        });
        if (duplicates.isEmpty())
        {
            return table;
        }
        duplicates.sort((a, b) -> Integer.compare(a[1], b[1]));
        for (int i = 0; i < Math.min(MAX_ERRORS, duplicates.size()); i++)
        {
            final int[] d = duplicates.get(i);
            errors.add(origin(d[1]) + ": " + Eamt.duplicateMessage(table, d[0], d[1], d[2] == 1));
        }
        return Eamt.EMPTY;
    }
}
