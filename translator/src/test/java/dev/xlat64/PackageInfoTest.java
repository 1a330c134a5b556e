package dev.xlat64;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The newcomer's path README -> docs/architecture.md -> package-info.java (docs/architecture.md, Layers): every
 * package of every module has a {@code package-info.java} that says its job, names its RFCs (or says it has no RFC
 * rule of its own) and what it may import. ArchitectureTest checks the imports themselves. Read relative to the
 * module directory (surefire's working directory).
 */
class PackageInfoTest
{
    private static final List<String> MODULES = List.of("translator", "tun-native", "dns64", "bench");

    @Test
    void everyPackageSaysItsJobItsRfcsAndWhatItMayImport() throws IOException
    {
        final List<String> packages = new ArrayList<>();
        final List<String> problems = new ArrayList<>();
        for (final String module : MODULES)
        {
            final Path sources = Path.of("..", module, "src", "main", "java");
            assertTrue(Files.isDirectory(sources), sources.toAbsolutePath() + " not found");
            for (final Path dir : packagesUnder(sources))
            {
                final String name = sources.relativize(dir).toString().replace('/', '.');
                packages.add(name);
                final Path info = dir.resolve("package-info.java");
                if (!Files.isRegularFile(info))
                {
                    problems.add(name + ": no package-info.java");
                    continue;
                }
                final String text = Files.readString(info);
                if (!text.contains("/**"))
                {
                    problems.add(name + ": package-info.java has no javadoc (one sentence: the package's job)");
                }
                if (!text.contains("RFC"))
                {
                    problems.add(name + ": package-info.java names no RFC (or \"no RFC rule of its own\")");
                }
                if (!text.toLowerCase(Locale.ROOT).contains("import"))
                {
                    problems.add(name + ": package-info.java does not say what the package may import");
                }
            }
        }
        assertTrue(packages.contains("dev.xlat64.engine") && packages.contains("dev.xlat64.dns64"), packages::toString);
        assertEquals(List.of(), problems);
    }

    /** The directories below {@code root} that hold a .java file. */
    private static List<Path> packagesUnder(final Path root) throws IOException
    {
        final List<Path> dirs = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(root))
        {
            for (final Path p : (Iterable<Path>)walk::iterator)
            {
                if (Files.isDirectory(p) && hasJava(p))
                {
                    dirs.add(p);
                }
            }
        }
        return dirs;
    }

    private static boolean hasJava(final Path dir) throws IOException
    {
        try (Stream<Path> files = Files.list(dir))
        {
            return files.anyMatch(f -> f.toString().endsWith(".java"));
        }
    }
}
