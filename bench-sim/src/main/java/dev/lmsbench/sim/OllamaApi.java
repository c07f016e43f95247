package dev.lmsbench.sim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ollama's native API on the simulator (https://github.com/ollama/ollama/blob/main/docs/api.md): {@code GET
 * /api/version}, {@code GET /api/tags}, {@code POST /api/show}, {@code GET /api/ps}, {@code POST /api/generate}
 * (load and unload only) and {@code POST /api/chat} (streamed NDJSON and not). Models are the sim's models and
 * their states are the sim's {@link ModelStates}: a model loaded here is loaded for LM Studio's API too. Timing is
 * the sim's: each stream's writer writes each token at its absolute due time, and the answer's durations are the
 * configured truth ({@link OllamaJson.Truth}). Errors are Ollama's {@code {"error": "..."}}.
 */
final class OllamaApi {

    private static final Logger LOG = LoggerFactory.getLogger(OllamaApi.class);
    private static final Set<String> PATHS = Set.of("/api/version", "/api/tags", "/api/show", "/api/ps",
            "/api/generate", "/api/chat");
    /** A {@code keep_alive} that unloads: 0 as a number, or a zero duration such as {@code "0"}, {@code "0s"}. */
    private static final Pattern ZERO_DURATION = Pattern.compile("^0+(\\.0+)?[a-z]*$");

    /** An answer other than 200, in Ollama's error shape. */
    private static final class Failure extends Exception {
        private final int status;

        Failure(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    private final SimConfig config;
    private final Writers writers;
    private final SendLog log;
    private final ModelStates states;
    private final AtomicLong sequence;
    private final Instant modified;

    /**
     * @param sequence the chat request counter shared with the other APIs, so every request's number (its text and
     *                 jitter) is unique
     */
    OllamaApi(SimConfig config, Writers writers, SendLog log, ModelStates states,
            AtomicLong sequence, Instant modified) {
        this.config = config;
        this.writers = writers;
        this.log = log;
        this.states = states;
        this.sequence = sequence;
        this.modified = modified;
    }

    /** Whether a path is one of Ollama's endpoints. */
    static boolean handles(String path) {
        return PATHS.contains(path);
    }

    /** Answers one request to an Ollama path. */
    void handle(HttpExchange exchange, String path, byte[] body, long receivedNanos) throws IOException {
        try {
            switch (path) {
                case "/api/version" -> {
                    requireMethod(exchange, "GET");
                    send(exchange, 200, OllamaJson.version());
                }
                case "/api/tags" -> {
                    requireMethod(exchange, "GET");
                    send(exchange, 200, OllamaJson.tags(config.models(), modified));
                }
                case "/api/show" -> {
                    requireMethod(exchange, "POST");
                    send(exchange, 200, OllamaJson.show(model(text(object(body), "model"))));
                }
                case "/api/ps" -> {
                    requireMethod(exchange, "GET");
                    long now = System.nanoTime();
                    List<ModelStates.Instance> ready = states.instances().stream().filter(i -> !i.loading(now))
                            .toList();
                    send(exchange, 200, OllamaJson.ps(ready, Instant.now()));
                }
                case "/api/generate" -> {
                    requireMethod(exchange, "POST");
                    generate(exchange, object(body), receivedNanos);
                }
                case "/api/chat" -> {
                    requireMethod(exchange, "POST");
                    chat(exchange, object(body), receivedNanos);
                }
                default -> throw new Failure(404, "404 page not found");
            }
        } catch (Failure e) {
            send(exchange, e.status, OllamaJson.error(e.getMessage()));
        }
    }

    /** {@code POST /api/generate} without a prompt: load, or unload with {@code keep_alive} 0. */
    private void generate(HttpExchange exchange, JsonNode root, long receivedNanos) throws Failure, IOException {
        SimModel model = model(text(root, "model"));
        JsonNode prompt = root.get("prompt");
        if (prompt != null && !prompt.isNull() && !(prompt.isTextual() && prompt.textValue().isEmpty())) {
            // the sim's choice: completions are served by /api/chat only
            throw new Failure(400, "the simulator's /api/generate only loads and unloads models; use /api/chat");
        }
        lifecycle(exchange, root, model, false, receivedNanos);
    }

    /** Load ({@code done_reason: load}, answered when the load finishes) or unload ({@code done_reason: unload}). */
    private void lifecycle(HttpExchange exchange, JsonNode root, SimModel model, boolean chat, long receivedNanos)
            throws Failure, IOException {
        if (unloads(root.get("keep_alive"))) {
            for (ModelStates.Instance instance : states.instancesOf(model.id())) {
                states.unload(instance.id());
            }
            LOG.debug("unloaded {} (keep_alive 0)", model.id());
            send(exchange, 200, OllamaJson.lifecycle(model.id(), "unload", chat, Instant.now()));
            return;
        }
        ModelStates.Ready ready = loaded(model, numCtx(root.path("options")), receivedNanos);
        Runnable answer = () -> {
            try {
                if (states.contains(ready.instance().id())) {
                    send(exchange, 200, OllamaJson.lifecycle(model.id(), "load", chat, Instant.now()));
                } else {
                    send(exchange, 500, OllamaJson.error("model " + model.id() + " was unloaded while it loaded"));
                }
            } catch (IOException e) {
                LOG.debug("load of {}: client went away: {}", model.id(), e.toString());
                exchange.close();
            }
        };
        at(receivedNanos + ready.waitNanos(), answer, exchange);
    }

    /** {@code POST /api/chat}: an answer planned and timed as every sim answer; empty messages load or unload. */
    private void chat(HttpExchange exchange, JsonNode root, long receivedNanos) throws Failure, IOException {
        SimModel model = model(text(root, "model"));
        JsonNode messages = root.get("messages");
        if (messages == null || messages.isNull() || (messages.isArray() && messages.isEmpty())) {
            lifecycle(exchange, root, model, true, receivedNanos);
            return;
        }
        if (!messages.isArray()) {
            throw new Failure(400, "messages must be an array");
        }
        for (JsonNode message : messages) {
            if (!message.isObject() || !message.path("role").isTextual()) {
                throw new Failure(400, "each message must be an object with a role");
            }
        }
        boolean stream = bool(root, "stream", true);
        JsonNode options = root.path("options");
        int numPredict = integer(options, "num_predict");
        int promptTokens = PromptTokenizer.countMessages(messages);
        int numCtx = numCtx(options);
        java.util.Optional<FaultPlan> fault = states.nextFault();
        if (fault.isPresent()) {
            LOG.debug("injected {} for an ollama chat request for {} (fault plan)", fault.get().status(), model.id());
            throw new Failure(fault.get().status(), fault.get().message());
        }
        ModelStates.Ready ready = ready(model, numCtx, receivedNanos);
        SimModel planned = ApiHandler.planned(model, ready.instance(), null);
        long number = sequence.getAndIncrement();
        ResponsePlan unqueued = ResponsePlan.create(planned, promptTokens, numPredict > 0 ? numPredict : -1,
                config.seed(), number, 0);
        ready = states.admit(ready, receivedNanos, unqueued.durationNanos());
        ResponsePlan plan = unqueued.delayed(ready.delayNanos());
        Accepted accepted = new Accepted(number, receivedNanos, model, plan, ready.loadCostNanos(), ready.queueNanos(),
                model.id(), ready.instance().id());
        OllamaJson.Truth truth = OllamaJson.Truth.of(planned, plan, ready.loadCostNanos(), ready.queueNanos());
        Instant createdAt = Instant.now();
        LOG.debug("ollama chat {} for {}: stream={}, prompt={} tokens, eval={} tokens, load wait={} ms", number,
                model.id(), stream, promptTokens, plan.completionTokens(), ready.waitNanos() / 1_000_000);
        if (stream) {
            new StreamingResponse(exchange, writers, log, accepted,
                    new OllamaStreamFormat(model.id(), createdAt, plan, truth), true).start();
        } else {
            CompleteResponse response = new CompleteResponse(exchange, log, accepted, () -> {
                List<String> pieces = plan.pieces();
                String thinking = String.join("", pieces.subList(0, plan.reasoningTokens()));
                String content = String.join("", pieces.subList(plan.reasoningTokens(), pieces.size()));
                return OllamaJson.bytes(OllamaJson.done(model.id(), createdAt, content, thinking,
                        plan.finishReason(), truth));
            }, true);
            at(response.dueNanos(), response, exchange);
        }
    }

    /**
     * An explicit load: the model's earliest-ready instance when it has one, else a new instance (not JIT, so
     * LM Studio's Auto-Evict leaves it alone) with {@code num_ctx} as its context length.
     */
    private ModelStates.Ready loaded(SimModel model, int numCtx, long receivedNanos) throws Failure {
        ModelStates.Instance existing = null;
        for (ModelStates.Instance instance : states.instancesOf(model.id())) {
            if (existing == null || instance.readyAtNanos() - existing.readyAtNanos() < 0) {
                existing = instance;
            }
        }
        if (existing != null) {
            return new ModelStates.Ready(existing, Math.max(0, existing.readyAtNanos() - receivedNanos), false);
        }
        LoadConfig load = LoadConfig.defaultsFor(model);
        if (numCtx > 0) {
            load = load.withContextLength(numCtx);
        }
        try {
            // Ollama's keep_alive is not simulated: its loads have no TTL
            ModelStates.Instance instance = states.load(model, load, false,
                    new ModelStates.Placement(config.defaultParallel(), 1.0, -1, null), receivedNanos);
            return new ModelStates.Ready(instance, instance.loadNanos(), true);
        } catch (LoadRefused e) {
            throw refused(model, numCtx, e);
        }
    }

    /** The instance a request runs on, loading the model when it is not loaded (as Ollama does). */
    private ModelStates.Ready ready(SimModel model, int numCtx, long receivedNanos) throws Failure {
        try {
            // LM Studio's quirks are not Ollama's; and Ollama's loads never expire here
            return states.forChat(new ModelStates.Target(model, null), new ModelStates.JitLoad(numCtx, -1, false),
                    receivedNanos);
        } catch (LoadRefused e) {
            throw refused(model, numCtx, e);
        }
    }

    private Failure refused(SimModel model, int numCtx, LoadRefused e) {
        if (e.reason() == LoadRefused.Reason.INSUFFICIENT_MEMORY) {
            long need = model.memoryBytes(numCtx > 0 ? numCtx : model.defaultContextLength());
            long free = Math.max(0, config.memoryBytes() - states.usedBytes());
            // the wording of Ollama's memory check (llm/server.go), with the sim's figures
            return new Failure(500, String.format(Locale.ROOT,
                    "model requires more system memory (%.1f GiB) than is available (%.1f GiB)",
                    need / 1073741824.0, free / 1073741824.0));
        }
        return new Failure(400, e.getMessage());
    }

    private void at(long dueNanos, Runnable task, HttpExchange exchange) {
        try {
            writers.at(dueNanos, task);
        } catch (RejectedExecutionException e) {
            LOG.debug("ollama answer dropped: simulator closing");
            exchange.close();
        }
    }

    // ---- request parsing ----

    private SimModel model(String name) throws Failure {
        return config.model(name).orElseThrow(() -> new Failure(404,
                "model \"" + name + "\" not found, try pulling it first"));
    }

    private static JsonNode object(byte[] body) throws Failure {
        JsonNode root;
        try {
            root = OpenAiJson.MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw new Failure(400, "invalid character in request body: "
                    + e.getOriginalMessage().lines().findFirst().orElse(""));
        } catch (IOException e) {
            throw new Failure(400, "cannot read the request body");
        }
        if (root == null || !root.isObject()) {
            throw new Failure(400, "the request body must be a JSON object");
        }
        return root;
    }

    private static String text(JsonNode root, String key) throws Failure {
        JsonNode value = root.get(key);
        if (value == null || !value.isTextual() || value.textValue().isBlank()) {
            throw new Failure(400, key + " is required");
        }
        return value.textValue();
    }

    private static boolean bool(JsonNode root, String key, boolean absent) throws Failure {
        JsonNode value = root.get(key);
        if (value == null || value.isNull()) {
            return absent;
        }
        if (!value.isBoolean()) {
            throw new Failure(400, key + " must be a boolean");
        }
        return value.booleanValue();
    }

    /** An integer option, or {@code -1} when absent. */
    private static int integer(JsonNode options, String key) throws Failure {
        JsonNode value = options.get(key);
        if (value == null || value.isNull()) {
            return -1;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            throw new Failure(400, "option " + key + " must be an integer");
        }
        return value.intValue();
    }

    private static int numCtx(JsonNode options) throws Failure {
        int numCtx = integer(options, "num_ctx");
        return numCtx > 0 ? numCtx : -1;
    }

    private static boolean unloads(JsonNode keepAlive) {
        if (keepAlive == null || keepAlive.isNull()) {
            return false;
        }
        if (keepAlive.isNumber()) {
            return keepAlive.doubleValue() == 0;
        }
        return keepAlive.isTextual() && ZERO_DURATION.matcher(keepAlive.textValue().strip()).matches();
    }

    private static void requireMethod(HttpExchange exchange, String allowed) throws Failure {
        if (!exchange.getRequestMethod().equals(allowed)) {
            exchange.getResponseHeaders().set("Allow", allowed);
            throw new Failure(405, "method " + exchange.getRequestMethod() + " not allowed; use " + allowed);
        }
    }

    private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
