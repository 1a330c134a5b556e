package dev.xlat64.dns64;

import dev.xlat64.addr.Ipv4Prefix;
import dev.xlat64.addr.Rfc6052Prefix;
import dev.xlat64.config.ConfigFile;
import org.tomlj.TomlArray;
import org.tomlj.TomlTable;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code [[dns64.mapped]]} tables of {@link Dns64Config}: an IPv4 range and the prefix its AAAA are synthesized
 * with (or {@code synthesize = false}); errors go to the {@link ConfigFile} as file:line: key: message.
 */
final class MappedConfig
{
    private MappedConfig()
    {
    }

    static List<Policy.Mapping> mappings(final ConfigFile file, final TomlTable section)
    {
        final List<Policy.Mapping> out = new ArrayList<>();
        if (!section.contains("mapped"))
        {
            return out;
        }
        if (!section.isArray("mapped") || !allTables(section.getArray("mapped")))
        {
            file.error(section, "mapped", "dns64.mapped", "expected [[dns64.mapped]] tables");
            return out;
        }
        final TomlArray array = section.getArray("mapped");
        for (int i = 0; i < array.size(); i++)
        {
            final TomlTable m = array.getTable(i);
            final String display = "dns64.mapped[" + i + "]";
            file.rejectUnknownKeys(m, display, "ipv4", "prefix", "synthesize");
            final String range = file.string(m, "ipv4", display + ".ipv4", null);
            final String prefix = file.string(m, "prefix", display + ".prefix", null);
            final boolean synthesize = file.bool(m, "synthesize", display + ".synthesize", true);
            Ipv4Prefix r = null;
            if (range == null)
            {
                file.error(section, "mapped", display + ".ipv4",
                    "missing: the IPv4 range this entry applies to");
            }
            else
            {
                try
                {
                    r = Ipv4Prefix.parse(range);
                }
                catch (final IllegalArgumentException ex)
                {
                    file.error(m, "ipv4", display + ".ipv4", ex.getMessage());
                }
            }
            Rfc6052Prefix p = null;
            if (synthesize && prefix == null)
            {
                file.error(m, "ipv4", display, "set prefix = \"...\" or synthesize = false");
            }
            else if (!synthesize && prefix != null)
            {
                file.error(m, "prefix", display + ".prefix", "a prefix makes no sense with synthesize = false");
            }
            else if (prefix != null)
            {
                try
                {
                    p = Rfc6052Prefix.parse(prefix);
                }
                catch (final IllegalArgumentException ex)
                {
                    file.error(m, "prefix", display + ".prefix", ex.getMessage());
                }
            }
            if (r != null)
            {
                out.add(new Policy.Mapping(r, p));
            }
        }
        return out;
    }

    private static boolean allTables(final TomlArray a)
    {
        for (int i = 0; i < a.size(); i++)
        {
            if (!(a.get(i) instanceof TomlTable))
            {
                return false;
            }
        }
        return true;
    }
}
