package dev.lmsbench.core.model;

/**
 * Token counts of one request.
 *
 * @param promptTokens     prompt (input) tokens
 * @param completionTokens generated tokens, reasoning included
 * @param reasoningTokens  the part of {@code completionTokens} that was reasoning ({@code reasoning_content}); 0 if none
 * @param estimated        {@code true} when the server sent no {@code usage} and the counts were estimated by the client;
 *                         every output carries this flag
 */
public record TokenUsage(int promptTokens, int completionTokens, int reasoningTokens, boolean estimated) {

    /** Validates that counts are non-negative and reasoning does not exceed the completion. */
    public TokenUsage {
        if (promptTokens < 0 || completionTokens < 0 || reasoningTokens < 0) {
            throw new IllegalArgumentException("token counts must be >= 0");
        }
        if (reasoningTokens > completionTokens) {
            throw new IllegalArgumentException(
                    "reasoningTokens " + reasoningTokens + " > completionTokens " + completionTokens);
        }
    }

    /** Counts reported by the server. */
    public static TokenUsage reported(int prompt, int completion, int reasoning) {
        return new TokenUsage(prompt, completion, reasoning, false);
    }

    /** Counts estimated by the client because the server reported none. */
    public static TokenUsage estimated(int prompt, int completion, int reasoning) {
        return new TokenUsage(prompt, completion, reasoning, true);
    }

    /** Completion tokens that were visible content, not reasoning. */
    public int visibleTokens() {
        return completionTokens - reasoningTokens;
    }

    /** Prompt plus completion tokens. */
    public int totalTokens() {
        return promptTokens + completionTokens;
    }
}
