package dev.lmsbench.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lmsbench.core.model.LoadConfig;
import dev.lmsbench.core.model.LoadOutcome;
import dev.lmsbench.core.model.ModelInfo;
import dev.lmsbench.core.model.RequestTimings;
import dev.lmsbench.core.model.ServerInfo;
import dev.lmsbench.core.model.ServerStats;
import dev.lmsbench.core.spi.BackendException;
import dev.lmsbench.core.spi.BackendException.Kind;
import dev.lmsbench.core.spi.InferenceBackend;
import dev.lmsbench.core.spi.InferenceRequest;
import dev.lmsbench.core.spi.InferenceResult;
import dev.lmsbench.core.spi.ModelCatalog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Client for LM Studio's native REST API, beside its OpenAI-compatible one: the rich model list, explicit load and
 * unload, downloads, chat completions with the server's own statistics, and stateful chats.
 *
 * <pre>{@code
 * try (LmStudioClient client = LmStudioClient.create(ClientConfig.of("http://localhost:1234"))) {
 *     ModelInfo model = client.listModels().get(0);
 *     LoadOutcome loaded = client.load(model, LoadConfig.ofContext(8192));
 *     InferenceResult r = client.infer(
 *             new InferenceRequest(model.id(), "Hi", 64, 0.1, true, Duration.ofMinutes(1)));
 *     double serverTps = r.serverStats().tokensPerSecond();   // LM Studio's figure, labelled by source
 *     double clientTtft = r.timings().ttftSeconds();          // measured here, as by OpenAiClient
 *     client.unload(model);                                    // only instances this client loaded
 * }
 * }</pre>
 *
 * <h2>Endpoints</h2>
 * Native paths sit beside {@code /v1}: {@code http://host:1234} and {@code http://host:1234/v1} both reach
 * {@code http://host:1234/api/...} (see {@link Endpoints#nativeUri}).
 * <ul>
 *   <li>{@link #nativeModels()}: {@code GET /api/v1/models} (LM Studio 0.4), falling back to
 *       {@code GET /api/v0/models} when that answers 404; the version that answered is remembered.</li>
 *   <li>{@link #load}: {@code POST /api/v1/models/load}; {@link #unload}: {@code POST /api/v1/models/unload}.</li>
 *   <li>{@link #download}: {@code POST /api/v1/models/download}, then
 *       {@code GET /api/v1/models/download/status/{job_id}}.</li>
 *   <li>{@link #infer}: {@code POST /api/v0/chat/completions}, whose answers carry {@code stats}; when that answers
 *       404 (not a "model not found" or "No models loaded"), or status 200 with LM Studio's "Unexpected endpoint"
 *       error, the OpenAI-compatible {@code /v1/chat/completions}, without server stats.</li>
 *   <li>{@link #session}/{@link #chat}: {@code POST /api/v1/chat}.</li>
 * </ul>
 *
 * <h2>Measurement</h2>
 * Chat completions are sent and read by the same code as {@link OpenAiClient}'s (its class documentation says what
 * each timestamp is); the server's {@code stats} go to {@link InferenceResult#serverStats()} with source
 * {@value #V0_STATS} and never replace a client-side figure. {@code model_info} and {@code runtime} are logged at
 * debug.
 *
 * <h2>What every answer is checked for</h2>
 * <ul>
 *   <li>The answering model ({@code model}, {@code /api/v1/chat}'s {@code model_instance_id}) must be the one asked
 *       for, an instance of it ({@code key:2}; the key for an instance) or the id without its publisher; else
 *       {@link Kind#WRONG_MODEL} ({@link LmStudioException.Reason#WRONG_MODEL}), e.g. {@code asked for 'sim/b' but
 *       'sim/a' answered (http://...): LM Studio answered with the model it has loaded; load 'sim/b' or turn on JIT
 *       loading}: LM Studio with one model loaded and JIT loading off answers any request with it
 *       (lmstudio-bug-tracker #619). An answer naming no model is accepted.</li>
 *   <li>Streamed usage against the token chunks ({@link InferenceResult#usageCheck()}); LM Studio's off-by-one at the
 *       limit (lmstudio-bug-tracker #2335: {@code finish_reason} {@code length},
 *       {@code completion_tokens == chunks - 1}, {@code chunks == max_tokens}) is corrected to the chunks,
 *       {@code CORRECTED_OFF_BY_ONE}, on the native and the fallback endpoint; any other disagreement is
 *       {@code MISMATCH}, the server's count kept.</li>
 *   <li>Server figures are taken as sent and never filled in: a streamed v0 answer without {@code stats} (what LM
 *       Studio sends) has {@link ServerStats#NONE}, and so has {@code "stats": {}}; {@code stop_reason} as sent
 *       ({@code eosFound}, {@code maxPredictedTokensReached}, {@code stop}); the draft figures of speculative decoding
 *       become {@link ServerStats#draft()}; {@code /api/v1/chat}'s {@code model_load_time_seconds}
 *       {@link ServerStats#modelLoadSeconds()}.</li>
 * </ul>
 * "No models loaded" (404 in OpenAI's shape, lmstudio-bug-tracker #1730) and "... is not loaded and JIT loading is off"
 * are {@link Kind#MODEL_NOT_LOADED} ({@link LmStudioException.Reason#MODEL_NOT_LOADED}), never a reason to fall back
 * or reload. LM Studio answers paths it does not serve with status 200 and {@code {"error":"Unexpected endpoint or
 * method. ..."}} (lmstudio-bug-tracker #1680, #1879, on 0.4 too): such an answer counts as "not there" wherever a
 * path is probed.
 *
 * <h2>What requests send besides the OpenAI fields</h2>
 * Every set sampler; {@code ttl} (https://lmstudio.ai/docs/api/ttl-and-auto-evict) on v0, OpenAI-fallback and
 * {@code /api/v1/chat} requests when this client's last load of the model set {@link LoadConfig#ttlSeconds()}, else
 * the builder's {@link Builder#defaultTtlSeconds}; {@code draft_model} on v0 and fallback requests when
 * {@link InferenceRequest#draftModel()} names one; {@code store} on {@code /api/v1/chat} requests
 * ({@link ChatOptions#store()}: {@code false} for a one-shot {@link #chat}, {@code true} for a session's turns).
 *
 * <h2>Model unloaded</h2>
 * When a chat request fails because LM Studio unloaded its model meanwhile ({@link LmStudioException#isModelUnloaded()}:
 * "Model unloaded" / "Model is unloaded", as an HTTP error or inside the stream), the client loads the model once more
 * (with the configuration of its last {@link #load} of it, else the defaults), logs it at INFO and retries the request
 * once; the retry's result or failure is returned. {@link #reloadsAfterUnload()} counts these reloads.
 *
 * <h2>Response cache</h2>
 * Off unless {@link Builder#responseCache(ResponseCache, boolean)} is given. Answers are stored whenever a cache is
 * set; {@link #infer} (measured runs) answers from it only when built with {@code useForMeasuredRuns = true}, chat
 * sessions whenever a cache is set (only for turns without integrations). Hits are logged at debug and marked
 * {@code cached}.
 *
 * <p>Thread-safe; create once, share, {@link #close()} once. Closing unloads nothing: call {@link #unload} first.
 */
public final class LmStudioClient implements InferenceBackend, ModelCatalog {

    /** The source label of {@code /api/v0} statistics in {@link ServerStats#source()}. */
    public static final String V0_STATS = "lmstudio.api.v0.stats";
    /**
     * The deadline of model list, unload and download requests when the configuration sets none: its
     * {@link ClientConfig#DEFAULT_REQUEST_TIMEOUT}. The configured {@link ClientConfig#requestTimeout()} applies.
     */
    public static final Duration MANAGEMENT_TIMEOUT = ClientConfig.DEFAULT_REQUEST_TIMEOUT;
    /** The load deadline when the builder sets none: big models take minutes to load. */
    public static final Duration DEFAULT_LOAD_TIMEOUT = Duration.ofMinutes(10);
    /** The download poll interval when the builder sets none. */
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(1);

    static final String V1_MODELS = "/api/v1/models";
    static final String V0_MODELS = "/api/v0/models";
    static final String LOAD = "/api/v1/models/load";
    static final String UNLOAD = "/api/v1/models/unload";
    static final String DOWNLOAD = "/api/v1/models/download";
    static final String DOWNLOAD_STATUS = "/api/v1/models/download/status/";
    static final String V0_CHAT = "/api/v0/chat/completions";
    static final String V1_CHAT = "/api/v1/chat";
    private static final String OPENAI_CHAT = "/chat/completions";
    private static final String UNKNOWN_ENDPOINT = "unexpected endpoint";

    private static final Logger LOG = LoggerFactory.getLogger(LmStudioClient.class);

    private final ChatJson json = new ChatJson();
    private final LmStudioJson lmJson = new LmStudioJson(json);
    private final ClientCore core;
    private final Endpoints endpoints;
    private final ResponseCache cache;
    private final boolean cacheForMeasuredRuns;
    private final Duration loadTimeout;
    private final Duration pollInterval;
    /** The idle TTL chat requests send when the model's last load set none, or {@code null}. */
    private final Integer defaultTtlSeconds;

    /** {@code null} until known, then whether {@code /api/v1/models} exists. */
    private final AtomicReference<Boolean> v1Models = new AtomicReference<>();
    /** {@code null} until known, then whether {@code /api/v0/chat/completions} exists. */
    private final AtomicReference<Boolean> v0Chat = new AtomicReference<>();
    /** Model key to the instance ids this client loaded, in load order. Guarded by itself. */
    private final Map<String, List<String>> loadedByUs = new LinkedHashMap<>();
    private final Map<String, LoadConfig> lastLoadConfig = new ConcurrentHashMap<>();
    private final AtomicInteger reloads = new AtomicInteger();
    /** The runtime the last {@code /api/v0} answer named ({@code runtime.name} and {@code version}), or {@code ""}. */
    private final AtomicReference<String> runtime = new AtomicReference<>("");
    /** Per model, how many reloads after "Model unloaded" happened; also the lock that serializes them. */
    private final Map<String, AtomicInteger> reloadGenerations = new ConcurrentHashMap<>();

    private LmStudioClient(Builder builder) {
        this.core = new ClientCore(builder.config, json, LmStudioClient::serverFailure);
        this.endpoints = new Endpoints(builder.config.baseUrl());
        this.cache = builder.cache;
        this.cacheForMeasuredRuns = builder.cacheForMeasuredRuns;
        this.loadTimeout = builder.loadTimeout;
        this.pollInterval = builder.pollInterval;
        this.defaultTtlSeconds = builder.defaultTtlSeconds;
    }

    /**
     * Creates a client without a response cache. It opens no connection until the first call.
     *
     * @param config where the server is
     * @return the client; close it when done
     */
    public static LmStudioClient create(ClientConfig config) {
        return builder(config).build();
    }

    /**
     * Creates a client for a base URL without a token.
     *
     * @param baseUrl the server's base URL, see {@link ClientConfig}
     * @return the client; close it when done
     */
    public static LmStudioClient create(String baseUrl) {
        return create(ClientConfig.of(baseUrl));
    }

    /**
     * Starts a builder for the options beyond {@link ClientConfig}.
     *
     * @param config where the server is
     * @return the builder
     */
    public static Builder builder(ClientConfig config) {
        return new Builder(Objects.requireNonNull(config, "config"));
    }

    /** Options of an {@link LmStudioClient}. Not thread-safe; build once. */
    public static final class Builder {
        private final ClientConfig config;
        private ResponseCache cache;
        private boolean cacheForMeasuredRuns;
        private Duration loadTimeout = DEFAULT_LOAD_TIMEOUT;
        private Duration pollInterval = DEFAULT_POLL_INTERVAL;
        private Integer defaultTtlSeconds;

        private Builder(ClientConfig config) {
            this.config = config;
        }

        /**
         * Turns the response cache on.
         *
         * @param responseCache      where answers are stored and looked up
         * @param useForMeasuredRuns whether {@link LmStudioClient#infer} may answer from the cache; {@code false}
         *                           keeps every measured request going to the server (answers are still stored)
         * @return this builder
         */
        public Builder responseCache(ResponseCache responseCache, boolean useForMeasuredRuns) {
            this.cache = Objects.requireNonNull(responseCache, "responseCache");
            this.cacheForMeasuredRuns = useForMeasuredRuns;
            return this;
        }

        /** @param timeout the deadline of one {@link LmStudioClient#load}, positive @return this builder */
        public Builder loadTimeout(Duration timeout) {
            this.loadTimeout = positive(timeout, "loadTimeout");
            return this;
        }

        /** @param interval the pause between download status polls, positive @return this builder */
        public Builder downloadPollInterval(Duration interval) {
            this.pollInterval = positive(interval, "downloadPollInterval");
            return this;
        }

        /**
         * The idle TTL every chat request sends ({@code "ttl"}: LM Studio unloads the model after this many idle
         * seconds, https://lmstudio.ai/docs/api/ttl-and-auto-evict) when this client's last load of the model
         * set none.
         *
         * @param seconds the TTL, at least 1, or {@code null} to send none (the default)
         * @return this builder
         */
        public Builder defaultTtlSeconds(Integer seconds) {
            if (seconds != null && seconds < 1) {
                throw new IllegalArgumentException("ttl must be >= 1 s, got " + seconds);
            }
            this.defaultTtlSeconds = seconds;
            return this;
        }

        /** {@return the client; close it when done} */
        public LmStudioClient build() {
            return new LmStudioClient(this);
        }

        private static Duration positive(Duration value, String name) {
            Objects.requireNonNull(value, name);
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(name + " must be positive: " + value);
            }
            return value;
        }
    }

    /** {@return the configuration this client was created with} */
    public ClientConfig config() {
        return core.config();
    }

    /** The base URL as configured (without trailing slash). */
    @Override
    public String endpoint() {
        return core.config().baseUrl();
    }

    // ---- models ----

    /**
     * Lists the models with everything LM Studio tells about them: {@code GET /api/v1/models}, or
     * {@code GET /api/v0/models} on servers older than 0.4 (which answer the first with 404, or with an "Unexpected
     * endpoint" error). Within the configuration's {@linkplain ClientConfig#requestTimeout() request timeout}.
     *
     * @return the models in the server's order
     * @throws BackendException when the server could not be asked or answered something unreadable
     */
    public List<LmStudioModel> nativeModels() throws BackendException {
        return core.withDeadline(requestTimeout(), call -> {
            if (!Boolean.FALSE.equals(v1Models.get())) {
                URI uri = endpoints.nativeUri(V1_MODELS);
                ClientCore.Opened opened = core.send(call, uri, null, ClientCore.JSON);
                int status = opened.response().status();
                BackendException failure;
                if (status < 400) {
                    byte[] body = core.readFully(call, opened, ClientCore.MAX_API_BODY_BYTES, null);
                    try {
                        List<LmStudioModel> models = lmJson.parseV1Models(body);
                        v1Models.compareAndSet(null, true);
                        return models;
                    } catch (IOException e) {
                        failure = ClientCore.invalid("invalid model list from " + uri + ": " + e.getMessage()
                                + ClientCore.excerptOf(body), uri, e);
                        if (!isUnknownEndpoint(body)) {
                            throw failure;
                        }
                    }
                } else {
                    failure = core.httpStatus(call, opened);
                    if (status != 404) {
                        throw failure;
                    }
                }
                if (Boolean.TRUE.equals(v1Models.get())) {
                    throw failure;
                }
                LOG.debug("{} is not there (LM Studio before 0.4?); using {}", uri, V0_MODELS);
                call.release();
                v1Models.set(false);
            }
            ClientCore.Opened opened = core.openOk(call, endpoints.nativeUri(V0_MODELS), null, ClientCore.JSON);
            byte[] body = core.readFully(call, opened, ClientCore.MAX_API_BODY_BYTES, null);
            return parse(opened.uri(), "model list", () -> lmJson.parseV0Models(body));
        });
    }

    /**
     * Lists the models as bench-core describes them, with parameter count and capabilities; see
     * {@link LmStudioModel#toModelInfo()}.
     *
     * @return the models in the server's order
     * @throws BackendException see {@link #nativeModels()}
     */
    @Override
    public List<ModelInfo> listModels() throws BackendException {
        return nativeModels().stream().map(LmStudioModel::toModelInfo).toList();
    }

    // ---- load and unload ----

    /**
     * Loads a model with {@code POST /api/v1/models/load}; see {@link #load(ModelInfo, LoadConfig,
     * LoadProgressListener)}.
     */
    @Override
    public LoadOutcome load(ModelInfo model, LoadConfig config) throws BackendException {
        return load(model, config, null);
    }

    /**
     * Loads a model with {@code POST /api/v1/models/load} (https://lmstudio.ai/docs/developer/rest/load), within the
     * builder's load timeout. Sent are {@code context_length} (when not 0), {@code eval_batch_size} ({@code nBatch}),
     * {@code flash_attention}, {@code num_experts} and {@code offload_kv_cache_to_gpu} when set: the load fields the
     * documentation lists that the core's {@link LoadConfig} has. The other set fields (GPU layers, threads, RoPE, mmap, mlock, KV cache quantization,
     * TTL) have no documented field on this endpoint and are not sent; a warning names them. The instance id the
     * server answers is remembered for {@link #unload} and the configuration for reloads after "Model unloaded".
     *
     * @param model    the model ({@link ModelInfo#id()} is the key)
     * @param config   the load configuration, {@code null} for the defaults
     * @param progress receives 0 before and 1 after the load (the endpoint reports nothing in between), or
     *                 {@code null}
     * @return {@link LoadOutcome#loaded} with the server's {@code load_time_seconds}, or the time measured here when
     *         the server gives none
     * @throws BackendException when loading failed ({@link LmStudioException} with
     *                          {@link LmStudioException.Reason#INSUFFICIENT_MEMORY} when LM Studio refused for memory)
     */
    public LoadOutcome load(ModelInfo model, LoadConfig config, LoadProgressListener progress)
            throws BackendException {
        Objects.requireNonNull(model, "model");
        LoadConfig effective = Objects.requireNonNullElse(config, LoadConfig.DEFAULT);
        List<String> unsupported = LmStudioJson.unsupportedLoadFields(effective);
        if (!unsupported.isEmpty()) {
            LOG.warn("loading {}: {} not sent, LM Studio's load endpoint documents no such field; set them in"
                    + " LM Studio's per-model defaults instead", model.id(), String.join(", ", unsupported));
        }
        byte[] body = lmJson.loadRequest(model.id(), effective);
        if (progress != null) {
            progress.onProgress(0.0, "loading");
        }
        long start = System.nanoTime();
        LmStudioJson.Loaded loaded = core.withDeadline(loadTimeout, call -> {
            ClientCore.Opened opened = core.openOk(call, endpoints.nativeUri(LOAD), body, ClientCore.JSON);
            byte[] answer = core.readFully(call, opened, ClientCore.MAX_API_BODY_BYTES, null);
            return parse(opened.uri(), "load answer", () -> lmJson.parseLoaded(answer));
        });
        double measured = (System.nanoTime() - start) / 1e9;
        String instanceId = loaded.instanceId().isEmpty() ? model.id() : loaded.instanceId();
        if (loaded.instanceId().isEmpty()) {
            LOG.debug("load answer for {} has no instance_id; assuming the instance is named after the model",
                    model.id());
        }
        synchronized (loadedByUs) {
            List<String> ids = loadedByUs.computeIfAbsent(model.id(), key -> new ArrayList<>());
            if (!ids.contains(instanceId)) {
                ids.add(instanceId);
            }
        }
        lastLoadConfig.put(model.id(), effective);
        if (!loaded.loadConfig().isEmpty()) {
            LOG.debug("loaded {} as instance {}; configuration applied: {}", model.id(), instanceId,
                    loaded.loadConfig());
        }
        if (progress != null) {
            progress.onProgress(1.0, "loaded");
        }
        return LoadOutcome.loaded(Double.isNaN(loaded.loadSeconds()) ? measured : loaded.loadSeconds());
    }

    /**
     * Unloads the instances of {@code model} that this client loaded, one {@code POST /api/v1/models/unload} each
     * (https://lmstudio.ai/docs/developer/rest/unload). Instances the user or another program loaded are never
     * touched; when this client loaded none, nothing is sent. An instance the server no longer has (404) counts as
     * unloaded.
     *
     * @param model the model
     * @throws BackendException when an unload failed; the instances not unloaded stay remembered
     */
    @Override
    public void unload(ModelInfo model) throws BackendException {
        Objects.requireNonNull(model, "model");
        List<String> ids;
        synchronized (loadedByUs) {
            ids = loadedByUs.remove(model.id());
        }
        if (ids == null || ids.isEmpty()) {
            LOG.debug("not unloading {}: this client did not load it", model.id());
            return;
        }
        for (int i = 0; i < ids.size(); i++) {
            String id = ids.get(i);
            try {
                core.withDeadline(requestTimeout(), call -> {
                    ClientCore.Opened opened = core.openOk(call, endpoints.nativeUri(UNLOAD),
                            lmJson.unloadRequest(id), ClientCore.JSON);
                    core.readPrefix(call, opened, ClientCore.MAX_ERROR_BODY_BYTES);
                    return null;
                });
            } catch (BackendException e) {
                if (e.httpStatus() == 404) {
                    LOG.debug("instance {} of {} was already gone", id, model.id());
                    continue;
                }
                synchronized (loadedByUs) {
                    loadedByUs.computeIfAbsent(model.id(), key -> new ArrayList<>()).addAll(ids.subList(i,
                            ids.size()));
                }
                throw e;
            }
        }
    }

    /** {@return the instance ids this client loaded and has not unloaded, in load order} */
    public List<String> loadedByUs() {
        synchronized (loadedByUs) {
            return loadedByUs.values().stream().flatMap(List::stream).toList();
        }
    }

    /** {@return how many times a request found its model unloaded and the client reloaded it} */
    public int reloadsAfterUnload() {
        return reloads.get();
    }

    // ---- download ----

    /**
     * Starts downloading a model with {@code POST /api/v1/models/download}
     * (https://lmstudio.ai/docs/developer/rest/download) and passes the first status to {@code progress}; wait for the
     * end with {@link DownloadJob#waitForCompletion}.
     *
     * @param model    a catalog id such as {@code qwen/qwen3-4b-2507} or a Hugging Face URL
     * @param progress receives every status, or {@code null}
     * @return the job
     * @throws BackendException when the download could not be started
     */
    public DownloadJob download(String model, DownloadProgressListener progress) throws BackendException {
        Objects.requireNonNull(model, "model");
        byte[] body = lmJson.downloadRequest(model);
        DownloadStatus first = core.withDeadline(requestTimeout(), call -> {
            ClientCore.Opened opened = core.openOk(call, endpoints.nativeUri(DOWNLOAD), body, ClientCore.JSON);
            byte[] answer = core.readFully(call, opened, ClientCore.MAX_API_BODY_BYTES, null);
            return parse(opened.uri(), "download status", () -> lmJson.parseDownloadStatus(answer));
        });
        if (progress != null) {
            progress.onProgress(first);
        }
        return new DownloadJob(this, model, first, progress);
    }

    /** One {@code GET /api/v1/models/download/status/{job_id}}. */
    DownloadStatus downloadStatus(String jobId) throws BackendException {
        URI uri = endpoints.nativeUri(DOWNLOAD_STATUS
                + URLEncoder.encode(jobId, StandardCharsets.UTF_8).replace("+", "%20"));
        return core.withDeadline(requestTimeout(), call -> {
            ClientCore.Opened opened = core.openOk(call, uri, null, ClientCore.JSON);
            byte[] answer = core.readFully(call, opened, ClientCore.MAX_API_BODY_BYTES, null);
            return parse(opened.uri(), "download status", () -> lmJson.parseDownloadStatus(answer));
        });
    }

    long pollIntervalNanos() {
        return pollInterval.toNanos();
    }

    /** Waits between download polls; an interrupt ends the wait as a cancel. */
    void pause(long nanos) throws BackendException {
        try {
            TimeUnit.NANOSECONDS.sleep(nanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackendException(Kind.CANCELLED, "waiting for a download was interrupted", "", -1, e);
        }
    }

    // ---- chat completions ----

    /**
     * Makes one chat completion with {@code POST /api/v0/chat/completions} and measures it exactly as
     * {@link OpenAiClient#infer} does; LM Studio's {@code stats} become {@link InferenceResult#serverStats()}. Sends
     * {@code temperature} and the set {@code top_k}, {@code top_p}, {@code min_p}, {@code repeat_penalty}. Falls back
     * to the OpenAI-compatible endpoint (no server stats) when {@code /api/v0} answers 404. Reloads the model once and
     * retries once after "Model unloaded" (see the class documentation). Answers from the response cache only when the
     * client was built to use it for measured runs.
     *
     * @param request what to ask
     * @return the measured result, or a cached one ({@code cached() == true})
     * @throws BackendException see {@link OpenAiClient#infer}; server-reported failures are {@link LmStudioException}s
     */
    @Override
    public InferenceResult infer(InferenceRequest request) throws BackendException {
        Objects.requireNonNull(request, "request");
        String key = cache == null ? null : ResponseCache.key(request);
        if (key != null && cacheForMeasuredRuns) {
            long start = System.nanoTime();
            Optional<ResponseCache.CachedAnswer> hit = cache.get(key);
            if (hit.isPresent()) {
                LOG.debug("response cache hit for {} (key {}); not sending the request", request.model(), key);
                ResponseCache.CachedAnswer answer = hit.get();
                return new InferenceResult(cacheTimings(start), answer.usage(), answer.content(), answer.reasoning(),
                        answer.finishReason(), ServerStats.NONE, true);
            }
        }
        InferenceResult result = withReloadOnUnload(request.model(), () -> inferOnce(request));
        if (key != null) {
            cache.put(key, new ResponseCache.CachedAnswer(result.content(), result.reasoning(), result.finishReason(),
                    result.usage(), ""));
        }
        return result;
    }

    private InferenceResult inferOnce(InferenceRequest request) throws BackendException {
        byte[] body = chatBody(request);
        String accept = request.stream() ? ClientCore.EVENT_STREAM : ClientCore.JSON;
        return core.withDeadline(request.timeout(), call -> {
            Boolean native0 = v0Chat.get();
            if (!Boolean.FALSE.equals(native0)) {
                ClientCore.Opened opened = core.send(call, endpoints.nativeUri(V0_CHAT), body, accept);
                int status = opened.response().status();
                if (status < 400) {
                    ResponseRecorder recorder;
                    try {
                        recorder = core.readChat(call, opened, request.messageText(), request.stream(), V0_STATS);
                    } catch (ClientCore.UnknownEndpoint e) {
                        // LM Studio answers a path it does not serve with 200 and "Unexpected endpoint": not there
                        if (native0 != null) {
                            throw e;
                        }
                        call.release();
                        LOG.info("{} is not there ({}); using the OpenAI-compatible endpoint, without server"
                                + " statistics", opened.uri(), e.getMessage());
                        v0Chat.set(false);
                        return fallback(call, request, body, accept);
                    } catch (BackendException e) {
                        // an answer, if a failed one: the endpoint is there
                        v0Chat.compareAndSet(null, true);
                        throw e;
                    }
                    v0Chat.compareAndSet(null, true);
                    requireModel(request.model(), recorder);
                    recorder.correctLmStudioOffByOne(request.maxTokens());
                    noteRuntime(recorder.nativeStats());
                    logNativeInfo(request.model(), recorder.nativeStats());
                    return recorder.result(request.messageText());
                }
                BackendException failure = core.httpStatus(call, opened);
                // LM Studio's own words about the model, not a missing endpoint: the OpenAI one would say the same
                boolean modelMissing = failure instanceof LmStudioException e
                        && (e.reason() == LmStudioException.Reason.MODEL_NOT_FOUND
                        || e.reason() == LmStudioException.Reason.MODEL_NOT_LOADED);
                if (status != 404 || native0 != null || modelMissing) {
                    throw failure;
                }
                LOG.info("{} answered 404: not LM Studio's native API; using the OpenAI-compatible endpoint,"
                        + " without server statistics", opened.uri());
                v0Chat.set(false);
            }
            return fallback(call, request, body, accept);
        });
    }

    /** The OpenAI-compatible chat completion, without server statistics, checked as the native one is. */
    private InferenceResult fallback(InFlight call, InferenceRequest request, byte[] body, String accept)
            throws BackendException {
        ResponseRecorder recorder = core.exchange(call, endpoints, OPENAI_CHAT, body, accept,
                opened -> core.readChat(call, opened, request.messageText(), request.stream(), null));
        requireModel(request.model(), recorder);
        recorder.correctLmStudioOffByOne(request.maxTokens());
        return recorder.result(request.messageText());
    }

    /**
     * Fails with {@link Kind#WRONG_MODEL} ({@link LmStudioException.Reason#WRONG_MODEL}) when another model answered:
     * LM Studio with JIT loading off answers with the model it has loaded, whatever the request names
     * (lmstudio-bug-tracker #619). Instance ids ({@code key:2}) and ids without the publisher are the same model; see
     * {@link ModelCheck}.
     */
    private static void requireModel(String asked, ResponseRecorder recorder) throws BackendException {
        ModelCheck.require(asked, recorder.answeredModels(), ModelCheck.LM_STUDIO, null, recorder.uri(),
                ModelCheck.lmStudioHint(asked), LmStudioException::wrongModel);
    }

    /**
     * The body of {@code /api/v0/chat/completions} and of the OpenAI-compatible fallback: the OpenAI fields, every set
     * sampler, and LM Studio's {@code ttl} ({@link #ttlFor}) and {@code draft_model} (the request's, when it names one;
     * https://lmstudio.ai/docs/developer/api-changelog 0.3.10).
     */
    private byte[] chatBody(InferenceRequest request) {
        com.fasterxml.jackson.databind.node.ObjectNode root = json.chatRequestTree(request, true, false);
        Integer ttl = ttlFor(request.model());
        if (ttl != null) {
            root.put("ttl", ttl);
        }
        if (!request.draftModel().isEmpty()) {
            root.put("draft_model", request.draftModel());
        }
        return json.write(root);
    }

    /**
     * The idle TTL a chat request for {@code model} sends (https://lmstudio.ai/docs/api/ttl-and-auto-evict):
     * the {@link LoadConfig#ttlSeconds()} of this client's last load of the model (for an instance id
     * {@code key:2}, of its key), else the builder's {@link Builder#defaultTtlSeconds default}, else none.
     */
    private Integer ttlFor(String model) {
        LoadConfig loaded = lastLoadConfig.get(model);
        if (loaded == null) {
            loaded = lastLoadConfig.get(model.replaceFirst(":\\d+$", ""));
        }
        return loaded != null && loaded.ttlSeconds() != null ? loaded.ttlSeconds() : defaultTtlSeconds;
    }

    /** Remembers the runtime an {@code /api/v0} answer named, for {@link #server()}. */
    private void noteRuntime(ChatJson.NativeStats stats) {
        if (stats == null || stats.runtime().isEmpty()) {
            return;
        }
        try {
            JsonNode node = json.readObject(stats.runtime());
            String name = ChatJson.text(node.path("name"));
            String version = ChatJson.text(node.path("version"));
            String named = dev.lmsbench.core.text.SafeText.oneLine((name + " " + version).strip(), 128);
            if (!named.isEmpty()) {
                runtime.set(named);
            }
        } catch (IOException e) {
            LOG.debug("unreadable runtime object {}", stats.runtime());
        }
    }

    private static void logNativeInfo(String model, ChatJson.NativeStats stats) {
        if (stats != null && LOG.isDebugEnabled()) {
            LOG.debug("{}: model_info {} runtime {}", model, stats.modelInfo().isEmpty() ? "-" : stats.modelInfo(),
                    stats.runtime().isEmpty() ? "-" : stats.runtime());
        }
    }

    // ---- stateful chat ----

    /**
     * Starts a stateful chat over {@code POST /api/v1/chat}.
     *
     * @param options how every turn is sent
     * @return the session; start it with {@link ChatSession#chat}
     */
    public ChatSession session(ChatOptions options) {
        return new ChatSession(this, options);
    }

    /**
     * One chat turn with the default options, kept nowhere ({@code "store": false}: a one-shot question has no next
     * turn): {@code session(ChatOptions.defaults().withStore(false)).chat(model, input)}.
     *
     * @param model the model key
     * @param input the user message
     * @return the reply
     * @throws BackendException when the request failed
     */
    public ChatReply chat(String model, String input) throws BackendException {
        return session(ChatOptions.defaults().withStore(false)).chat(model, input);
    }

    /** One turn of a {@link ChatSession}: cache, reload-on-unload, request. */
    ChatReply chatTurn(String model, String input, String previousResponseId, ChatOptions options)
            throws BackendException {
        // Tools answer with live data, so turns with integrations are never cached.
        String key = cache == null || !options.integrations().isEmpty() ? null
                : ResponseCache.key(model, chatMessages(options, previousResponseId, input), options.sampling(),
                options.maxOutputTokens());
        if (key != null) {
            long start = System.nanoTime();
            Optional<ResponseCache.CachedAnswer> hit = cache.get(key);
            // Only an answer that has a response id can be continued by the next turn; a turn kept nowhere needs none.
            if (hit.isPresent() && (!hit.get().responseId().isEmpty() || !options.storeOr(false))) {
                LOG.debug("response cache hit for a chat with {} (key {}); not sending the request", model, key);
                ResponseCache.CachedAnswer answer = hit.get();
                return new ChatReply(answer.responseId(), answer.content(), answer.reasoning(), ServerStats.NONE,
                        cacheTimings(start), answer.usage(), "", true);
            }
        }
        ChatReply reply = withReloadOnUnload(model, () -> chatOnce(model, input, previousResponseId, options));
        if (key != null && (!reply.responseId().isEmpty() || !options.storeOr(false))) {
            cache.put(key, new ResponseCache.CachedAnswer(reply.text(), reply.reasoning(), "", reply.usage(),
                    reply.responseId()));
        }
        return reply;
    }

    private static List<ResponseCache.Message> chatMessages(ChatOptions options, String previousResponseId,
                                                            String input) {
        List<ResponseCache.Message> messages = new ArrayList<>(3);
        if (!previousResponseId.isEmpty()) {
            messages.add(new ResponseCache.Message("previous_response", previousResponseId));
        }
        if (options.systemPrompt() != null) {
            messages.add(new ResponseCache.Message("system", options.systemPrompt()));
        }
        messages.add(new ResponseCache.Message("user", input));
        return messages;
    }

    private ChatReply chatOnce(String model, String input, String previousResponseId, ChatOptions options)
            throws BackendException {
        byte[] body = lmJson.chatRequest(model, input, previousResponseId, options, ttlFor(model));
        return core.withDeadline(options.timeout(), call -> {
            ClientCore.Opened opened = core.openOk(call, endpoints.nativeUri(V1_CHAT), body,
                    options.stream() ? ClientCore.EVENT_STREAM : ClientCore.JSON);
            boolean events = options.stream();
            PromptProcessing promptNanos = new PromptProcessing();
            ResponseRecorder recorder = new ResponseRecorder(opened.sentNanos(), opened.headersNanos(), events);
            recorder.uri(opened.uri());
            LmStudioJson.ChatResult result;
            if (events) {
                core.requireEventStream(call, opened);
                AtomicReference<LmStudioJson.ChatResult> end = new AtomicReference<>();
                int[] count = {0};
                long endNanos = core.readSse(call, opened, recorder, event -> {
                    count[0]++;
                    return chatEvent(event, opened.uri(), recorder, end, options.loadProgress(), promptNanos);
                });
                recorder.end(endNanos);
                ClientCore.requireEvents(count[0], opened.uri());
                result = end.get();
                if (result == null) {
                    LOG.debug("chat stream from {} ended without chat.end; keeping the deltas as the answer",
                            opened.uri());
                }
            } else {
                core.requireJson(call, opened);
                byte[] answer = core.readFully(call, opened, ClientCore.MAX_CHAT_BODY_BYTES, recorder);
                JsonNode root = parse(opened.uri(), "chat answer", () -> lmJson.parseEvent(
                        new String(answer, StandardCharsets.UTF_8)));
                if (root.has("error") && !root.has("output")) {
                    // LM Studio before 0.4 has no /api/v1/chat: it answers 200 with "Unexpected endpoint"
                    core.failIfUnknownEndpoint(opened.uri(), answer);
                    throw core.serverError(opened.uri(), json.serverError(answer));
                }
                result = parse(opened.uri(), "chat answer", () -> LmStudioJson.chatResult(root));
                recorder.completion(new ChatJson.Completion(result.text(), result.reasoning(), "", null));
            }
            if (result != null && result.usage() != null) {
                recorder.usage(result.usage());
            }
            if (result != null) {
                recorder.model(result.modelInstanceId());
            }
            requireModel(model, recorder);
            ClientCore.requireTokens(recorder, opened.uri());
            InferenceResult measured = recorder.result(input);
            double promptSeconds = promptNanos.seconds();
            if (result == null) {
                return new ChatReply("", measured.content(), measured.reasoning(), ServerStats.NONE,
                        measured.timings(), measured.usage(), "", false, promptSeconds);
            }
            return new ChatReply(result.responseId(), result.text(), result.reasoning(), result.stats(),
                    measured.timings(), measured.usage(), result.modelInstanceId(), false, promptSeconds);
        });
    }

    /** Handles one {@code /api/v1/chat} stream event; {@code true} at {@code chat.end}. */
    private boolean chatEvent(SseParser.Event event, URI uri, ResponseRecorder recorder,
                              AtomicReference<LmStudioJson.ChatResult> end, LoadProgressListener progress,
                              PromptProcessing promptNanos) throws BackendException {
        JsonNode data = parse(uri, "chat event", () -> lmJson.parseEvent(event.data()));
        String type = ChatJson.text(data.path("type"));
        // chat.start and the model_load.* events name the instance that answers; chat.end's result names it again
        recorder.model(ChatJson.answeredModel(data.path("model_instance_id")));
        switch (type) {
            case "message.delta" -> recorder.chunk(
                    new ChatJson.Chunk(ChatJson.text(data.path("content")), "", "", null, null), event.nanos());
            case "reasoning.delta" -> recorder.chunk(
                    new ChatJson.Chunk("", ChatJson.text(data.path("content")), "", null, null), event.nanos());
            case "model_load.start" -> notify(progress, 0.0, "loading");
            case "model_load.progress" -> notify(progress, Math.clamp(ChatJson.number(data.path("progress")), 0.0,
                    1.0), "loading");
            case "model_load.end" -> notify(progress, 1.0, "loaded");
            case "prompt_processing.start" -> promptNanos.start(event.nanos());
            case "prompt_processing.end" -> promptNanos.end(event.nanos());
            case "error" -> {
                JsonNode error = data.path("error");
                String message = error.isObject() ? ChatJson.text(error.path("message")) : ChatJson.text(error);
                throw core.streamError(uri, new ChatJson.ServerError(message, ChatJson.scalar(error.path("type")),
                        ChatJson.scalar(error.path("code"))), message);
            }
            case "chat.end" -> {
                end.set(parse(uri, "chat.end", () -> LmStudioJson.chatResult(data.path("result"))));
                return true;
            }
            default -> {
                // chat.start, prompt_processing.progress, tool_call.*, *.start/*.end markers: nothing to measure.
            }
        }
        return false;
    }

    /**
     * When the client saw {@code prompt_processing.start} and {@code .end} of a {@code /api/v1/chat} stream: the
     * {@link System#nanoTime()} of the reads that completed them, the first of each.
     */
    private static final class PromptProcessing {
        private long start;
        private long end;
        private boolean started;
        private boolean ended;

        void start(long nanos) {
            if (!started) {
                start = nanos;
                started = true;
            }
        }

        void end(long nanos) {
            if (!ended) {
                end = nanos;
                ended = true;
            }
        }

        /** {@return the seconds from start to end, or {@code NaN} when either did not come} */
        double seconds() {
            return started && ended && end - start >= 0 ? (end - start) / 1e9 : Double.NaN;
        }
    }

    private static void notify(LoadProgressListener progress, double fraction, String status) {
        if (progress != null && !Double.isNaN(fraction)) {
            progress.onProgress(fraction, status);
        }
    }

    // ---- model unloaded: reload once, retry once ----

    @FunctionalInterface
    private interface Attempt<T> {
        T run() throws BackendException;
    }

    /**
     * Runs a chat attempt; after "Model unloaded", reloads the model and runs it once more. Reloads are serialized per
     * model: parallel requests that all found the model unloaded cause one load (another would create a second
     * instance), and each of them retries once.
     */
    private <T> T withReloadOnUnload(String model, Attempt<T> attempt) throws BackendException {
        AtomicInteger generation = reloadGenerations.computeIfAbsent(model, key -> new AtomicInteger());
        int seen = generation.get();
        try {
            return attempt.run();
        } catch (LmStudioException e) {
            if (!e.isModelUnloaded()) {
                throw e;
            }
            synchronized (generation) {
                if (generation.get() == seen) {
                    LoadConfig config = lastLoadConfig.getOrDefault(model, LoadConfig.DEFAULT);
                    try {
                        load(ModelInfo.named(model), config);
                    } catch (BackendException loadFailure) {
                        loadFailure.addSuppressed(e);
                        throw loadFailure;
                    }
                    generation.incrementAndGet();
                    reloads.incrementAndGet();
                    LOG.info("model {} was unloaded by the server; reloaded and retried once", model);
                } else {
                    LOG.info("model {} was unloaded by the server; another request reloaded it, retrying once",
                            model);
                }
            }
            return attempt.run();
        }
    }

    // ---- identity ----

    /**
     * Which server this is: the normalized base URL, kind {@code lmstudio}, no version (LM Studio's REST API does not
     * report the app's version), and the runtime (engine) the last {@code /api/v0} chat answer named in its
     * {@code runtime} object, e.g. {@code llama.cpp-linux-x86_64-avx2 1.50.0}, or {@code ""} before the first one.
     * Sends nothing; never throws.
     *
     * @return the server's identity
     */
    @Override
    public ServerInfo server() {
        return new ServerInfo(Endpoints.normalizedBaseUrl(endpoint()), "lmstudio", "", runtime.get());
    }

    // ---- lifecycle ----

    /** Aborts every call in flight; each blocked call throws {@link Kind#CANCELLED} promptly. Thread-safe. */
    @Override
    public void cancelInFlight() {
        core.cancelInFlight();
    }

    /** Cancels calls in flight and closes connections; unloads nothing. Idempotent; never throws. */
    @Override
    public void close() {
        core.close();
    }

    // ---- helpers ----

    /** Builds the exception for a failure LM Studio reported: always an {@link LmStudioException}. */
    private static BackendException serverFailure(Kind kind, String message, URI uri, int status,
                                                  ChatJson.ServerError error) {
        return LmStudioException.fromServer(kind, message, uri.toString(), status, error.type(), error.code(),
                error.message());
    }

    /**
     * LM Studio answers a path it does not serve with status 200 and {@code {"error":"Unexpected endpoint or method.
     * (GET /x). Returning 200 anyway"}}, on 0.4 as before it (lmstudio-bug-tracker #1680, #1879).
     */
    private boolean isUnknownEndpoint(byte[] body) {
        return json.errorMessage(body).toLowerCase(java.util.Locale.ROOT).contains(UNKNOWN_ENDPOINT);
    }

    @FunctionalInterface
    private interface Parse<T> {
        T run() throws IOException;
    }

    private static <T> T parse(URI uri, String what, Parse<T> parse) throws BackendException {
        try {
            return parse.run();
        } catch (IOException e) {
            throw ClientCore.invalid("invalid " + what + " from " + uri + ": " + e.getMessage(), uri, e);
        }
    }

    private Duration requestTimeout() {
        return core.config().requestTimeout();
    }

    /** Timings of an answer from the cache: sent and complete, nothing else happened. */
    private static RequestTimings cacheTimings(long start) {
        return RequestTimings.failed(start, Math.max(0, System.nanoTime() - start));
    }
}
