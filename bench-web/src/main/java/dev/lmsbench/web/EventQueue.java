package dev.lmsbench.web;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * One SSE client's bounded queue: {@link #offer} never blocks (the engine thread calls it); when full, the oldest
 * message is dropped and the next {@link #take} reports how many were, so the writer sends a {@code resync} first.
 */
final class EventQueue {

    /** The next message and how many were dropped just before it. */
    record Next(EventStream.Message message, long droppedBefore) {
    }

    private final int capacity;
    private final ArrayDeque<EventStream.Message> queue = new ArrayDeque<>();
    private long droppedPending;
    private long droppedTotal;
    private boolean woken;

    EventQueue(int capacity) {
        this.capacity = capacity;
    }

    synchronized void offer(EventStream.Message m) {
        if (queue.size() >= capacity) {
            queue.pollFirst();
            droppedPending++;
            droppedTotal++;
        }
        queue.addLast(m);
        notifyAll();
    }

    /** Makes {@link #take} return null at once, now and later (the stream closes). */
    synchronized void wake() {
        woken = true;
        notifyAll();
    }

    synchronized long droppedTotal() {
        return droppedTotal;
    }

    synchronized int size() {
        return queue.size();
    }

    /**
     * @param timeout the longest wait
     * @return the next message, or null after {@code timeout} without one or once woken
     * @throws InterruptedException when interrupted
     */
    synchronized Next take(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (queue.isEmpty() && !woken) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        if (woken) {
            return null;
        }
        long d = droppedPending;
        droppedPending = 0;
        return new Next(queue.pollFirst(), d);
    }
}
