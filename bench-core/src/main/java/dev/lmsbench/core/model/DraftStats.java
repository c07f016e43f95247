package dev.lmsbench.core.model;

import java.util.Objects;

/**
 * What the server reported about speculative decoding for one request (LM Studio's {@code stats.draft_model},
 * {@code total_draft_tokens_count}, {@code accepted_draft_tokens_count}, {@code rejected_draft_tokens_count},
 * {@code ignored_draft_tokens_count}). Unknown counts are {@code -1}; {@link #NONE} when the request used no draft
 * model or the server said nothing about it.
 *
 * @param draftModel     the draft model the server used, or {@code ""}
 * @param totalTokens    draft tokens proposed, or {@code -1}
 * @param acceptedTokens draft tokens the main model accepted, or {@code -1}
 * @param rejectedTokens draft tokens it rejected, or {@code -1}
 * @param ignoredTokens  draft tokens neither accepted nor rejected (generation ended first), or {@code -1}
 */
public record DraftStats(String draftModel, int totalTokens, int acceptedTokens, int rejectedTokens,
                         int ignoredTokens) {

    /** No draft model, nothing reported. */
    public static final DraftStats NONE = new DraftStats("", -1, -1, -1, -1);

    /** Normalizes an absent name and counts below {@code -1}. */
    public DraftStats {
        draftModel = Objects.requireNonNullElse(draftModel, "");
        totalTokens = Math.max(-1, totalTokens);
        acceptedTokens = Math.max(-1, acceptedTokens);
        rejectedTokens = Math.max(-1, rejectedTokens);
        ignoredTokens = Math.max(-1, ignoredTokens);
    }

    /** {@return whether the server reported anything about a draft model} */
    public boolean present() {
        return !draftModel.isEmpty() || totalTokens >= 0 || acceptedTokens >= 0;
    }

    /**
     * The share of proposed draft tokens the main model accepted: accepted / total.
     *
     * @return a fraction in [0, 1], or {@code NaN} when the counts are unknown or no token was proposed
     */
    public double acceptanceRate() {
        if (totalTokens <= 0 || acceptedTokens < 0) {
            return Double.NaN;
        }
        return Math.min(1.0, acceptedTokens / (double) totalTokens);
    }
}
