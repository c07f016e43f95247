package dev.lmsbench.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lmsbench.core.engine.BenchmarkController;
import dev.lmsbench.core.event.BenchmarkEvent;
import dev.lmsbench.core.event.BenchmarkListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code GET /api/events}: the controller's events as server-sent events. The engine thread only encodes each event
 * once and appends it to every client's bounded queue (never blocking: a full queue drops its oldest event and the
 * client is sent a {@code resync} with the current status before the rest); each client's own HTTP thread writes.
 */
final class EventStream implements BenchmarkListener, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EventStream.class);

    /** One encoded event. */
    record Message(String name, String json) {
    }

    private final BenchmarkController controller;
    private final ObjectMapper json;
    private final int capacity;
    private final Duration heartbeat;
    private final Set<EventQueue> clients = ConcurrentHashMap.newKeySet();
    private final AutoCloseable subscription;
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private volatile boolean closed;

    EventStream(BenchmarkController controller, ObjectMapper json, int capacity, Duration heartbeat) {
        this.controller = controller;
        this.json = json;
        this.capacity = capacity;
        this.heartbeat = heartbeat;
        this.subscription = controller.subscribe(this);
    }

    @Override
    public void onEvent(BenchmarkEvent event) {
        if (clients.isEmpty()) {
            return;
        }
        Map.Entry<String, Map<String, Object>> e = Shapes.event(event);
        if (e == null) {
            return;
        }
        Message m = new Message(e.getKey(), encode(e.getValue()));
        for (EventQueue c : clients) {
            c.offer(m);
        }
        if (event instanceof BenchmarkEvent.RunCompleted || event instanceof BenchmarkEvent.RunFailed) {
            // the controller turns idle only after the run's thread has finished: tell the clients when it did
            Thread.ofVirtual().name("lmsbench-sse-idle").start(() -> {
                try {
                    controller.awaitIdle(Duration.ofMinutes(5));
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    return;
                }
                broadcast(statusMessage("status"));
            });
        }
    }

    private void broadcast(Message m) {
        for (EventQueue c : clients) {
            c.offer(m);
        }
    }

    private Message statusMessage(String name) {
        return new Message(name, encode(Shapes.status(controller.status())));
    }

    private String encode(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Where one client's events are written; a failed write (the client went away) throws. */
    interface Sink {
        /** @param name the event's name @param json its data, one line @throws IOException when the write failed */
        void event(String name, String json) throws IOException;

        /** @param text a comment line (a heartbeat) @throws IOException when the write failed */
        void comment(String text) throws IOException;
    }

    /**
     * Serves one client on the calling (HTTP) thread until its connection fails (it went away, or accepted nothing
     * for the connection's idle timeout) or the server stops.
     */
    void serve(Sink sink) {
        EventQueue c = new EventQueue(capacity);
        clients.add(c);
        try {
            send(sink, statusMessage("status"));
            while (!closed) {
                EventQueue.Next next = c.take(heartbeat);
                if (next == null) {
                    if (closed) {
                        break;
                    }
                    sink.comment("heartbeat");
                    continue;
                }
                if (next.droppedBefore() > 0) {
                    Map<String, Object> data = new LinkedHashMap<>(Shapes.status(controller.status()));
                    data.put("dropped", next.droppedBefore());
                    send(sink, new Message("resync", encode(data)));
                }
                send(sink, next.message());
            }
        } catch (IOException e) {
            LOG.debug("an event stream client went away: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            clients.remove(c);
            dropped.addAndGet(c.droppedTotal());
        }
    }

    private void send(Sink sink, Message m) throws IOException {
        sink.event(m.name(), m.json());
        delivered.incrementAndGet();
    }

    /** @return clients connected now */
    int clientCount() {
        return clients.size();
    }

    /** @return events written to clients so far */
    long delivered() {
        return delivered.get();
    }

    /** @return events dropped from full queues so far (clients gone and connected) */
    long dropped() {
        long live = 0;
        for (EventQueue c : clients) {
            live += c.droppedTotal();
        }
        return dropped.get() + live;
    }

    @Override
    public void close() {
        closed = true;
        try {
            subscription.close();
        } catch (Exception e) {
            LOG.debug("unsubscribing failed", e);
        }
        for (EventQueue c : clients) {
            c.wake();
        }
    }
}
