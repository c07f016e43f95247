package dev.lmsbench.core.spi;

import dev.lmsbench.core.model.RequestTimings;
import dev.lmsbench.core.model.ServerStats;
import dev.lmsbench.core.model.TokenUsage;
import dev.lmsbench.core.model.UsageCheck;

import java.util.Objects;

/**
 * A completed chat completion as measured by the client.
 *
 * @param timings      client-side timings
 * @param usage        token counts, from the server's {@code usage} or estimated (flagged)
 * @param content      the visible answer text
 * @param reasoning    the reasoning text ({@code reasoning_content}), or {@code ""}
 * @param finishReason {@code finish_reason}, or {@code ""}
 * @param serverStats  what the server itself reported (LM Studio {@code stats}), or {@link ServerStats#NONE}
 * @param cached       {@code true} when the answer came from the client's response cache, not the server (then the
 *                     timings measure the cache, never the model)
 * @param usageCheck   how the reported completion tokens compared with the streamed chunks
 *                     ({@link UsageCheck#NOT_CHECKED} when not compared)
 */
public record InferenceResult(RequestTimings timings, TokenUsage usage, String content, String reasoning,
                              String finishReason, ServerStats serverStats, boolean cached, UsageCheck usageCheck) {

    /** Validates required fields and normalizes absent strings to {@code ""}. */
    public InferenceResult {
        Objects.requireNonNull(timings, "timings");
        Objects.requireNonNull(usage, "usage");
        content = Objects.requireNonNullElse(content, "");
        reasoning = Objects.requireNonNullElse(reasoning, "");
        finishReason = Objects.requireNonNullElse(finishReason, "");
        serverStats = Objects.requireNonNullElse(serverStats, ServerStats.NONE);
        usageCheck = Objects.requireNonNullElse(usageCheck, UsageCheck.NOT_CHECKED);
    }

    /**
     * A result whose usage was not checked against the stream (see the canonical constructor for the parameters).
     */
    public InferenceResult(RequestTimings timings, TokenUsage usage, String content, String reasoning,
                           String finishReason, ServerStats serverStats, boolean cached) {
        this(timings, usage, content, reasoning, finishReason, serverStats, cached, UsageCheck.NOT_CHECKED);
    }

    /**
     * A result measured from the server, without server statistics.
     *
     * @param timings      client-side timings
     * @param usage        token counts
     * @param content      the answer
     * @param reasoning    the reasoning, or {@code ""}
     * @param finishReason {@code finish_reason}, or {@code ""}
     */
    public InferenceResult(RequestTimings timings, TokenUsage usage, String content, String reasoning,
                           String finishReason) {
        this(timings, usage, content, reasoning, finishReason, ServerStats.NONE, false, UsageCheck.NOT_CHECKED);
    }
}
