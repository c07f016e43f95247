package dev.lmsbench.client;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Idle keep-alive connections, per {@link HttpConnection.Route}. A connection is in here only between exchanges, so
 * concurrent calls never share one: each {@link #acquire} hands a connection to exactly one caller.
 *
 * <p>The most recently used connection is handed out first (the least likely to have been closed by the server).
 * Connections idle for longer than {@link #MAX_IDLE_NANOS} are closed instead of reused: common servers (Node,
 * uvicorn, cpp-httplib) close idle keep-alive connections after about 5 s. One the server closed anyway is caught by
 * {@link HttpTransport}'s single retry.
 *
 * <p>Thread-safe: guarded by {@code this}; sockets are closed outside the lock.
 */
final class ConnectionPool {

    static final long MAX_IDLE_NANOS = TimeUnit.SECONDS.toNanos(4);
    static final int MAX_IDLE_PER_ROUTE = 64;

    private final Map<HttpConnection.Route, Deque<HttpConnection>> idle = new HashMap<>();
    private boolean closed;

    /** {@return an idle connection to the route, or {@code null} when there is none} */
    HttpConnection acquire(HttpConnection.Route route) {
        List<HttpConnection> expired = null;
        HttpConnection found = null;
        long now = System.nanoTime();
        synchronized (this) {
            Deque<HttpConnection> connections = idle.get(route);
            while (connections != null && !connections.isEmpty()) {
                HttpConnection connection = connections.pollFirst();
                if (now - connection.idleSinceNanos() <= MAX_IDLE_NANOS) {
                    found = connection;
                    break;
                }
                if (expired == null) {
                    expired = new ArrayList<>();
                }
                expired.add(connection);
            }
        }
        if (expired != null) {
            expired.forEach(HttpConnection::closeQuietly);
        }
        return found;
    }

    /** Takes back a connection whose last response was complete and keep-alive. */
    void offer(HttpConnection connection) {
        connection.idleSince(System.nanoTime());
        synchronized (this) {
            if (!closed) {
                Deque<HttpConnection> connections = idle.computeIfAbsent(connection.route(), r -> new ArrayDeque<>());
                if (connections.size() < MAX_IDLE_PER_ROUTE) {
                    connections.addFirst(connection);
                    return;
                }
            }
        }
        connection.closeQuietly();
    }

    /** Closes every idle connection; connections offered later are closed at once. Idempotent. */
    void close() {
        List<HttpConnection> all = new ArrayList<>();
        synchronized (this) {
            closed = true;
            idle.values().forEach(all::addAll);
            idle.clear();
        }
        all.forEach(HttpConnection::closeQuietly);
    }

    /** {@return how many idle connections are pooled, for tests} */
    synchronized int idleCount() {
        return idle.values().stream().mapToInt(Deque::size).sum();
    }
}
