package dev.lmsbench.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.BooleanSupplier;

/** A test client of the API over loopback: JSON in and out, the CSRF token fetched once, an SSE reader. */
final class Api {

    static final ObjectMapper JSON = new ObjectMapper();

    final String base;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    final String bearer;
    private String csrf;

    Api(String base) {
        this(base, null);
    }

    Api(String base, String bearer) {
        this.base = base;
        this.bearer = bearer;
    }

    /** A response: status and parsed body. */
    record Res(int status, JsonNode body, String raw) {
    }

    HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20));
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        return b;
    }

    Res get(String path) throws Exception {
        return send(request(path).GET().build());
    }

    String csrf() throws Exception {
        if (csrf == null) {
            csrf = get("/api/session").body().get("csrf_token").asText();
        }
        return csrf;
    }

    Res post(String path, String body) throws Exception {
        return send(request(path).header("X-CSRF-Token", csrf()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    Res send(HttpRequest request) throws Exception {
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        JsonNode node = null;
        try {
            node = JSON.readTree(r.body());
        } catch (IOException e) {
            // not JSON: the caller checks raw
        }
        return new Res(r.statusCode(), node, r.body());
    }

    /** Sends raw bytes (for headers java.net.http will not set, like Host) and returns the status line and body. */
    static String raw(int port, String request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.UTF_8));
            out.flush();
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** One server-sent event. */
    record Event(String name, JsonNode data) {
    }

    /** Reads {@code /api/events} on a thread of its own into a queue; closing it disconnects. */
    final class Stream implements AutoCloseable {
        final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
        final List<Event> all = java.util.Collections.synchronizedList(new ArrayList<>());
        private final InputStream body;
        private final Thread reader;
        private final boolean keepAll;

        Stream() throws Exception {
            this(true);
        }

        /** @param keepAll whether to keep every event in {@link #all} too (a long benchmark does not) */
        Stream(boolean keepAll) throws Exception {
            this.keepAll = keepAll;
            HttpResponse<InputStream> r = http.send(request("/api/events").header("Accept", "text/event-stream")
                    .timeout(Duration.ofMinutes(10)).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("events answered " + r.statusCode());
            }
            body = r.body();
            reader = Thread.ofVirtual().start(this::read);
        }

        private void read() {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
                String name = "message";
                StringBuilder data = new StringBuilder();
                for (String line; (line = in.readLine()) != null; ) {
                    if (line.isEmpty()) {
                        if (!data.isEmpty()) {
                            Event e = new Event(name, JSON.readTree(data.toString()));
                            if (keepAll) {
                                all.add(e);
                            }
                            events.add(e);
                        }
                        name = "message";
                        data.setLength(0);
                    } else if (line.startsWith("event:")) {
                        name = line.substring(6).strip();
                    } else if (line.startsWith("data:")) {
                        data.append(line.substring(5).strip());
                    }
                }
            } catch (IOException e) {
                // closed
            }
        }

        /** @param timeout the longest wait @return true when the server ended the stream within it */
        boolean ended(Duration timeout) throws InterruptedException {
            return reader.join(timeout);
        }

        /** @return the events read so far, a copy */
        List<Event> seen() {
            synchronized (all) {
                return List.copyOf(all);
            }
        }

        /** The next event of that name within the timeout, skipping others; null when none came. */
        Event next(String name, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                long left = deadline - System.nanoTime();
                Event e = left <= 0 ? null : events.poll(left, java.util.concurrent.TimeUnit.NANOSECONDS);
                if (e == null || e.name().equals(name)) {
                    return e;
                }
            }
        }

        @Override
        public void close() throws IOException {
            body.close();
            reader.interrupt();
        }
    }

    Stream events() throws Exception {
        return new Stream();
    }

    /** Waits for a condition with a deadline (never a bare sleep). */
    static boolean await(BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(20);
        }
        return condition.getAsBoolean();
    }
}
