package dev.lmsbench.core.model;

import java.time.Duration;
import java.util.Objects;

/**
 * What each model is asked and how often. Immutable; build with {@link #defaults()} and the {@code with*} methods.
 *
 * @param prompt          the user message sent in every request
 * @param maxTokens       {@code max_tokens} per request ({@code >= 1})
 * @param contextLength   context length to load the model with; {@code 0} leaves the server's default
 * @param runs            measured runs per model ({@code >= 1})
 * @param warmupRuns      warmup requests per model, streamed one after another and excluded from summaries
 *                        ({@code >= 0})
 * @param parallel        requests in flight together in each measured run ({@code >= 1})
 * @param temperature     sampling temperature
 * @param requestTimeout  the longest one request may take, end to end
 * @param nonStreaming    whether each measured run also makes a non-streaming request (seed 004's two-call
 *                        requests); when {@code false} only streaming requests are made
 */
public record BenchmarkSettings(
        String prompt,
        int maxTokens,
        int contextLength,
        int runs,
        int warmupRuns,
        int parallel,
        double temperature,
        Duration requestTimeout,
        boolean nonStreaming) {

    /** The built-in default prompt. */
    public static final String DEFAULT_PROMPT = "Explain in a short paragraph why the sky is blue.";

    /** Validates every field. */
    public BenchmarkSettings {
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        if (prompt.isBlank()) {
            throw new IllegalArgumentException("prompt must not be empty");
        }
        if (maxTokens < 1) {
            throw new IllegalArgumentException("max tokens must be >= 1, got " + maxTokens);
        }
        if (contextLength < 0) {
            throw new IllegalArgumentException("context length must be >= 0, got " + contextLength);
        }
        if (runs < 1) {
            throw new IllegalArgumentException("runs must be >= 1, got " + runs);
        }
        if (warmupRuns < 0) {
            throw new IllegalArgumentException("warmup runs must be >= 0, got " + warmupRuns);
        }
        if (parallel < 1) {
            throw new IllegalArgumentException("parallel must be >= 1, got " + parallel);
        }
        if (!(temperature >= 0 && temperature <= 2)) {
            throw new IllegalArgumentException("temperature must be between 0 and 2, got " + temperature);
        }
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("request timeout must be positive");
        }
    }

    /** The built-in defaults: 3 runs, 1 warmup, 256 max tokens, 4096 context, temperature 0.1, 300 s timeout. */
    public static BenchmarkSettings defaults() {
        return new BenchmarkSettings(DEFAULT_PROMPT, 256, 4096, 3, 1, 1, 0.1, Duration.ofSeconds(300), true);
    }

    /** A copy with another prompt. */
    public BenchmarkSettings withPrompt(String value) {
        return new BenchmarkSettings(value, maxTokens, contextLength, runs, warmupRuns, parallel, temperature,
                requestTimeout, nonStreaming);
    }

    /** A copy with another {@code max_tokens}. */
    public BenchmarkSettings withMaxTokens(int value) {
        return new BenchmarkSettings(prompt, value, contextLength, runs, warmupRuns, parallel, temperature,
                requestTimeout, nonStreaming);
    }

    /** A copy with another context length. */
    public BenchmarkSettings withContextLength(int value) {
        return new BenchmarkSettings(prompt, maxTokens, value, runs, warmupRuns, parallel, temperature,
                requestTimeout, nonStreaming);
    }

    /** A copy with another number of measured runs. */
    public BenchmarkSettings withRuns(int value) {
        return new BenchmarkSettings(prompt, maxTokens, contextLength, value, warmupRuns, parallel, temperature,
                requestTimeout, nonStreaming);
    }

    /** A copy with another number of warmup requests. */
    public BenchmarkSettings withWarmupRuns(int value) {
        return new BenchmarkSettings(prompt, maxTokens, contextLength, runs, value, parallel, temperature,
                requestTimeout, nonStreaming);
    }

    /** A copy with another parallelism. */
    public BenchmarkSettings withParallel(int value) {
        return new BenchmarkSettings(prompt, maxTokens, contextLength, runs, warmupRuns, value, temperature,
                requestTimeout, nonStreaming);
    }

    /** A copy with another temperature. */
    public BenchmarkSettings withTemperature(double value) {
        return new BenchmarkSettings(prompt, maxTokens, contextLength, runs, warmupRuns, parallel, value,
                requestTimeout, nonStreaming);
    }

    /** A copy with another per-request timeout. */
    public BenchmarkSettings withRequestTimeout(Duration value) {
        return new BenchmarkSettings(prompt, maxTokens, contextLength, runs, warmupRuns, parallel, temperature,
                value, nonStreaming);
    }

    /** A copy that does or does not add a non-streaming request to each measured run. */
    public BenchmarkSettings withNonStreaming(boolean value) {
        return new BenchmarkSettings(prompt, maxTokens, contextLength, runs, warmupRuns, parallel, temperature,
                requestTimeout, value);
    }

    /** Requests one model takes: warmups plus measured runs times parallelism times the modes per run. */
    public int requestsPerModel() {
        return warmupRuns + runs * parallel * (nonStreaming ? 2 : 1);
    }
}
