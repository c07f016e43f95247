package dev.lmsbench.sim;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the simulator served, as llama.cpp's server reports it at {@code GET /metrics} when started with
 * {@code --metrics}: the same metric names, {@code # HELP} and {@code # TYPE} lines, in the Prometheus text format
 * (version 0.0.4), counters first, then gauges.
 *
 * <ul>
 *   <li>{@code llamacpp:prompt_tokens_total}: the processed prompt tokens of every completed chat request (its
 *       prompt tokens minus the ones the prefix cache held, as llama.cpp counts them; without a cache hit, the
 *       {@code usage.prompt_tokens} the request was answered with);</li>
 *   <li>{@code llamacpp:prompt_seconds_total}: their planned prompt processing time (the time to first token less
 *       any load and queue wait);</li>
 *   <li>{@code llamacpp:tokens_predicted_total}: the completion tokens of every completed request (reasoning
 *       included: the {@code usage.completion_tokens} of an answer not cut at its limit);</li>
 *   <li>{@code llamacpp:tokens_predicted_seconds_total}: their planned decode time (first to last token);</li>
 *   <li>{@code llamacpp:n_decode_total}: one decode per completed request's prompt and one per generated token
 *       after the first (each sim request decodes alone);</li>
 *   <li>{@code llamacpp:prompt_tokens_seconds} and {@code llamacpp:predicted_tokens_seconds}: the averages of those
 *       (tokens per second over all completed requests, 0 before any);</li>
 *   <li>{@code llamacpp:requests_processing}: the chat requests in flight now that are not waiting for a slot;</li>
 *   <li>{@code llamacpp:requests_deferred}: those waiting for a parallel slot of their instance or, when
 *       {@link SimConfig#maxConcurrentRequests()} caps the server, for one of its slots.</li>
 * </ul>
 * A stream whose client went away is no longer in flight and is not counted. Thread-safe: counters are adders, the
 * requests in flight a concurrent map.
 */
final class SimMetrics {

    /** The content type llama.cpp's server answers {@code /metrics} with. */
    static final String CONTENT_TYPE = "text/plain; version=0.0.4";

    private final LongAdder promptTokens = new LongAdder();
    private final DoubleAdder promptSeconds = new DoubleAdder();
    private final LongAdder predictedTokens = new LongAdder();
    private final DoubleAdder predictedSeconds = new DoubleAdder();
    private final LongAdder decodes = new LongAdder();
    private final Map<Long, Accepted> inFlight = new ConcurrentHashMap<>();

    /** A chat request starts being answered (its response was planned and is being sent). */
    void begin(Accepted request) {
        inFlight.put(request.sequence(), request);
    }

    /**
     * A chat request's answer ended.
     *
     * @param completed whether it was served to its end; only then does it count
     */
    void end(Accepted request, boolean completed) {
        if (inFlight.remove(request.sequence()) == null || !completed) {
            return;
        }
        ResponsePlan plan = request.plan();
        long[] offsets = plan.offsetsNanos();
        long promptNanos = Math.max(0, offsets[0] - request.waitNanos() - request.queueNanos());
        long decodeNanos = Math.max(0, offsets[offsets.length - 1] - offsets[0]);
        promptTokens.add(plan.promptTokens() - plan.cachedTokens());
        promptSeconds.add(promptNanos / 1e9);
        predictedTokens.add(plan.completionTokens());
        predictedSeconds.add(decodeNanos / 1e9);
        decodes.add(plan.completionTokens());
    }

    /** How many chat requests are in flight now. */
    int inFlight() {
        return inFlight.size();
    }

    /**
     * The exposition at {@code nowNanos}.
     *
     * @param nowNanos {@link System#nanoTime()} now, to tell waiting requests from processing ones
     * @return the body, UTF-8
     */
    byte[] exposition(long nowNanos) {
        int processing = 0;
        int deferred = 0;
        for (Accepted request : inFlight.values()) {
            boolean waiting = request.queueNanos() > 0
                    && nowNanos - request.receivedNanos() < request.waitNanos() + request.queueNanos();
            if (waiting) {
                deferred++;
            } else {
                processing++;
            }
        }
        long prompt = promptTokens.sum();
        double promptTime = promptSeconds.sum();
        long predicted = predictedTokens.sum();
        double predictedTime = predictedSeconds.sum();
        StringBuilder out = new StringBuilder(2048);
        metric(out, "counter", "prompt_tokens_total", "Number of prompt tokens processed.", prompt);
        metric(out, "counter", "prompt_seconds_total", "Prompt process time", promptTime);
        metric(out, "counter", "tokens_predicted_total", "Number of generation tokens processed.", predicted);
        metric(out, "counter", "tokens_predicted_seconds_total", "Predict process time", predictedTime);
        metric(out, "counter", "n_decode_total", "Total number of llama_decode() calls", decodes.sum());
        metric(out, "gauge", "prompt_tokens_seconds", "Average prompt throughput in tokens/s.",
                promptTime > 0 ? prompt / promptTime : 0.0);
        metric(out, "gauge", "predicted_tokens_seconds", "Average generation throughput in tokens/s.",
                predictedTime > 0 ? predicted / predictedTime : 0.0);
        metric(out, "gauge", "requests_processing", "Number of requests processing.", processing);
        metric(out, "gauge", "requests_deferred", "Number of requests deferred.", deferred);
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void metric(StringBuilder out, String type, String name, String help, double value) {
        out.append("# HELP llamacpp:").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE llamacpp:").append(name).append(' ').append(type).append('\n');
        out.append("llamacpp:").append(name).append(' ').append(format(value)).append('\n');
    }

    /** A whole number without a fraction (as llama.cpp prints counts), anything else with up to 6 decimals. */
    static String format(double value) {
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        String text = String.format(Locale.ROOT, "%.6f", value);
        text = text.replaceAll("0+$", "");
        return text.endsWith(".") ? text + "0" : text;
    }
}
