package dev.lmsbench.core.spi;

import dev.lmsbench.core.model.SamplingParams;

import java.time.Duration;
import java.util.Objects;

/**
 * One chat completion to make.
 *
 * @param model       model id
 * @param prompt      the user message
 * @param maxTokens   {@code max_tokens}
 * @param sampling    sampling parameters; {@code null} fields are not sent
 * @param stream      whether to stream (SSE)
 * @param timeout     the longest the whole request may take
 */
public record InferenceRequest(String model, String prompt, int maxTokens, SamplingParams sampling, boolean stream,
                               Duration timeout) {

    /** Validates required fields. */
    public InferenceRequest {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(sampling, "sampling");
        if (maxTokens < 1) {
            throw new IllegalArgumentException("maxTokens must be >= 1");
        }
    }

    /**
     * A request with only a temperature set.
     *
     * @param model       model id
     * @param prompt      the user message
     * @param maxTokens   {@code max_tokens}
     * @param temperature sampling temperature
     * @param stream      whether to stream
     * @param timeout     whole-request timeout
     */
    public InferenceRequest(String model, String prompt, int maxTokens, double temperature, boolean stream,
                            Duration timeout) {
        this(model, prompt, maxTokens, SamplingParams.ofTemperature(temperature), stream, timeout);
    }

    /** The sampling temperature. @return the temperature */
    public double temperature() {
        return sampling.temperature();
    }
}
