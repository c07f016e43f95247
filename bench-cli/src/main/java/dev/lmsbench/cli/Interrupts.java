package dev.lmsbench.cli;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Graceful Ctrl-C: on SIGINT the JVM runs shutdown hooks; ours cancels the run and then waits until the main thread
 * has saved what was measured and written the partial reports. The JVM then exits with status 130 (128 + SIGINT).
 */
final class Interrupts implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Interrupts.class);
    private static final long MAX_WAIT_SECONDS = 60;

    private final CountDownLatch finished = new CountDownLatch(1);
    private final Thread hook;
    private volatile boolean interrupted;

    Interrupts(Runnable onInterrupt) {
        hook = new Thread(() -> {
            interrupted = true;
            LOG.info("interrupted: stopping the run and saving results measured so far");
            onInterrupt.run();
            try {
                if (!finished.await(MAX_WAIT_SECONDS, TimeUnit.SECONDS)) {
                    LOG.warn("gave up waiting for reports after {} s", MAX_WAIT_SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "lmsbench-interrupt");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Whether Ctrl-C (or another termination signal) stopped the run. */
    boolean interrupted() {
        return interrupted;
    }

    /** Reports are written: lets a pending shutdown proceed, or removes the hook after a normal run. */
    @Override
    public void close() {
        finished.countDown();
        if (!interrupted) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // shutdown already in progress: the hook is running and will return now
            }
        }
    }
}
