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
 *                        source {@code lmstudio.api.v1.chat.stats}), or {@link ServerStats#NONE} (always for a cached
 *                        reply)
 * @param timings         client-side timings, measured as for chat completions (token times only when streamed); for a
 *                        cached reply they measure the cache lookup
 * @param usage           token counts from {@code stats} ({@code input_tokens}, {@code total_output_tokens},
 *                        {@code reasoning_output_tokens}), else estimated
 * @param modelInstanceId {@code model_instance_id}, or {@code ""}
 * @param cached          {@code true} when the reply came from the {@link ResponseCache}, not the server
 */
public record ChatReply(String responseId, String text, String reasoning, ServerStats serverStats,
                        RequestTimings timings, TokenUsage usage, String modelInstanceId, boolean cached) {

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
}
