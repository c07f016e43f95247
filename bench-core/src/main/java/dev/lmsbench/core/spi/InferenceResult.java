package dev.lmsbench.core.spi;

import dev.lmsbench.core.model.RequestTimings;
import dev.lmsbench.core.model.TokenUsage;

import java.util.Objects;

/**
 * A completed chat completion as measured by the client.
 *
 * @param timings      client-side timings
 * @param usage        token counts, from the server's {@code usage} or estimated (flagged)
 * @param content      the visible answer text
 * @param reasoning    the reasoning text ({@code reasoning_content}), or {@code ""}
 * @param finishReason {@code finish_reason}, or {@code ""}
 */
public record InferenceResult(RequestTimings timings, TokenUsage usage, String content, String reasoning,
                              String finishReason) {

    /** Validates required fields and normalizes absent strings to {@code ""}. */
    public InferenceResult {
        Objects.requireNonNull(timings, "timings");
        Objects.requireNonNull(usage, "usage");
        content = Objects.requireNonNullElse(content, "");
        reasoning = Objects.requireNonNullElse(reasoning, "");
        finishReason = Objects.requireNonNullElse(finishReason, "");
    }
}
