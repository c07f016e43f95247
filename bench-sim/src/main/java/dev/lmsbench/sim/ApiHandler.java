package dev.lmsbench.sim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes every request: authentication first (as OpenAI does, even for unknown paths), then Ollama's endpoints
 * ({@link OllamaApi}), then the sim's own {@code /__sim/faults} and {@code /__sim/lms} endpoints
 * ({@link LmsEndpoints}), then LM Studio's native
 * endpoints at the root ({@code /api/v0/...}, {@code /api/v1/...}), then the OpenAI-compatible endpoints under the
 * configured prefix; anything else is unknown (404, or 200 under the {@code unknown_endpoint_200} quirk). Handlers
 * only parse and plan; all waiting (token schedules, model loads, parallel slots) happens on
 * the responses' own virtual threads ({@link Writers}), timed by the scheduler.
 */
final class ApiHandler implements HttpHandler {

    private static final Logger LOG = LoggerFactory.getLogger(ApiHandler.class);
    private static final int MAX_BODY_BYTES = 16 * 1024 * 1024;
    /** The polite fault-injection message; clients recognise it by "Model unloaded". */
    static final String MODEL_UNLOADED = "Model unloaded.";
    /** LM Studio's own message for a model that went away (lmstudio-bug-tracker #1492). */
    static final String MODEL_IS_UNLOADED = "Model is unloaded.";
    /** The error {@code code} of a failure injected by the fault plan ({@link FaultPlan}). */
    static final String FAULT_CODE = "simulated_fault";
    /** llama.cpp's Prometheus metrics endpoint ({@link SimMetrics}). */
    static final String METRICS = "/metrics";
    /** The fault plan endpoint (GET and POST). */
    static final String FAULTS = "/__sim/faults";
    /** The keys {@code POST /api/v1/models/load} documents (https://lmstudio.ai/docs/developer/rest/load). */
    static final Set<String> DOCUMENTED_LOAD_KEYS = Set.of("model", "context_length", "eval_batch_size",
            "flash_attention", "num_experts", "offload_kv_cache_to_gpu", "echo_load_config", "config");
    /** The documented keys of a nested {@code config} object. */
    static final Set<String> DOCUMENTED_LOAD_CONFIG_KEYS = Set.of("context_length", "eval_batch_size",
            "flash_attention", "num_experts", "offload_kv_cache_to_gpu");

    private final SimConfig config;
    private final Writers writers;
    private final SendLog log;
    private final long createdEpochSecond;
    private final byte[] expectedToken;
    private final AtomicLong sequence = new AtomicLong();
    private final ModelStates states;
    private final Downloads downloads;
    private final ResponseStore responses = new ResponseStore();
    private final PrefixCache prefixCache = new PrefixCache();
    private final OllamaApi ollama;
    private final LmsEndpoints lms;

    ApiHandler(SimConfig config, Writers writers, SendLog log, long createdEpochSecond,
            ModelStates states) {
        this.config = config;
        this.writers = writers;
        this.log = log;
        this.createdEpochSecond = createdEpochSecond;
        this.expectedToken = config.apiToken().getBytes(StandardCharsets.UTF_8);
        this.states = states;
        this.downloads = new Downloads(config);
        this.ollama = new OllamaApi(config, writers, log, states, sequence,
                Instant.ofEpochSecond(createdEpochSecond));
        this.lms = new LmsEndpoints(config, writers, states);
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
        String requested = exchange.getRequestURI().getPath();
        String path = requested;
        if (path.length() > 1 && path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        byte[] body = readBody(exchange);
        long receivedNanos = System.nanoTime();
        if (config.requiresAuth()) {
            authorize(exchange);
        }
        if (OllamaApi.handles(path)) {
            ollama.handle(exchange, path, body, receivedNanos);
            return;
        }
        if (path.equals(FAULTS)) {
            faults(exchange, body);
            return;
        }
        if (LmsEndpoints.handles(path)) {
            requireMethod(exchange, "POST");
            lms.handle(exchange, path, body, receivedNanos);
            return;
        }
        if ((path.startsWith("/api/v0/") || path.startsWith("/api/v1/"))
                && routeNative(exchange, path, body, receivedNanos)) {
            return;
        }
        if (path.equals(METRICS)) {
            // llama.cpp's server with --metrics: its Prometheus counters, at the root beside /v1
            requireMethod(exchange, "GET");
            send(exchange, 200, SimMetrics.CONTENT_TYPE, log.metrics().exposition(System.nanoTime()));
            return;
        }
        if (config.tokenizeEndpoint() && path.equals("/tokenize")) {
            requireMethod(exchange, "POST");
            sendJson(exchange, 200, tokenize(body));
            return;
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
            chat(exchange, body, receivedNanos, false);
        } else if (config.quirks().unknownEndpoint200()) {
            // lmstudio-bug-tracker #1680, #1879 (still on 0.4.x): LM Studio answers any unknown path with 200 and
            // this error string
            ObjectNode answer = OpenAiJson.MAPPER.createObjectNode().put("error", "Unexpected endpoint or method. ("
                    + method + " " + requested + "). Returning 200 anyway");
            sendJson(exchange, 200, NativeJson.bytes(answer));
        } else {
            throw new ApiError(404, "Unknown request URL: " + method + " " + path, "invalid_request_error", null,
                    "unknown_url");
        }
    }

    /**
     * LM Studio's native endpoints at the root. @return false when the path is none of them (it may then be an
     * OpenAI-compatible endpoint under an unusual prefix)
     */
    private boolean routeNative(HttpExchange exchange, String path, byte[] body, long receivedNanos)
            throws ApiError, IOException {
        String v0Models = "/api/v0/models";
        String status = "/api/v1/models/download/status";
        if (path.equals(v0Models)) {
            requireMethod(exchange, "GET");
            long now = System.nanoTime();
            List<ObjectNode> list = new ArrayList<>();
            for (SimModel model : config.models()) {
                list.add(NativeJson.v0Model(model, loadedContextLength(model, now)));
            }
            sendJson(exchange, 200, NativeJson.v0ModelList(list));
        } else if (path.startsWith(v0Models + "/")) {
            requireMethod(exchange, "GET");
            String id = path.substring(v0Models.length() + 1);
            SimModel model = config.model(id).orElseThrow(() -> modelNotFound(id));
            sendJson(exchange, 200, NativeJson.bytes(NativeJson.v0Model(model,
                    loadedContextLength(model, System.nanoTime()))));
        } else if (path.equals("/api/v0/chat/completions")) {
            requireMethod(exchange, "POST");
            chat(exchange, body, receivedNanos, true);
        } else if (path.equals("/api/v1/models")) {
            requireMethod(exchange, "GET");
            long now = System.nanoTime();
            List<ObjectNode> list = new ArrayList<>();
            for (SimModel model : config.models()) {
                List<ModelStates.Instance> ready = states.instancesOf(model.id()).stream()
                        .filter(i -> !i.loading(now)).toList();
                list.add(NativeJson.v1Model(model, ready));
            }
            sendJson(exchange, 200, NativeJson.v1ModelList(list));
        } else if (path.equals("/api/v1/models/load")) {
            requireMethod(exchange, "POST");
            load(exchange, body, receivedNanos);
        } else if (path.equals("/api/v1/models/unload")) {
            requireMethod(exchange, "POST");
            String instanceId = requiredText(v1Object(body), "instance_id");
            ModelStates.Instance gone = states.unload(instanceId).orElseThrow(() -> ApiError.v1(404,
                    "model_not_found", "No loaded model instance with id '" + instanceId + "'.", null,
                    "instance_id"));
            LOG.debug("unloaded {}", gone.id());
            sendJson(exchange, 200, NativeJson.v1Unloaded(gone.id()));
        } else if (path.equals("/api/v1/models/download")) {
            requireMethod(exchange, "POST");
            String model = requiredText(v1Object(body), "model");
            // a served model is "already downloaded", the documented answer without a job
            ObjectNode answer = states.resolve(model).isPresent() ? Downloads.alreadyDownloaded()
                    : downloads.start(model, receivedNanos);
            sendJson(exchange, 200, NativeJson.bytes(answer));
        } else if (path.equals(status)) {
            requireMethod(exchange, "GET");
            sendJson(exchange, 200, NativeJson.bytes(downloads.all(System.nanoTime())));
        } else if (path.startsWith(status + "/")) {
            requireMethod(exchange, "GET");
            String job = path.substring(status.length() + 1);
            ObjectNode answer = downloads.status(job, System.nanoTime()).orElseThrow(() -> ApiError.v1(404,
                    "job_not_found", "No download job with id '" + job + "'.", null, "job_id"));
            sendJson(exchange, 200, NativeJson.bytes(answer));
        } else if (path.equals("/api/v1/chat")) {
            requireMethod(exchange, "POST");
            v1Chat(exchange, body, receivedNanos);
        } else {
            return false;
        }
        return true;
    }

    /**
     * The simulator's own {@code GET /__sim/faults} (the plan in force and its counters) and {@code POST
     * /__sim/faults} (a new plan, {@link Faults#parse}: replaces the one in force and resets its counters; answers the
     * new plan the way GET does). Served whatever the quirks, under the same authentication as every other endpoint,
     * like {@code /__sim/lms}; errors in LM Studio's v1 shape.
     */
    private void faults(HttpExchange exchange, byte[] body) throws ApiError, IOException {
        String method = exchange.getRequestMethod();
        if (method.equals("POST")) {
            FaultPlan plan;
            try {
                plan = Faults.parse(v1Object(body));
            } catch (IllegalArgumentException e) {
                throw ApiError.v1(400, "invalid_request", e.getMessage(), "invalid_fault_plan", null);
            }
            states.faults().replace(plan);
            LOG.debug("fault plan replaced: {}", plan);
        } else if (!method.equals("GET")) {
            exchange.getResponseHeaders().set("Allow", "GET, POST");
            throw new ApiError(405, "Method " + method + " not allowed; use GET or POST.", "invalid_request_error",
                    null, "method_not_allowed");
        }
        sendJson(exchange, 200, NativeJson.bytes(states.faults().json()));
    }

    /** The context length of the model's first ready instance, or {@code -1} when none is ready. */
    private int loadedContextLength(SimModel model, long nowNanos) {
        return states.instancesOf(model.id()).stream().filter(i -> !i.loading(nowNanos))
                .mapToInt(i -> i.config().contextLength()).findFirst().orElse(-1);
    }

    /**
     * OpenAI's {@code POST /chat/completions}, and LM Studio's {@code POST /api/v0/chat/completions} when
     * {@code v0}: the same answer plus {@code stats}, {@code model_info} and {@code runtime}
     * (https://lmstudio.ai/docs/developer/rest/endpoints).
     */
    private void chat(HttpExchange exchange, byte[] body, long receivedNanos, boolean v0)
            throws ApiError, IOException {
        ChatRequest request = ChatRequest.parse(body);
        ModelStates.Target target = states.resolve(request.model()).orElseThrow(() -> modelNotFound(request.model()));
        SimModel draft = null;
        if (request.draftModel() != null) {
            // speculative decoding (LM Studio api-changelog 0.3.10): the draft must be a model the server has
            draft = config.model(request.draftModel()).orElseThrow(() -> new ApiError(404, "draft model '"
                    + request.draftModel() + "' not found", "invalid_request_error", "draft_model",
                    "model_not_found"));
        }
        List<String> promptTokenList = PromptTokenizer.tokens(request.messages());
        int promptTokens = promptTokenList.size();
        checkContext(target.model(), promptTokens);
        Optional<FaultPlan> fault = states.nextFault();
        if (fault.isPresent()) {
            LOG.debug("injected {} for a chat request for {} (fault plan)", fault.get().status(), target.model().id());
            throw new ApiError(fault.get().status(), fault.get().message(), faultType(fault.get()), null,
                    FAULT_CODE);
        }
        if (states.injectModelUnloaded(target.model())) {
            LOG.debug("injected Model unloaded for {}", target.model().id());
            // LM Studio answers a request whose model went away with a 400 in OpenAI's shape
            throw new ApiError(400, modelUnloadedMessage(), "invalid_request_error", "model", null);
        }
        ModelStates.Ready ready;
        try {
            ready = states.forChat(target, new ModelStates.JitLoad(-1, jitTtl(request.ttlSeconds()), true),
                    receivedNanos);
        } catch (LoadRefused e) {
            throw openAiLoadError(e);
        }
        SimModel model = ready.instance().model();
        if (ready.redirected()) {
            checkContext(model, promptTokens);
        }
        NativeJson.Draft draftInfo = draft == null ? null : new NativeJson.Draft(draft.id(),
                model.draftAcceptanceRate());
        SimModel planned = planned(model, ready.instance(), draftInfo);
        long number = sequence.getAndIncrement();
        int cached = prefixCache.lookup(model.id(), promptTokenList, request.cachePrompt());
        ResponsePlan unqueued = ResponsePlan.create(planned, promptTokens, cached, request.maxTokens(), config.seed(),
                number, 0);
        ready = states.admit(ready, receivedNanos, unqueued.durationNanos());
        ResponsePlan plan = unqueued.delayed(ready.delayNanos());
        Accepted accepted = new Accepted(number, receivedNanos, model, plan, ready.loadCostNanos(), ready.queueNanos(),
                target.model().id(), ready.instance().id());
        String id = "chatcmpl-" + Long.toHexString(ResponsePlan.mix(config.seed(), number, 3));
        long created = Instant.now().getEpochSecond();
        // a request naming an instance gets that instance's id back, as LM Studio does ("model:2"); one answered by
        // another model than it named gets that model's instance id
        String modelField = ready.redirected() ? ready.instance().id()
                : target.instanceId() != null ? target.instanceId() : model.id();
        LmStudioQuirks quirks = config.quirks();
        ObjectNode extras = null;
        if (v0) {
            extras = NativeJson.v0Extras(planned, plan, ready.instance().config().contextLength(),
                    !(request.stream() && quirks.noV0StreamStats()),
                    NativeJson.stopReason(plan, number, quirks.stopReasonVariants()), draftInfo);
        } else if (quirks.emptyOpenAiStats()) {
            // lmstudio-bug-tracker #601: LM Studio's OpenAI endpoint sends an empty stats object
            extras = OpenAiJson.MAPPER.createObjectNode();
            extras.putObject("stats");
        }
        LOG.debug("chat {} for {} on {}: v0={}, stream={}, prompt={} tokens ({} cached), completion={} tokens,"
                + " load wait={} ms, queue={} ms", number, target.model().id(), ready.instance().id(), v0,
                request.stream(), promptTokens, cached, plan.completionTokens(), ready.waitNanos() / 1_000_000,
                ready.queueNanos() / 1_000_000);
        if (request.stream()) {
            boolean usage = request.includeUsage() && model.sendsUsage();
            OpenAiJson json = new OpenAiJson(id, created, modelField, usage, extras, quirks.usageOffByOne());
            new StreamingResponse(exchange, writers, log, accepted, new OpenAiStreamFormat(json, plan, usage),
                    usage).start();
        } else {
            OpenAiJson json = new OpenAiJson(id, created, modelField, false, extras, quirks.usageOffByOne());
            boolean usage = model.sendsUsage();
            schedule(new CompleteResponse(exchange, log, accepted, () -> json.completion(plan, usage), usage),
                    accepted, exchange);
        }
    }

    private static void checkContext(SimModel model, int promptTokens) throws ApiError {
        if (model.maxContextLength() > 0 && promptTokens > model.maxContextLength()) {
            throw new ApiError(400, "This model's maximum context length is " + model.maxContextLength()
                    + " tokens, but the messages have " + promptTokens + " tokens.", "invalid_request_error",
                    "messages", "context_length_exceeded");
        }
    }

    /**
     * The model as this request's tokens are planned: its decode rate slowed by the instance's partial GPU offload
     * and, with a draft model, sped up by {@code 1 + acceptance rate}. The same model when neither applies, so the
     * configured rate is reported exactly.
     */
    static SimModel planned(SimModel model, ModelStates.Instance instance, NativeJson.Draft draft) {
        double rate = instance.decodeRate();
        if (draft != null) {
            rate *= 1 + draft.acceptanceRate();
        }
        return rate == model.tokensPerSecond() ? model : model.withTokensPerSecond(rate);
    }

    /**
     * The error {@code type} of an injected failure: OpenAI's {@code server_error} for a 5xx status,
     * {@code invalid_request_error} for a 4xx.
     */
    static String faultType(FaultPlan plan) {
        return plan.status() >= 500 ? "server_error" : "invalid_request_error";
    }

    /** The idle TTL of a model a request loads just in time: its {@code ttl}, else LM Studio's 60 minutes. */
    private static long jitTtl(long requestTtl) {
        return requestTtl > 0 ? requestTtl : ModelStates.JIT_DEFAULT_TTL_SECONDS;
    }

    private String modelUnloadedMessage() {
        return config.quirks().modelIsUnloadedMessage() ? MODEL_IS_UNLOADED : MODEL_UNLOADED;
    }

    /** A refused JIT load on the OpenAI and v0 endpoints. */
    private ApiError openAiLoadError(LoadRefused e) {
        if (e.reason() == LoadRefused.Reason.NOTHING_LOADED && config.quirks().noModelsLoaded404()) {
            // lmstudio-ai/lms #107: 404 with JIT off and nothing loaded; the shape is lmstudio-bug-tracker #1730's
            return new ApiError(404, e.getMessage(), "invalid_request_error", "model", null);
        }
        return new ApiError(400, e.getMessage(), "invalid_request_error", "model", loadErrorCode(e));
    }

    /** LM Studio's {@code POST /api/v1/chat} (https://lmstudio.ai/docs/developer/rest/chat). */
    private void v1Chat(HttpExchange exchange, byte[] body, long receivedNanos) throws ApiError, IOException {
        V1ChatRequest request = V1ChatRequest.parse(body);
        ModelStates.Target target = states.resolve(request.model()).orElseThrow(() -> ApiError.v1(404,
                "model_not_found", "Model '" + request.model() + "' not found.", null, "model"));
        SimModel model = target.model();
        if (NativeJson.isEmbedding(model)) {
            throw ApiError.v1(400, "invalid_request", "Model '" + model.id() + "' is an embedding model.", null,
                    "model");
        }
        if (request.images() > 0 && !model.vision()) {
            throw ApiError.v1(400, "invalid_request", "Model '" + model.id() + "' does not support image inputs.",
                    null, "input");
        }
        int prior = 0;
        if (request.previousResponseId() != null) {
            // the docs say nothing about an unknown id; the sim answers 400 naming the parameter
            OptionalInt tokens = responses.tokens(request.previousResponseId());
            if (tokens.isEmpty()) {
                throw ApiError.v1(400, "invalid_request", "No response found with id '"
                        + request.previousResponseId() + "'.", "response_not_found", "previous_response_id");
            }
            prior = tokens.getAsInt();
        }
        int promptTokens = prior + request.inputTokens();
        int limit = request.contextLength() > 0 ? request.contextLength() : model.maxContextLength();
        if (limit > 0 && promptTokens > limit) {
            throw ApiError.v1(400, "invalid_request", "The conversation has " + promptTokens
                    + " tokens, more than the context length of " + limit + ".", "context_length_exceeded", "input");
        }
        Optional<FaultPlan> fault = states.nextFault();
        if (fault.isPresent()) {
            LOG.debug("injected {} for a v1 chat request for {} (fault plan)", fault.get().status(), model.id());
            throw ApiError.v1(fault.get().status(), faultType(fault.get()), fault.get().message(), FAULT_CODE, null);
        }
        if (states.injectModelUnloaded(model)) {
            LOG.debug("injected Model unloaded for {}", model.id());
            throw ApiError.v1(400, "invalid_request", modelUnloadedMessage(), null, "model");
        }
        ModelStates.Ready ready;
        try {
            ready = states.forChat(target, new ModelStates.JitLoad(request.contextLength(),
                    jitTtl(request.ttlSeconds()), true), receivedNanos);
        } catch (LoadRefused e) {
            if (e.reason() == LoadRefused.Reason.NOTHING_LOADED && config.quirks().noModelsLoaded404()) {
                // lmstudio-ai/lms #107's 404; v1's shape is the sim's choice (the issues show the OpenAI endpoint)
                throw ApiError.v1(404, "invalid_request", e.getMessage(), loadErrorCode(e), "model");
            }
            throw ApiError.v1(400, "invalid_request", e.getMessage(), loadErrorCode(e), "model");
        }
        String requestedModel = model.id();
        model = ready.instance().model();
        // reasoning "off" answers without the reasoning part
        SimModel thinking = request.reasoningOff() && model.reasoningTokens() > 0
                ? model.withTokens(0, model.responseTokens() - model.reasoningTokens()) : model;
        SimModel planned = planned(thinking, ready.instance(), null);
        long number = sequence.getAndIncrement();
        ResponsePlan unqueued = ResponsePlan.create(planned, promptTokens, request.maxTokens(), config.seed(), number,
                0);
        ready = states.admit(ready, receivedNanos, unqueued.durationNanos());
        ResponsePlan plan = unqueued.delayed(ready.delayNanos());
        String responseId = null;
        if (request.store()) {
            responseId = "resp_" + hex48(number);
            responses.put(responseId, promptTokens + plan.completionTokens());
        }
        Accepted accepted = new Accepted(number, receivedNanos, model, plan, ready.loadCostNanos(), ready.queueNanos(),
                requestedModel, ready.instance().id());
        V1ChatFormat format = new V1ChatFormat(planned, plan, ready, responseId);
        LOG.debug("v1 chat {} for {} on {}: stream={}, input={} tokens, output={} tokens, integrations={},"
                + " load wait={} ms, queue={} ms", number, requestedModel, ready.instance().id(), request.stream(),
                promptTokens, plan.completionTokens(), request.integrations(), ready.waitNanos() / 1_000_000,
                ready.queueNanos() / 1_000_000);
        // v1 always reports token counts in stats, so the log records them as sent
        if (request.stream()) {
            new StreamingResponse(exchange, writers, log, accepted, format, true).start();
        } else {
            schedule(new CompleteResponse(exchange, log, accepted, format::complete, true), accepted, exchange);
        }
    }

    /**
     * LM Studio's {@code POST /api/v1/models/load} (https://lmstudio.ai/docs/developer/rest/load): model,
     * context_length, eval_batch_size, flash_attention, num_experts (accepted, ignored: the sim has no MoE
     * models), offload_kv_cache_to_gpu, echo_load_config. The settings may also come nested in {@code config}, as
     * an earlier version of the page had them. The answer is sent when the simulated load finishes.
     */
    private void load(HttpExchange exchange, byte[] body, long receivedNanos) throws ApiError {
        JsonNode root = v1Object(body);
        boolean strict = config.quirks().loadRejectsUnknownFields();
        if (strict) {
            // lmstudio-bug-tracker #2024: the REST load validates its body strictly and refuses undocumented keys
            rejectUnknownKeys(root, DOCUMENTED_LOAD_KEYS);
            if (root.path("config").isObject()) {
                rejectUnknownKeys(root.get("config"), DOCUMENTED_LOAD_CONFIG_KEYS);
            }
        }
        String id = requiredText(root, "model");
        SimModel model = config.model(id).orElseThrow(() -> ApiError.v1(404, "model_not_found",
                "Model '" + id + "' not found.", null, "model"));
        JsonNode settings = root.path("config").isObject() ? root.get("config") : root;
        LoadConfig defaults = LoadConfig.defaultsFor(model);
        int contextLength = positiveInt(settings, "context_length", defaults.contextLength());
        int batch = positiveInt(settings, "eval_batch_size", defaults.evalBatchSize());
        positiveInt(settings, "num_experts", 1);
        boolean flash = bool(settings, "flash_attention", defaults.flashAttention());
        boolean offload = bool(settings, "offload_kv_cache_to_gpu", defaults.offloadKvCacheToGpu());
        boolean echo = bool(root, "echo_load_config", false);
        // the polite sim also takes the parallel slots the page does not document (lms load --parallel does)
        int parallel = strict ? config.defaultParallel() : positiveInt(settings, "parallel", config.defaultParallel());
        ModelStates.Instance instance;
        try {
            instance = states.load(model, new LoadConfig(contextLength, batch, flash, offload), false,
                    new ModelStates.Placement(parallel, 1.0, -1, null), receivedNanos);
        } catch (LoadRefused e) {
            throw ApiError.v1(400, "invalid_request", e.getMessage(), loadErrorCode(e),
                    e.reason() == LoadRefused.Reason.INVALID_CONFIG ? "context_length" : "model");
        }
        Runnable answer = () -> {
            try {
                if (states.contains(instance.id())) {
                    sendJson(exchange, 200, NativeJson.v1Loaded(instance, echo));
                } else {
                    sendError(exchange, ApiError.v1(400, "invalid_request", "The load of '" + instance.id()
                            + "' was cancelled: it was unloaded before it finished.", "model_load_failed", "model"));
                }
            } catch (IOException e) {
                LOG.debug("load of {}: client went away: {}", instance.id(), e.toString());
                exchange.close();
            }
        };
        try {
            writers.at(instance.readyAtNanos(), answer);
        } catch (RejectedExecutionException e) {
            LOG.debug("load of {} dropped: simulator closing", instance.id());
            exchange.close();
        }
    }

    private void schedule(CompleteResponse response, Accepted accepted, HttpExchange exchange) {
        try {
            writers.at(response.dueNanos(), response);
        } catch (RejectedExecutionException e) {
            LOG.debug("completion {} dropped: simulator closing", accepted.sequence());
            exchange.close();
        }
    }

    /** 48 hex digits, like the response ids on the stateful chats page. */
    private String hex48(long number) {
        StringBuilder hex = new StringBuilder(48);
        for (int salt = 5; salt < 8; salt++) {
            hex.append(String.format("%016x", ResponsePlan.mix(config.seed(), number, salt)));
        }
        return hex.toString();
    }

    /**
     * Error codes for refused loads. The docs define none; {@code model_load_failed} is what LM Studio's REST load
     * reports for failed loads (lmstudio-bug-tracker issue 2295), {@code model_not_loaded} is the sim's.
     */
    static String loadErrorCode(LoadRefused e) {
        return switch (e.reason()) {
            case NOTHING_LOADED, NOT_LOADED -> "model_not_loaded";
            case INSUFFICIENT_MEMORY -> "model_load_failed";
            case INVALID_CONFIG -> "invalid_load_config";
        };
    }

    /**
     * llama.cpp's {@code POST /tokenize} ({@code {"content": text}}) and vLLM's ({@code {"prompt": text}}): the text's
     * tokens by the sim's own {@link PromptTokenizer#count} (no template), as ids {@code 0..n-1}, and vLLM's
     * {@code count}.
     */
    private static byte[] tokenize(byte[] body) throws ApiError {
        JsonNode root = v1Object(body);
        JsonNode text = root.has("content") ? root.get("content") : root.get("prompt");
        if (text == null || !text.isTextual()) {
            throw new ApiError(400, "\"content\" (or vLLM's \"prompt\") must be a string", "invalid_request_error",
                    null, null);
        }
        int n = PromptTokenizer.count(text.textValue());
        com.fasterxml.jackson.databind.node.ObjectNode answer = OpenAiJson.MAPPER.createObjectNode();
        com.fasterxml.jackson.databind.node.ArrayNode tokens = answer.putArray("tokens");
        for (int i = 0; i < n; i++) {
            tokens.add(i);
        }
        answer.put("count", n);
        try {
            return OpenAiJson.MAPPER.writeValueAsBytes(answer);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Zod's error for an object with keys it does not know, naming the first of them (lmstudio-bug-tracker #2024). */
    private static void rejectUnknownKeys(JsonNode node, Set<String> known) throws ApiError {
        for (java.util.Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                throw ApiError.v1(400, "invalid_request", "Unrecognized key(s) in object: '" + name + "'",
                        "unrecognized_keys", name);
            }
        }
    }

    static JsonNode v1Object(byte[] body) throws ApiError {
        JsonNode root;
        try {
            root = OpenAiJson.MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw ApiError.v1(400, "invalid_request", "Could not parse the JSON body: "
                    + e.getOriginalMessage().lines().findFirst().orElse(""), "invalid_json", null);
        } catch (IOException e) {
            throw ApiError.v1(400, "invalid_request", "Could not read the request body.", "invalid_json", null);
        }
        if (root == null || !root.isObject()) {
            throw ApiError.v1(400, "invalid_request", "The request body must be a JSON object.", "invalid_type",
                    null);
        }
        return root;
    }

    static String requiredText(JsonNode root, String key) throws ApiError {
        JsonNode value = root.get(key);
        if (value == null || !value.isTextual() || value.textValue().isBlank()) {
            throw ApiError.v1(400, "invalid_request", "\"" + key + "\" is required", "missing_required_parameter",
                    key);
        }
        return value.textValue();
    }

    static int positiveInt(JsonNode node, String key, int absent) throws ApiError {
        JsonNode value = node.get(key);
        if (value == null || value.isNull()) {
            return absent;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt() || value.intValue() <= 0) {
            throw ApiError.v1(400, "invalid_request", "\"" + key + "\" must be a positive integer", "invalid_type",
                    key);
        }
        return value.intValue();
    }

    private static boolean bool(JsonNode node, String key, boolean absent) throws ApiError {
        JsonNode value = node.get(key);
        if (value == null || value.isNull()) {
            return absent;
        }
        if (!value.isBoolean()) {
            throw ApiError.v1(400, "invalid_request", "\"" + key + "\" must be a boolean", "invalid_type", key);
        }
        return value.booleanValue();
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

    static void sendError(HttpExchange exchange, ApiError error) {
        try {
            sendJson(exchange, error.status(), error.body());
        } catch (IOException e) {
            LOG.debug("could not send error {}: {}", error.status(), e.toString());
            exchange.close();
        }
    }

    static void sendJson(HttpExchange exchange, int status, byte[] body) throws IOException {
        send(exchange, status, "application/json", body);
    }

    static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
