package dev.lmsbench.tray;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A fake of the dashboard's API contract on the JDK's HttpServer (loopback, port 0): {@code GET /api/status} answers
 * what the test set, {@code GET /api/session} a CSRF token, the POST endpoints check that token (403 without it) and
 * answer 200 unless the test set another answer. Every request is recorded.
 */
final class FakeDashboard implements AutoCloseable {

    /** One recorded request; header names lower-case. */
    record Call(String method, String path, Map<String, String> headers, String body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    static final String IDLE = status("idle");

    private final HttpServer server;
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final Map<String, Answer> answers = new ConcurrentHashMap<>();
    private final AtomicInteger tokenGeneration = new AtomicInteger(1);
    private volatile String statusBody = IDLE;
    private volatile int statusCode = 200;
    private volatile String requiredBearer;

    private record Answer(int code, String body) {
    }

    private FakeDashboard() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "fake-dashboard");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", this::handle);
        server.start();
    }

    static FakeDashboard start() throws IOException {
        return new FakeDashboard();
    }

    /** A status document with only the status field set (and nulls where the contract allows them). */
    static String status(String status) {
        return """
                {"status":"%s","run_id":"","model":"","model_position":0,"model_count":0,"progress":null,\
                "error":"","started_at":null,"finished_at":null,"last_status":null}""".formatted(status);
    }

    /** A running-like status with a model and progress. */
    static String active(String status, String model, int completed, int total, String eta) {
        return """
                {"status":"%s","run_id":"r-1","model":"%s","model_position":2,"model_count":3,\
                "progress":{"completed":%d,"total":%d,"elapsed_s":12.5,"eta_s":%s},"error":"",\
                "started_at":"2026-12-01T10:00:00Z","finished_at":null,"last_status":null}"""
                .formatted(status, model, completed, total, eta);
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    void status(String body, int code) {
        statusBody = body;
        statusCode = code;
    }

    void setStatus(String body) {
        status(body, 200);
    }

    /** The token {@code GET /api/session} hands out now. */
    String csrfToken() {
        return "csrf-" + tokenGeneration.get();
    }

    /** Hands out a new token; the old one is refused from now on (a restarted server). */
    void rotateCsrfToken() {
        tokenGeneration.incrementAndGet();
    }

    void requireBearer(String token) {
        requiredBearer = token;
    }

    /** Answers a POST path (e.g. "/api/benchmark/start") with this code and body from now on. */
    void answer(String path, int code, String body) {
        answers.put(path, new Answer(code, body));
    }

    List<Call> calls() {
        return List.copyOf(calls);
    }

    List<Call> calls(String method, String path) {
        return calls.stream().filter(c -> c.method().equals(method) && c.path().equals(path)).toList();
    }

    /** Waits (with a deadline, never a fixed sleep) for a recorded call. */
    Optional<Call> awaitCall(String method, String path, Duration timeout) throws InterruptedException {
        return awaitCall(c -> c.method().equals(method) && c.path().equals(path), timeout);
    }

    Optional<Call> awaitCall(Predicate<Call> matching, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        do {
            Optional<Call> hit = calls.stream().filter(matching).findFirst();
            if (hit.isPresent()) {
                return hit;
            }
            Thread.sleep(10);
        } while (System.nanoTime() < deadline);
        return Optional.empty();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Map<String, String> headers = new TreeMap<>();
            ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), String.join(",", v)));
            String method = ex.getRequestMethod();
            String path = ex.getRequestURI().getPath();
            calls.add(new Call(method, path, Map.copyOf(headers), body));
            if (requiredBearer != null && !("Bearer " + requiredBearer).equals(headers.get("authorization"))) {
                send(ex, 401, "{\"error\":\"missing or wrong access token\"}");
                return;
            }
            if (method.equals("GET") && path.equals("/api/status")) {
                send(ex, statusCode, statusBody);
            } else if (method.equals("GET") && path.equals("/api/session")) {
                send(ex, 200, "{\"csrf_token\":\"" + csrfToken() + "\",\"other\":1}");
            } else if (method.equals("POST") && path.startsWith("/api/")) {
                if (!csrfToken().equals(headers.get("x-csrf-token"))) {
                    send(ex, 403, "{\"error\":\"missing or wrong CSRF token\"}");
                    return;
                }
                Answer a = answers.get(path);
                if (a != null) {
                    send(ex, a.code(), a.body());
                } else if (path.equals("/api/system/shutdown")) {
                    send(ex, 200, "{\"shutting_down\":true}");
                } else if (path.equals("/api/benchmark/start")) {
                    send(ex, 200, "{\"run_id\":\"r-2\"}");
                } else {
                    send(ex, 200, "{\"status\":\"idle\"}");
                }
            } else {
                send(ex, 404, "{\"error\":\"not found\"}");
            }
        }
    }

    private static void send(HttpExchange ex, int code, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(code, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
