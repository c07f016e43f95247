package dev.lmsbench.core.model;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

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
 * @param params           parameter count as the server writes it, e.g. {@code 8B}, {@code 0.6B}, or {@code ""}
 * @param capabilities     what the model can do beyond text chat (vision, tool use, reasoning), iterated in enum
 *                         order; empty when unknown
 */
public record ModelInfo(
        String id,
        String type,
        String publisher,
        String architecture,
        String quantization,
        long sizeBytes,
        int maxContextLength,
        String params,
        Set<Capability> capabilities) {

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
        params = Objects.requireNonNullElse(params, "");
        capabilities = capabilities == null || capabilities.isEmpty()
                ? Set.of() : java.util.Collections.unmodifiableSet(EnumSet.copyOf(capabilities));
    }

    /** A model without parameter count or capabilities (servers that list neither). */
    public ModelInfo(String id, String type, String publisher, String architecture, String quantization,
                     long sizeBytes, int maxContextLength) {
        this(id, type, publisher, architecture, quantization, sizeBytes, maxContextLength, "", Set.of());
    }

    /** Whether the server reports the capability. @param c the capability @return true when reported */
    public boolean has(Capability c) {
        return capabilities.contains(c);
    }

    /** A copy with other capabilities. @param value the capabilities @return the copy */
    public ModelInfo withCapabilities(Set<Capability> value) {
        return new ModelInfo(id, type, publisher, architecture, quantization, sizeBytes, maxContextLength, params,
                value);
    }

    /** A copy with another parameter count text. @param value e.g. {@code 7B} @return the copy */
    public ModelInfo withParams(String value) {
        return new ModelInfo(id, type, publisher, architecture, quantization, sizeBytes, maxContextLength, value,
                capabilities);
    }

    /** A model known only by its id, as given with {@code --model} for servers without a model list. */
    public static ModelInfo named(String id) {
        return new ModelInfo(id, "", "", "", "", -1, -1);
    }
}
