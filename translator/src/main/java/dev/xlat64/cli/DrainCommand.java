package dev.xlat64.cli;

import dev.xlat64.service.Pidfile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * {@code xlat64 drain}: SIGUSR1 to the instance named by the pidfile, which withdraws its routes from the routing
 * daemon's announcement, waits for the traffic to move to the other gateways and stops; this command waits for
 * the process to be gone (docs/scale-out.md, "Planned drain").
 */
@Command(
    name = "drain",
    mixinStandardHelpOptions = true,
    description = {
        "Take a running xlat64 out of service without losing packets (several gateways behind BGP/ECMP, "
            + "docs/scale-out.md): it withdraws its routes from the routing daemon's announcement while still "
            + "translating what arrives, waits until the traffic has moved (run --drain-quiet, at most "
            + "--drain-max) and stops. Progress is in its log and in xlat64_drain_state. The systemd unit runs this "
            + "on `systemctl stop`; `systemctl reload` keeps the announcement.",
        ""},
    footer = {"", "Exit codes: 0 drained and stopped, 1 no running instance or it did not stop in time."})
public final class DrainCommand implements Callable<Integer>
{
    @Option(names = "--pidfile", paramLabel = "FILE", defaultValue = Pidfile.DEFAULT,
        description = "The running instance's pidfile (default: ${DEFAULT-VALUE}).")
    Path pidfile;

    @Option(names = "--pid", paramLabel = "PID",
        description = "The instance's process id instead of the pidfile (the unit's ExecStop passes $MAINPID).")
    Long pid;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "90",
        description = "How long to wait for the instance to stop (default: ${DEFAULT-VALUE}); longer than its "
            + "--drain-max.")
    int timeout;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception
    {
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        if (this.pid != null && this.pid <= 0)
        {
            // kill(2) reads 0 and negative ids as process groups (-1: every process we may signal).
            err.println("xlat64: --pid " + this.pid + ": not a process id");
            return 1;
        }
        final long pid = this.pid != null ? this.pid : RunningInstance.pid(pidfile, err);
        if (pid < 0)
        {
            return 1;
        }
        // kill(pid, 0), not /proc: under the unit's ProtectProc=invisible the instance may be hidden from us.
        if (!Pidfile.signallable(pid))
        {
            err.println("xlat64: process " + pid + " is not running");
            return 1;
        }
        Pidfile.signal(pid, Pidfile.SIGUSR1);
        out.println("xlat64: draining process " + pid + " (its log shows the progress)");
        out.flush();
        final long start = System.nanoTime();
        final long deadline = start + Duration.ofSeconds(timeout).toNanos();
        while (Pidfile.signallable(pid))
        {
            if (System.nanoTime() > deadline)
            {
                err.println("xlat64: process " + pid + " still runs " + timeout + " s after the drain request");
                return 1;
            }
            Thread.sleep(100);
        }
        out.println("xlat64: process " + pid + " drained and stopped after " +
            Duration.ofNanos(System.nanoTime() - start).toMillis() + " ms");
        return 0;
    }
}
