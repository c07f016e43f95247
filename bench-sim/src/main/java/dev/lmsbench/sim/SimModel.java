package dev.lmsbench.sim;

import dev.lmsbench.core.model.ModelInfo;
import java.util.Objects;

/**
 * One simulated model: what the server lists and how fast and how long it answers.
 *
 * <p>Timing of a request with {@code p} prompt tokens: token {@code i} (0-based, reasoning and content together) is
 * written at {@code received + ttft(p) + i / tokensPerSecond}, where
 * {@code ttft(p) = ttftMs + p / promptTokensPerSecond * 1000} (no prompt term when {@code promptTokensPerSecond <= 0}).
 * Tokens after the first are jittered by up to {@code ±jitterFraction} of the token interval around that absolute
 * schedule; the first token is never jittered, so the configured TTFT is exact.
 *
 * @param id                    identifier sent as {@code model}, e.g. {@code sim/qwen3-8b@q8_0}
 * @param type                  model type as LM Studio reports it, {@code llm} when null or blank
 * @param publisher             publisher, {@code ""} when unknown; listed as {@code owned_by}
 * @param architecture          architecture such as {@code llama}, {@code ""} when unknown
 * @param quantization          quantization such as {@code Q4_K_M}, {@code ""} when unknown
 * @param sizeBytes             file size in bytes, or {@code -1}
 * @param maxContextLength      largest prompt in the sim's own tokens, or {@code -1} for no limit
 * @param ttftMs                base time to first token in milliseconds, {@code >= 0}
 * @param tokensPerSecond       decode rate, {@code > 0}
 * @param promptTokensPerSecond prompt-processing rate; {@code <= 0} means TTFT does not depend on the prompt
 * @param jitterFraction        each token's send time moves by up to this fraction of the token interval, in [0, 1]
 * @param reasoningTokens       {@code reasoning_content} tokens streamed before the visible content, {@code >= 0}
 * @param responseTokens        natural completion length <em>including</em> the reasoning tokens; must exceed
 *                              {@code reasoningTokens} so a natural answer has visible content
 * @param sendsUsage            whether the model ever reports {@code usage}; {@code false} forces clients to estimate
 */
public record SimModel(
        String id,
        String type,
        String publisher,
        String architecture,
        String quantization,
        long sizeBytes,
        int maxContextLength,
        double ttftMs,
        double tokensPerSecond,
        double promptTokensPerSecond,
        double jitterFraction,
        int reasoningTokens,
        int responseTokens,
        boolean sendsUsage) {

    /** Validates every figure; the messages name the offending field. */
    public SimModel {
        Objects.requireNonNull(id, "id");
        if (id.isBlank()) {
            throw new IllegalArgumentException("id must not be blank");
        }
        type = type == null || type.isBlank() ? "llm" : type;
        publisher = Objects.requireNonNullElse(publisher, "");
        architecture = Objects.requireNonNullElse(architecture, "");
        quantization = Objects.requireNonNullElse(quantization, "");
        if (sizeBytes < -1) {
            throw new IllegalArgumentException("sizeBytes must be >= -1, got " + sizeBytes);
        }
        if (maxContextLength < -1 || maxContextLength == 0) {
            throw new IllegalArgumentException("maxContextLength must be > 0 or -1, got " + maxContextLength);
        }
        if (!Double.isFinite(ttftMs) || ttftMs < 0) {
            throw new IllegalArgumentException("ttftMs must be a finite number >= 0, got " + ttftMs);
        }
        if (!Double.isFinite(tokensPerSecond) || tokensPerSecond <= 0) {
            throw new IllegalArgumentException("tokensPerSecond must be a finite number > 0, got " + tokensPerSecond);
        }
        if (!Double.isFinite(promptTokensPerSecond)) {
            throw new IllegalArgumentException("promptTokensPerSecond must be finite, got " + promptTokensPerSecond);
        }
        if (!(jitterFraction >= 0 && jitterFraction <= 1)) {
            throw new IllegalArgumentException("jitterFraction must be in [0, 1], got " + jitterFraction);
        }
        if (reasoningTokens < 0) {
            throw new IllegalArgumentException("reasoningTokens must be >= 0, got " + reasoningTokens);
        }
        if (responseTokens <= reasoningTokens) {
            throw new IllegalArgumentException("responseTokens (" + responseTokens
                    + ") must exceed reasoningTokens (" + reasoningTokens + "): it counts reasoning and content");
        }
    }

    /**
     * A plain model for tests: no prompt term, no jitter, no reasoning, reports usage.
     *
     * <p>{@code SimModel.of("sim/fast", 20, 400, 200)}: first token after 20 ms, then 400 tokens per second, 200 tokens.
     */
    public static SimModel of(String id, double ttftMs, double tokensPerSecond, int responseTokens) {
        return new SimModel(id, "llm", "sim", "", "", -1, -1, ttftMs, tokensPerSecond, 0.0, 0.0, 0, responseTokens,
                true);
    }

    /**
     * The configured time to first token for a prompt of {@code promptTokens} tokens (as the sim counts them).
     *
     * @return milliseconds from reading the request to writing the first token
     */
    public double ttftMs(int promptTokens) {
        double promptMs = promptTokensPerSecond > 0 ? promptTokens / promptTokensPerSecond * 1000.0 : 0.0;
        return ttftMs + promptMs;
    }

    /** This model with another decode rate. */
    public SimModel withTokensPerSecond(double newTokensPerSecond) {
        return new SimModel(id, type, publisher, architecture, quantization, sizeBytes, maxContextLength, ttftMs,
                newTokensPerSecond, promptTokensPerSecond, jitterFraction, reasoningTokens, responseTokens, sendsUsage);
    }

    /** This model with a fixed TTFT: the prompt-processing term is dropped so TTFT is exactly {@code newTtftMs}. */
    public SimModel withTtftMs(double newTtftMs) {
        return new SimModel(id, type, publisher, architecture, quantization, sizeBytes, maxContextLength, newTtftMs,
                tokensPerSecond, 0.0, jitterFraction, reasoningTokens, responseTokens, sendsUsage);
    }

    /** This model with another jitter fraction ({@code 0} for an exact schedule). */
    public SimModel withJitterFraction(double newJitterFraction) {
        return new SimModel(id, type, publisher, architecture, quantization, sizeBytes, maxContextLength, ttftMs,
                tokensPerSecond, promptTokensPerSecond, newJitterFraction, reasoningTokens, responseTokens, sendsUsage);
    }

    /** This model with another natural length and reasoning length. */
    public SimModel withTokens(int newReasoningTokens, int newResponseTokens) {
        return new SimModel(id, type, publisher, architecture, quantization, sizeBytes, maxContextLength, ttftMs,
                tokensPerSecond, promptTokensPerSecond, jitterFraction, newReasoningTokens, newResponseTokens,
                sendsUsage);
    }

    /** This model with usage reporting switched on or off. */
    public SimModel withSendsUsage(boolean newSendsUsage) {
        return new SimModel(id, type, publisher, architecture, quantization, sizeBytes, maxContextLength, ttftMs,
                tokensPerSecond, promptTokensPerSecond, jitterFraction, reasoningTokens, responseTokens,
                newSendsUsage);
    }

    /** The model as the core describes listed models. */
    public ModelInfo toModelInfo() {
        return new ModelInfo(id, type, publisher, architecture, quantization, sizeBytes, maxContextLength);
    }
}
