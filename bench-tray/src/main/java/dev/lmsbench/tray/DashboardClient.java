package dev.lmsbench.tray;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dashboard's HTTP API as the tray uses it: {@code GET /api/status}, the POST endpoints with the CSRF token from
 * {@code GET /api/session}, and {@code POST /api/system/shutdown}. Every request has a short timeout and a bounded
 * body; unknown JSON fields are ignored. Thread-safe; one instance per dashboard.
 */
final class DashboardClient {

    private static final Logger LOG = LoggerFactory.getLogger(DashboardClient.class);
    /** A status document is a few hundred bytes; anything this large is not one. */
    static final int MAX_BODY = 64 * 1024;
    static final String CSRF_HEADER = "X-CSRF-Token";

    private final URI base;
    private final String origin;
    private final Optional<String> bearerToken;
    private final Duration timeout;
    private final HttpClient http;
    private final ObjectMapper json = new ObjectMapper();
    private volatile String csrfToken;

    DashboardClient(URI dashboard, Optional<String> bearerToken, Duration timeout) {
        Objects.requireNonNull(dashboard, "dashboard");
        this.base = withTrailingSlash(dashboard);
        this.origin = base.getScheme() + "://" + base.getRawAuthority();
        this.bearerToken = Objects.requireNonNull(bearerToken, "bearerToken");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        // the cookie manager keeps a session cookie if the server ties its CSRF token to one
        this.http = HttpClient.newBuilder()
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .cookieHandler(new CookieManager())
                .build();
    }

    URI base() {
        return base;
    }

    /** {@code GET /api/status}: never throws; anything but a 200 status document is {@link PollOutcome.Unreachable}. */
    PollOutcome status() {
        Answer a;
        try {
            a = send(request("api/status").GET().build());
        } catch (IOException e) {
            return new PollOutcome.Unreachable(describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new PollOutcome.Unreachable("interrupted");
        }
        if (a.code() != 200) {
            return new PollOutcome.Unreachable("HTTP " + a.code() + errorSuffix(a.body()));
        }
        try {
            return new PollOutcome.Reached(parseStatus(json.readTree(a.body())));
        } catch (IOException | IllegalArgumentException e) {
            return new PollOutcome.Unreachable("not a status document: " + e.getMessage());
        }
    }

    /** {@code POST /api/benchmark/start} with {@code {}}: the server's default settings. */
    ActionResult start() {
        return post("api/benchmark/start", "{}");
    }

    ActionResult pause() {
        return post(TrayState.PauseAction.PAUSE.path(), "");
    }

    ActionResult resume() {
        return post(TrayState.PauseAction.RESUME.path(), "");
    }

    ActionResult stop() {
        return post("api/benchmark/stop", "");
    }

    ActionResult shutdown() {
        return post("api/system/shutdown", "");
    }

    /**
     * A mutating request: sends the session's CSRF token (fetched once, fetched again and retried once when the
     * server answers 403, e.g. after a restart).
     */
    ActionResult post(String path, String body) {
        try {
            String token = csrfToken != null ? csrfToken : fetchCsrfToken();
            Answer a = sendPost(path, body, token);
            if (a.code() == 403) {
                LOG.debug("{} answered 403; fetching a fresh CSRF token", path);
                a = sendPost(path, body, fetchCsrfToken());
            }
            return a.code() / 100 == 2
                    ? ActionResult.ok(a.code())
                    : ActionResult.failed(a.code(), "HTTP " + a.code() + errorSuffix(a.body()));
        } catch (IOException e) {
            return ActionResult.failed(0, describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ActionResult.failed(0, "interrupted");
        }
    }

    private Answer sendPost(String path, String body, String token) throws IOException, InterruptedException {
        HttpRequest.Builder b = request(path)
                .header("Content-Type", "application/json")
                .header("Origin", origin)
                .POST(HttpRequest.BodyPublishers.ofString(body.isEmpty() ? "{}" : body));
        if (token != null && !token.isEmpty()) {
            b.header(CSRF_HEADER, token);
        }
        return send(b.build());
    }

    private String fetchCsrfToken() throws IOException, InterruptedException {
        Answer a = send(request("api/session").GET().build());
        if (a.code() != 200) {
            throw new IOException("GET /api/session answered HTTP " + a.code() + errorSuffix(a.body()));
        }
        JsonNode token = json.readTree(a.body()).path("csrf_token");
        if (!token.isTextual() || token.asText().isEmpty()) {
            throw new IOException("GET /api/session gave no csrf_token");
        }
        csrfToken = token.asText();
        return csrfToken;
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path))
                .timeout(timeout)
                .header("Accept", "application/json");
        bearerToken.ifPresent(t -> b.header("Authorization", "Bearer " + t));
        return b;
    }

    private Answer send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<InputStream> r = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = r.body()) {
            byte[] bytes = in.readNBytes(MAX_BODY + 1);
            if (bytes.length > MAX_BODY) {
                throw new IOException("answer of " + request.uri().getPath() + " is larger than " + MAX_BODY
                        + " bytes");
            }
            return new Answer(r.statusCode(), new String(bytes, StandardCharsets.UTF_8));
        }
    }

    static DashboardStatus parseStatus(JsonNode root) {
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        JsonNode status = root.get("status");
        if (status == null || !status.isTextual()) {
            throw new IllegalArgumentException("no \"status\" string");
        }
        DashboardStatus.Progress progress = null;
        JsonNode p = root.get("progress");
        if (p != null && p.isObject()) {
            JsonNode eta = p.get("eta_s");
            progress = new DashboardStatus.Progress(
                    p.path("completed").asLong(0),
                    p.path("total").asLong(0),
                    p.path("elapsed_s").asDouble(0),
                    eta != null && eta.isNumber() ? eta.asDouble() : -1);
        }
        return new DashboardStatus(ServerState.parse(status.asText()), status.asText(), text(root, "run_id"),
                text(root, "model"), root.path("model_position").asInt(0), root.path("model_count").asInt(0),
                progress, text(root, "error"), text(root, "last_status"));
    }

    private static String text(JsonNode root, String field) {
        JsonNode n = root.get(field);
        return n == null || n.isNull() ? "" : n.asText();
    }

    /** " (message)" from an {@code {"error": ...}} body, or nothing. */
    private String errorSuffix(String body) {
        try {
            JsonNode error = json.readTree(body).path("error");
            if (error.isTextual() && !error.asText().isBlank()) {
                return ": " + error.asText();
            }
        } catch (IOException | RuntimeException e) {
            // a body that is not JSON says nothing more than its status code
        }
        return "";
    }

    private static String describe(IOException e) {
        if (e instanceof ConnectException) {
            return "connection refused";
        }
        if (e instanceof HttpTimeoutException) {
            return "timed out";
        }
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    /** The base without query or fragment and with a trailing slash, so the API resolves below its path. */
    private static URI withTrailingSlash(URI u) {
        String path = u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath();
        String s = u.getScheme() + "://" + u.getRawAuthority() + path;
        return URI.create(s.endsWith("/") ? s : s + "/");
    }

    private record Answer(int code, String body) {
    }

    /** The outcome of a POST: ok, or the HTTP status (0 when no answer came) and a one-line message. */
    record ActionResult(boolean ok, int httpStatus, String message) {
        static ActionResult ok(int code) {
            return new ActionResult(true, code, "");
        }

        static ActionResult failed(int code, String message) {
            return new ActionResult(false, code, message);
        }
    }
}
