package dev.lmsbench.core.config;

import dev.lmsbench.core.model.BenchmarkSettings;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every configuration key, with its one documented default. The sections follow seed 000: root ({@code prompt},
 * {@code context_length}, {@code num_runs}), {@code lmstudio}, {@code inference}, {@code load}; a few keys of our own
 * ({@code warmup_runs}, {@code request_timeout_s}, {@code prompt_cache}) sit at the root.
 * {@code docs/configuration.md} documents each.
 */
public final class ConfigKeys {

    private ConfigKeys() {
    }

    /** The prompt of every request. */
    public static final ConfigKey<String> PROMPT = ConfigKey.string("prompt", BenchmarkSettings.DEFAULT_PROMPT,
            "--prompt", "the user message sent in every request");
    /** Context length to load models with. */
    public static final ConfigKey<Integer> CONTEXT_LENGTH = ConfigKey.integer("context_length", 4096, 0,
            Integer.MAX_VALUE, "--context", "context length (tokens) models are loaded with; 0 = server default");
    /** Measured runs per model. */
    public static final ConfigKey<Integer> NUM_RUNS = ConfigKey.integer("num_runs", 3, 1, 100_000, "--runs",
            "measured runs per model");
    /** Warmup requests per model. */
    public static final ConfigKey<Integer> WARMUP_RUNS = ConfigKey.integer("warmup_runs", 1, 0, 10_000, "--warmup",
            "warmup requests per model, excluded from summaries");
    /** Per-request timeout. */
    public static final ConfigKey<Integer> REQUEST_TIMEOUT_S = ConfigKey.integer("request_timeout_s", 300, 1,
            86_400, "--request-timeout", "longest one request may take, end to end, in seconds");

    /** Whether the server's prompt cache is defeated ({@code off}) or used on purpose ({@code reuse}). */
    public static final ConfigKey<String> PROMPT_CACHE = ConfigKey.choice("prompt_cache", "off",
            List.of("off", "reuse"), "--prompt-cache",
            "off: every request starts with a unique line so the server's prompt cache cannot answer it (and llama.cpp"
                    + " gets cache_prompt false); reuse: the identical prompt every time, to measure cached TTFT");
    /** Which API the server is spoken to with: detected, or forced. */
    public static final ConfigKey<String> BACKEND = ConfigKey.choice("backend", "auto",
            List.of("auto", "lmstudio", "openai", "llamacpp", "ollama"), "--backend",
            "the server's API: auto (detected), lmstudio (native REST), openai or llamacpp (OpenAI-compatible),"
                    + " ollama (native)");
    /** A Hugging Face tokenizer.json that counts tokens when the server sends no usage. */
    public static final ConfigKey<String> TOKENIZER_FILE = ConfigKey.string("tokenizer_file", null, "--tokenizer",
            "a Hugging Face tokenizer.json that counts tokens when the server sends no usage and has no tokenizer"
                    + " endpoint (else the chars-per-token estimate)");

    /** LM Studio host. */
    public static final ConfigKey<String> HOST = ConfigKey.string("lmstudio.host", "localhost", "",
            "host of the LM Studio server (with the first port it forms the default --base-url)");
    /** LM Studio ports, tried in order. */
    public static final ConfigKey<List<Integer>> PORTS = ConfigKey.ports("lmstudio.ports", List.of(1234, 1235), "",
            "ports of the LM Studio server, tried in order");
    /** Bearer token. */
    public static final ConfigKey<String> API_TOKEN = ConfigKey.string("lmstudio.api_token", null, "--api-token",
            "bearer token sent with every request");
    /** Use LM Studio's REST API (rather than only the OpenAI-compatible one). */
    public static final ConfigKey<Boolean> USE_REST_API = ConfigKey.bool("lmstudio.use_rest_api", true,
            "--use-rest-api", "use LM Studio's native REST API (model metadata, load/unload, server stats)");

    /** Temperature. */
    public static final ConfigKey<Double> TEMPERATURE = ConfigKey.number("inference.temperature", 0.1, 0, 2,
            "--temperature", "sampling temperature");
    /** Top-k. */
    public static final ConfigKey<Integer> TOP_K = ConfigKey.integer("inference.top_k_sampling", null, 0, 100_000,
            "--top-k", "top-k sampling; unset = server default");
    /** Top-p. */
    public static final ConfigKey<Double> TOP_P = ConfigKey.number("inference.top_p_sampling", null, 0, 1, "--top-p",
            "nucleus (top-p) sampling; unset = server default");
    /** Min-p. */
    public static final ConfigKey<Double> MIN_P = ConfigKey.number("inference.min_p_sampling", null, 0, 1, "--min-p",
            "min-p sampling; unset = server default");
    /** Repeat penalty. */
    public static final ConfigKey<Double> REPEAT_PENALTY = ConfigKey.number("inference.repeat_penalty", null, 0.01,
            10, "--repeat-penalty", "repeat penalty; unset = server default");
    /** Max tokens. */
    public static final ConfigKey<Integer> MAX_TOKENS = ConfigKey.integer("inference.max_tokens", 256, 1, 1_000_000,
            "--max-tokens", "max_tokens of every request");

    /** GPU layers. */
    public static final ConfigKey<Integer> N_GPU_LAYERS = ConfigKey.integer("load.n_gpu_layers", null, -1, 100_000,
            "--n-gpu-layers", "layers offloaded to the GPU, -1 = all; unset = server default");
    /** Batch size. */
    public static final ConfigKey<Integer> N_BATCH = ConfigKey.integer("load.n_batch", null, 1, 1_000_000,
            "--n-batch", "evaluation batch size; unset = server default");
    /** CPU threads. */
    public static final ConfigKey<Integer> N_THREADS = ConfigKey.integer("load.n_threads", null, -1, 4096,
            "--n-threads", "CPU threads, -1 = automatic; unset = server default");
    /** Flash attention. */
    public static final ConfigKey<Boolean> FLASH_ATTENTION = ConfigKey.bool("load.flash_attention", null,
            "--flash-attention", "flash attention on/off; unset = server default");
    /** RoPE base. */
    public static final ConfigKey<Double> ROPE_FREQ_BASE = ConfigKey.number("load.rope_freq_base", null, 0.000001,
            1e12, "--rope-freq-base", "RoPE frequency base; unset = model default");
    /** RoPE scale. */
    public static final ConfigKey<Double> ROPE_FREQ_SCALE = ConfigKey.number("load.rope_freq_scale", null, 0.000001,
            1e6, "--rope-freq-scale", "RoPE frequency scale; unset = model default");
    /** mmap. */
    public static final ConfigKey<Boolean> USE_MMAP = ConfigKey.bool("load.use_mmap", null, "--use-mmap",
            "memory-map the model file; unset = server default");
    /** mlock. */
    public static final ConfigKey<Boolean> USE_MLOCK = ConfigKey.bool("load.use_mlock", null, "--use-mlock",
            "lock the model in RAM; unset = server default");
    /** KV cache quantization. */
    public static final ConfigKey<String> KV_CACHE_QUANT = ConfigKey.choice("load.kv_cache_quant", null,
            List.of("f32", "f16", "bf16", "q8_0", "q5_1", "q5_0", "q4_1", "q4_0", "iq4_nl"), "--kv-cache-quant",
            "KV-cache quantization; unset = server default");

    /** Experts per token of mixture-of-experts models. */
    public static final ConfigKey<Integer> NUM_EXPERTS = ConfigKey.integer("load.num_experts", null, 1, 1024,
            "--num-experts", "experts used per token by mixture-of-experts models; unset = model default");
    /** KV cache in GPU memory. */
    public static final ConfigKey<Boolean> OFFLOAD_KV_CACHE = ConfigKey.bool("load.offload_kv_cache_to_gpu", null,
            "--offload-kv-cache", "keep the KV cache in GPU memory on/off; unset = server default");

    /** The LM Studio endpoint measured requests go to. */
    public static final ConfigKey<String> LMSTUDIO_CHAT_API = ConfigKey.choice("lmstudio.chat_api", "v0",
            List.of("v0", "v1"), "--lmstudio-chat", "LM Studio endpoint of measured requests: v0 = /api/v0/chat/"
                    + "completions (usage, finish_reason; stats only on non-streamed answers), v1 = /api/v1/chat"
                    + " (stats on streamed answers too, prompt-processing time)");
    /** GPU offload ratio. */
    public static final ConfigKey<Double> GPU_OFFLOAD = ConfigKey.number("load.gpu_offload", null, 0, 1,
            "--gpu-offload", "share of the model offloaded to the GPU, 0 (off) to 1 (max); set through lms load;"
                    + " unset = server default");
    /** Idle TTL. */
    public static final ConfigKey<Integer> TTL_S = ConfigKey.integer("load.ttl_s", null, 1, 31_536_000, "--ttl",
            "seconds of idleness after which LM Studio may unload the model (lms load --ttl, chat requests' ttl);"
                    + " unset = server default");
    /** Draft model for speculative decoding. */
    public static final ConfigKey<String> DRAFT_MODEL = ConfigKey.string("draft_model", null, "--draft-model",
            "draft model for speculative decoding (LM Studio's draft_model), sent with every request; unset = none");

    /** All keys, in documentation order. */
    public static final List<ConfigKey<?>> ALL = List.of(PROMPT, CONTEXT_LENGTH, NUM_RUNS, WARMUP_RUNS,
            REQUEST_TIMEOUT_S, PROMPT_CACHE, BACKEND, TOKENIZER_FILE, HOST, PORTS, API_TOKEN, USE_REST_API, TEMPERATURE, TOP_K, TOP_P,
            MIN_P, REPEAT_PENALTY, MAX_TOKENS, N_GPU_LAYERS, N_BATCH, N_THREADS, FLASH_ATTENTION, ROPE_FREQ_BASE,
            ROPE_FREQ_SCALE, USE_MMAP, USE_MLOCK, KV_CACHE_QUANT, NUM_EXPERTS, OFFLOAD_KV_CACHE, GPU_OFFLOAD, TTL_S,
            DRAFT_MODEL, LMSTUDIO_CHAT_API);

    private static final Map<String, ConfigKey<?>> BY_PATH;

    static {
        Map<String, ConfigKey<?>> m = new LinkedHashMap<>();
        for (ConfigKey<?> k : ALL) {
            m.put(k.path(), k);
        }
        BY_PATH = Map.copyOf(m);
    }

    /** The key with that dotted path. @param path e.g. {@code load.n_batch} @return the key, if known */
    public static Optional<ConfigKey<?>> byPath(String path) {
        return Optional.ofNullable(BY_PATH.get(path));
    }

    /** The key a long flag sets. @param flag e.g. {@code --top-k} @return the key, if any */
    public static Optional<ConfigKey<?>> byFlag(String flag) {
        return ALL.stream().filter(k -> k.flag().equals(flag)).findFirst();
    }

    /** The section names (the first part of dotted keys). @return {@code lmstudio}, {@code inference}, {@code load} */
    public static List<String> sections() {
        return List.of("lmstudio", "inference", "load");
    }
}
