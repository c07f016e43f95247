package dev.lmsbench.client;

import dev.lmsbench.core.spi.BackendException;

import java.time.Duration;
import java.util.Objects;

/**
 * One request in flight, abortable from another thread (the timeout watchdog or {@code cancelInFlight}).
 *
 * <p>Aborting closes the socket of the attached {@link HttpConnection}, which wakes the reading thread: its blocked
 * connect, read or write throws (or the read returns end of stream), it sees {@link #abortReason()} and reports that
 * instead of an I/O error or a premature end. Whatever is attached after an abort is aborted at once, so there is no
 * window in which an abort is lost.
 *
 * <p>Thread-safe: all state is guarded by {@code this}.
 */
final class InFlight {

    private final Duration timeout;
    private final long startNanos = System.nanoTime();
    private final long timeoutNanos;
    private BackendException.Kind abortReason;
    private HttpConnection connection;

    /** @param timeout the call's deadline, from now */
    InFlight(Duration timeout) {
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.timeoutNanos = saturatedNanos(timeout);
    }

    /** The call's deadline. */
    Duration timeout() {
        return timeout;
    }

    /**
     * What is left of the deadline, at least 0; {@link Long#MAX_VALUE} when the timeout does not fit in a long. Done
     * with differences of {@link System#nanoTime()}, never by comparing absolute values (they may overflow).
     */
    long remainingNanos() {
        if (timeoutNanos == Long.MAX_VALUE) {
            return Long.MAX_VALUE;
        }
        return Math.max(0, timeoutNanos - (System.nanoTime() - startNanos));
    }

    /**
     * Aborts the request unless it was already aborted.
     *
     * @param reason {@link BackendException.Kind#TIMEOUT} or {@link BackendException.Kind#CANCELLED}
     */
    synchronized void abort(BackendException.Kind reason) {
        if (abortReason != null) {
            return;
        }
        abortReason = reason;
        if (connection != null) {
            connection.abort();
        }
    }

    /** Why the request was aborted, or {@code null} while it was not. */
    synchronized BackendException.Kind abortReason() {
        return abortReason;
    }

    /**
     * Attaches the connection the call now uses (before it connects, or when it is taken from the pool). A previous
     * one was already released or discarded by the caller.
     */
    synchronized void attach(HttpConnection current) {
        connection = current;
        if (abortReason != null) {
            current.abort();
        }
    }

    /**
     * Ends the use of the attached connection, if any: back to the pool when its response was complete and
     * keep-alive, closed otherwise. Called by the reading thread when done with the response.
     */
    synchronized void release() {
        if (connection != null) {
            connection.release();
            connection = null;
        }
    }

    static long saturatedNanos(Duration duration) {
        try {
            return Math.max(0, duration.toNanos());
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }
}
