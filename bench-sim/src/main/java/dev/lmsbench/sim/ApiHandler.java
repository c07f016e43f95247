package dev.lmsbench.sim;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes every request: authentication first (as OpenAI does, even for unknown paths), then the endpoints under the
 * configured prefix. Handlers only parse and plan; all waiting happens on the scheduler.
 */
final class ApiHandler implements HttpHandler {

    private static final Logger LOG = LoggerFactory.getLogger(ApiHandler.class);
    private static final int MAX_BODY_BYTES = 16 * 1024 * 1024;

    private final SimConfig config;
    private final ScheduledExecutorService scheduler;
    private final SendLog log;
    private final long createdEpochSecond;
    private final byte[] expectedToken;
    private final AtomicLong sequence = new AtomicLong();

    ApiHandler(SimConfig config, ScheduledExecutorService scheduler, SendLog log, long createdEpochSecond) {
        this.config = config;
        this.scheduler = scheduler;
        this.log = log;
        this.createdEpochSecond = createdEpochSecond;
        this.expectedToken = config.apiToken().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void handle(HttpExchange exchange) {
        try {
            route(exchange);
        } catch (ApiError e) {
            sendError(exchange, e);
        } catch (IOException e) {
            LOG.debug("{} {}: client went away: {}", exchange.getRequestMethod(), exchange.getRequestURI(),
                    e.toString());
            exchange.close();
        } catch (RuntimeException e) {
            LOG.warn("{} {} failed", exchange.getRequestMethod(), exchange.getRequestURI(), e);
            sendError(exchange, new ApiError(500, "internal simulator error: " + e, "server_error", null, null));
        }
    }

    private void route(HttpExchange exchange) throws ApiError, IOException {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getPath();
        if (path.length() > 1 && path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        byte[] body = readBody(exchange);
        long receivedNanos = System.nanoTime();
        if (config.requiresAuth()) {
            authorize(exchange);
        }
        String prefix = config.pathPrefix();
        String models = prefix + "/models";
        if (path.equals(models)) {
            requireMethod(exchange, "GET");
            sendJson(exchange, 200, OpenAiJson.modelList(config.models(), createdEpochSecond));
        } else if (path.startsWith(models + "/")) {
            requireMethod(exchange, "GET");
            String id = path.substring(models.length() + 1);
            SimModel model = config.model(id).orElseThrow(() -> modelNotFound(id));
            sendJson(exchange, 200, OpenAiJson.model(model, createdEpochSecond));
        } else if (path.equals(prefix + "/chat/completions")) {
            requireMethod(exchange, "POST");
            chat(exchange, body, receivedNanos);
        } else {
            throw new ApiError(404, "Unknown request URL: " + method + " " + path, "invalid_request_error", null,
                    "unknown_url");
        }
    }

    private void chat(HttpExchange exchange, byte[] body, long receivedNanos) throws ApiError, IOException {
        ChatRequest request = ChatRequest.parse(body);
        SimModel model = config.model(request.model()).orElseThrow(() -> modelNotFound(request.model()));
        int promptTokens = PromptTokenizer.countMessages(request.messages());
        if (model.maxContextLength() > 0 && promptTokens > model.maxContextLength()) {
            throw new ApiError(400, "This model's maximum context length is " + model.maxContextLength()
                    + " tokens, but the messages have " + promptTokens + " tokens.", "invalid_request_error",
                    "messages", "context_length_exceeded");
        }
        long number = sequence.getAndIncrement();
        ResponsePlan plan = ResponsePlan.create(model, promptTokens, request.maxTokens(), config.seed(), number);
        Accepted accepted = new Accepted(number, receivedNanos, model, plan);
        String id = "chatcmpl-" + Long.toHexString(ResponsePlan.mix(config.seed(), number, 3));
        long created = Instant.now().getEpochSecond();
        LOG.debug("chat {} for {}: stream={}, prompt={} tokens, completion={} tokens", number, model.id(),
                request.stream(), promptTokens, plan.completionTokens());
        if (request.stream()) {
            boolean usage = request.includeUsage() && model.sendsUsage();
            OpenAiJson json = new OpenAiJson(id, created, model.id(), usage);
            new StreamingResponse(exchange, scheduler, log, accepted, json, usage).start();
        } else {
            OpenAiJson json = new OpenAiJson(id, created, model.id(), false);
            CompleteResponse response = new CompleteResponse(exchange, log, accepted, json, model.sendsUsage());
            try {
                scheduler.schedule(response, response.dueNanos() - System.nanoTime(), TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                LOG.debug("completion {} dropped: simulator closing", number);
                exchange.close();
            }
        }
    }

    private void authorize(HttpExchange exchange) throws ApiError {
        String header = Optional.ofNullable(exchange.getRequestHeaders().getFirst("Authorization")).orElse("");
        if (header.isEmpty()) {
            throw new ApiError(401, "You didn't provide an API key. Send it as 'Authorization: Bearer YOUR_KEY'.",
                    "invalid_request_error", null, "invalid_api_key");
        }
        String scheme = "bearer ";
        boolean bearer = header.length() > scheme.length()
                && header.substring(0, scheme.length()).toLowerCase(Locale.ROOT).equals(scheme);
        byte[] given = bearer ? header.substring(scheme.length()).strip().getBytes(StandardCharsets.UTF_8) : null;
        // constant-time so the sim does not teach clients a timing oracle
        if (given == null || !MessageDigest.isEqual(given, expectedToken)) {
            throw new ApiError(401, "Incorrect API key provided.", "invalid_request_error", null, "invalid_api_key");
        }
    }

    private static void requireMethod(HttpExchange exchange, String allowed) throws ApiError {
        if (!exchange.getRequestMethod().equals(allowed)) {
            exchange.getResponseHeaders().set("Allow", allowed);
            throw new ApiError(405, "Method " + exchange.getRequestMethod() + " not allowed; use " + allowed + ".",
                    "invalid_request_error", null, "method_not_allowed");
        }
    }

    private static ApiError modelNotFound(String id) {
        return new ApiError(404, "model '" + id + "' not found", "invalid_request_error", "model", "model_not_found");
    }

    private static byte[] readBody(HttpExchange exchange) throws IOException, ApiError {
        try (InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
            if (body.length > MAX_BODY_BYTES) {
                throw new ApiError(413, "The request body exceeds " + MAX_BODY_BYTES + " bytes.",
                        "invalid_request_error", null, "request_too_large");
            }
            return body;
        }
    }

    private static void sendError(HttpExchange exchange, ApiError error) {
        try {
            sendJson(exchange, error.status(), error.body());
        } catch (IOException e) {
            LOG.debug("could not send error {}: {}", error.status(), e.toString());
            exchange.close();
        }
    }

    private static void sendJson(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
