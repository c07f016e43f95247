package dev.lmsbench.core.model;

import java.time.Duration;
import java.util.Objects;

/**
 * What each model is asked and how often. Immutable; build with {@link #defaults()} and the {@code with*} methods.
 *
 * @param prompt          the user message sent in every request
 * @param maxTokens       {@code max_tokens} per request ({@code >= 1})
 * @param runs            measured runs per model ({@code >= 1})
 * @param warmupRuns      warmup requests per model, streamed one after another and excluded from summaries
 *                        ({@code >= 0})
 * @param parallel        requests in flight together in each measured run ({@code >= 1})
 * @param requestTimeout  the longest one request may take, end to end
 * @param nonStreaming    whether each measured run also makes a non-streaming request (seed 004's two-call
 *                        requests); when {@code false} only streaming requests are made
 * @param sampling        sampling parameters sent with every request
 * @param load            how models are loaded (context length and load configuration)
 * @param promptCache     whether every request is made unique so the server's prompt cache cannot answer it
 *                        ({@link PromptCache#OFF}, the default; {@code null} reads as that) or the identical prompt is
 *                        sent on purpose ({@link PromptCache#REUSE})
 * @param draftModel      the draft model every request names for speculative decoding (LM Studio's
 *                        {@code draft_model}), or {@code ""} (also for {@code null}) for none
 */
public record BenchmarkSettings(
        String prompt,
        int maxTokens,
        int runs,
        int warmupRuns,
        int parallel,
        Duration requestTimeout,
        boolean nonStreaming,
        SamplingParams sampling,
        LoadConfig load,
        PromptCache promptCache,
        String draftModel) {

    /** The built-in default prompt. */
    public static final String DEFAULT_PROMPT = "Explain in a short paragraph why the sky is blue.";

    /** Validates every field. */
    public BenchmarkSettings {
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        Objects.requireNonNull(sampling, "sampling");
        Objects.requireNonNull(load, "load");
        promptCache = Objects.requireNonNullElse(promptCache, PromptCache.OFF);
        draftModel = Objects.requireNonNullElse(draftModel, "").strip();
        if (prompt.isBlank()) {
            throw new IllegalArgumentException("prompt must not be empty");
        }
        if (maxTokens < 1) {
            throw new IllegalArgumentException("max tokens must be >= 1, got " + maxTokens);
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
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("request timeout must be positive");
        }
    }

    /**
     * Settings without a draft model; see the canonical constructor for the parameters.
     */
    public BenchmarkSettings(String prompt, int maxTokens, int runs, int warmupRuns, int parallel,
                             Duration requestTimeout, boolean nonStreaming, SamplingParams sampling, LoadConfig load,
                             PromptCache promptCache) {
        this(prompt, maxTokens, runs, warmupRuns, parallel, requestTimeout, nonStreaming, sampling, load,
                promptCache, "");
    }

    /**
     * Settings that defeat the server's prompt cache ({@link PromptCache#OFF}); see the canonical constructor.
     *
     * @param prompt         the prompt
     * @param maxTokens      max tokens
     * @param runs           measured runs
     * @param warmupRuns     warmup requests
     * @param parallel       parallel requests
     * @param requestTimeout per-request timeout
     * @param nonStreaming   whether to add non-streaming requests
     * @param sampling       sampling parameters
     * @param load           load configuration
     */
    public BenchmarkSettings(String prompt, int maxTokens, int runs, int warmupRuns, int parallel,
                             Duration requestTimeout, boolean nonStreaming, SamplingParams sampling, LoadConfig load) {
        this(prompt, maxTokens, runs, warmupRuns, parallel, requestTimeout, nonStreaming, sampling, load,
                PromptCache.OFF);
    }

    /**
     * Settings with default sampling (but the temperature) and load configuration (but the context length).
     *
     * @param prompt         the prompt
     * @param maxTokens      max tokens
     * @param contextLength  context length, 0 = server default
     * @param runs           measured runs
     * @param warmupRuns     warmup requests
     * @param parallel       parallel requests
     * @param temperature    temperature
     * @param requestTimeout per-request timeout
     * @param nonStreaming   whether to add non-streaming requests
     */
    public BenchmarkSettings(String prompt, int maxTokens, int contextLength, int runs, int warmupRuns, int parallel,
                             double temperature, Duration requestTimeout, boolean nonStreaming) {
        this(prompt, maxTokens, runs, warmupRuns, parallel, requestTimeout, nonStreaming,
                SamplingParams.ofTemperature(temperature), LoadConfig.ofContext(contextLength));
    }

    /** The built-in defaults: 3 runs, 1 warmup, 256 max tokens, 4096 context, temperature 0.1, 300 s timeout. */
    public static BenchmarkSettings defaults() {
        return new BenchmarkSettings(DEFAULT_PROMPT, 256, 3, 1, 1, Duration.ofSeconds(300), true,
                SamplingParams.DEFAULT, LoadConfig.ofContext(4096));
    }

    /** The context length models are loaded with ({@code 0} = server default). @return the context length */
    public int contextLength() {
        return load.contextLength();
    }

    /** The sampling temperature. @return the temperature */
    public double temperature() {
        return sampling.temperature();
    }

    /** A copy with another prompt. @param value the prompt @return the copy */
    public BenchmarkSettings withPrompt(String value) {
        return new BenchmarkSettings(value, maxTokens, runs, warmupRuns, parallel, requestTimeout, nonStreaming,
                sampling, load, promptCache, draftModel);
    }

    /** A copy with another {@code max_tokens}. @param value max tokens @return the copy */
    public BenchmarkSettings withMaxTokens(int value) {
        return new BenchmarkSettings(prompt, value, runs, warmupRuns, parallel, requestTimeout, nonStreaming,
                sampling, load, promptCache, draftModel);
    }

    /** A copy with another context length. @param value the context length @return the copy */
    public BenchmarkSettings withContextLength(int value) {
        return withLoad(load.withContextLength(value));
    }

    /** A copy with another number of measured runs. @param value runs @return the copy */
    public BenchmarkSettings withRuns(int value) {
        return new BenchmarkSettings(prompt, maxTokens, value, warmupRuns, parallel, requestTimeout, nonStreaming,
                sampling, load, promptCache, draftModel);
    }

    /** A copy with another number of warmup requests. @param value warmups @return the copy */
    public BenchmarkSettings withWarmupRuns(int value) {
        return new BenchmarkSettings(prompt, maxTokens, runs, value, parallel, requestTimeout, nonStreaming,
                sampling, load, promptCache, draftModel);
    }

    /** A copy with another parallelism. @param value parallel requests @return the copy */
    public BenchmarkSettings withParallel(int value) {
        return new BenchmarkSettings(prompt, maxTokens, runs, warmupRuns, value, requestTimeout, nonStreaming,
                sampling, load, promptCache, draftModel);
    }

    /** A copy with another temperature. @param value the temperature @return the copy */
    public BenchmarkSettings withTemperature(double value) {
        return withSampling(new SamplingParams(value, sampling.topK(), sampling.topP(), sampling.minP(),
                sampling.repeatPenalty()));
    }

    /** A copy with other sampling parameters. @param value the parameters @return the copy */
    public BenchmarkSettings withSampling(SamplingParams value) {
        return new BenchmarkSettings(prompt, maxTokens, runs, warmupRuns, parallel, requestTimeout, nonStreaming,
                value, load, promptCache, draftModel);
    }

    /** A copy with another load configuration. @param value the configuration @return the copy */
    public BenchmarkSettings withLoad(LoadConfig value) {
        return new BenchmarkSettings(prompt, maxTokens, runs, warmupRuns, parallel, requestTimeout, nonStreaming,
                sampling, value, promptCache, draftModel);
    }

    /** A copy with another per-request timeout. @param value the timeout @return the copy */
    public BenchmarkSettings withRequestTimeout(Duration value) {
        return new BenchmarkSettings(prompt, maxTokens, runs, warmupRuns, parallel, value, nonStreaming,
                sampling, load, promptCache, draftModel);
    }

    /** A copy that does or does not add a non-streaming request to each measured run. @param value on/off
     * @return the copy */
    public BenchmarkSettings withNonStreaming(boolean value) {
        return new BenchmarkSettings(prompt, maxTokens, runs, warmupRuns, parallel, requestTimeout, value,
                sampling, load, promptCache, draftModel);
    }

    /** A copy with another prompt cache mode. @param value the mode @return the copy */
    public BenchmarkSettings withPromptCache(PromptCache value) {
        return new BenchmarkSettings(prompt, maxTokens, runs, warmupRuns, parallel, requestTimeout, nonStreaming,
                sampling, load, value, draftModel);
    }

    /** A copy with another draft model. @param value the draft model, or {@code ""} for none @return the copy */
    public BenchmarkSettings withDraftModel(String value) {
        return new BenchmarkSettings(prompt, maxTokens, runs, warmupRuns, parallel, requestTimeout, nonStreaming,
                sampling, load, promptCache, value);
    }

    /** Requests one model takes: warmups plus measured runs times parallelism times the modes per run.
     * @return the request count */
    public int requestsPerModel() {
        return warmupRuns + runs * parallel * (nonStreaming ? 2 : 1);
    }
}
