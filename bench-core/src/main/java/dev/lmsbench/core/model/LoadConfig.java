package dev.lmsbench.core.model;

import java.util.Objects;

/**
 * How to load a model (LM Studio's load configuration, seed section {@code load}). Every field is optional: {@code null}
 * (or {@code 0} for {@code contextLength}) leaves the server's default, and only set fields are sent.
 *
 * @param contextLength  context length in tokens, {@code 0} = server default
 * @param nGpuLayers     layers offloaded to the GPU, {@code -1} = all ("max"), {@code null} = default
 * @param nBatch         evaluation batch size
 * @param nThreads       CPU threads, {@code -1} = automatic
 * @param flashAttention flash attention on/off
 * @param ropeFreqBase   RoPE frequency base
 * @param ropeFreqScale  RoPE frequency scale
 * @param useMmap        memory-map the model file
 * @param useMlock       lock the model in RAM
 * @param kvCacheQuant   KV-cache quantization ({@code f16}, {@code q8_0}, {@code q4_0}, ...)
 * @param ttlSeconds     idle time after which the server may unload the model
 * @param numExperts     experts used per token by a mixture-of-experts model ({@code num_experts}), {@code >= 1}
 * @param offloadKvCacheToGpu whether the KV cache lives in GPU memory ({@code offload_kv_cache_to_gpu})
 * @param parallel       parallel prediction slots of the loaded instance (LM Studio's "max concurrent
 *                       predictions", {@code lms load --parallel}), {@code >= 1}
 * @param gpuOffload     the share of the model offloaded to the GPU (LM Studio's {@code lms load --gpu}), 0 ("off")
 *                       to 1 ("max")
 */
public record LoadConfig(
        int contextLength,
        Integer nGpuLayers,
        Integer nBatch,
        Integer nThreads,
        Boolean flashAttention,
        Double ropeFreqBase,
        Double ropeFreqScale,
        Boolean useMmap,
        Boolean useMlock,
        String kvCacheQuant,
        Integer ttlSeconds,
        Integer numExperts,
        Boolean offloadKvCacheToGpu,
        Integer parallel,
        Double gpuOffload) {

    /** Only the context length set: everything else is the server's default. */
    public static final LoadConfig DEFAULT = new LoadConfig(0, null, null, null, null, null, null, null, null, null,
            null, null, null, null, null);

    /** Validates ranges. */
    public LoadConfig {
        if (contextLength < 0) {
            throw new IllegalArgumentException("context length must be >= 0, got " + contextLength);
        }
        if (nGpuLayers != null && nGpuLayers < -1) {
            throw new IllegalArgumentException("n_gpu_layers must be >= -1, got " + nGpuLayers);
        }
        if (nBatch != null && nBatch < 1) {
            throw new IllegalArgumentException("n_batch must be >= 1, got " + nBatch);
        }
        if (nThreads != null && nThreads < -1) {
            throw new IllegalArgumentException("n_threads must be >= -1, got " + nThreads);
        }
        if (ttlSeconds != null && ttlSeconds < 1) {
            throw new IllegalArgumentException("ttl must be >= 1 s, got " + ttlSeconds);
        }
        if (numExperts != null && numExperts < 1) {
            throw new IllegalArgumentException("num_experts must be >= 1, got " + numExperts);
        }
        if (parallel != null && parallel < 1) {
            throw new IllegalArgumentException("parallel slots must be >= 1, got " + parallel);
        }
        if (gpuOffload != null && !(gpuOffload >= 0 && gpuOffload <= 1)) {
            throw new IllegalArgumentException("GPU offload must be between 0 (off) and 1 (max), got " + gpuOffload);
        }
        if (kvCacheQuant != null && kvCacheQuant.isBlank()) {
            kvCacheQuant = null;
        }
    }

    /**
     * A configuration without parallel slots and GPU offload (both server default); see the canonical constructor.
     */
    public LoadConfig(int contextLength, Integer nGpuLayers, Integer nBatch, Integer nThreads, Boolean flashAttention,
                      Double ropeFreqBase, Double ropeFreqScale, Boolean useMmap, Boolean useMlock,
                      String kvCacheQuant, Integer ttlSeconds, Integer numExperts, Boolean offloadKvCacheToGpu) {
        this(contextLength, nGpuLayers, nBatch, nThreads, flashAttention, ropeFreqBase, ropeFreqScale, useMmap,
                useMlock, kvCacheQuant, ttlSeconds, numExperts, offloadKvCacheToGpu, null, null);
    }

    /**
     * A configuration without the mixture-of-experts and KV-offload settings (both server default).
     *
     * @param contextLength  context length in tokens, {@code 0} = server default
     * @param nGpuLayers     layers offloaded to the GPU
     * @param nBatch         evaluation batch size
     * @param nThreads       CPU threads
     * @param flashAttention flash attention on/off
     * @param ropeFreqBase   RoPE frequency base
     * @param ropeFreqScale  RoPE frequency scale
     * @param useMmap        memory-map the model file
     * @param useMlock       lock the model in RAM
     * @param kvCacheQuant   KV-cache quantization
     * @param ttlSeconds     idle unload time
     */
    public LoadConfig(int contextLength, Integer nGpuLayers, Integer nBatch, Integer nThreads, Boolean flashAttention,
                      Double ropeFreqBase, Double ropeFreqScale, Boolean useMmap, Boolean useMlock,
                      String kvCacheQuant, Integer ttlSeconds) {
        this(contextLength, nGpuLayers, nBatch, nThreads, flashAttention, ropeFreqBase, ropeFreqScale, useMmap,
                useMlock, kvCacheQuant, ttlSeconds, null, null, null, null);
    }

    /** The defaults with a context length. @param tokens context length, 0 = default @return the config */
    public static LoadConfig ofContext(int tokens) {
        return DEFAULT.withContextLength(tokens);
    }

    /** A copy with another context length. @param tokens the length @return the copy */
    public LoadConfig withContextLength(int tokens) {
        return new LoadConfig(tokens, nGpuLayers, nBatch, nThreads, flashAttention, ropeFreqBase, ropeFreqScale,
                useMmap, useMlock, kvCacheQuant, ttlSeconds, numExperts, offloadKvCacheToGpu, parallel, gpuOffload);
    }

    /** A copy with other parallel slots. @param slots the slots, or {@code null} for the default @return the copy */
    public LoadConfig withParallel(Integer slots) {
        return new LoadConfig(contextLength, nGpuLayers, nBatch, nThreads, flashAttention, ropeFreqBase,
                ropeFreqScale, useMmap, useMlock, kvCacheQuant, ttlSeconds, numExperts, offloadKvCacheToGpu, slots,
                gpuOffload);
    }

    /** A copy with another GPU offload. @param ratio 0..1, or {@code null} for the default @return the copy */
    public LoadConfig withGpuOffload(Double ratio) {
        return new LoadConfig(contextLength, nGpuLayers, nBatch, nThreads, flashAttention, ropeFreqBase,
                ropeFreqScale, useMmap, useMlock, kvCacheQuant, ttlSeconds, numExperts, offloadKvCacheToGpu, parallel,
                ratio);
    }

    /** A copy with another idle TTL. @param seconds the TTL, or {@code null} for none @return the copy */
    public LoadConfig withTtlSeconds(Integer seconds) {
        return new LoadConfig(contextLength, nGpuLayers, nBatch, nThreads, flashAttention, ropeFreqBase,
                ropeFreqScale, useMmap, useMlock, kvCacheQuant, seconds, numExperts, offloadKvCacheToGpu, parallel,
                gpuOffload);
    }

    /** Whether nothing but (possibly) the context length is set. @return true for a default config */
    public boolean isDefault() {
        return Objects.equals(this.withContextLength(0), DEFAULT);
    }
}
