package dev.lmsbench.sim;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Where the simulator writes its responses: each on a virtual thread of its own, so a client that stops reading
 * (its socket buffers full, the write blocked) holds only its own writer, never a thread other streams need. The
 * scheduler's few platform threads only keep time: at a task's due time they hand it to a new virtual thread and go
 * back to the clock. A stream's writer keeps its own time ({@link StreamingResponse}), parked between tokens.
 *
 * <p>Thread-safe. {@link #close()} interrupts every writer; tasks handed over after it are refused.
 */
final class Writers implements AutoCloseable {

    private final ScheduledExecutorService timer;
    private final ExecutorService threads;

    /**
     * @param timer  the scheduler that keeps time for answers sent whole (loads, non-streaming completions)
     * @param prefix the writers' thread names
     */
    Writers(ScheduledExecutorService timer, String prefix) {
        this.timer = timer;
        this.threads = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name(prefix, 0).factory());
    }

    /**
     * Runs {@code task} on its own virtual thread at the absolute {@link System#nanoTime()} {@code dueNanos}.
     *
     * @throws RejectedExecutionException when the simulator is closing
     */
    void at(long dueNanos, Runnable task) {
        timer.schedule(() -> {
            try {
                threads.execute(task);
            } catch (RejectedExecutionException e) {
                // closing: the server closes the connection itself
            }
        }, dueNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
    }

    /**
     * Runs {@code task} on its own virtual thread now.
     *
     * @throws RejectedExecutionException when the simulator is closing
     */
    void execute(Runnable task) {
        threads.execute(task);
    }

    /** Whether {@link #close()} has been called: a writer interrupted by it ends without logging. */
    boolean closing() {
        return threads.isShutdown();
    }

    /** Interrupts every writer and refuses new ones. Idempotent. */
    @Override
    public void close() {
        threads.shutdownNow();
    }
}
