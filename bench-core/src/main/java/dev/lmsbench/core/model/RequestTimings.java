package dev.lmsbench.core.model;

import java.util.Arrays;

/**
 * Client-side timestamps of one request, taken with {@link System#nanoTime()} where the bytes arrive.
 *
 * <p>{@code sentNanos} is an absolute {@code System.nanoTime()} value taken just before the request was handed to the
 * HTTP stack. Every other field is an <em>offset in nanoseconds from {@code sentNanos}</em>, or {@link #ABSENT} ({@code -1})
 * when the event did not happen (for example no token arrived, or the request did not stream).
 *
 * @param sentNanos         absolute {@code System.nanoTime()} when the request was sent
 * @param headersNanos      response headers received
 * @param firstByteNanos    first body byte received
 * @param firstTokenNanos   first chunk carrying a token, content <em>or reasoning</em> (this is TTFT). A role-only or
 *                          empty chunk is not a token.
 * @param firstContentNanos first chunk carrying visible content (time to first visible token)
 * @param lastTokenNanos    last chunk carrying a token
 * @param endNanos          response complete (the {@code [DONE]} marker, end of stream, or the full body read)
 * @param tokenNanos        arrival offset of every chunk that carried at least one token, in order (streaming only)
 */
public record RequestTimings(
        long sentNanos,
        long headersNanos,
        long firstByteNanos,
        long firstTokenNanos,
        long firstContentNanos,
        long lastTokenNanos,
        long endNanos,
        long[] tokenNanos) {

    /** The sentinel for an event that did not happen. */
    public static final long ABSENT = -1L;

    private static final double NANOS_PER_SECOND = 1e9;

    /** Validates offsets and copies the token array. */
    public RequestTimings {
        tokenNanos = tokenNanos == null ? new long[0] : tokenNanos.clone();
        checkOffset("headersNanos", headersNanos);
        checkOffset("firstByteNanos", firstByteNanos);
        checkOffset("firstTokenNanos", firstTokenNanos);
        checkOffset("firstContentNanos", firstContentNanos);
        checkOffset("lastTokenNanos", lastTokenNanos);
        checkOffset("endNanos", endNanos);
        for (int i = 1; i < tokenNanos.length; i++) {
            if (tokenNanos[i] < tokenNanos[i - 1]) {
                throw new IllegalArgumentException("tokenNanos must be non-decreasing");
            }
        }
    }

    private static void checkOffset(String name, long value) {
        if (value < ABSENT) {
            throw new IllegalArgumentException(name + " must be >= -1: " + value);
        }
    }

    /** The arrival offsets of token-carrying chunks (a copy). */
    @Override
    public long[] tokenNanos() {
        return tokenNanos.clone();
    }

    /** Number of token-carrying chunks received. */
    public int tokenChunkCount() {
        return tokenNanos.length;
    }

    /** Time to first token (content or reasoning) in seconds, or {@code NaN}. */
    public double ttftSeconds() {
        return seconds(firstTokenNanos);
    }

    /** Time to first visible content token in seconds, or {@code NaN}. */
    public double firstContentSeconds() {
        return seconds(firstContentNanos);
    }

    /** End-to-end (wall) time in seconds, or {@code NaN}. */
    public double e2eSeconds() {
        return seconds(endNanos);
    }

    /** Seconds between the first and the last token chunk, or {@code NaN} when fewer than two arrived. */
    public double decodeSeconds() {
        if (firstTokenNanos == ABSENT || lastTokenNanos == ABSENT || lastTokenNanos <= firstTokenNanos) {
            return Double.NaN;
        }
        return (lastTokenNanos - firstTokenNanos) / NANOS_PER_SECOND;
    }

    /** The gaps between consecutive token chunks in seconds (inter-token latencies). */
    public double[] interTokenSeconds() {
        if (tokenNanos.length < 2) {
            return new double[0];
        }
        double[] gaps = new double[tokenNanos.length - 1];
        for (int i = 1; i < tokenNanos.length; i++) {
            gaps[i - 1] = (tokenNanos[i] - tokenNanos[i - 1]) / NANOS_PER_SECOND;
        }
        return gaps;
    }

    private static double seconds(long offset) {
        return offset == ABSENT ? Double.NaN : offset / NANOS_PER_SECOND;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RequestTimings t
                && sentNanos == t.sentNanos
                && headersNanos == t.headersNanos
                && firstByteNanos == t.firstByteNanos
                && firstTokenNanos == t.firstTokenNanos
                && firstContentNanos == t.firstContentNanos
                && lastTokenNanos == t.lastTokenNanos
                && endNanos == t.endNanos
                && Arrays.equals(tokenNanos, t.tokenNanos);
    }

    @Override
    public int hashCode() {
        return 31 * java.util.Objects.hash(sentNanos, headersNanos, firstByteNanos, firstTokenNanos,
                firstContentNanos, lastTokenNanos, endNanos) + Arrays.hashCode(tokenNanos);
    }

    @Override
    public String toString() {
        return "RequestTimings[ttft=" + ttftSeconds() + "s, e2e=" + e2eSeconds() + "s, chunks=" + tokenNanos.length + "]";
    }

    /** Timings of a request that failed before any response: only the send time is known. */
    public static RequestTimings failed(long sentNanos, long endOffsetNanos) {
        return new RequestTimings(sentNanos, ABSENT, ABSENT, ABSENT, ABSENT, ABSENT, endOffsetNanos, new long[0]);
    }
}
