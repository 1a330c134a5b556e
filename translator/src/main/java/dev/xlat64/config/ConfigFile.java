package dev.xlat64.config;

import org.tomlj.Toml;
import org.tomlj.TomlArray;
import org.tomlj.TomlParseError;
import org.tomlj.TomlParseResult;
import org.tomlj.TomlPosition;
import org.tomlj.TomlTable;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A TOML config file (parsed by tomlj) plus the errors found in it, each as {@code file:line: key: message}.
 * Translator and DNS64 read the same file through this class, so they cannot disagree on the prefix.
 */
public final class ConfigFile
{
    private final String name;
    private final TomlParseResult toml;
    private final List<String> errors = new ArrayList<>();

    private ConfigFile(final String name, final TomlParseResult toml)
    {
        this.name = name;
        this.toml = toml;
        for (final TomlParseError e : toml.errors())
        {
            final TomlPosition p = e.position();
            errors.add(name + ":" + (p == null ? "?" : p.line()) + ": syntax: " + e.getMessage());
        }
    }

    public static ConfigFile read(final Path path) throws IOException
    {
        return new ConfigFile(path.toString(), Toml.parse(Files.readString(path)));
    }

    public static ConfigFile parse(final String name, final String text)
    {
        return new ConfigFile(name, Toml.parse(text));
    }

    public String name()
    {
        return name;
    }

    public TomlParseResult toml()
    {
        return toml;
    }

    public List<String> errors()
    {
        return errors;
    }

    public boolean hasErrors()
    {
        return !errors.isEmpty();
    }

    /** Records an error against a dotted key of the root table, with the line the key stands on. */
    public void error(final String dottedKey, final String message)
    {
        error(toml, dottedKey, dottedKey, message);
    }

    /** Records an error against a key of a nested table (e.g. one {@code [[translator.eam]]} entry). */
    public void error(final TomlTable table, final String key, final String displayKey, final String message)
    {
        TomlPosition p = null;
        try
        {
            p = table.inputPositionOf(path(key));
        }
        catch (final IllegalArgumentException ignored)
        {
            // key text that is not a valid dotted key: no position
        }
        errors.add(name + ":" + (p == null ? "?" : String.valueOf(p.line())) + ": " + displayKey + ": " + message);
    }

    /**
     * The key as a path: tomlj parses a dotted key with its ANTLR grammar at every call (seconds for 10,000
     * [[sixrd.domain]] tables, docs/tables.md), which a bare key does not need.
     */
    private static List<String> path(final String key)
    {
        for (int i = 0; i < key.length(); i++)
        {
            final char c = key.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_'))
            {
                return Toml.parseDottedKey(key);
            }
        }
        return key.isEmpty() ? Toml.parseDottedKey(key) : List.of(key);
    }

    /** A string value, or {@code fallback} when absent; a value of another type is an error. */
    public String string(final TomlTable table, final String key, final String displayKey, final String fallback)
    {
        if (!table.contains(path(key)))
        {
            return fallback;
        }
        final Object v = table.get(path(key));
        if (v instanceof String)
        {
            return (String)v;
        }
        error(table, key, displayKey, "expected a string, found " + typeName(v));
        return fallback;
    }

    /** An integer value within [min, max], or {@code fallback} when absent. */
    public long integer(
        final TomlTable table, final String key, final String displayKey, final long fallback, final long min,
        final long max)
    {
        if (!table.contains(path(key)))
        {
            return fallback;
        }
        final Object v = table.get(path(key));
        if (!(v instanceof Long))
        {
            error(table, key, displayKey, "expected an integer, found " + typeName(v));
            return fallback;
        }
        final long n = (Long)v;
        if (n < min || n > max)
        {
            error(table, key, displayKey, "must be between " + min + " and " + max + ", not " + n);
            return fallback;
        }
        return n;
    }

    public boolean bool(final TomlTable table, final String key, final String displayKey, final boolean fallback)
    {
        if (!table.contains(path(key)))
        {
            return fallback;
        }
        final Object v = table.get(path(key));
        if (v instanceof Boolean)
        {
            return (Boolean)v;
        }
        error(table, key, displayKey, "expected true or false, found " + typeName(v));
        return fallback;
    }

    /** A list of strings (a single string is accepted as a list of one). */
    public List<String> strings(final TomlTable table, final String key, final String displayKey)
    {
        final List<String> out = new ArrayList<>();
        if (!table.contains(path(key)))
        {
            return out;
        }
        final Object v = table.get(path(key));
        if (v instanceof String)
        {
            out.add((String)v);
        }
        else if (v instanceof TomlArray && allStrings((TomlArray)v))
        {
            final TomlArray a = (TomlArray)v;
            for (int i = 0; i < a.size(); i++)
            {
                out.add(a.getString(i));
            }
        }
        else
        {
            error(table, key, displayKey, "expected a list of strings, found " + typeName(v));
        }
        return out;
    }

    private static boolean allStrings(final TomlArray array)
    {
        for (int i = 0; i < array.size(); i++)
        {
            if (!(array.get(i) instanceof String))
            {
                return false;
            }
        }
        return true;
    }

    /** Reports keys of {@code table} that are not in {@code known}: a typo must not be silently ignored. */
    public void rejectUnknownKeys(final TomlTable table, final String tablePath, final String... known)
    {
        for (final String key : table.keySet())
        {
            boolean ok = false;
            for (final String k : known)
            {
                ok |= k.equals(key);
            }
            if (!ok)
            {
                final String display = tablePath.isEmpty() ? key : tablePath + "." + key;
                error(table, "\"" + key.replace("\"", "\\\"") + "\"", display,
                    "unknown key (known here: " + String.join(", ", known) + ")");
            }
        }
    }

    private static String typeName(final Object v)
    {
        if (v instanceof TomlTable)
        {
            return "a table";
        }
        if (v instanceof TomlArray)
        {
            return "an array";
        }
        return v == null ? "nothing" : "a " + v.getClass().getSimpleName().toLowerCase();
    }
}
