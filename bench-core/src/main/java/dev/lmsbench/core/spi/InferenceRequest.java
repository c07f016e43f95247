package dev.lmsbench.core.spi;

import java.time.Duration;
import java.util.Objects;

/**
 * One chat completion to make.
 *
 * @param model       model id
 * @param prompt      the user message
 * @param maxTokens   {@code max_tokens}
 * @param temperature sampling temperature
 * @param stream      whether to stream (SSE)
 * @param timeout     the longest the whole request may take
 */
public record InferenceRequest(String model, String prompt, int maxTokens, double temperature, boolean stream,
                               Duration timeout) {

    /** Validates required fields. */
    public InferenceRequest {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(timeout, "timeout");
        if (maxTokens < 1) {
            throw new IllegalArgumentException("maxTokens must be >= 1");
        }
    }
}
