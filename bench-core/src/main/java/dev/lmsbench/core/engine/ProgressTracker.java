package dev.lmsbench.core.engine;

import dev.lmsbench.core.event.Progress;

import java.time.Duration;

/** Counts finished requests and estimates the time left from the mean time per request so far. Thread-safe. */
final class ProgressTracker {

    private final int total;
    private final long startNanos;
    private int completed;

    ProgressTracker(int total, long startNanos) {
        this.total = total;
        this.startNanos = startNanos;
    }

    synchronized Progress requestCompleted(long nowNanos) {
        completed++;
        return snapshot(nowNanos);
    }

    synchronized Progress snapshot(long nowNanos) {
        long elapsed = Math.max(0, nowNanos - startNanos);
        Duration eta = null;
        if (completed > 0) {
            long remaining = Math.max(0, total - completed);
            eta = Duration.ofNanos((long) ((double) elapsed / completed * remaining));
        }
        return new Progress(completed, total, Duration.ofNanos(elapsed), eta);
    }
}
