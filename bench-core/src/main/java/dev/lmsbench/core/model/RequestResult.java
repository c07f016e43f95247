package dev.lmsbench.core.model;

import java.time.Instant;
import java.util.Objects;

/**
 * The outcome of one request: what was asked, when, the client-side timings, the token counts and any error.
 * Derived figures are methods and return {@code NaN} when they are not defined for this request (for example TTFT of a
 * non-streaming request, or any figure of a failed request). Definitions are in {@code docs/metrics.md}.
 *
 * @param model         the model id
 * @param contextLength the context length the model was benchmarked at ({@code 0} = server default)
 * @param parallel      how many requests were in flight together
 * @param index         the logical request index within its phase (warmup or measured), from 0
 * @param warmup        {@code true} for warmup requests, which no summary includes
 * @param mode          streaming or not
 * @param startedAt     wall-clock time the request was sent
 * @param timings       client-side timings
 * @param usage         token counts (from the server's {@code usage}, or estimated and flagged)
 * @param finishReason  the server's {@code finish_reason}, or {@code ""}
 * @param error         a one-line, sanitized error, or {@code ""} when the request succeeded
 * @param serverStats   what the server itself reported, or {@link ServerStats#NONE}; reported beside, never instead
 *                      of, the client-side figures
 * @param errorType     what kind of failure; {@link ErrorType#NONE} exactly when {@code error} is empty
 * @param httpStatus    the HTTP status of an {@link ErrorType#HTTP_STATUS} failure, else {@code -1}
 * @param usageCheck    how the reported completion tokens compared with the streamed chunks
 *                      ({@link UsageCheck#NOT_CHECKED} when not compared)
 * @param attempts      calls made for this row: 1, or more when failed calls were retried (sweeps' backoff, a
 *                      server's Retry-After); the timings are those of the last call
 */
public record RequestResult(
        String model,
        int contextLength,
        int parallel,
        int index,
        boolean warmup,
        RunMode mode,
        Instant startedAt,
        RequestTimings timings,
        TokenUsage usage,
        String finishReason,
        String error,
        ServerStats serverStats,
        ErrorType errorType,
        int httpStatus,
        UsageCheck usageCheck,
        int attempts) {

    /** Validates required fields and normalizes absent strings to {@code ""}. */
    public RequestResult {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(timings, "timings");
        Objects.requireNonNull(usage, "usage");
        finishReason = Objects.requireNonNullElse(finishReason, "");
        error = Objects.requireNonNullElse(error, "");
        serverStats = Objects.requireNonNullElse(serverStats, ServerStats.NONE);
        errorType = Objects.requireNonNullElse(errorType, ErrorType.NONE);
        usageCheck = Objects.requireNonNullElse(usageCheck, UsageCheck.NOT_CHECKED);
        if (error.isEmpty()) {
            errorType = ErrorType.NONE;
            httpStatus = -1;
        } else if (errorType == ErrorType.NONE) {
            errorType = ErrorType.UNKNOWN;
        }
        if (parallel < 1) {
            throw new IllegalArgumentException("parallel must be >= 1");
        }
        attempts = Math.max(1, attempts);
    }

    /**
     * A result of a call made once (see the canonical constructor for the parameters).
     */
    public RequestResult(String model, int contextLength, int parallel, int index, boolean warmup, RunMode mode,
                         Instant startedAt, RequestTimings timings, TokenUsage usage, String finishReason,
                         String error, ServerStats serverStats, ErrorType errorType, int httpStatus,
                         UsageCheck usageCheck) {
        this(model, contextLength, parallel, index, warmup, mode, startedAt, timings, usage, finishReason, error,
                serverStats, errorType, httpStatus, usageCheck, 1);
    }

    /**
     * Whether this call failed after every retry the backoff allowed (seed 004's {@code error_final}): a failed call
     * that was tried more than once. @return true for a failure after retries
     */
    public boolean errorFinal() {
        return !success() && attempts > 1;
    }

    /**
     * This result with the number of calls it took. @param value calls made, at least 1 @return the copy
     */
    public RequestResult withAttempts(int value) {
        return new RequestResult(model, contextLength, parallel, index, warmup, mode, startedAt, timings, usage,
                finishReason, error, serverStats, errorType, httpStatus, usageCheck, value);
    }

    /**
     * This result flagged as left out of the statistics or not (warmups; a load stage's warmup and cooldown).
     * @param value true to leave it out @return the copy
     */
    public RequestResult withWarmup(boolean value) {
        return new RequestResult(model, contextLength, parallel, index, value, mode, startedAt, timings, usage,
                finishReason, error, serverStats, errorType, httpStatus, usageCheck, attempts);
    }

    /**
     * A result whose usage was not checked against the stream (see the canonical constructor for the parameters).
     */
    public RequestResult(String model, int contextLength, int parallel, int index, boolean warmup, RunMode mode,
                         Instant startedAt, RequestTimings timings, TokenUsage usage, String finishReason,
                         String error, ServerStats serverStats, ErrorType errorType, int httpStatus) {
        this(model, contextLength, parallel, index, warmup, mode, startedAt, timings, usage, finishReason, error,
                serverStats, errorType, httpStatus, UsageCheck.NOT_CHECKED);
    }

    /**
     * A result without an error type: {@link ErrorType#UNKNOWN} when {@code error} is not empty (see the canonical
     * constructor for the parameters).
     */
    public RequestResult(String model, int contextLength, int parallel, int index, boolean warmup, RunMode mode,
                         Instant startedAt, RequestTimings timings, TokenUsage usage, String finishReason,
                         String error, ServerStats serverStats) {
        this(model, contextLength, parallel, index, warmup, mode, startedAt, timings, usage, finishReason, error,
                serverStats, ErrorType.UNKNOWN, -1, UsageCheck.NOT_CHECKED);
    }

    /** A result without server statistics or error type (see the canonical constructor for the parameters). */
    public RequestResult(String model, int contextLength, int parallel, int index, boolean warmup, RunMode mode,
                         Instant startedAt, RequestTimings timings, TokenUsage usage, String finishReason,
                         String error) {
        this(model, contextLength, parallel, index, warmup, mode, startedAt, timings, usage, finishReason, error,
                ServerStats.NONE);
    }

    /** Whether the request completed without error. */
    public boolean success() {
        return error.isEmpty();
    }

    /** End-to-end wall time in seconds ({@code wall_s}). */
    public double wallSeconds() {
        return timings.e2eSeconds();
    }

    /** Time to first token (content or reasoning) in seconds; streaming only. */
    public double ttftSeconds() {
        return ok() && mode == RunMode.STREAM ? timings.ttftSeconds() : Double.NaN;
    }

    /** Time to first visible content token in seconds; streaming only. */
    public double firstContentSeconds() {
        return ok() && mode == RunMode.STREAM ? timings.firstContentSeconds() : Double.NaN;
    }

    /**
     * Prompt (prefill) tokens per second: the prompt tokens the server processed / TTFT; streaming only. When the
     * server said how many prompt tokens it took from its cache, those are not counted (a cache hit is not prefill
     * speed); when it did not, every prompt token is counted and {@link TokenUsage#promptCacheKnown()} is false.
     */
    public double prefillTokensPerSecond() {
        double ttft = ttftSeconds();
        return ttft > 0 ? usage.processedPromptTokens() / ttft : Double.NaN;
    }

    /** Decode tokens per second: (completion tokens - 1) / (last token time - first token time); streaming only. */
    public double decodeTokensPerSecond() {
        if (!ok() || mode != RunMode.STREAM || usage.completionTokens() < 2) {
            return Double.NaN;
        }
        double decode = timings.decodeSeconds();
        return decode > 0 ? (usage.completionTokens() - 1) / decode : Double.NaN;
    }

    /** Time per output token as vLLM defines it: (E2E - TTFT) / (completion tokens - 1); streaming only. */
    public double tpotSeconds() {
        double ttft = ttftSeconds();
        if (Double.isNaN(ttft) || usage.completionTokens() < 2) {
            return Double.NaN;
        }
        return (timings.e2eSeconds() - ttft) / (usage.completionTokens() - 1);
    }

    /** Completion tokens per second of wall time (both modes). */
    public double completionTokensPerSecond() {
        return perWallSecond(usage.completionTokens());
    }

    /** Reasoning tokens per second of wall time. */
    public double reasoningTokensPerSecond() {
        return perWallSecond(usage.reasoningTokens());
    }

    /** Visible (non-reasoning) completion tokens per second of wall time. */
    public double visibleTokensPerSecond() {
        return perWallSecond(usage.visibleTokens());
    }

    private double perWallSecond(int tokens) {
        double wall = wallSeconds();
        return ok() && wall > 0 ? tokens / wall : Double.NaN;
    }

    private boolean ok() {
        return error.isEmpty();
    }
}
