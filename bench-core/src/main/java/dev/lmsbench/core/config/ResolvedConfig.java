package dev.lmsbench.core.config;

import dev.lmsbench.core.model.BenchmarkSettings;
import dev.lmsbench.core.model.LoadConfig;
import dev.lmsbench.core.model.PromptCache;
import dev.lmsbench.core.model.SamplingParams;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The merged configuration: for each key, the value of the highest layer that sets it, else the key's built-in
 * default, and which source that was. Priority, highest first: CLI flags > preset > user config > project config >
 * built-in defaults (the caller passes the layers lowest first).
 */
public final class ResolvedConfig {

    /** The source name of built-in defaults. */
    public static final String BUILT_IN = "built-in default";

    /** One resolved value and where it came from. @param key the key @param value the value, or null when unset
     * @param source the source */
    public record Entry(ConfigKey<?> key, Object value, String source) {
    }

    private final Map<ConfigKey<?>, Entry> entries;

    private ResolvedConfig(Map<ConfigKey<?>, Entry> entries) {
        this.entries = entries;
    }

    /**
     * Merges layers.
     *
     * @param lowestFirst the layers, lowest priority first
     * @return the merged configuration
     */
    public static ResolvedConfig resolve(List<ConfigLayer> lowestFirst) {
        Map<ConfigKey<?>, Entry> m = new LinkedHashMap<>();
        for (ConfigKey<?> k : ConfigKeys.ALL) {
            m.put(k, new Entry(k, k.defaultValue(), BUILT_IN));
        }
        for (ConfigLayer layer : lowestFirst) {
            layer.values().forEach((k, v) -> m.put(k, new Entry(k, v, layer.source())));
        }
        return new ResolvedConfig(m);
    }

    /** The value of a key, or null when unset. @param key the key @param <T> its type @return the value */
    public <T> T get(ConfigKey<T> key) {
        Object v = entries.get(key).value();
        return v == null ? null : key.cast(v);
    }

    /** Where a key's value came from. @param key the key @return the source */
    public String sourceOf(ConfigKey<?> key) {
        return entries.get(key).source();
    }

    /** Every key with value and source, in documentation order. @return the entries */
    public List<Entry> entries() {
        return new ArrayList<>(entries.values());
    }

    /** The default base URL: {@code http://<lmstudio.host>:<first of lmstudio.ports>}. @return the URL */
    public String baseUrl() {
        return "http://" + get(ConfigKeys.HOST) + ":" + get(ConfigKeys.PORTS).get(0);
    }

    /** The sampling parameters. @return the parameters */
    public SamplingParams sampling() {
        return new SamplingParams(get(ConfigKeys.TEMPERATURE), get(ConfigKeys.TOP_K), get(ConfigKeys.TOP_P),
                get(ConfigKeys.MIN_P), get(ConfigKeys.REPEAT_PENALTY));
    }

    /** The load configuration. @return the configuration */
    public LoadConfig load() {
        return new LoadConfig(get(ConfigKeys.CONTEXT_LENGTH), get(ConfigKeys.N_GPU_LAYERS), get(ConfigKeys.N_BATCH),
                get(ConfigKeys.N_THREADS), get(ConfigKeys.FLASH_ATTENTION), get(ConfigKeys.ROPE_FREQ_BASE),
                get(ConfigKeys.ROPE_FREQ_SCALE), get(ConfigKeys.USE_MMAP), get(ConfigKeys.USE_MLOCK),
                get(ConfigKeys.KV_CACHE_QUANT), get(ConfigKeys.TTL_S), get(ConfigKeys.NUM_EXPERTS),
                get(ConfigKeys.OFFLOAD_KV_CACHE), null, get(ConfigKeys.GPU_OFFLOAD));
    }

    /**
     * Benchmark settings from this configuration. With {@code parallel > 1} models are loaded with that many parallel
     * prediction slots ({@link LoadConfig#parallel()}), so the server runs them at once rather than queueing them.
     *
     * @param parallel     requests in flight together
     * @param nonStreaming whether to add non-streaming requests
     * @return the settings
     */
    public BenchmarkSettings settings(int parallel, boolean nonStreaming) {
        return new BenchmarkSettings(get(ConfigKeys.PROMPT), get(ConfigKeys.MAX_TOKENS), get(ConfigKeys.NUM_RUNS),
                get(ConfigKeys.WARMUP_RUNS), parallel, Duration.ofSeconds(get(ConfigKeys.REQUEST_TIMEOUT_S)),
                nonStreaming, sampling(), load().withParallel(parallel > 1 ? parallel : null),
                PromptCache.fromLabel(get(ConfigKeys.PROMPT_CACHE)), get(ConfigKeys.DRAFT_MODEL));
    }
}
