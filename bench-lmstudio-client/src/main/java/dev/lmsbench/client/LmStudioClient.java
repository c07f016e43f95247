package dev.lmsbench.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lmsbench.core.model.LoadConfig;
import dev.lmsbench.core.model.LoadDetails;
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
import dev.lmsbench.core.text.SafeText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

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
 *   <li>{@link #load}: {@code POST /api/v1/models/load}, or {@code lms load} for parallel slots, GPU offload and TTL
 *       (with {@link Builder#lms(LmsCli)}), then the model list to read the instance back; {@link #unload} and the
 *       duplicates {@link #duplicateInstances} found: {@code POST /api/v1/models/unload}.</li>
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
    private final ChatApi chatApi;

    /** {@code null} until known, then whether {@code /api/v1/models} exists. */
    private final AtomicReference<Boolean> v1Models = new AtomicReference<>();
    /** {@code null} until known, then whether {@code /api/v0/chat/completions} exists. */
    private final AtomicReference<Boolean> v0Chat = new AtomicReference<>();
    /** Model key to the instance ids this client loaded, in load order. Guarded by itself. */
    private final Map<String, List<String>> loadedByUs = new LinkedHashMap<>();
    /** Model key to the instances listed before this client's first load of it: the user's. Guarded by loadedByUs. */
    private final Map<String, Set<String>> foreignInstances = new HashMap<>();
    /** Model key to the duplicate instances found, unloaded with this client's own. Guarded by loadedByUs. */
    private final Map<String, Set<String>> duplicates = new HashMap<>();
    /** Model key to this client's instance of it, when that instance is not named after the key. */
    private final Map<String, String> routes = new ConcurrentHashMap<>();
    /** {@code lms}, or {@code null} when the builder was given none. */
    private final LmsCli lms;
    /** Whether {@code lms runtime ls} was asked already (once per client); also the lock of asking. */
    private final AtomicBoolean lmsRuntimeAsked = new AtomicBoolean();
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
        this.lms = builder.lms;
        this.defaultTtlSeconds = builder.defaultTtlSeconds;
        this.chatApi = builder.chatApi;
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

    /**
     * The endpoint measured requests go to. Both are measured by the same client code (every timestamp where the
     * bytes arrive); they differ in what LM Studio reports beside the client's figures.
     */
    public enum ChatApi {
        /**
         * {@code POST /api/v0/chat/completions} (the default): OpenAI-shaped answers with {@code usage},
         * {@code finish_reason} and, on non-streamed answers, LM Studio's {@code stats}; real LM Studio sends no
         * {@code stats} on streamed ones (lmstudio-bug-tracker #676, #713).
         */
        V0_COMPLETIONS,
        /**
         * {@code POST /api/v1/chat} (LM Studio 0.4+), one-shot ({@code store: false}): its {@code stats} (token counts,
         * {@code tokens_per_second}, {@code time_to_first_token_seconds}) on streamed and non-streamed answers, and
         * in streams the {@code prompt_processing.start}/{@code .end} events, whose client-seen interval is recorded as
         * the server's prompt time ({@link ServerStats#promptSeconds()}). No {@code finish_reason}; requests with a
         * draft model go to {@code /api/v0} (the chat endpoint documents no {@code draft_model}).
         */
        V1_CHAT
    }

    /** Options of an {@link LmStudioClient}. Not thread-safe; build once. */
    public static final class Builder {
        private final ClientConfig config;
        private ResponseCache cache;
        private boolean cacheForMeasuredRuns;
        private Duration loadTimeout = DEFAULT_LOAD_TIMEOUT;
        private Duration pollInterval = DEFAULT_POLL_INTERVAL;
        private LmsCli lms;
        private Integer defaultTtlSeconds;
        private ChatApi chatApi = ChatApi.V0_COMPLETIONS;

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

        /**
         * Lets the client use LM Studio's CLI: {@code lms load} for the load settings the REST API cannot set
         * (parallel slots, GPU offload, TTL; see {@link LmStudioClient#load(ModelInfo, LoadConfig,
         * LoadProgressListener)}), and {@code lms runtime ls} for the runtime in {@link LmStudioClient#server()}.
         * Without it such settings are loaded through REST, with notes saying what was not applied.
         *
         * <pre>{@code
         * LmStudioClient.Builder builder = LmStudioClient.builder(config);
         * LmsCli.locate().ifPresent(builder::lms);
         * }</pre>
         *
         * @param cli the {@code lms} to run
         * @return this builder
         */
        public Builder lms(LmsCli cli) {
            this.lms = Objects.requireNonNull(cli, "cli");
            return this;
        }

        /** @param interval the pause between download status polls, positive @return this builder */
        public Builder downloadPollInterval(Duration interval) {
            this.pollInterval = positive(interval, "downloadPollInterval");
            return this;
        }

        /**
         * Which endpoint measured requests ({@link LmStudioClient#infer}) go to; see {@link ChatApi}.
         *
         * @param value the endpoint, {@link ChatApi#V0_COMPLETIONS} by default
         * @return this builder
         */
        public Builder chatApi(ChatApi value) {
            this.chatApi = Objects.requireNonNull(value, "chatApi");
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
     * Loads a model; see {@link #load(ModelInfo, LoadConfig, LoadProgressListener)}.
     */
    @Override
    public LoadOutcome load(ModelInfo model, LoadConfig config) throws BackendException {
        return load(model, config, null);
    }

    /**
     * Loads a model, within the builder's load timeout, and reads the loaded instance back.
     *
     * <h4>Which path</h4>
     * <ul>
     *   <li><b>REST</b>, {@code POST /api/v1/models/load} (https://lmstudio.ai/docs/developer/rest/load), for every
     *       configuration that sets nothing but what that endpoint documents: {@code context_length} (when not 0),
     *       {@code eval_batch_size} ({@code nBatch}), {@code flash_attention}, {@code num_experts} and
     *       {@code offload_kv_cache_to_gpu}. No other key is ever sent: LM Studio rejects the request then
     *       (lmstudio-bug-tracker #2024).</li>
     *   <li><b>lms</b>, {@code lms load} ({@link LmsCli#load}), when the configuration sets what the REST load cannot:
     *       parallel slots ({@code --parallel}; a REST or just-in-time load gets LM Studio's default of 4,
     *       lmstudio-bug-tracker #2061), GPU offload ({@code --gpu}) or a TTL ({@code --ttl}), and the builder was
     *       given an {@link Builder#lms(LmsCli) lms}. Host and port come from the base URL: {@code --port} always,
     *       {@code --host} only for a host that is not this machine (lms connects to any {@code --host} as an
     *       unprivileged remote client). The REST-only settings above have no lms flag and are not applied then.</li>
     *   <li>When lms is absent, cannot reach the server (a base URL with a path prefix, an IPv6 host), fails, or loads
     *       another model than asked (lms matches the key fuzzily; the stray instance is unloaded again), the model is
     *       loaded through REST instead, and {@link LoadDetails#notes()} say which setting was not applied and why,
     *       with the slots the instance really has. A cancelled or timed-out lms load is not retried: the instances
     *       of the model that appeared meanwhile are remembered as this client's, so {@link #unload} removes them.</li>
     * </ul>
     *
     * <h4>Reading the instance back</h4>
     * Before and after the load the model list is read ({@link #nativeModels()}). This client's instance is the one
     * the REST answer names ({@code instance_id}), or the one {@code lms load} printed, or the instance that was not
     * there before; its {@code config.context_length} and {@code config.parallel} become
     * {@link LoadDetails#contextLength()} and {@link LoadDetails#parallel()} ({@code loaded_context_length} on servers
     * before 0.4, which list no instances and no slots). When they differ from what was asked, a note says so. The
     * instances listed before the first load are the user's: {@link #duplicateInstances} and {@link #unload} never
     * count or touch them. When this client's instance is not named after the key (the user had the model loaded
     * already, so LM Studio named ours {@code key:2}), measured requests ({@link #infer}) name that instance.
     *
     * <p>The instance id is remembered for {@link #unload} and the configuration for reloads after "Model unloaded".
     * Load settings that neither path can set (GPU layers, threads, RoPE, mmap, mlock, KV cache quantization) are never
     * sent; a note names them.
     *
     * @param model    the model ({@link ModelInfo#id()} is the key)
     * @param config   the load configuration, {@code null} for the defaults
     * @param progress receives 0 before and 1 after the load (neither path reports anything in between), or
     *                 {@code null}
     * @return {@link LoadOutcome#loaded} with the server's {@code load_time_seconds} (REST), or the time measured here
     *         (lms, which includes lms's own start; REST when the server gives none), and the {@link LoadDetails}
     * @throws BackendException when loading failed ({@link LmStudioException} with
     *                          {@link LmStudioException.Reason#INSUFFICIENT_MEMORY} when LM Studio refused for memory)
     */
    public LoadOutcome load(ModelInfo model, LoadConfig config, LoadProgressListener progress)
            throws BackendException {
        Objects.requireNonNull(model, "model");
        LoadConfig effective = Objects.requireNonNullElse(config, LoadConfig.DEFAULT);
        String key = model.id();
        Listing before = listing(key);
        synchronized (loadedByUs) {
            if (before.known() && !foreignInstances.containsKey(key)) {
                Set<String> foreign = new LinkedHashSet<>(before.ids());
                loadedByUs.getOrDefault(key, List.of()).forEach(foreign::remove);
                foreignInstances.put(key, foreign);
            }
        }
        if (progress != null) {
            progress.onProgress(0.0, "loading");
        }
        List<String> notes = new ArrayList<>();
        Loaded loaded = null;
        String whyRest = "";
        if (needsLms(effective)) {
            whyRest = lmsUnusable();
            if (whyRest.isEmpty()) {
                try {
                    loaded = loadWithLms(key, effective, before, notes);
                    if (loaded == null) {
                        whyRest = "lms load did not load it";
                    }
                } catch (BackendException e) {
                    if (e.kind() == Kind.CANCELLED || e.kind() == Kind.TIMEOUT) {
                        adoptNewInstances(key, before);
                        throw e;
                    }
                    LOG.debug("lms load of {} failed; loading it through the REST API", key, e);
                    notes.add("loaded through LM Studio's REST API instead: " + e.getMessage());
                    whyRest = "lms load failed";
                }
            }
        }
        if (loaded == null) {
            loaded = loadWithRest(key, effective);
        }
        int contextLength = loaded.after().contextLength(loaded.instanceId());
        int parallel = loaded.after().parallel(loaded.instanceId());
        notes.addAll(notes(effective, loaded.method(), whyRest, contextLength, parallel));
        synchronized (loadedByUs) {
            List<String> ids = loadedByUs.computeIfAbsent(key, k -> new ArrayList<>());
            if (!ids.contains(loaded.instanceId())) {
                ids.add(loaded.instanceId());
            }
        }
        if (loaded.instanceId().equals(key)) {
            routes.remove(key);
        } else {
            routes.put(key, loaded.instanceId());
            LOG.debug("this client's instance of {} is {}; measured requests name it", key, loaded.instanceId());
        }
        lastLoadConfig.put(key, effective);
        List<String> safeNotes = notes.stream().map(n -> SafeText.oneLine(n, SafeText.MAX_MESSAGE_CHARS)).toList();
        for (String note : safeNotes) {
            LOG.debug("loading {}: {}", key, note);
        }
        if (progress != null) {
            progress.onProgress(1.0, "loaded");
        }
        LoadDetails details = new LoadDetails(loaded.method(), loaded.instanceId(), contextLength, parallel,
                effective.gpuOffload() == null ? Double.NaN : effective.gpuOffload(),
                effective.ttlSeconds() == null ? -1 : effective.ttlSeconds(), safeNotes, List.of());
        return LoadOutcome.loaded(loaded.seconds()).withDetails(details);
    }

    /**
     * How a load went.
     *
     * @param method     {@code rest} or {@code lms}
     * @param instanceId this client's instance
     * @param seconds    the load time
     * @param after      the model list read after the load
     */
    private record Loaded(String method, String instanceId, double seconds, Listing after) {
    }

    /** {@code POST /api/v1/models/load}, then the list read back. */
    private Loaded loadWithRest(String key, LoadConfig config) throws BackendException {
        byte[] body = lmJson.loadRequest(key, config);
        long start = System.nanoTime();
        LmStudioJson.Loaded answer = core.withDeadline(loadTimeout, call -> {
            ClientCore.Opened opened = core.openOk(call, endpoints.nativeUri(LOAD), body, ClientCore.JSON);
            byte[] bytes = core.readFully(call, opened, ClientCore.MAX_API_BODY_BYTES, null);
            return parse(opened.uri(), "load answer", () -> lmJson.parseLoaded(bytes));
        });
        double measured = (System.nanoTime() - start) / 1e9;
        String instanceId = answer.instanceId().isEmpty() ? key : answer.instanceId();
        if (answer.instanceId().isEmpty()) {
            LOG.debug("load answer for {} has no instance_id; assuming the instance is named after the model", key);
        }
        if (!answer.loadConfig().isEmpty()) {
            LOG.debug("loaded {} as instance {}; configuration applied: {}", key, instanceId, answer.loadConfig());
        }
        return new Loaded("rest", instanceId, Double.isNaN(answer.loadSeconds()) ? measured : answer.loadSeconds(),
                listing(key));
    }

    /**
     * {@code lms load}, then the list read back; {@code null} (with a note) when lms loaded no instance of the model.
     */
    private Loaded loadWithLms(String key, LoadConfig config, Listing before, List<String> notes)
            throws BackendException {
        long start = System.nanoTime();
        String printed = lms.load(key, LmsLoad.of(config).withServer(lmsHost(), lmsPort()), loadTimeout);
        double seconds = (System.nanoTime() - start) / 1e9;
        Listing after = listing(key);
        if (!after.known() || !after.instancesListed()) {
            // nothing to check it against: a list that could not be read, or a server before 0.4 (no instances)
            return new Loaded("lms", printed.isEmpty() ? key : printed, seconds, after);
        }
        if (!printed.isEmpty() && !after.ids().contains(printed)) {
            notes.add("lms load " + key + " loaded " + printed + " instead (lms matches the key fuzzily); "
                    + unloadStray(printed));
            return null;
        }
        if (!printed.isEmpty()) {
            return new Loaded("lms", printed, seconds, after);
        }
        List<String> fresh = new ArrayList<>(after.ids());
        fresh.removeAll(before.known() ? before.ids() : loadedByUs(key));
        if (fresh.isEmpty()) {
            notes.add("lms load " + key + " reported success, but no new instance of the model is listed");
            return null;
        }
        // LM Studio lists a model's instances in load order: the newest is the last
        return new Loaded("lms", fresh.getLast(), seconds, after);
    }

    /** Unloads what lms loaded by mistake; says what happened, for the note. */
    private String unloadStray(String instanceId) {
        try {
            unloadInstance(instanceId);
            return "it was unloaded again";
        } catch (BackendException e) {
            LOG.debug("could not unload {}", instanceId, e);
            return "unloading it failed: " + e.getMessage();
        }
    }

    /** After a cancelled or timed-out lms load: the instances that appeared since are this client's to unload. */
    private void adoptNewInstances(String key, Listing before) {
        Listing now = listing(key);
        if (!now.known() || !before.known()) {
            return;
        }
        List<String> fresh = new ArrayList<>(now.ids());
        fresh.removeAll(before.ids());
        if (!fresh.isEmpty()) {
            synchronized (loadedByUs) {
                List<String> ids = loadedByUs.computeIfAbsent(key, k -> new ArrayList<>());
                fresh.stream().filter(id -> !ids.contains(id)).forEach(ids::add);
            }
            LOG.debug("the interrupted lms load of {} left {} loaded; unload removes it", key, fresh);
        }
    }

    /** Whether the configuration sets what only {@code lms load} can: parallel slots, GPU offload or a TTL. */
    private static boolean needsLms(LoadConfig config) {
        return config.parallel() != null || config.gpuOffload() != null || config.ttlSeconds() != null;
    }

    /** Why lms cannot load for this client, or {@code ""} when it can. */
    private String lmsUnusable() {
        if (lms == null) {
            return "lms is not installed";
        }
        URI api = endpoints.nativeUri("/api");
        if (!"/api".equals(api.getRawPath())) {
            return "lms cannot reach a server behind a path prefix";
        }
        String host = api.getHost();
        if (!isLoopback(host) && host.contains(":")) {
            return "lms cannot reach an IPv6 address";
        }
        return "";
    }

    /** {@code --host} for lms: {@code ""} for this machine (lms's own default, the privileged local client). */
    private String lmsHost() {
        String host = URI.create(endpoint()).getHost();
        return isLoopback(host) ? "" : host;
    }

    /** {@code --port} for lms: the base URL's port, or its scheme's default. */
    private int lmsPort() {
        URI uri = URI.create(endpoint());
        if (uri.getPort() > 0) {
            return uri.getPort();
        }
        return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    private static boolean isLoopback(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return h.equals("localhost") || h.startsWith("127.") || h.equals("[::1]") || h.equals("::1")
                || h.equals("[0:0:0:0:0:0:0:1]");
    }

    /** What the load could not do as asked, one line each. */
    private static List<String> notes(LoadConfig config, String method, String whyRest, int contextLength,
                                      int parallel) {
        List<String> notes = new ArrayList<>();
        List<String> unsupported = LmStudioJson.unsupportedLoadFields(config);
        if (!unsupported.isEmpty()) {
            notes.add(String.join(", ", unsupported) + " not applied: neither LM Studio's REST load nor lms load can"
                    + " set " + (unsupported.size() == 1 ? "it" : "them") + "; set "
                    + (unsupported.size() == 1 ? "it" : "them") + " in LM Studio's per-model defaults");
        }
        if ("lms".equals(method)) {
            List<String> restOnly = LmStudioJson.restOnlyLoadFields(config);
            if (!restOnly.isEmpty()) {
                notes.add(String.join(", ", restOnly) + " not applied: lms load has no flag for "
                        + (restOnly.size() == 1 ? "it" : "them"));
            }
            if (config.parallel() != null && parallel > 0 && parallel != config.parallel()) {
                notes.add("parallel " + config.parallel() + " asked, the instance has " + slots(parallel));
            }
        } else if (needsLms(config)) {
            String because = " not applied: LM Studio's REST load cannot set it and " + whyRest;
            if (config.parallel() != null) {
                notes.add("parallel " + config.parallel() + because + "; the instance has "
                        + (parallel > 0 ? slots(parallel) : "an unknown number of slots"));
            }
            if (config.gpuOffload() != null) {
                notes.add("GPU offload " + LmsLoad.gpu(config.gpuOffload()) + because);
            }
            if (config.ttlSeconds() != null) {
                notes.add("TTL " + config.ttlSeconds() + " s" + because);
            }
        }
        if (config.contextLength() > 0 && contextLength > 0 && contextLength != config.contextLength()) {
            notes.add("context length " + config.contextLength() + " asked, the instance has " + contextLength);
        }
        return notes;
    }

    private static String slots(int n) {
        return n + (n == 1 ? " slot" : " slots");
    }

    /**
     * The instances of one model as the model list shows them now.
     *
     * @param known           whether the list could be read
     * @param instancesListed whether it lists instances ({@code /api/v1/models}; {@code /api/v0/models} does not)
     * @param model           the model's entry, or {@code null} when it is not listed (or the list could not be read)
     */
    private record Listing(boolean known, boolean instancesListed, LmStudioModel model) {

        /** The instance ids, in the server's order; empty when unknown. */
        List<String> ids() {
            return model == null ? List.of() : model.loadedInstanceIds();
        }

        /** The instance's context length, v0's {@code loaded_context_length} when no instances are listed, or -1. */
        int contextLength(String instanceId) {
            if (model == null) {
                return -1;
            }
            return model.instance(instanceId).map(LmStudioModel.LoadedInstance::contextLength)
                    .orElse(model.loadedInstances().isEmpty() ? model.loadedContextLength() : -1);
        }

        /** The instance's parallel slots, or -1. */
        int parallel(String instanceId) {
            return model == null ? -1
                    : model.instance(instanceId).map(LmStudioModel.LoadedInstance::parallel).orElse(-1);
        }
    }

    /** The model's entry in the model list now; never throws (an unreadable list is logged at debug). */
    private Listing listing(String key) {
        try {
            List<LmStudioModel> models = nativeModels();
            boolean v1 = Boolean.TRUE.equals(v1Models.get());
            for (LmStudioModel m : models) {
                if (m.key().equals(key)) {
                    return new Listing(true, v1, m);
                }
            }
            return new Listing(true, v1, null);
        } catch (BackendException | RuntimeException e) {
            LOG.debug("could not list the instances of {}: {}", key, e.getMessage());
            return new Listing(false, false, null);
        }
    }

    private List<String> loadedByUs(String key) {
        synchronized (loadedByUs) {
            return List.copyOf(loadedByUs.getOrDefault(key, List.of()));
        }
    }

    /**
     * The instances of {@code model} listed now that were neither there before this client's first {@link #load} of
     * it nor loaded by this client: LM Studio's just-in-time loads of the model for concurrent requests
     * (lmstudio-bug-tracker #1751). They are remembered, so {@link #unload} removes them with this client's own, and
     * logged at debug (the engine warns, with the model's result). Empty when this client did not load the model or
     * the list cannot be read (logged at debug); never throws.
     *
     * @param model the model
     * @return the instance ids, sorted
     */
    /** Parallel slots are set only through {@code lms load --parallel}: true when {@code lms} is installed. */
    @Override
    public boolean loadsParallelSlots() {
        return lms != null;
    }

    @Override
    public List<String> duplicateInstances(ModelInfo model) {
        try {
            String key = model.id();
            Set<String> known;
            synchronized (loadedByUs) {
                Set<String> foreign = foreignInstances.get(key);
                if (foreign == null) {
                    return List.of();
                }
                known = new HashSet<>(foreign);
                known.addAll(loadedByUs.getOrDefault(key, List.of()));
            }
            Listing now = listing(key);
            List<String> found = now.ids().stream().filter(id -> !known.contains(id)).sorted().toList();
            if (found.isEmpty()) {
                return List.of();
            }
            boolean fresh;
            synchronized (loadedByUs) {
                fresh = duplicates.computeIfAbsent(key, k -> new LinkedHashSet<>()).addAll(found);
            }
            if (fresh) {
                // debug: the caller reports them (the engine warns once, with the model's result)
                LOG.debug("{}: LM Studio loaded the model again while it was measured ({}); unloading {} with the"
                        + " benchmark's own instance", key, String.join(", ", found),
                        found.size() == 1 ? "it" : "them");
            }
            return found;
        } catch (RuntimeException e) {
            LOG.debug("could not look for duplicate instances of {}", model == null ? "?" : model.id(), e);
            return List.of();
        }
    }

    /**
     * Unloads the instances of {@code model} that this client loaded, and the duplicates {@link #duplicateInstances}
     * found, one {@code POST /api/v1/models/unload} each (https://lmstudio.ai/docs/developer/rest/unload). Instances
     * the user or another program loaded before are never touched; when this client loaded none, nothing is sent. An
     * instance the server no longer has (404) counts as unloaded.
     *
     * @param model the model
     * @throws BackendException when an unload failed; the instances not unloaded stay remembered
     */
    @Override
    public void unload(ModelInfo model) throws BackendException {
        Objects.requireNonNull(model, "model");
        String key = model.id();
        List<String> ids;
        List<String> copies;
        synchronized (loadedByUs) {
            ids = loadedByUs.remove(key);
            Set<String> found = duplicates.remove(key);
            copies = found == null ? List.of() : List.copyOf(found);
        }
        if ((ids == null || ids.isEmpty()) && copies.isEmpty()) {
            LOG.debug("not unloading {}: this client did not load it", key);
            return;
        }
        unloadAll(key, ids == null ? List.of() : ids, rest -> {
            synchronized (loadedByUs) {
                loadedByUs.computeIfAbsent(key, k -> new ArrayList<>()).addAll(rest);
                if (!copies.isEmpty()) {
                    duplicates.computeIfAbsent(key, k -> new LinkedHashSet<>()).addAll(copies);
                }
            }
        });
        unloadAll(key, copies, rest -> {
            synchronized (loadedByUs) {
                duplicates.computeIfAbsent(key, k -> new LinkedHashSet<>()).addAll(rest);
            }
        });
        synchronized (loadedByUs) {
            foreignInstances.remove(key);
        }
        routes.remove(key);
    }

    /** Unloads each instance; on a failure hands the ones not unloaded to {@code restore} and rethrows. */
    private void unloadAll(String key, List<String> ids, Consumer<List<String>> restore)
            throws BackendException {
        for (int i = 0; i < ids.size(); i++) {
            try {
                unloadInstance(ids.get(i));
            } catch (BackendException e) {
                if (e.httpStatus() == 404) {
                    LOG.debug("instance {} of {} was already gone", ids.get(i), key);
                    continue;
                }
                restore.accept(ids.subList(i, ids.size()));
                throw e;
            }
        }
    }

    private void unloadInstance(String instanceId) throws BackendException {
        core.withDeadline(requestTimeout(), call -> {
            ClientCore.Opened opened = core.openOk(call, endpoints.nativeUri(UNLOAD),
                    lmJson.unloadRequest(instanceId), ClientCore.JSON);
            core.readPrefix(call, opened, ClientCore.MAX_ERROR_BODY_BYTES);
            return null;
        });
    }

    /** The request sent to this client's instance of its model when that instance is not named after the key. */
    private InferenceRequest routed(InferenceRequest request) {
        String instance = routes.get(request.model());
        return instance == null ? request : request.withModel(instance);
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
        return download(model, null, progress);
    }

    /**
     * Starts downloading one quantization of a model: {@code POST /api/v1/models/download} with the documented
     * {@code quantization} (https://lmstudio.ai/docs/developer/rest/download: for Hugging Face links); otherwise as
     * {@link #download(String, DownloadProgressListener)}.
     *
     * @param model        a catalog id or a Hugging Face URL
     * @param quantization the quantization to download, e.g. {@code Q4_K_M}, or {@code null} for LM Studio's choice
     * @param progress     receives every status, or {@code null}
     * @return the job
     * @throws BackendException when the download could not be started
     */
    public DownloadJob download(String model, String quantization, DownloadProgressListener progress)
            throws BackendException {
        Objects.requireNonNull(model, "model");
        byte[] body = lmJson.downloadRequest(model, quantization);
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
        InferenceResult result = withReloadOnUnload(request.model(), () -> inferOnce(routed(request)));
        if (key != null) {
            cache.put(key, new ResponseCache.CachedAnswer(result.content(), result.reasoning(), result.finishReason(),
                    result.usage(), ""));
        }
        return result;
    }

    private InferenceResult inferOnce(InferenceRequest request) throws BackendException {
        if (chatApi == ChatApi.V1_CHAT && request.draftModel().isEmpty()) {
            return inferV1(request);
        }
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

    /**
     * One measured request through {@code POST /api/v1/chat}, one-shot ({@code store: false}), as
     * {@link ChatApi#V1_CHAT} describes: the turn's timings and counts, and its {@code stats} with the client-seen
     * prompt-processing time as the server's prompt seconds.
     */
    private InferenceResult inferV1(InferenceRequest request) throws BackendException {
        ChatOptions options = ChatOptions.defaults().withSampling(request.sampling())
                .withMaxOutputTokens(request.maxTokens()).withStream(request.stream()).withTimeout(request.timeout())
                .withStore(false);
        ChatReply reply = chatOnce(request.model(), request.messageText(), "", options);
        ServerStats stats = reply.serverStats();
        if (stats.present() && !Double.isNaN(reply.promptProcessingSeconds())) {
            stats = stats.withPromptSeconds(reply.promptProcessingSeconds());
        }
        return new InferenceResult(reply.timings(), reply.usage(), reply.text(), reply.reasoning(), "", stats, false);
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
     * Which server this is: the normalized base URL, kind {@code lmstudio} ({@code lmstudio-v1-chat} when measured
     * through {@link ChatApi#V1_CHAT}), no version (LM Studio's REST API does not report the app's version), and the
     * runtime (engine), e.g. {@code llama.cpp-linux-x86_64-avx2 1.50.0}: the one
     * the last {@code /api/v0} chat answer named in its {@code runtime} object, or else, with an
     * {@link Builder#lms(LmsCli) lms} that can reach the server, the selected one {@code lms runtime ls} names
     * ({@link LmsCli#runtime(String, int)}, asked once per client, so the runtime is known before the first chat), or
     * {@code ""}. Sends no HTTP request; never throws.
     *
     * @return the server's identity
     */
    @Override
    public ServerInfo server() {
        if (runtime.get().isEmpty() && lms != null) {
            askLmsForRuntime();
        }
        // measured through another endpoint, the figures beside the client's differ: another identity
        return new ServerInfo(Endpoints.normalizedBaseUrl(endpoint()),
                chatApi == ChatApi.V1_CHAT ? "lmstudio-v1-chat" : "lmstudio", "", runtime.get());
    }

    private void askLmsForRuntime() {
        synchronized (lmsRuntimeAsked) {
            if (lmsRuntimeAsked.getAndSet(true) || !lmsUnusable().isEmpty()) {
                return;
            }
            try {
                String named = lms.runtime(lmsHost(), lmsPort());
                if (!named.isEmpty() && runtime.compareAndSet("", named)) {
                    LOG.debug("lms names the selected runtime: {}", named);
                }
            } catch (BackendException | RuntimeException e) {
                LOG.debug("lms could not name the runtime: {}", e.getMessage());
            }
        }
    }

    // ---- lifecycle ----

    /** Aborts every call in flight; each blocked call throws {@link Kind#CANCELLED} promptly. Thread-safe. */
    @Override
    public void cancelInFlight() {
        core.cancelInFlight();
        if (lms != null) {
            lms.cancelRunning();
        }
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
