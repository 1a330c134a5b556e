package dev.xlat64.docs;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every relative link in the repository's Markdown files (README.md, docs/, bench/, ...) points at a file that exists,
 * and a {@code #fragment} at a heading of that file (GitHub's anchor rules), so README -> docs -> code stays walkable
 * as files move. External links (http, https, mailto) are not followed. Read relative to the module directory.
 */
class MarkdownLinksTest
{
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    /** {@code [text](target)} or {@code [text](target "title")}; images too. */
    private static final Pattern LINK = Pattern.compile("\\[[^\\]]*\\]\\(([^)\\s]+)(?:\\s+\"[^\"]*\")?\\)");
    private static final Pattern HEADING = Pattern.compile("(?m)^#{1,6}\\s+(.+?)\\s*#*\\s*$");
    private static final Pattern FENCE = Pattern.compile("(?ms)^\\s*```.*?^\\s*```");
    /** An explicit anchor, {@code <a id="counters"></a>} or {@code name=}. */
    private static final Pattern HTML_ANCHOR = Pattern.compile("<a\\s+(?:id|name)=\"([^\"]+)\"");

    @Test
    void relativeLinksResolve() throws IOException
    {
        final List<String> broken = new ArrayList<>();
        final Map<Path, Set<String>> anchors = new HashMap<>();
        final List<Path> files = markdownFiles();
        assertTrue(files.contains(ROOT.resolve("README.md")), "README.md not found under " + ROOT);
        for (final Path md : files)
        {
            final String text = FENCE.matcher(Files.readString(md)).replaceAll("");
            final Matcher m = LINK.matcher(text.replaceAll("`[^`\n]*`", ""));
            while (m.find())
            {
                final String target = m.group(1);
                if (target.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*"))
                {
                    continue;
                }
                final int hash = target.indexOf('#');
                final String file = hash < 0 ? target : target.substring(0, hash);
                final Path resolved = file.isEmpty() ? md : md.getParent().resolve(file).normalize();
                final String where = ROOT.relativize(md) + ": (" + target + ")";
                if (!Files.exists(resolved))
                {
                    broken.add(where + " -> no such file");
                    continue;
                }
                if (hash >= 0 && resolved.toString().endsWith(".md"))
                {
                    final String fragment = target.substring(hash + 1);
                    final Set<String> known = anchors.computeIfAbsent(resolved, MarkdownLinksTest::anchors);
                    if (!known.contains(fragment))
                    {
                        broken.add(where + " -> no heading #" + fragment);
                    }
                }
            }
        }
        assertTrue(broken.isEmpty(), "broken links:\n" + String.join("\n", broken));
    }

    private static List<Path> markdownFiles() throws IOException
    {
        try (Stream<Path> walk = Files.walk(ROOT))
        {
            return walk.filter(p -> p.toString().endsWith(".md"))
                .filter(p -> !ROOT.relativize(p).toString().matches("(^|.*/)(target|\\.git|node_modules)(/.*|$)"))
                .sorted().toList();
        }
    }

    /**
     * GitHub's anchors: explicit {@code <a id>} ones, and headings in lower case, punctuation removed, spaces to
     * hyphens, repeats numbered.
     */
    static Set<String> anchors(final Path md)
    {
        final Set<String> out = new HashSet<>();
        final Map<String, Integer> seen = new HashMap<>();
        try
        {
            final String text = FENCE.matcher(Files.readString(md)).replaceAll("");
            final Matcher a = HTML_ANCHOR.matcher(text);
            while (a.find())
            {
                out.add(a.group(1));
            }
            final Matcher m = HEADING.matcher(text);
            while (m.find())
            {
                final String slug = slug(m.group(1));
                final int n = seen.merge(slug, 1, Integer::sum);
                out.add(n == 1 ? slug : slug + "-" + (n - 1));
            }
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException(ex);
        }
        return out;
    }

    static String slug(final String heading)
    {
        final String plain = heading.replaceAll("\\[([^\\]]*)\\]\\([^)]*\\)", "$1").toLowerCase(Locale.ROOT);
        return plain.replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
    }
}
