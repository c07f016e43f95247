package dev.lmsbench.core.model;

import java.util.Locale;
import java.util.Objects;

/**
 * How a streamed request's reported {@code completion_tokens} compared with the token-carrying chunks the client
 * counted. One token per chunk is what LM Studio, llama.cpp and the simulator send, so a disagreement is worth
 * recording; a server may legitimately pack several tokens into one chunk (speculative decoding), so only a
 * disagreement known to be a server bug is corrected.
 *
 * @param verdict                  what the comparison found
 * @param streamedChunks           token-carrying chunks counted, or {@code -1} when not checked
 * @param reportedCompletionTokens the server's {@code completion_tokens} as sent, or {@code -1} when not checked
 */
public record UsageCheck(Verdict verdict, int streamedChunks, int reportedCompletionTokens) {

    /** Not compared: a non-streamed request, or no usage from the server. */
    public static final UsageCheck NOT_CHECKED = new UsageCheck(Verdict.NOT_CHECKED, -1, -1);

    /** Normalizes an absent verdict and counts below {@code -1}. */
    public UsageCheck {
        verdict = Objects.requireNonNullElse(verdict, Verdict.NOT_CHECKED);
        streamedChunks = Math.max(-1, streamedChunks);
        reportedCompletionTokens = Math.max(-1, reportedCompletionTokens);
    }

    /** What the comparison found. */
    public enum Verdict {
        /** Not compared. Label {@code ""}. */
        NOT_CHECKED,
        /** The chunk count equals {@code completion_tokens}. */
        AGREE,
        /**
         * LM Studio's known off-by-one (lmstudio-bug-tracker #2335): stopped at the limit, it reports
         * {@code max_tokens - 1} after generating {@code max_tokens} tokens (streamed: as many chunks); the count was
         * corrected to {@code max_tokens}. For a non-streamed answer {@code streamedChunks} is {@code -1}.
         */
        CORRECTED_OFF_BY_ONE,
        /** Any other disagreement: recorded, the server's count kept. */
        MISMATCH;

        /** {@return the stable lower-case label: {@code ""}, {@code agree}, {@code corrected_off_by_one}, {@code mismatch}} */
        public String label() {
            return this == NOT_CHECKED ? "" : name().toLowerCase(Locale.ROOT);
        }

        /**
         * The verdict with this label; anything unknown (and {@code ""}) is {@link #NOT_CHECKED}.
         *
         * @param label a label as written by {@link #label()}
         * @return the verdict
         */
        public static Verdict fromLabel(String label) {
            for (Verdict v : values()) {
                if (v.label().equals(label == null ? "" : label.strip().toLowerCase(Locale.ROOT))) {
                    return v;
                }
            }
            return NOT_CHECKED;
        }
    }
}
