package dev.lmsbench.client;

import dev.lmsbench.core.model.RequestTimings;
import dev.lmsbench.core.model.ServerStats;
import dev.lmsbench.core.model.TokenUsage;

import java.util.Objects;

/**
 * One answer of {@code POST /api/v1/chat} (https://lmstudio.ai/docs/developer/rest/chat).
 *
 * @param responseId      {@code response_id}, passed as {@code previous_response_id} by the next
 *                        {@link ChatSession#send}; {@code ""} when the server stored nothing
 * @param text            the {@code message} output items, joined
 * @param reasoning       the {@code reasoning} output items, joined, or {@code ""}
 * @param serverStats     the server's {@code stats} ({@code tokens_per_second}, {@code time_to_first_token_seconds};
 *                        source {@code lmstudio.api.v1.chat.stats}; {@code model_load_time_seconds} as
 *                        {@link ServerStats#modelLoadSeconds()}), or {@link ServerStats#NONE} (always for a cached
 *                        reply)
 * @param timings         client-side timings, measured as for chat completions (token times only when streamed); for a
 *                        cached reply they measure the cache lookup
 * @param usage           token counts from {@code stats} ({@code input_tokens}, {@code total_output_tokens},
 *                        {@code reasoning_output_tokens}), else estimated
 * @param modelInstanceId {@code model_instance_id}, or {@code ""}
 * @param cached          {@code true} when the reply came from the {@link ResponseCache}, not the server
 * @param promptProcessingSeconds the server's prompt processing as the client saw it: from the arrival of the
 *                        stream's {@code prompt_processing.start} event to that of its {@code prompt_processing.end}
 *                        ({@link System#nanoTime()} of the reads that completed them); {@code NaN} when not streamed,
 *                        or when either event did not come
 */
public record ChatReply(String responseId, String text, String reasoning, ServerStats serverStats,
                        RequestTimings timings, TokenUsage usage, String modelInstanceId, boolean cached,
                        double promptProcessingSeconds) {

    /** Normalizes absent values; requires timings and usage. */
    public ChatReply {
        responseId = Objects.requireNonNullElse(responseId, "");
        text = Objects.requireNonNullElse(text, "");
        reasoning = Objects.requireNonNullElse(reasoning, "");
        serverStats = Objects.requireNonNullElse(serverStats, ServerStats.NONE);
        Objects.requireNonNull(timings, "timings");
        Objects.requireNonNull(usage, "usage");
        modelInstanceId = Objects.requireNonNullElse(modelInstanceId, "");
    }

    /**
     * A reply without a prompt processing time (see the canonical constructor for the parameters).
     */
    public ChatReply(String responseId, String text, String reasoning, ServerStats serverStats,
                     RequestTimings timings, TokenUsage usage, String modelInstanceId, boolean cached) {
        this(responseId, text, reasoning, serverStats, timings, usage, modelInstanceId, cached, Double.NaN);
    }

    /**
     * {@return how long the server said this turn waited for its model to load ({@code model_load_time_seconds}
     * after a just-in-time load), or {@code NaN}}
     */
    public double modelLoadSeconds() {
        return serverStats.modelLoadSeconds();
    }
}
