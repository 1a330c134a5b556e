package dev.xlat64.bench;

/**
 * The loop that bench/scripts/icount.sh runs under valgrind: TranslateBenchmark's path {@code args[0]} (restore the
 * headers, translate), {@code args[1]} calls to warm up (the JIT compiles them with -Xbatch, so the main thread waits
 * for C2), then {@code args[2]} calls. Compiled by the script against each checkout's classes, so it runs unchanged
 * on builds older than itself.
 */
public final class ICount
{
    private ICount()
    {
    }

    public static void main(final String[] args)
    {
        final TranslateBenchmark benchmark = new TranslateBenchmark();
        benchmark.payload = 64;
        benchmark.setUp();
        long sum = 0;
        // Warm-up in chunks of 10 calls, so that loop itself is compiled by C2 as a method (not only on-stack) and
        // has seen its own exit: otherwise the OSR code deoptimizes at the exit and the measured loop runs in C1.
        for (int w = 0; w < Integer.parseInt(args[1]); w += 10)
        {
            sum += loop(benchmark, args[0], 10);
        }
        sum += loop(benchmark, args[0], Integer.parseInt(args[2]));
        System.out.println(args[0] + " " + sum);
    }

    /** One loop per path, so that no per-call dispatch is counted. */
    private static long loop(final TranslateBenchmark benchmark, final String path, final int calls)
    {
        long sum = 0;
        switch (path)
        {
            case "tcp4to6":
                for (int i = 0; i < calls; i++)
                {
                    sum += benchmark.tcp4to6();
                }
                return sum;
            case "udp4to6":
                for (int i = 0; i < calls; i++)
                {
                    sum += benchmark.udp4to6();
                }
                return sum;
            case "tcp6to4":
                for (int i = 0; i < calls; i++)
                {
                    sum += benchmark.tcp6to4();
                }
                return sum;
            case "udp6to4":
                for (int i = 0; i < calls; i++)
                {
                    sum += benchmark.udp6to4();
                }
                return sum;
            case "copyOnly":
                for (int i = 0; i < calls; i++)
                {
                    sum += benchmark.copyOnly();
                }
                return sum;
            default:
                throw new IllegalArgumentException(path);
        }
    }
}
