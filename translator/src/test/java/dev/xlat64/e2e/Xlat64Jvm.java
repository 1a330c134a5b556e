package dev.xlat64.e2e;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of an xlat64 JVM on this test's classpath, with the module flags the launcher ({@code ./xlat64})
 * passes (Agrona needs {@code jdk.internal.misc}): what an end-to-end test runs inside a namespace, one copy for all.
 */
public final class Xlat64Jvm
{
    private Xlat64Jvm()
    {
    }

    /** {@code java --add-exports ... --add-opens ... -cp CLASSPATH dev.xlat64.cli.Xlat64 ARGS}. */
    public static String[] argv(final String... args)
    {
        return command(List.of(), args).toArray(new String[0]);
    }

    /** The same with {@code jvmOptions} (e.g. {@code -Xmx192m}) before the module flags. */
    public static List<String> command(final List<String> jvmOptions, final String... args)
    {
        final List<String> argv = new ArrayList<>();
        argv.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        argv.addAll(jvmOptions);
        argv.addAll(List.of("--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
            "--add-opens", "java.base/java.nio=ALL-UNNAMED",
            "-cp", System.getProperty("java.class.path"), "dev.xlat64.cli.Xlat64"));
        argv.addAll(List.of(args));
        return argv;
    }
}
