package dev.xlat64;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The layers of xlat64 (docs/architecture.md, Layers), checked over the compiled classes of translator and tun-native:
 * a package imports only from layers below its own, and no two packages depend on each other in a cycle. The order
 * lives here and nowhere else; a new package must be given a layer before the build passes.
 */
class ArchitectureTest
{
    private static final String ROOT = "dev.xlat64.";

    /**
     * Bottom to top. A package may import from the layers before its own, never from its own layer's other packages.
     */
    private static final List<Set<String>> LAYERS = List.of(
        Set.of("packet"),                           // header flyweights, checksum (RFC 791, 8200, 792, 4443, 1071)
        Set.of("addr"),                             // address mapping: RFC 6052, 7757 EAMT, 6791, IVI, 6rd domains
        Set.of("core"),                             // vocabulary: outcomes, sink, counters, context, ICMP originator
        Set.of("siit", "encap"),                    // transforms: RFC 7915 translation, 6in4 (later 4in6)
        Set.of("sixrd", "map"),                     // mechanisms = mapping + transform + policy: RFC 5969, later MAP
        Set.of("engine"),                           // picks the mechanism for a packet
        Set.of("tun"),                              // tun-native: the TUN device and io_uring (jnr-ffi)
        Set.of("dataplane", "metrics", "service"),  // agents and I/O, counters out, systemd/routes
        Set.of("clat"),                             // 464XLAT CLAT host plumbing and PLAT prefix discovery (RFC 6877)
        Set.of("config"),                           // the TOML model and flags, validated
        Set.of("cli"));                             // picocli commands

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses()
    {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.xlat64");
    }

    @Test
    void everyPackageHasALayer()
    {
        final Set<String> unplaced = new TreeSet<>();
        for (final JavaClass c : classes)
        {
            if (layerOf(c.getPackageName()) < 0)
            {
                unplaced.add(c.getPackageName());
            }
        }
        assertTrue(unplaced.isEmpty(), "packages without a layer in ArchitectureTest.LAYERS: " + unplaced);
    }

    @Test
    void packagesImportOnlyFromLowerLayers()
    {
        final Map<String, String> violations = new TreeMap<>();
        for (final JavaClass c : classes)
        {
            final String from = top(c.getPackageName());
            for (final Dependency d : c.getDirectDependenciesFromSelf())
            {
                final String targetPackage = d.getTargetClass().getPackageName();
                if (!targetPackage.startsWith(ROOT) && !targetPackage.equals("dev.xlat64"))
                {
                    continue;
                }
                final String to = top(targetPackage);
                if (!from.equals(to) && layerOf(targetPackage) >= layerOf(c.getPackageName()))
                {
                    violations.putIfAbsent(from + " -> " + to, d.getDescription());
                }
            }
        }
        assertEquals(Map.of(), violations, "imports that go up or sideways in the layer order");
    }

    @Test
    void noPackageCycles()
    {
        slices().matching("dev.xlat64.(*)..").should().beFreeOfCycles().check(classes);
    }

    /** The first package name below dev.xlat64 ("dataplane" for dev.xlat64.dataplane.io). */
    private static String top(final String packageName)
    {
        if (!packageName.startsWith(ROOT))
        {
            return packageName;
        }
        final String rest = packageName.substring(ROOT.length());
        final int dot = rest.indexOf('.');
        return dot < 0 ? rest : rest.substring(0, dot);
    }

    private static int layerOf(final String packageName)
    {
        final String top = top(packageName);
        for (int i = 0; i < LAYERS.size(); i++)
        {
            if (LAYERS.get(i).contains(top))
            {
                return i;
            }
        }
        return -1;
    }
}
