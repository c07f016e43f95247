package dev.lmsbench.core.model;

import java.util.Objects;

/**
 * What the server itself reported about a request (LM Studio's {@code stats}, llama.cpp's {@code timings}), kept beside
 * the client-side timings and always labelled by source in reports. Unknown figures are {@code NaN}, unknown counts
 * {@code -1}; {@link #NONE} when the server reported nothing.
 *
 * @param tokensPerSecond          server-reported generation speed (llama.cpp: {@code predicted_per_second})
 * @param timeToFirstTokenSeconds  server-reported time to first token (llama.cpp reports none)
 * @param generationTimeSeconds    server-reported generation time (llama.cpp: {@code predicted_ms})
 * @param stopReason               server-reported stop reason, or {@code ""}
 * @param source                   where the figures came from, e.g. {@code lmstudio.api.v0.stats} or
 *                                 {@link #LLAMA_CPP_TIMINGS}; {@code ""} for none
 * @param promptTokensPerSecond    server-reported prompt processing speed over the tokens it processed (llama.cpp:
 *                                 {@code prompt_per_second})
 * @param promptSeconds            server-reported prompt processing time (llama.cpp: {@code prompt_ms})
 * @param promptTokens             prompt tokens the server processed, cached ones not included (llama.cpp:
 *                                 {@code prompt_n}), or {@code -1}
 * @param cachedTokens             prompt tokens the server took from its cache (llama.cpp: {@code cache_n}), or
 *                                 {@code -1}
 * @param generatedTokens          tokens the server generated (llama.cpp: {@code predicted_n}), or {@code -1}
 * @param draft                    speculative decoding figures (LM Studio's draft counts), or {@link DraftStats#NONE}
 * @param modelLoadSeconds         how long this request waited for the server to load its model (LM Studio's
 *                                 {@code model_load_time_seconds} after a just-in-time load), or {@code NaN}
 */
public record ServerStats(double tokensPerSecond, double timeToFirstTokenSeconds, double generationTimeSeconds,
                          String stopReason, String source, double promptTokensPerSecond, double promptSeconds,
                          int promptTokens, int cachedTokens, int generatedTokens, DraftStats draft,
                          double modelLoadSeconds) {

    /** The source label of llama.cpp's {@code timings} object. */
    public static final String LLAMA_CPP_TIMINGS = "llama.cpp.timings";

    /** The server reported no statistics. */
    public static final ServerStats NONE = new ServerStats(Double.NaN, Double.NaN, Double.NaN, "", "");

    /** Normalizes absent strings and counts below {@code -1}. */
    public ServerStats {
        stopReason = Objects.requireNonNullElse(stopReason, "");
        source = Objects.requireNonNullElse(source, "");
        promptTokens = Math.max(-1, promptTokens);
        cachedTokens = Math.max(-1, cachedTokens);
        generatedTokens = Math.max(-1, generatedTokens);
        draft = Objects.requireNonNullElse(draft, DraftStats.NONE);
    }

    /**
     * Statistics without draft figures or a load time (see the canonical constructor for the parameters).
     */
    public ServerStats(double tokensPerSecond, double timeToFirstTokenSeconds, double generationTimeSeconds,
                       String stopReason, String source, double promptTokensPerSecond, double promptSeconds,
                       int promptTokens, int cachedTokens, int generatedTokens) {
        this(tokensPerSecond, timeToFirstTokenSeconds, generationTimeSeconds, stopReason, source,
                promptTokensPerSecond, promptSeconds, promptTokens, cachedTokens, generatedTokens, DraftStats.NONE,
                Double.NaN);
    }

    /** A copy with draft figures. @param value the figures @return the copy */
    public ServerStats withDraft(DraftStats value) {
        return new ServerStats(tokensPerSecond, timeToFirstTokenSeconds, generationTimeSeconds, stopReason, source,
                promptTokensPerSecond, promptSeconds, promptTokens, cachedTokens, generatedTokens, value,
                modelLoadSeconds);
    }

    /** A copy with another prompt processing time. @param seconds the time or NaN @return the copy */
    public ServerStats withPromptSeconds(double seconds) {
        return new ServerStats(tokensPerSecond, timeToFirstTokenSeconds, generationTimeSeconds, stopReason, source,
                promptTokensPerSecond, seconds, promptTokens, cachedTokens, generatedTokens, draft, modelLoadSeconds);
    }

    /** A copy with the server's model load time. @param seconds the load time or NaN @return the copy */
    public ServerStats withModelLoadSeconds(double seconds) {
        return new ServerStats(tokensPerSecond, timeToFirstTokenSeconds, generationTimeSeconds, stopReason, source,
                promptTokensPerSecond, promptSeconds, promptTokens, cachedTokens, generatedTokens, draft, seconds);
    }

    /**
     * Statistics without prompt figures or counts (LM Studio's {@code stats}).
     *
     * @param tokensPerSecond         generation speed
     * @param timeToFirstTokenSeconds time to first token
     * @param generationTimeSeconds   generation time
     * @param stopReason              stop reason
     * @param source                  source label
     */
    public ServerStats(double tokensPerSecond, double timeToFirstTokenSeconds, double generationTimeSeconds,
                       String stopReason, String source) {
        this(tokensPerSecond, timeToFirstTokenSeconds, generationTimeSeconds, stopReason, source, Double.NaN,
                Double.NaN, -1, -1, -1);
    }

    /** Whether the server reported anything. @return false for {@link #NONE} */
    public boolean present() {
        return !source.isEmpty();
    }
}
