package dev.xlat64.dns64;

import java.io.IOException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;

/**
 * One thread, one NIO selector: listeners, client TCP connections and upstream exchanges all run here, so no
 * per-query thread and no locks. Timers are a priority queue checked between selects.
 */
final class EventLoop implements AutoCloseable
{
    /** Something registered with the selector. */
    interface Handler
    {
        void ready(SelectionKey key) throws IOException;

        /** Called when {@link #ready} threw: the handler releases what it holds. */
        void failed(IOException cause);
    }

    /** A scheduled action; {@link #cancel} makes it a no-op. */
    static final class Timer implements Comparable<Timer>
    {
        final long deadlineNanos;
        final Runnable action;
        boolean cancelled;

        Timer(final long deadlineNanos, final Runnable action)
        {
            this.deadlineNanos = deadlineNanos;
            this.action = action;
        }

        void cancel()
        {
            cancelled = true;
        }

        @Override
        public int compareTo(final Timer o)
        {
            return Long.compare(deadlineNanos, o.deadlineNanos);
        }
    }

    private final Selector selector;
    private final PriorityQueue<Timer> timers = new PriorityQueue<>();
    /** Work handed over by other threads ({@link #execute}). */
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final Thread thread;
    /** Called (on the loop thread) for every RuntimeException a handler or timer threw: a bug, counted not hidden. */
    private final Runnable onBug;
    /** Called once with an Error (e.g. OutOfMemoryError) that reached the loop; the loop has stopped by then. */
    private final Consumer<Throwable> onFatal;
    private volatile boolean running = true;
    private final Consumer<SelectionKey> dispatch = this::dispatch;

    EventLoop(final String name, final Runnable onBug) throws IOException
    {
        this(name, onBug, EventLoop::exitProcess);
    }

    EventLoop(final String name, final Runnable onBug, final Consumer<Throwable> onFatal) throws IOException
    {
        this.onBug = onBug;
        this.onFatal = onFatal;
        this.selector = Selector.open();
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true);
    }

    void start()
    {
        thread.start();
    }

    SelectionKey register(final SelectableChannel channel, final int ops, final Handler handler) throws IOException
    {
        channel.configureBlocking(false);
        return channel.register(selector, ops, handler);
    }

    Timer schedule(final long delayMillis, final Runnable action)
    {
        final Timer t = new Timer(System.nanoTime() + delayMillis * 1_000_000L, action);
        timers.add(t);
        return t;
    }

    /** Runs {@code task} on the loop thread soon; callable from any thread. */
    void execute(final Runnable task)
    {
        tasks.add(task);
        selector.wakeup();
    }

    boolean inLoop()
    {
        return Thread.currentThread() == thread;
    }

    /**
     * An Error in the loop leaves nothing answering: rather than a process that is alive and mute, exit non-zero with a
     * line saying why, so the service manager (systemd {@code Restart=on-failure}) starts a fresh one. halt, not exit:
     * shutdown hooks could need the memory or the thread that just failed.
     */
    static void exitProcess(final Throwable error)
    {
        try
        {
            System.err.println("xlat64 dns64: fatal: " + error + " in the event loop; exiting with status 70 to be " +
                "restarted");
            System.err.flush();
        }
        finally
        {
            Runtime.getRuntime().halt(70);
        }
    }

    private void run()
    {
        try
        {
            loop();
        }
        catch (final Error fatal)
        {
            running = false;
            closeAll();
            onFatal.accept(fatal);
        }
    }

    private void loop()
    {
        while (running)
        {
            try
            {
                runTasks();
                final long waitMillis = runDueTimers();
                // The action form: no selected-key set to fill (a HashSet node per ready key) and empty again.
                if (waitMillis == 0 || !tasks.isEmpty())
                {
                    selector.selectNow(dispatch);
                }
                else
                {
                    selector.select(dispatch, waitMillis < 0 ? 1000 : waitMillis);
                }
            }
            catch (final IOException | RuntimeException ex)
            {
                if (ex instanceof RuntimeException && running)
                {
                    onBug.run();
                }
                if (!running)
                {
                    break;
                }
            }
        }
        closeAll();
    }

    private void dispatch(final SelectionKey key)
    {
        final Handler h = (Handler)key.attachment();
        try
        {
            if (key.isValid())
            {
                h.ready(key);
            }
        }
        catch (final IOException ex)
        {
            h.failed(ex);
        }
        catch (final RuntimeException ex)
        {
            // A bug in one exchange must not stop the responder.
            onBug.run();
            h.failed(new IOException(ex));
        }
    }

    private void closeAll()
    {
        for (final SelectionKey key : selector.keys())
        {
            try
            {
                key.channel().close();
            }
            catch (final IOException ignored)
            {
                // closing anyway
            }
        }
        try
        {
            selector.close();
        }
        catch (final IOException ignored)
        {
            // closing anyway
        }
    }

    private void runTasks()
    {
        Runnable task;
        while ((task = tasks.poll()) != null)
        {
            try
            {
                task.run();
            }
            catch (final RuntimeException ex)
            {
                onBug.run();
            }
        }
    }

    /** Runs due timers; returns milliseconds to the next one (-1 when none). */
    private long runDueTimers()
    {
        final long now = System.nanoTime();
        Timer t;
        while ((t = timers.peek()) != null && (t.cancelled || t.deadlineNanos - now <= 0))
        {
            timers.poll();
            if (!t.cancelled)
            {
                try
                {
                    t.action.run();
                }
                catch (final RuntimeException ex)
                {
                    onBug.run(); // one failing timer must not stop the loop
                }
            }
        }
        return t == null ? -1 : Math.max(1, (t.deadlineNanos - now + 999_999) / 1_000_000);
    }

    @Override
    public void close()
    {
        running = false;
        selector.wakeup();
        if (thread.getState() == Thread.State.NEW)
        {
            closeAll(); // never started (e.g. a listen address failed): nobody else closes its channels
            return;
        }
        if (!inLoop())
        {
            try
            {
                thread.join(5000);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt(); // closing anyway; the caller sees its interrupt flag
            }
        }
    }
}
