package dev.lmsbench.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.util.Iterator;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backend of a fake {@code lms} command for tests: the <strong>simulator's own</strong> endpoints, not an LM Studio
 * API. A test puts a small {@code lms} script on the PATH that records its arguments and turns {@code lms load} and
 * {@code lms unload} into these calls, so the client's {@code lms} path changes the simulator's state like the real
 * one changes LM Studio's. Served whatever the quirks, under the same authentication as every other endpoint; errors
 * in LM Studio's v1 shape.
 *
 * <ul>
 *   <li>{@code POST /__sim/lms/load} {@code {"model": key, "context_length"?: int, "parallel"?: int >= 1,
 *       "gpu"?: 0..1, "ttl"?: seconds, "identifier"?: string}}: loads an instance (not just in time, so Auto-Evict
 *       leaves it), named {@code identifier} when given and free, else {@code key}, {@code key:2}, ...; answers when
 *       the load finishes {@code {"identifier", "load_time_seconds", "config": {"context_length", "parallel",
 *       "gpu_offload", "ttl_seconds" (null for none)}}}. 404 {@code model_not_found}, 400 {@code model_load_failed}
 *       (memory) or {@code invalid_load_config}, 400 {@code invalid_request} for a bad body.</li>
 *   <li>{@code POST /__sim/lms/unload} {@code {"identifier": id}}: {@code {"identifier": id}}, or 404
 *       {@code model_not_found}.</li>
 * </ul>
 */
final class LmsEndpoints {

    static final String LOAD = "/__sim/lms/load";
    static final String UNLOAD = "/__sim/lms/unload";

    private static final Logger LOG = LoggerFactory.getLogger(LmsEndpoints.class);
    private static final Set<String> LOAD_KEYS = Set.of("model", "context_length", "parallel", "gpu", "ttl",
            "identifier");
    private static final Set<String> UNLOAD_KEYS = Set.of("identifier");

    private final SimConfig config;
    private final Writers writers;
    private final ModelStates states;

    LmsEndpoints(SimConfig config, Writers writers, ModelStates states) {
        this.config = config;
        this.writers = writers;
        this.states = states;
    }

    /** Whether a path is one of these endpoints. */
    static boolean handles(String path) {
        return path.equals(LOAD) || path.equals(UNLOAD);
    }

    /** Answers one POST to {@link #LOAD} or {@link #UNLOAD}. */
    void handle(HttpExchange exchange, String path, byte[] body, long receivedNanos) throws ApiError, IOException {
        JsonNode root = ApiHandler.v1Object(body);
        if (path.equals(UNLOAD)) {
            checkKeys(root, UNLOAD_KEYS);
            String identifier = ApiHandler.requiredText(root, "identifier");
            ModelStates.Instance gone = states.unload(identifier).orElseThrow(() -> ApiError.v1(404,
                    "model_not_found", "No loaded model instance with identifier '" + identifier + "'.", null,
                    "identifier"));
            LOG.debug("lms unloaded {}", gone.id());
            ApiHandler.sendJson(exchange, 200, NativeJson.bytes(OpenAiJson.MAPPER.createObjectNode()
                    .put("identifier", gone.id())));
            return;
        }
        checkKeys(root, LOAD_KEYS);
        String key = ApiHandler.requiredText(root, "model");
        SimModel model = config.model(key).orElseThrow(() -> ApiError.v1(404, "model_not_found",
                "Model '" + key + "' not found.", null, "model"));
        LoadConfig defaults = LoadConfig.defaultsFor(model);
        int contextLength = ApiHandler.positiveInt(root, "context_length", defaults.contextLength());
        int parallel = ApiHandler.positiveInt(root, "parallel", config.defaultParallel());
        double gpu = gpu(root);
        long ttl = ApiHandler.positiveInt(root, "ttl", -1);
        String identifier = identifier(root);
        ModelStates.Instance instance;
        try {
            instance = states.load(model, defaults.withContextLength(contextLength), false,
                    new ModelStates.Placement(parallel, gpu, ttl, identifier), receivedNanos);
        } catch (LoadRefused e) {
            throw ApiError.v1(400, "invalid_request", e.getMessage(), ApiHandler.loadErrorCode(e),
                    e.reason() == LoadRefused.Reason.INVALID_CONFIG ? "context_length" : "model");
        }
        Runnable answer = () -> {
            try {
                if (states.contains(instance.id())) {
                    ApiHandler.sendJson(exchange, 200, loaded(instance));
                } else {
                    ApiHandler.sendError(exchange, ApiError.v1(400, "invalid_request", "The load of '"
                            + instance.id() + "' was cancelled: it was unloaded before it finished.",
                            "model_load_failed", "model"));
                }
            } catch (IOException e) {
                LOG.debug("lms load of {}: client went away: {}", instance.id(), e.toString());
                exchange.close();
            }
        };
        try {
            writers.at(instance.readyAtNanos(), answer);
        } catch (RejectedExecutionException e) {
            LOG.debug("lms load of {} dropped: simulator closing", instance.id());
            exchange.close();
        }
    }

    /** {@code {"identifier", "load_time_seconds", "config": {context_length, parallel, gpu_offload, ttl_seconds}}}. */
    static byte[] loaded(ModelStates.Instance instance) {
        ObjectNode root = OpenAiJson.MAPPER.createObjectNode();
        root.put("identifier", instance.id());
        root.put("load_time_seconds", instance.loadNanos() / 1e9);
        ObjectNode loadConfig = root.putObject("config");
        loadConfig.put("context_length", instance.config().contextLength());
        loadConfig.put("parallel", instance.parallel());
        loadConfig.put("gpu_offload", instance.gpuOffload());
        if (instance.ttlSeconds() >= 0) {
            loadConfig.put("ttl_seconds", instance.ttlSeconds());
        } else {
            loadConfig.putNull("ttl_seconds");
        }
        return NativeJson.bytes(root);
    }

    private static double gpu(JsonNode root) throws ApiError {
        JsonNode value = root.get("gpu");
        if (value == null || value.isNull()) {
            return 1.0;
        }
        if (!value.isNumber() || !(value.doubleValue() >= 0 && value.doubleValue() <= 1)) {
            throw ApiError.v1(400, "invalid_request", "\"gpu\" must be a number from 0 to 1 (the share offloaded to"
                    + " the GPU)", "invalid_type", "gpu");
        }
        return value.doubleValue();
    }

    private static String identifier(JsonNode root) throws ApiError {
        JsonNode value = root.get("identifier");
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual() || value.textValue().isBlank()) {
            throw ApiError.v1(400, "invalid_request", "\"identifier\" must be a non-empty string", "invalid_type",
                    "identifier");
        }
        return value.textValue();
    }

    private static void checkKeys(JsonNode root, Set<String> known) throws ApiError {
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                throw ApiError.v1(400, "invalid_request", "Unknown key '" + name + "' (known: "
                        + String.join(", ", known.stream().sorted().toList()) + ")", "unrecognized_keys", name);
            }
        }
    }
}
