package dev.lmsbench.core.model;

import dev.lmsbench.core.hardware.HardwareSample;
import dev.lmsbench.core.stats.Distribution;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.ToDoubleFunction;

/**
 * The result of one model at one context length and parallelism: counts, distributions over the measured streaming
 * requests, aggregate throughput, and what the warmup showed. Definitions are in {@code docs/metrics.md}.
 *
 * <p>Build it from the requests with {@link #of}. Figures that could not be computed are {@code NaN}.
 *
 * @param model                    the model
 * @param contextLength            context length ({@code 0} = server default)
 * @param parallel                 requests in flight together
 * @param status                   how the model's benchmark ended
 * @param error                    why it failed or was cancelled, or {@code ""}
 * @param requestCount             logical measured requests (runs x parallel)
 * @param successCount             logical requests whose every call (stream, and non-stream when made) succeeded
 * @param errorCount               {@code requestCount - successCount}
 * @param ttft                     time to first token (seconds), streaming requests
 * @param firstContent             time to first visible content token (seconds)
 * @param prefillTokensPerSecond   prompt tokens / TTFT
 * @param decodeTokensPerSecond    (completion tokens - 1) / (last token - first token)
 * @param tpot                     time per output token (seconds), vLLM's definition
 * @param interTokenLatency        every gap between token chunks (seconds), all streaming requests pooled
 * @param e2e                      end-to-end seconds of streaming requests
 * @param completionTokensPerSecond completion tokens / wall seconds per streaming request
 * @param streamTokensPerSecondTotal    sum of stream completion tokens / sum of stream wall seconds
 * @param nonStreamTokensPerSecondTotal sum of non-stream completion tokens / sum of non-stream wall seconds
 * @param completionTokensPerSecondTotal mean of the two totals above when both exist, else the one that does
 * @param tokens                   token totals over measured successful requests, and whether any were estimated
 * @param warmup                   warmup statistics
 * @param loadSeconds              measured model load time, or {@code NaN} when the backend does not load explicitly
 * @param startedAt                when the model's benchmark started
 * @param finishedAt               when it ended
 * @param serverTokensPerSecond    the server's own {@code stats.tokens_per_second} over measured streaming requests
 *                                 that reported it (LM Studio); empty when the server reports none
 * @param serverTtft               the server's own time to first token (seconds), likewise
 * @param sideMetrics              secondary figures measured alongside (hardware profiling, efficiency, thermal
 *                                 pauses), each named, with a unit and an aggregation; empty without profiling
 * @param hardwareSamples          the raw hardware samples taken while the model was loaded and measured, in time
 *                                 order; empty without profiling (and in results read back without them)
 */
public record ModelSummary(
        ModelInfo model,
        int contextLength,
        int parallel,
        RunStatus status,
        String error,
        int requestCount,
        int successCount,
        int errorCount,
        Distribution ttft,
        Distribution firstContent,
        Distribution prefillTokensPerSecond,
        Distribution decodeTokensPerSecond,
        Distribution tpot,
        Distribution interTokenLatency,
        Distribution e2e,
        Distribution completionTokensPerSecond,
        double streamTokensPerSecondTotal,
        double nonStreamTokensPerSecondTotal,
        double completionTokensPerSecondTotal,
        TokenTotals tokens,
        WarmupStats warmup,
        double loadSeconds,
        Instant startedAt,
        Instant finishedAt,
        Distribution serverTokensPerSecond,
        Distribution serverTtft,
        List<SideMetric> sideMetrics,
        List<HardwareSample> hardwareSamples) {

    /** Validates required fields. */
    public ModelSummary {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(status, "status");
        error = Objects.requireNonNullElse(error, "");
        Objects.requireNonNull(tokens, "tokens");
        Objects.requireNonNull(warmup, "warmup");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(finishedAt, "finishedAt");
        // rows stored before these fields existed read back as null
        serverTokensPerSecond = Objects.requireNonNullElse(serverTokensPerSecond, Distribution.EMPTY);
        serverTtft = Objects.requireNonNullElse(serverTtft, Distribution.EMPTY);
        sideMetrics = sideMetrics == null ? List.of() : List.copyOf(sideMetrics);
        hardwareSamples = hardwareSamples == null ? List.of() : List.copyOf(hardwareSamples);
    }

    /**
     * This result as reported again from the results database: same figures, status {@link RunStatus#CACHED}.
     *
     * @return the copy
     */
    public ModelSummary asCached() {
        return new ModelSummary(model, contextLength, parallel, RunStatus.CACHED, error, requestCount, successCount,
                errorCount, ttft, firstContent, prefillTokensPerSecond, decodeTokensPerSecond, tpot, interTokenLatency,
                e2e, completionTokensPerSecond, streamTokensPerSecondTotal, nonStreamTokensPerSecondTotal,
                completionTokensPerSecondTotal, tokens, warmup, loadSeconds, startedAt, finishedAt,
                serverTokensPerSecond, serverTtft, sideMetrics, hardwareSamples);
    }

    /**
     * This result with other side metrics.
     *
     * @param metrics the side metrics
     * @return the copy
     */
    public ModelSummary withSideMetrics(List<SideMetric> metrics) {
        return new ModelSummary(model, contextLength, parallel, status, error, requestCount, successCount,
                errorCount, ttft, firstContent, prefillTokensPerSecond, decodeTokensPerSecond, tpot, interTokenLatency,
                e2e, completionTokensPerSecond, streamTokensPerSecondTotal, nonStreamTokensPerSecondTotal,
                completionTokensPerSecondTotal, tokens, warmup, loadSeconds, startedAt, finishedAt,
                serverTokensPerSecond, serverTtft, metrics, hardwareSamples);
    }

    /**
     * This result with the hardware samples taken while the model was loaded and measured.
     *
     * @param samples the samples, in time order
     * @return the copy
     */
    public ModelSummary withHardwareSamples(List<HardwareSample> samples) {
        return new ModelSummary(model, contextLength, parallel, status, error, requestCount, successCount,
                errorCount, ttft, firstContent, prefillTokensPerSecond, decodeTokensPerSecond, tpot, interTokenLatency,
                e2e, completionTokensPerSecond, streamTokensPerSecondTotal, nonStreamTokensPerSecondTotal,
                completionTokensPerSecondTotal, tokens, warmup, loadSeconds, startedAt, finishedAt,
                serverTokensPerSecond, serverTtft, sideMetrics, samples);
    }

    /**
     * Token totals over the measured, successful requests.
     *
     * @param prompt     prompt tokens
     * @param completion completion tokens (reasoning included)
     * @param reasoning  reasoning tokens
     * @param estimated  whether any count was estimated because the server sent no {@code usage}
     */
    public record TokenTotals(long prompt, long completion, long reasoning, boolean estimated) {
        /** Visible completion tokens. */
        public long visible() {
            return completion - reasoning;
        }
    }

    /**
     * Summarizes one model's requests.
     *
     * @param model       the model
     * @param settings    the settings it ran with (context, parallel, runs)
     * @param requests    every request of the model, warmups included (they only feed {@link WarmupStats})
     * @param status      how it ended
     * @param error       why it failed, or {@code ""}
     * @param loadSeconds measured load time or {@code NaN}
     * @param startedAt   start time
     * @param finishedAt  end time
     * @return the summary
     */
    public static ModelSummary of(ModelInfo model, BenchmarkSettings settings, List<RequestResult> requests,
                                  RunStatus status, String error, double loadSeconds,
                                  Instant startedAt, Instant finishedAt) {
        return of(model, settings, requests, status, error, loadSeconds, startedAt, finishedAt, List.of());
    }

    /**
     * Summarizes one model's requests, with side metrics.
     *
     * @param model       the model
     * @param settings    the settings it ran with (context, parallel, runs)
     * @param requests    every request of the model, warmups included (they only feed {@link WarmupStats})
     * @param status      how it ended
     * @param error       why it failed, or {@code ""}
     * @param loadSeconds measured load time or {@code NaN}
     * @param startedAt   start time
     * @param finishedAt  end time
     * @param sideMetrics secondary figures (hardware profiling), possibly empty
     * @return the summary
     */
    public static ModelSummary of(ModelInfo model, BenchmarkSettings settings, List<RequestResult> requests,
                                  RunStatus status, String error, double loadSeconds,
                                  Instant startedAt, Instant finishedAt, List<SideMetric> sideMetrics) {
        List<RequestResult> warmups = new ArrayList<>();
        List<RequestResult> stream = new ArrayList<>();
        List<RequestResult> nonStream = new ArrayList<>();
        Set<Integer> indices = new TreeSet<>();
        Set<Integer> failed = new TreeSet<>();
        for (RequestResult r : requests) {
            if (r.warmup()) {
                warmups.add(r);
                continue;
            }
            indices.add(r.index());
            if (!r.success()) {
                failed.add(r.index());
                continue;
            }
            (r.mode() == RunMode.STREAM ? stream : nonStream).add(r);
        }
        int requestCount = status == RunStatus.COMPLETED
                ? Math.max(settings.runs() * settings.parallel(), indices.size())
                : indices.size();
        // a logical request succeeded when each of its calls that was made succeeded (stream + non-stream)
        int successCount = (int) indices.stream().filter(i -> !failed.contains(i)).count();
        List<Double> itl = new ArrayList<>();
        for (RequestResult r : stream) {
            for (double gap : r.timings().interTokenSeconds()) {
                itl.add(gap);
            }
        }
        double streamTotal = aggregateRate(stream);
        double nonStreamTotal = aggregateRate(nonStream);
        double total;
        if (!Double.isNaN(streamTotal) && !Double.isNaN(nonStreamTotal)) {
            total = (streamTotal + nonStreamTotal) / 2;
        } else {
            total = Double.isNaN(streamTotal) ? nonStreamTotal : streamTotal;
        }
        long prompt = 0;
        long completion = 0;
        long reasoning = 0;
        boolean estimated = false;
        for (RequestResult r : requests) {
            if (r.success()) {
                estimated |= r.usage().estimated();
                if (!r.warmup()) {
                    prompt += r.usage().promptTokens();
                    completion += r.usage().completionTokens();
                    reasoning += r.usage().reasoningTokens();
                }
            }
        }
        return new ModelSummary(model, settings.contextLength(), settings.parallel(), status, error,
                requestCount, successCount, requestCount - successCount,
                dist(stream, RequestResult::ttftSeconds),
                dist(stream, RequestResult::firstContentSeconds),
                dist(stream, RequestResult::prefillTokensPerSecond),
                dist(stream, RequestResult::decodeTokensPerSecond),
                dist(stream, RequestResult::tpotSeconds),
                Distribution.of(itl),
                dist(stream, RequestResult::wallSeconds),
                dist(stream, RequestResult::completionTokensPerSecond),
                streamTotal, nonStreamTotal, total,
                new TokenTotals(prompt, completion, reasoning, estimated),
                WarmupStats.of(warmups), loadSeconds, startedAt, finishedAt,
                dist(stream, r -> r.serverStats().tokensPerSecond()),
                dist(stream, r -> r.serverStats().timeToFirstTokenSeconds()),
                sideMetrics, List.of());
    }

    private static Distribution dist(List<RequestResult> results, ToDoubleFunction<RequestResult> metric) {
        return Distribution.of(results.stream().mapToDouble(metric).toArray());
    }

    private static double aggregateRate(List<RequestResult> results) {
        long tokens = 0;
        double wall = 0;
        for (RequestResult r : results) {
            double w = r.wallSeconds();
            if (!Double.isNaN(w)) {
                tokens += r.usage().completionTokens();
                wall += w;
            }
        }
        return wall > 0 ? tokens / wall : Double.NaN;
    }
}
