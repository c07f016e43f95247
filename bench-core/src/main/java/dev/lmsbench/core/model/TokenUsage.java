package dev.lmsbench.core.model;

/**
 * Token counts of one request.
 *
 * @param promptTokens       prompt (input) tokens, cached ones included
 * @param completionTokens   generated tokens, reasoning included
 * @param reasoningTokens    the part of {@code completionTokens} that was reasoning ({@code reasoning_content}); 0 if
 *                           none
 * @param source             where the counts came from ({@link TokenCountSource}); every output carries it, and
 *                           {@link #estimated()} is true only for {@link TokenCountSource#ESTIMATE}
 * @param promptCachedTokens the part of {@code promptTokens} the server took from its prompt (KV) cache instead of
 *                           processing ({@code usage.prompt_tokens_details.cached_tokens}, llama.cpp's
 *                           {@code timings.cache_n}); {@link #UNKNOWN} when the server did not say
 */
public record TokenUsage(int promptTokens, int completionTokens, int reasoningTokens, TokenCountSource source,
                         int promptCachedTokens) {

    /** The sentinel of {@link #promptCachedTokens()} when the server did not say how many prompt tokens it cached. */
    public static final int UNKNOWN = -1;

    /** Validates that counts are non-negative, reasoning does not exceed the completion, nor cached the prompt. */
    public TokenUsage {
        java.util.Objects.requireNonNull(source, "source");
        if (promptTokens < 0 || completionTokens < 0 || reasoningTokens < 0) {
            throw new IllegalArgumentException("token counts must be >= 0");
        }
        if (reasoningTokens > completionTokens) {
            throw new IllegalArgumentException(
                    "reasoningTokens " + reasoningTokens + " > completionTokens " + completionTokens);
        }
        if (promptCachedTokens < UNKNOWN || promptCachedTokens > promptTokens) {
            throw new IllegalArgumentException("promptCachedTokens " + promptCachedTokens
                    + " must be -1 (unknown) or 0.." + promptTokens);
        }
    }

    /**
     * Counts from the server ({@code estimated == false}) or estimated ({@code true}), as before the other sources.
     *
     * @param promptTokens       prompt tokens
     * @param completionTokens   completion tokens
     * @param reasoningTokens    reasoning tokens
     * @param estimated          {@link TokenCountSource#ESTIMATE} when true, else {@link TokenCountSource#USAGE}
     * @param promptCachedTokens cached prompt tokens or {@link #UNKNOWN}
     */
    public TokenUsage(int promptTokens, int completionTokens, int reasoningTokens, boolean estimated,
                      int promptCachedTokens) {
        this(promptTokens, completionTokens, reasoningTokens, sourceOf(estimated), promptCachedTokens);
    }

    /** Counts whose cached part is unknown (see the canonical constructor). */
    public TokenUsage(int promptTokens, int completionTokens, int reasoningTokens, boolean estimated) {
        this(promptTokens, completionTokens, reasoningTokens, estimated, UNKNOWN);
    }

    /**
     * The source that the old {@code estimated} flag stands for: stored rows from before the sources.
     *
     * @param estimated whether the counts were estimated
     * @return {@link TokenCountSource#ESTIMATE} or {@link TokenCountSource#USAGE}
     */
    public static TokenCountSource sourceOf(boolean estimated) {
        return estimated ? TokenCountSource.ESTIMATE : TokenCountSource.USAGE;
    }

    /** {@return whether the counts are the client's characters-per-token estimate (source {@code estimate})} */
    public boolean estimated() {
        return source == TokenCountSource.ESTIMATE;
    }

    /** Counts reported by the server, the cached part unknown. */
    public static TokenUsage reported(int prompt, int completion, int reasoning) {
        return new TokenUsage(prompt, completion, reasoning, false, UNKNOWN);
    }

    /** Counts reported by the server, with its cached prompt tokens ({@link #UNKNOWN} when it did not say). */
    public static TokenUsage reported(int prompt, int completion, int reasoning, int promptCached) {
        return new TokenUsage(prompt, completion, reasoning, false, promptCached);
    }

    /** Counts estimated by the client because the server reported none. */
    public static TokenUsage estimated(int prompt, int completion, int reasoning) {
        return new TokenUsage(prompt, completion, reasoning, true, UNKNOWN);
    }

    /** Completion tokens that were visible content, not reasoning. */
    public int visibleTokens() {
        return completionTokens - reasoningTokens;
    }

    /** Prompt plus completion tokens. */
    public int totalTokens() {
        return promptTokens + completionTokens;
    }

    /** Whether the server said how many prompt tokens came from its cache. @return true when known */
    public boolean promptCacheKnown() {
        return promptCachedTokens != UNKNOWN;
    }

    /**
     * The prompt tokens the server actually processed: prompt minus cached when the cached count is known, else all
     * prompt tokens (the cache state is then unknown, see {@link #promptCacheKnown()}).
     *
     * @return the processed prompt tokens
     */
    public int processedPromptTokens() {
        return promptCacheKnown() ? promptTokens - promptCachedTokens : promptTokens;
    }

    /** A copy with another cached count. @param value cached prompt tokens or {@link #UNKNOWN} @return the copy */
    public TokenUsage withPromptCachedTokens(int value) {
        return new TokenUsage(promptTokens, completionTokens, reasoningTokens, source, value);
    }
}
