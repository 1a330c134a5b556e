package dev.xlat64.e2e;

/**
 * Every test of {@link SiitEndToEndTest} with {@code --no-io-uring}: the read(2)/write(2) path, which also runs
 * wherever the kernel or a seccomp filter refuses io_uring, stays covered.
 */
class SiitWithoutIoUringEndToEndTest extends SiitEndToEndTest
{
    @Override
    String[] translatorArgs()
    {
        return new String[] {"--no-io-uring"};
    }

    @Override
    String expectedIoPath()
    {
        return "io_uring off (--no-io-uring)";
    }
}
