package dev.lmsbench.sim;

import java.util.Objects;

/**
 * What the simulator did for one chat completion: the witness that client measurements are compared with.
 *
 * <p>All times are absolute {@link System#nanoTime()} values of the simulator's JVM, so they are comparable with a
 * client's timestamps only when both run in the same JVM (as in tests). An entry is logged before the client can read
 * the end of its response: after the last token of a stream, before the finish chunk, and just before a non-streaming
 * body is written.
 *
 * @param sequence         0-based number of the chat request among those this server accepted; with the seed it
 *                         determines the jitter and the generated text
 * @param model            the model id the request named (see {@code answeredBy})
 * @param stream           whether the response streamed
 * @param receivedNanos    when the request body had been read; the schedule counts from here
 * @param roleChunkNanos   when the role-only first chunk was written and flushed, or {@code -1} without streaming
 * @param scheduledNanos   planned write time of every completion token (reasoning first), jitter included
 * @param tokenNanos       when each token chunk was written and flushed; shorter than {@code scheduledNanos} only
 *                         when the client went away; empty without streaming
 * @param endNanos         streaming: when the last token chunk (or the failed write) happened; non-streaming: just
 *                         before the body was written
 * @param promptTokens     prompt tokens by the sim's own tokenizer
 * @param completionTokens completion tokens of the response, reasoning included (what {@code usage} reports)
 * @param reasoningTokens  how many of them were {@code reasoning_content}
 * @param finishReason     {@code stop} or {@code length}
 * @param usageSent        whether a {@code usage} object was sent
 * @param completed        {@code false} when a stream's client disconnected before the end; always {@code true}
 *                         without streaming, where nothing is written before the whole answer
 * @param modelLoadNanos   how long the request waited for its model to load (JIT loading, or a load in progress);
 *                         already part of {@code scheduledNanos}, 0 when the model was ready
 * @param queueNanos       how long it then waited for a free parallel slot of its instance (all slots busy);
 *                         already part of {@code scheduledNanos}, 0 when a slot was free
 * @param answeredBy       the model that actually answered: {@code model}, except under the
 *                         {@code jit_serves_loaded_model} quirk, where the one loaded model answers for another
 * @param instanceId       the model instance that answered ({@code model}, {@code model:2}, an {@code lms load}
 *                         identifier, ...)
 */
public record SendLogEntry(
        long sequence,
        String model,
        boolean stream,
        long receivedNanos,
        long roleChunkNanos,
        long[] scheduledNanos,
        long[] tokenNanos,
        long endNanos,
        int promptTokens,
        int completionTokens,
        int reasoningTokens,
        String finishReason,
        boolean usageSent,
        boolean completed,
        long modelLoadNanos,
        long queueNanos,
        String answeredBy,
        String instanceId) {

    /** Copies the arrays so an entry never changes. */
    public SendLogEntry {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(finishReason, "finishReason");
        scheduledNanos = scheduledNanos.clone();
        tokenNanos = tokenNanos.clone();
        if (scheduledNanos.length != completionTokens) {
            throw new IllegalArgumentException("scheduledNanos must hold one time per completion token");
        }
        if (tokenNanos.length > scheduledNanos.length) {
            throw new IllegalArgumentException("more tokens written than scheduled");
        }
        if (modelLoadNanos < 0) {
            throw new IllegalArgumentException("modelLoadNanos must be >= 0");
        }
        if (queueNanos < 0) {
            throw new IllegalArgumentException("queueNanos must be >= 0");
        }
        answeredBy = answeredBy == null ? model : answeredBy;
        instanceId = instanceId == null ? answeredBy : instanceId;
    }

    /** An entry of a request answered, without queueing, by the model it named (on the instance of its id). */
    public SendLogEntry(long sequence, String model, boolean stream, long receivedNanos, long roleChunkNanos,
            long[] scheduledNanos, long[] tokenNanos, long endNanos, int promptTokens, int completionTokens,
            int reasoningTokens, String finishReason, boolean usageSent, boolean completed, long modelLoadNanos) {
        this(sequence, model, stream, receivedNanos, roleChunkNanos, scheduledNanos, tokenNanos, endNanos, promptTokens,
                completionTokens, reasoningTokens, finishReason, usageSent, completed, modelLoadNanos, 0, model, model);
    }

    /** The planned write times (a copy). */
    @Override
    public long[] scheduledNanos() {
        return scheduledNanos.clone();
    }

    /** An entry of a request whose model was ready (no load wait). */
    public SendLogEntry(long sequence, String model, boolean stream, long receivedNanos, long roleChunkNanos,
            long[] scheduledNanos, long[] tokenNanos, long endNanos, int promptTokens, int completionTokens,
            int reasoningTokens, String finishReason, boolean usageSent, boolean completed) {
        this(sequence, model, stream, receivedNanos, roleChunkNanos, scheduledNanos, tokenNanos, endNanos, promptTokens,
                completionTokens, reasoningTokens, finishReason, usageSent, completed, 0);
    }

    /** The actual write times of the token chunks (a copy). */
    @Override
    public long[] tokenNanos() {
        return tokenNanos.clone();
    }

    /**
     * The planned time to first token in nanoseconds, from {@code receivedNanos}; includes {@link #modelLoadNanos()}
     * and {@link #queueNanos()}.
     */
    public long scheduledTtftNanos() {
        return scheduledNanos[0] - receivedNanos;
    }

    /** The time from {@code receivedNanos} until the first token chunk was flushed, or {@code -1} if none was. */
    public long actualTtftNanos() {
        return tokenNanos.length == 0 ? -1 : tokenNanos[0] - receivedNanos;
    }

    /** Number of token chunks actually written. */
    public int tokensWritten() {
        return tokenNanos.length;
    }
}
