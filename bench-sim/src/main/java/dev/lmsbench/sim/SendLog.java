package dev.lmsbench.sim;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;

/**
 * The last {@code capacity} entries, oldest dropped first; a monitor so waiters can block on the count. It also holds
 * the server's {@link SimMetrics}, which every response reports to as it starts and ends.
 */
final class SendLog {

    private final SimMetrics metrics = new SimMetrics();
    private final int capacity;
    private final ArrayDeque<SendLogEntry> entries;
    private long total;

    SendLog(int capacity) {
        this.capacity = capacity;
        this.entries = new ArrayDeque<>(Math.min(capacity, 1024));
    }

    /** The counters of what was served, for {@code GET /metrics}. */
    SimMetrics metrics() {
        return metrics;
    }

    synchronized void add(SendLogEntry entry) {
        if (entries.size() == capacity) {
            entries.removeFirst();
        }
        entries.addLast(entry);
        total++;
        notifyAll();
    }

    synchronized List<SendLogEntry> snapshot() {
        return List.copyOf(entries);
    }

    synchronized long total() {
        return total;
    }

    synchronized boolean awaitTotal(long count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (total < count) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            // wait(ms, ns) rounds up to whole milliseconds, which is fine for a test deadline
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }
}
