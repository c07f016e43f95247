package dev.lmsbench.client;

import dev.lmsbench.core.spi.BackendException;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Future;

/**
 * One request in flight, abortable from another thread (the timeout watchdog or {@code cancelInFlight}).
 *
 * <p>Aborting cancels the pending send (while waiting for headers) or closes the body stream (while reading), which
 * wakes the reading thread: its blocked {@code read} returns or throws, it sees {@link #abortReason()} and reports
 * that instead of an I/O error or a premature end of stream. Whatever is attached after an abort is aborted at once,
 * so there is no window in which an abort is lost.
 *
 * <p>Thread-safe: all state is guarded by {@code this}.
 */
final class InFlight {

    private final Duration timeout;
    private BackendException.Kind abortReason;
    private Future<?> pending;
    private InputStream body;

    /** @param timeout the call's deadline, for messages */
    InFlight(Duration timeout) {
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    /** The call's deadline. */
    Duration timeout() {
        return timeout;
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
        if (pending != null) {
            pending.cancel(true);
        }
        closeQuietly(body);
    }

    /** Why the request was aborted, or {@code null} while it was not. */
    synchronized BackendException.Kind abortReason() {
        return abortReason;
    }

    /** Attaches the send that waits for the response headers. */
    synchronized void attach(Future<?> send) {
        pending = send;
        if (abortReason != null) {
            send.cancel(true);
        }
    }

    /** Attaches the response body being read; replaces the previous one (closed by the caller). */
    synchronized void attach(InputStream stream) {
        pending = null;
        body = stream;
        if (abortReason != null) {
            closeQuietly(stream);
        }
    }

    /** Closes the attached body, if any. Called by the reading thread when done with it. */
    synchronized void release() {
        pending = null;
        closeQuietly(body);
        body = null;
    }

    private static void closeQuietly(InputStream stream) {
        if (stream == null) {
            return;
        }
        try {
            stream.close();
        } catch (IOException e) {
            // Closing only serves to unblock or free the connection; a failure to close changes nothing for callers.
        }
    }
}
