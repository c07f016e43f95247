package dev.lmsbench.sim;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What the simulator serves and where.
 *
 * <p>{@code SimConfig.defaults().withPort(1234).withTokensPerSecond(400)} serves the default models on port 1234,
 * all decoding at 400 tokens per second.
 *
 * @param host       address to bind, {@code 127.0.0.1} when null or blank
 * @param port       port to bind, {@code 0} for any free port
 * @param models     the models served, at least one, unique ids
 * @param seed       seed of every random choice (jitter, generated text, response ids)
 * @param apiToken   required bearer token, or {@code ""} (null is normalized) for no authentication
 * @param pathPrefix prefix of every OpenAI-compatible endpoint: {@code /v1} when null, {@code ""} to serve at the
 *                   root like some loose servers do; LM Studio's native {@code /api/v0} and {@code /api/v1}
 *                   endpoints are always at the root
 * @param jitLoading   whether a chat request for a model that is not loaded loads it first (LM Studio's JIT loading,
 *                     on by default); when off such a request fails
 * @param jitAutoEvict whether a just-in-time load first unloads the models loaded just in time before it (LM Studio's
 *                     Auto-Evict, on by default); models loaded through {@code /api/v1/models/load} stay
 * @param memoryBytes  the simulated machine's memory for loaded models (VRAM plus RAM); a load that would exceed it
 *                     fails
 * @param downloadMs   how long a simulated download through {@code /api/v1/models/download} takes
 * @param downloadSizeBytes the size such a download reports
 * @param tokenizeEndpoint whether the sim also serves llama.cpp's and vLLM's {@code POST /tokenize} (at the root),
 *                         counting with its own {@link PromptTokenizer}; off by default, as LM Studio has none
 * @param quirks           which of LM Studio's real deviations from its documentation the sim reproduces;
 *                         {@link LmStudioQuirks#ALL} when null (the default), {@link LmStudioQuirks#NONE} for the
 *                         polite simulator
 * @param defaultParallel  parallel prediction slots of an instance loaded through {@code /api/v1/models/load}, just
 *                         in time, or through Ollama's API, {@code >= 1}; LM Studio gives API and JIT loads 4
 *                         (lmstudio-bug-tracker #2061)
 * @param maxConcurrentRequests a global cap over all models and surfaces: at most this many chat requests are
 *                         processed (prompt processing or decoding) at once, the rest wait in arrival order (FIFO) and
 *                         the wait is part of their TTFT; {@code 0} (the default) for no cap beyond the instances'
 *                         parallel slots
 * @param faults           the fault plan the server starts with ({@link FaultPlan#NONE} when null)
 */
public record SimConfig(String host, int port, List<SimModel> models, long seed, String apiToken, String pathPrefix,
        boolean jitLoading, boolean jitAutoEvict, long memoryBytes, long downloadMs, long downloadSizeBytes,
        boolean tokenizeEndpoint, LmStudioQuirks quirks, int defaultParallel, int maxConcurrentRequests,
        FaultPlan faults) {

    /** The default bind address: loopback only, never exposed by accident. */
    public static final String DEFAULT_HOST = "127.0.0.1";
    /** The default endpoint prefix, as OpenAI and LM Studio use. */
    public static final String DEFAULT_PATH_PREFIX = "/v1";
    /** The default seed. */
    public static final long DEFAULT_SEED = 42L;
    /** The default memory budget: 24 GiB, a 24 GB graphics card or a mid-size unified-memory machine. */
    public static final long DEFAULT_MEMORY_BYTES = 24L * 1024 * 1024 * 1024;
    /** The default duration of a simulated download. */
    public static final long DEFAULT_DOWNLOAD_MS = 2_000;
    /** The default size of a simulated download: a 7B model at Q4_K_M. */
    public static final long DEFAULT_DOWNLOAD_SIZE_BYTES = 4_368_438_944L;
    /** Parallel slots of API and JIT loads, as LM Studio gives them (lmstudio-bug-tracker #2061). */
    public static final int DEFAULT_PARALLEL = 4;

    /** Validates and normalizes absent values. */
    public SimConfig {
        host = host == null || host.isBlank() ? DEFAULT_HOST : host.strip();
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be in [0, 65535], got " + port);
        }
        Objects.requireNonNull(models, "models");
        models = List.copyOf(models);
        if (models.isEmpty()) {
            throw new IllegalArgumentException("models must not be empty");
        }
        Set<String> ids = new HashSet<>();
        for (SimModel model : models) {
            if (!ids.add(model.id())) {
                throw new IllegalArgumentException("models must have unique ids, '" + model.id() + "' appears twice");
            }
        }
        apiToken = apiToken == null ? "" : apiToken;
        pathPrefix = pathPrefix == null ? DEFAULT_PATH_PREFIX : pathPrefix;
        if (!pathPrefix.isEmpty() && (!pathPrefix.startsWith("/") || pathPrefix.endsWith("/"))) {
            throw new IllegalArgumentException(
                    "pathPrefix must be \"\" or start with '/' and not end with '/', got '" + pathPrefix + "'");
        }
        if (memoryBytes <= 0) {
            throw new IllegalArgumentException("memoryBytes must be > 0, got " + memoryBytes);
        }
        if (downloadMs < 0) {
            throw new IllegalArgumentException("downloadMs must be >= 0, got " + downloadMs);
        }
        if (downloadSizeBytes <= 0) {
            throw new IllegalArgumentException("downloadSizeBytes must be > 0, got " + downloadSizeBytes);
        }
        quirks = quirks == null ? LmStudioQuirks.ALL : quirks;
        if (defaultParallel < 1) {
            throw new IllegalArgumentException("defaultParallel must be >= 1, got " + defaultParallel);
        }
        if (maxConcurrentRequests < 0) {
            throw new IllegalArgumentException("maxConcurrentRequests must be >= 0 (0: no cap), got "
                    + maxConcurrentRequests);
        }
        faults = faults == null ? FaultPlan.NONE : faults;
    }

    /**
     * A configuration without a global concurrency cap or injected failures.
     *
     * @see #SimConfig(String, int, List, long, String, String, boolean, boolean, long, long, long, boolean,
     *      LmStudioQuirks, int, int, FaultPlan)
     */
    public SimConfig(String host, int port, List<SimModel> models, long seed, String apiToken, String pathPrefix,
            boolean jitLoading, boolean jitAutoEvict, long memoryBytes, long downloadMs, long downloadSizeBytes,
            boolean tokenizeEndpoint, LmStudioQuirks quirks, int defaultParallel) {
        this(host, port, models, seed, apiToken, pathPrefix, jitLoading, jitAutoEvict, memoryBytes, downloadMs,
                downloadSizeBytes, tokenizeEndpoint, quirks, defaultParallel, 0, FaultPlan.NONE);
    }

    /**
     * A configuration with all LM Studio quirks on and {@link #DEFAULT_PARALLEL} slots per instance.
     *
     * @see #SimConfig(String, int, List, long, String, String, boolean, boolean, long, long, long, boolean,
     *      LmStudioQuirks, int)
     */
    public SimConfig(String host, int port, List<SimModel> models, long seed, String apiToken, String pathPrefix,
                     boolean jitLoading, boolean jitAutoEvict, long memoryBytes, long downloadMs,
                     long downloadSizeBytes, boolean tokenizeEndpoint) {
        this(host, port, models, seed, apiToken, pathPrefix, jitLoading, jitAutoEvict, memoryBytes, downloadMs,
                downloadSizeBytes, tokenizeEndpoint, LmStudioQuirks.ALL, DEFAULT_PARALLEL);
    }

    /**
     * A configuration without a {@code /tokenize} endpoint.
     *
     * @see #SimConfig(String, int, List, long, String, String, boolean, boolean, long, long, long, boolean,
     *      LmStudioQuirks, int)
     */
    public SimConfig(String host, int port, List<SimModel> models, long seed, String apiToken, String pathPrefix,
                     boolean jitLoading, boolean jitAutoEvict, long memoryBytes, long downloadMs,
                     long downloadSizeBytes) {
        this(host, port, models, seed, apiToken, pathPrefix, jitLoading, jitAutoEvict, memoryBytes, downloadMs,
                downloadSizeBytes, false, LmStudioQuirks.ALL, DEFAULT_PARALLEL);
    }

    /** This configuration with or without the {@code POST /tokenize} endpoint. */
    public SimConfig withTokenizeEndpoint(boolean value) {
        return new SimConfig(host, port, models, seed, apiToken, pathPrefix, jitLoading, jitAutoEvict, memoryBytes,
                downloadMs, downloadSizeBytes, value, quirks, defaultParallel, maxConcurrentRequests, faults);
    }

    /**
     * A configuration with the LM Studio state defaults: all quirks on, 4 parallel slots per instance, JIT loading
     * and Auto-Evict on, a
     * {@link #DEFAULT_MEMORY_BYTES} budget, {@link #DEFAULT_DOWNLOAD_MS} downloads of
     * {@link #DEFAULT_DOWNLOAD_SIZE_BYTES}.
     */
    public SimConfig(String host, int port, List<SimModel> models, long seed, String apiToken, String pathPrefix) {
        this(host, port, models, seed, apiToken, pathPrefix, true, true, DEFAULT_MEMORY_BYTES, DEFAULT_DOWNLOAD_MS,
                DEFAULT_DOWNLOAD_SIZE_BYTES);
    }

    /**
     * Loopback, a free port, no token, {@code /v1}, seed 42, JIT loading with Auto-Evict, a 24 GiB memory budget and
     * three models of different speed, size and quantization; one of them reasons before it answers:
     * <ul>
     *   <li>{@code sim/llama-3.2-3b-instruct@q4_k_m}: 3B, 60 ms TTFT, 95 tok/s, 96 tokens, 2.0 GB (loads in 0.5 s),
     *       trained for tool use</li>
     *   <li>{@code sim/qwen3-8b@q8_0}: 8B, 150 ms TTFT, 38 tok/s, 24 reasoning + 64 content tokens, 8.7 GB (2.2 s),
     *       trained for tool use</li>
     *   <li>{@code sim/mistral-7b-instruct-v0.3@q5_k_m}: 7B, a vision model ({@code vlm}), 110 ms TTFT, 55 tok/s,
     *       72 tokens, 5.1 GB (1.3 s)</li>
     * </ul>
     * Each adds a prompt-processing term to TTFT and 5 % jitter. All are {@code gguf}.
     */
    public static SimConfig defaults() {
        return new SimConfig(DEFAULT_HOST, 0, defaultModels(), DEFAULT_SEED, "", DEFAULT_PATH_PREFIX);
    }

    /** The three default models described in {@link #defaults()}. */
    public static List<SimModel> defaultModels() {
        return List.of(
                new SimModel("sim/llama-3.2-3b-instruct@q4_k_m", "llm", "lmstudio-community", "llama", "Q4_K_M",
                        2_019_377_696L, 131_072, 60, 95, 2_400, 0.05, 0, 96, true)
                        .withNativeMetadata("gguf", "3B", false, true),
                new SimModel("sim/qwen3-8b@q8_0", "llm", "lmstudio-community", "qwen3", "Q8_0",
                        8_709_518_624L, 40_960, 150, 38, 900, 0.05, 24, 88, true)
                        .withNativeMetadata("gguf", "8B", false, true),
                // a vision model, so clients see LM Studio's vlm type and vision capability
                new SimModel("sim/mistral-7b-instruct-v0.3@q5_k_m", "vlm", "lmstudio-community", "mistral", "Q5_K_M",
                        5_136_175_040L, 32_768, 110, 55, 1_300, 0.05, 0, 72, true)
                        .withNativeMetadata("gguf", "7B", true, false));
    }

    /**
     * Reads a configuration file of the shape below. Absent keys take the values of {@link #defaults()}; unknown keys are errors so typos do not pass silently.
     *
     * <pre>{@code
     * {
     *   "host": "127.0.0.1", "port": 1234, "seed": 7, "api_token": "", "path_prefix": "/v1",
     *   "jit_loading": true, "jit_auto_evict": true, "memory_bytes": 25769803776,
     *   "download_ms": 2000, "download_size_bytes": 4368438944, "tokenize_endpoint": false,
     *   "lmstudio_quirks": {"usage_off_by_one": false}, "default_parallel": 4,
     *   "max_concurrent_requests": 0, "first_request_delay_ms": 0,
     *   "faults": {"fail_next": 0, "after": 0, "status": 503, "message": "..."},
     *   "models": [
     *     { "id": "sim/my-model@q4_k_m", "tokens_per_second": 80,
     *       "ttft_ms": 90, "prompt_tokens_per_second": 1500, "jitter_fraction": 0.05,
     *       "reasoning_tokens": 0, "response_tokens": 96, "sends_usage": true,
     *       "type": "llm", "publisher": "me", "architecture": "llama", "quantization": "Q4_K_M",
     *       "size_bytes": 4200000000, "max_context_length": 8192,
     *       "format": "gguf", "params_string": "7B", "vision": false, "trained_for_tool_use": true,
     *       "load_ms": 1050, "memory_bytes": 5000000000, "fail_first_requests_with_model_unloaded": 0,
     *       "cpu_tokens_per_second": 16, "draft_acceptance_rate": 0.75, "first_request_delay_ms": 400 }
     *   ]
     * }
     * }</pre>
     * Only {@code models}, and {@code id} and {@code tokens_per_second} in each model, are required. A model's absent
     * keys default to: {@code ttft_ms} 100, {@code prompt_tokens_per_second} 0, {@code jitter_fraction} 0,
     * {@code reasoning_tokens} 0, {@code response_tokens} 96, {@code sends_usage} true, {@code type} llm, other strings
     * {@code ""}, {@code size_bytes} and {@code max_context_length} -1, {@code format} (or
     * {@code compatibility_type}) gguf, {@code vision} true for type vlm, {@code trained_for_tool_use} false,
     * {@code load_ms} one second per 4 GB of {@code size_bytes} (at most 10 s), {@code memory_bytes} the estimate of
     * {@link SimModel#memoryBytes(int)}, {@code fail_first_requests_with_model_unloaded} 0,
     * {@code cpu_tokens_per_second} a fifth of {@code tokens_per_second}, {@code draft_acceptance_rate} 0.75,
     * {@code first_request_delay_ms} the top-level {@code first_request_delay_ms} (itself 0 by default).
     * {@code max_concurrent_requests} is 0 (no global cap); {@code faults} is an object of {@code fail_next} and
     * {@code after} (0), {@code status} (503) and {@code message} ({@link FaultPlan#DEFAULT_MESSAGE}), see
     * {@link FaultPlan}.
     * {@code lmstudio_quirks} is {@code true} (all on, the default), {@code false} (all off) or an object of booleans
     * by quirk name ({@link LmStudioQuirks#NAMES}; absent names stay on). JSON {@code null} counts as absent.
     *
     * @throws IllegalArgumentException with a one-line message naming the file and the key, when the file cannot be
     *                                  read, is not JSON, or holds a bad value
     */
    public static SimConfig fromJson(Path file) {
        return ConfigReader.read(file);
    }

    /** The model with that id, if served. */
    public Optional<SimModel> model(String id) {
        return models.stream().filter(m -> m.id().equals(id)).findFirst();
    }

    /** Whether requests must carry {@code Authorization: Bearer <apiToken>}. */
    public boolean requiresAuth() {
        return !apiToken.isEmpty();
    }

    /** Every model decoding at {@code tokens_per_second}. */
    public SimConfig withTokensPerSecond(double tokensPerSecond) {
        return withModels(models.stream().map(m -> m.withTokensPerSecond(tokensPerSecond)).toList());
    }

    /** Every model with a TTFT of exactly {@code ttft_ms}: the prompt-processing term is dropped. */
    public SimConfig withTtftMs(double ttftMs) {
        return withModels(models.stream().map(m -> m.withTtftMs(ttftMs)).toList());
    }

    /** Every model taking {@code loadMs} milliseconds to load ({@code 0}: instantly), whatever its size. */
    public SimConfig withLoadMs(long loadMs) {
        if (loadMs < 0) {
            throw new IllegalArgumentException("loadMs must be >= 0, got " + loadMs);
        }
        return withModels(models.stream().map(m -> m.withLoadMs(loadMs)).toList());
    }

    /** Every model with that jitter fraction ({@code 0} for an exact schedule). */
    public SimConfig withJitterFraction(double jitterFraction) {
        return withModels(models.stream().map(m -> m.withJitterFraction(jitterFraction)).toList());
    }

    /** This configuration serving other models. */
    public SimConfig withModels(List<SimModel> newModels) {
        return new SimConfig(host, port, newModels, seed, apiToken, pathPrefix, jitLoading, jitAutoEvict,
                memoryBytes, downloadMs, downloadSizeBytes, tokenizeEndpoint, quirks, defaultParallel,
                maxConcurrentRequests, faults);
    }

    /** Like the generated one, but the token is masked so logging a configuration never leaks it. */
    @Override
    public String toString() {
        return "SimConfig[host=" + host + ", port=" + port + ", models=" + models + ", seed=" + seed
                + ", apiToken=" + (apiToken.isEmpty() ? "" : "***") + ", pathPrefix=" + pathPrefix
                + ", jitLoading=" + jitLoading + ", jitAutoEvict=" + jitAutoEvict + ", memoryBytes=" + memoryBytes
                + ", downloadMs=" + downloadMs + ", downloadSizeBytes=" + downloadSizeBytes + ", tokenizeEndpoint="
                + tokenizeEndpoint + ", quirks=" + quirks + ", defaultParallel=" + defaultParallel
                + ", maxConcurrentRequests=" + maxConcurrentRequests + ", faults=" + faults + "]";
    }

    /** This configuration on another bind address. */
    public SimConfig withHost(String newHost) {
        return new SimConfig(newHost, port, models, seed, apiToken, pathPrefix, jitLoading, jitAutoEvict,
                memoryBytes, downloadMs, downloadSizeBytes, tokenizeEndpoint, quirks, defaultParallel,
                maxConcurrentRequests, faults);
    }

    /** This configuration on another port ({@code 0} for any free port). */
    public SimConfig withPort(int newPort) {
        return new SimConfig(host, newPort, models, seed, apiToken, pathPrefix, jitLoading, jitAutoEvict,
                memoryBytes, downloadMs, downloadSizeBytes, tokenizeEndpoint, quirks, defaultParallel,
                maxConcurrentRequests, faults);
    }

    /** This configuration with another seed. */
    public SimConfig withSeed(long newSeed) {
        return new SimConfig(host, port, models, newSeed, apiToken, pathPrefix, jitLoading, jitAutoEvict,
                memoryBytes, downloadMs, downloadSizeBytes, tokenizeEndpoint, quirks, defaultParallel,
                maxConcurrentRequests, faults);
    }

    /** This configuration requiring that bearer token ({@code ""} or null for none). */
    public SimConfig withApiToken(String newApiToken) {
        return new SimConfig(host, port, models, seed, newApiToken, pathPrefix, jitLoading, jitAutoEvict,
                memoryBytes, downloadMs, downloadSizeBytes, tokenizeEndpoint, quirks, defaultParallel,
                maxConcurrentRequests, faults);
    }

    /** This configuration serving under another prefix ({@code ""} for the root). */
    public SimConfig withPathPrefix(String newPathPrefix) {
        return new SimConfig(host, port, models, seed, apiToken, newPathPrefix, jitLoading, jitAutoEvict,
                memoryBytes, downloadMs, downloadSizeBytes, tokenizeEndpoint, quirks, defaultParallel,
                maxConcurrentRequests, faults);
    }

    /** This configuration with JIT loading on or off. */
    public SimConfig withJitLoading(boolean newJitLoading) {
        return new SimConfig(host, port, models, seed, apiToken, pathPrefix, newJitLoading, jitAutoEvict,
                memoryBytes, downloadMs, downloadSizeBytes, tokenizeEndpoint, quirks, defaultParallel,
                maxConcurrentRequests, faults);
    }

    /** This configuration with Auto-Evict of JIT-loaded models on or off. */
    public SimConfig withJitAutoEvict(boolean newJitAutoEvict) {
        return new SimConfig(host, port, models, seed, apiToken, pathPrefix, jitLoading, newJitAutoEvict,
                memoryBytes, downloadMs, downloadSizeBytes, tokenizeEndpoint, quirks, defaultParallel,
                maxConcurrentRequests, faults);
    }

    /** This configuration with another memory budget for loaded models. */
    public SimConfig withMemoryBytes(long newMemoryBytes) {
        return new SimConfig(host, port, models, seed, apiToken, pathPrefix, jitLoading, jitAutoEvict,
                newMemoryBytes, downloadMs, downloadSizeBytes, tokenizeEndpoint, quirks, defaultParallel,
                maxConcurrentRequests, faults);
    }

    /** This configuration with simulated downloads of {@code sizeBytes} taking {@code durationMs}. */
    public SimConfig withDownloads(long durationMs, long sizeBytes) {
        return new SimConfig(host, port, models, seed, apiToken, pathPrefix, jitLoading, jitAutoEvict, memoryBytes,
                durationMs, sizeBytes, tokenizeEndpoint, quirks, defaultParallel,
                maxConcurrentRequests, faults);
    }

    /** Every model answering its first {@code count} chat requests with {@code Model unloaded}. */
    public SimConfig withFailFirstRequestsWithModelUnloaded(int count) {
        return withModels(models.stream().map(m -> m.withFailFirstRequestsWithModelUnloaded(count)).toList());
    }

    /**
     * This configuration with other LM Studio quirks: {@link LmStudioQuirks#ALL} (the default) for LM Studio as it
     * really is, {@link LmStudioQuirks#NONE} for the polite simulator.
     */
    public SimConfig withQuirks(LmStudioQuirks newQuirks) {
        return new SimConfig(host, port, models, seed, apiToken, pathPrefix, jitLoading, jitAutoEvict, memoryBytes,
                downloadMs, downloadSizeBytes, tokenizeEndpoint, newQuirks, defaultParallel,
                maxConcurrentRequests, faults);
    }

    /** This configuration giving API, JIT and Ollama loads {@code slots} parallel prediction slots. */
    public SimConfig withDefaultParallel(int slots) {
        return new SimConfig(host, port, models, seed, apiToken, pathPrefix, jitLoading, jitAutoEvict, memoryBytes,
                downloadMs, downloadSizeBytes, tokenizeEndpoint, quirks, slots, maxConcurrentRequests, faults);
    }

    /**
     * This configuration processing at most {@code cap} chat requests at once over all models and surfaces, the
     * rest queued FIFO ({@code 0}: no cap).
     */
    public SimConfig withMaxConcurrentRequests(int cap) {
        return new SimConfig(host, port, models, seed, apiToken, pathPrefix, jitLoading, jitAutoEvict, memoryBytes,
                downloadMs, downloadSizeBytes, tokenizeEndpoint, quirks, defaultParallel, cap, faults);
    }

    /** This configuration starting with that fault plan ({@link FaultPlan#NONE} for none). */
    public SimConfig withFaults(FaultPlan plan) {
        return new SimConfig(host, port, models, seed, apiToken, pathPrefix, jitLoading, jitAutoEvict, memoryBytes,
                downloadMs, downloadSizeBytes, tokenizeEndpoint, quirks, defaultParallel, maxConcurrentRequests, plan);
    }

    /** Every model making its first chat request after each load wait {@code delayMs} (lazy initialisation). */
    public SimConfig withFirstRequestDelayMs(double delayMs) {
        return withModels(models.stream().map(m -> m.withFirstRequestDelayMs(delayMs)).toList());
    }
}
