package dev.lmsbench.core.model;

import java.util.Objects;

/**
 * A model as a server lists it. Only {@code id} is required; every other field may be unknown.
 *
 * <p>Sentinels: unknown strings are {@code ""}, an unknown {@code sizeBytes} or {@code maxContextLength} is {@code -1}.
 *
 * @param id               the identifier sent as {@code model} in requests, e.g. {@code qwen3-8b@q4_k_m}
 * @param type             {@code llm}, {@code vlm}, {@code embeddings}, or {@code ""} when unknown
 * @param publisher        publisher, or {@code ""}
 * @param architecture     architecture such as {@code llama}, or {@code ""}
 * @param quantization     quantization such as {@code Q4_K_M}, or {@code ""}
 * @param sizeBytes        file size in bytes, or {@code -1}
 * @param maxContextLength the largest context the model supports, or {@code -1}
 */
public record ModelInfo(
        String id,
        String type,
        String publisher,
        String architecture,
        String quantization,
        long sizeBytes,
        int maxContextLength) {

    /** Validates and normalizes absent strings to {@code ""}. */
    public ModelInfo {
        Objects.requireNonNull(id, "id");
        if (id.isBlank()) {
            throw new IllegalArgumentException("model id must not be blank");
        }
        type = Objects.requireNonNullElse(type, "");
        publisher = Objects.requireNonNullElse(publisher, "");
        architecture = Objects.requireNonNullElse(architecture, "");
        quantization = Objects.requireNonNullElse(quantization, "");
        if (sizeBytes < -1) {
            throw new IllegalArgumentException("sizeBytes must be >= -1: " + sizeBytes);
        }
        if (maxContextLength < -1) {
            throw new IllegalArgumentException("maxContextLength must be >= -1: " + maxContextLength);
        }
    }

    /** A model known only by its id, as given with {@code --model} for servers without a model list. */
    public static ModelInfo named(String id) {
        return new ModelInfo(id, "", "", "", "", -1, -1);
    }
}
