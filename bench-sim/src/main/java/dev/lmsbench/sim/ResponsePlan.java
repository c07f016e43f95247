package dev.lmsbench.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Everything decided about one response before its first byte: the token texts and when each is due.
 *
 * @param promptTokens    prompt tokens by {@link PromptTokenizer}
 * @param cachedTokens    the part of {@code promptTokens} the {@link PrefixCache} held: not processed, so not part of
 *                        the time to first token
 * @param reasoningTokens how many leading pieces are reasoning
 * @param pieces          one string per completion token, reasoning first
 * @param offsetsNanos    due time of each piece, in nanoseconds after the request was read; non-decreasing
 * @param finishReason    {@code stop} or {@code length}
 */
record ResponsePlan(int promptTokens, int cachedTokens, int reasoningTokens, List<String> pieces,
        long[] offsetsNanos, String finishReason) {

    static final String STOP = "stop";
    static final String LENGTH = "length";

    ResponsePlan {
        pieces = List.copyOf(pieces);
        if (cachedTokens < 0 || cachedTokens > promptTokens) {
            throw new IllegalArgumentException("cached tokens must be 0.." + promptTokens + ", got " + cachedTokens);
        }
        if (pieces.isEmpty() || offsetsNanos.length != pieces.size()) {
            throw new IllegalArgumentException("one offset per piece, at least one piece");
        }
    }

    /**
     * Plans a response.
     *
     * @param maxTokens the request's limit, or {@code -1} for none
     * @param seed      the server's seed
     * @param sequence  the request's number; the same seed and sequence give the same text and jitter
     */
    static ResponsePlan create(SimModel model, int promptTokens, int maxTokens, long seed, long sequence) {
        return create(model, promptTokens, maxTokens, seed, sequence, 0);
    }

    /**
     * Plans a response that cannot start before the model is ready.
     *
     * @param waitNanos how long after the request the model is loaded (JIT loading); every token moves by this much
     */
    static ResponsePlan create(SimModel model, int promptTokens, int maxTokens, long seed, long sequence,
            long waitNanos) {
        return create(model, promptTokens, 0, maxTokens, seed, sequence, waitNanos);
    }

    /**
     * Plans a response whose prompt was partly cached: the time to first token counts the processed prompt tokens
     * ({@code promptTokens - cachedTokens}) only.
     *
     * @param cachedTokens prompt tokens from the cache, {@code 0 .. promptTokens}
     */
    static ResponsePlan create(SimModel model, int promptTokens, int cachedTokens, int maxTokens, long seed,
            long sequence, long waitNanos) {
        int natural = model.responseTokens();
        int completion = maxTokens < 0 ? natural : Math.min(maxTokens, natural);
        String finishReason = completion < natural ? LENGTH : STOP;
        int reasoning = Math.min(model.reasoningTokens(), completion);

        TextGenerator text = new TextGenerator(new SplittableRandom(mix(seed, sequence, 1)));
        List<String> pieces = new ArrayList<>(completion);
        pieces.addAll(text.reasoning(reasoning));
        pieces.addAll(text.answer(completion - reasoning));

        long[] offsets = schedule(model, promptTokens - cachedTokens, completion,
                new SplittableRandom(mix(seed, sequence, 2)));
        for (int i = 0; i < offsets.length; i++) {
            offsets[i] += waitNanos;
        }
        return new ResponsePlan(promptTokens, cachedTokens, reasoning, pieces, offsets, finishReason);
    }

    /**
     * Token {@code i} is due at {@code ttft + i * interval}, computed from {@code i} rather than by adding intervals so
     * rounding never accumulates; jitter moves a token around that absolute point, never the ones after it. The first
     * token is not jittered so the configured TTFT is exact, and a token is never due before its predecessor.
     */
    static long[] schedule(SimModel model, int processedPromptTokens, int count, SplittableRandom random) {
        double ttftNanos = model.ttftMs(processedPromptTokens) * 1e6;
        double intervalNanos = 1e9 / model.tokensPerSecond();
        double maxJitterNanos = model.jitterFraction() * intervalNanos;
        long[] offsets = new long[count];
        for (int i = 0; i < count; i++) {
            double jitter = i == 0 || maxJitterNanos == 0 ? 0.0 : (random.nextDouble() * 2 - 1) * maxJitterNanos;
            long due = Math.round(ttftNanos + i * intervalNanos + jitter);
            offsets[i] = i == 0 ? due : Math.max(due, offsets[i - 1]);
        }
        return offsets;
    }

    int completionTokens() {
        return pieces.size();
    }

    /** When the last piece is due, after the request was read: how long the answer occupies its slot. */
    long durationNanos() {
        return offsetsNanos[offsetsNanos.length - 1];
    }

    /** This plan started {@code nanos} later (waiting for a load or a parallel slot): every piece moves by it. */
    ResponsePlan delayed(long nanos) {
        long[] offsets = offsetsNanos.clone();
        for (int i = 0; i < offsets.length; i++) {
            offsets[i] += nanos;
        }
        return new ResponsePlan(promptTokens, cachedTokens, reasoningTokens, pieces, offsets, finishReason);
    }

    /** SplitMix64 over the inputs, so neighbouring sequences and salts give unrelated streams. */
    static long mix(long seed, long sequence, long salt) {
        long z = seed + sequence * 0x9E3779B97F4A7C15L + salt * 0xD1B54A32D192ED03L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
