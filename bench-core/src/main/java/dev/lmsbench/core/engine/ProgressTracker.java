package dev.lmsbench.core.engine;

import dev.lmsbench.core.event.Progress;

import java.time.Duration;

/**
 * Counts finished requests and estimates the time left from the mean time per request so far, paused time left
 * out. Thread-safe.
 */
final class ProgressTracker {

    private int total;
    private final long startNanos;
    private int completed;
    private long pausedNanos;

    ProgressTracker(int total, long startNanos) {
        this.total = total;
        this.startNanos = startNanos;
    }

    synchronized Progress requestCompleted(long nowNanos) {
        completed++;
        return snapshot(nowNanos);
    }

    /** Requests added to the plan (calibration calls), or taken out of it (negative: a job that was skipped). */
    synchronized void replanned(int delta) {
        total = Math.max(completed, total + delta);
    }

    /** A pause of the run ended: its time no longer counts as time per request. */
    synchronized void paused(long nanos) {
        pausedNanos += Math.max(0, nanos);
    }

    synchronized Progress snapshot(long nowNanos) {
        long elapsed = Math.max(0, nowNanos - startNanos);
        Duration eta = null;
        if (completed > 0) {
            long remaining = Math.max(0, total - completed);
            long working = Math.max(0, elapsed - pausedNanos);
            eta = Duration.ofNanos((long) ((double) working / completed * remaining));
        }
        return new Progress(completed, total, Duration.ofNanos(elapsed), eta);
    }
}
