package dev.lmsbench.core.model;

import dev.lmsbench.core.hardware.HardwareSample;
import dev.lmsbench.core.stats.Distribution;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
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
 * @param streamTokensPerSecondTotal    sum of stream completion tokens / the time stream calls were in flight (the
 *                                 union of their walls: the sum of walls when they ran one at a time, the span of
 *                                 each batch when {@code parallel} ran together)
 * @param nonStreamTokensPerSecondTotal the same over the non-stream calls
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
 * @param errorType                the type of the model-level {@code error}: the load failure's, or the dominant type
 *                                 of the failed requests when every warmup or every measured request failed;
 *                                 {@link ErrorType#NONE} when there is no error ({@link ErrorType#UNKNOWN} for a
 *                                 result stored before error types existed)
 * @param errorsByType             failed measured calls (stream and non-stream counted apart) per error type; an
 *                                 immutable map in enum order without zero counts, empty when none failed
 * @param systemOutputTokensPerSecond completion tokens of the successful measured calls divided by the measured
 *                                 window (the earliest measured call's send to the latest one's end, streaming and
 *                                 non-streaming together): the whole system's output rate; {@code NaN} when undefined
 * @param systemRequestsPerSecond  successful measured calls divided by the same window; {@code NaN} when undefined
 * @param serverPromptTokensPerSecond the server's own prompt processing speed over measured streaming requests that
 *                                 reported it (llama.cpp's {@code timings.prompt_per_second}); empty when none did
 * @param serverPromptSeconds      the server's own prompt processing time (seconds, llama.cpp's
 *                                 {@code timings.prompt_ms}), likewise
 * @param loadMemory               the memory the server said the loaded model holds (Ollama's {@code /api/ps}),
 *                                 {@link LoadMemory#UNKNOWN} when it said nothing
 * @param loadDetails              how the model was loaded and the instance as the server reports it (LM Studio's
 *                                 instance config), {@link LoadDetails#UNKNOWN} when the backend said nothing
 * @param draftAcceptance          the share of draft tokens accepted per measured call that reported draft figures
 *                                 (speculative decoding, LM Studio's {@code stats}), streaming and non-streaming;
 *                                 empty when none did
 * @param usageCorrected           measured calls (streamed or not) whose {@code completion_tokens} had LM Studio's
 *                                 known off-by-one at the limit and were corrected
 * @param usageMismatched          measured streamed calls whose {@code completion_tokens} disagreed with the streamed
 *                                 chunks otherwise (recorded, the server's count kept)
 * @param calibration              how the prompt was sized to a target token count (sweeps), or
 *                                 {@link PromptCalibration#NONE}
 * @param load                     the load stage's figures ({@code lmsbench load}), or null for a run or sweep job
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
        List<HardwareSample> hardwareSamples,
        ErrorType errorType,
        Map<ErrorType, Integer> errorsByType,
        double systemOutputTokensPerSecond,
        double systemRequestsPerSecond,
        Distribution serverPromptTokensPerSecond,
        Distribution serverPromptSeconds,
        LoadMemory loadMemory,
        LoadDetails loadDetails,
        Distribution draftAcceptance,
        int usageCorrected,
        int usageMismatched,
        PromptCalibration calibration,
        dev.lmsbench.core.load.LoadResult load) {

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
        serverPromptTokensPerSecond = Objects.requireNonNullElse(serverPromptTokensPerSecond, Distribution.EMPTY);
        serverPromptSeconds = Objects.requireNonNullElse(serverPromptSeconds, Distribution.EMPTY);
        loadMemory = Objects.requireNonNullElse(loadMemory, LoadMemory.UNKNOWN);
        loadDetails = Objects.requireNonNullElse(loadDetails, LoadDetails.UNKNOWN);
        draftAcceptance = Objects.requireNonNullElse(draftAcceptance, Distribution.EMPTY);
        calibration = Objects.requireNonNullElse(calibration, PromptCalibration.NONE);
        sideMetrics = sideMetrics == null ? List.of() : List.copyOf(sideMetrics);
        hardwareSamples = hardwareSamples == null ? List.of() : List.copyOf(hardwareSamples);
        if (errorType == null) {
            errorType = error.isEmpty() ? ErrorType.NONE : ErrorType.UNKNOWN;
        }
        errorsByType = enumOrdered(errorsByType);
    }

    /** An immutable copy in enum order, without null keys or counts below 1. */
    private static Map<ErrorType, Integer> enumOrdered(Map<ErrorType, Integer> counts) {
        EnumMap<ErrorType, Integer> copy = new EnumMap<>(ErrorType.class);
        if (counts != null) {
            counts.forEach((type, n) -> {
                if (type != null && n != null && n > 0) {
                    copy.put(type, n);
                }
            });
        }
        return copy.isEmpty() ? Map.of() : Collections.unmodifiableMap(copy);
    }

    /** A copy with the fields the {@code with*} methods change. */
    private ModelSummary copy(RunStatus newStatus, List<SideMetric> newSideMetrics, List<HardwareSample> newSamples,
                              LoadMemory newLoadMemory, LoadDetails newLoadDetails) {
        return copy(newStatus, newSideMetrics, newSamples, newLoadMemory, newLoadDetails, calibration);
    }

    private ModelSummary copy(RunStatus newStatus, List<SideMetric> newSideMetrics, List<HardwareSample> newSamples,
                              LoadMemory newLoadMemory, LoadDetails newLoadDetails,
                              PromptCalibration newCalibration) {
        return copy(newStatus, newSideMetrics, newSamples, newLoadMemory, newLoadDetails, newCalibration, load);
    }

    private ModelSummary copy(RunStatus newStatus, List<SideMetric> newSideMetrics, List<HardwareSample> newSamples,
                              LoadMemory newLoadMemory, LoadDetails newLoadDetails,
                              PromptCalibration newCalibration, dev.lmsbench.core.load.LoadResult newLoad) {
        return new ModelSummary(model, contextLength, parallel, newStatus, error, requestCount, successCount,
                errorCount, ttft, firstContent, prefillTokensPerSecond, decodeTokensPerSecond, tpot, interTokenLatency,
                e2e, completionTokensPerSecond, streamTokensPerSecondTotal, nonStreamTokensPerSecondTotal,
                completionTokensPerSecondTotal, tokens, warmup, loadSeconds, startedAt, finishedAt,
                serverTokensPerSecond, serverTtft, newSideMetrics, newSamples, errorType, errorsByType,
                systemOutputTokensPerSecond, systemRequestsPerSecond, serverPromptTokensPerSecond,
                serverPromptSeconds, newLoadMemory, newLoadDetails, draftAcceptance, usageCorrected, usageMismatched,
                newCalibration, newLoad);
    }

    /**
     * This result as reported again from the results database: same figures, status {@link RunStatus#CACHED}.
     *
     * @return the copy
     */
    public ModelSummary asCached() {
        return copy(RunStatus.CACHED, sideMetrics, hardwareSamples, loadMemory, loadDetails);
    }

    /**
     * This result with other side metrics.
     *
     * @param metrics the side metrics
     * @return the copy
     */
    public ModelSummary withSideMetrics(List<SideMetric> metrics) {
        return copy(status, metrics, hardwareSamples, loadMemory, loadDetails);
    }

    /**
     * This result with the memory the server said the loaded model holds.
     *
     * @param memory the report ({@link LoadOutcome#memory()})
     * @return the copy
     */
    public ModelSummary withLoadMemory(LoadMemory memory) {
        return copy(status, sideMetrics, hardwareSamples, memory, loadDetails);
    }

    /**
     * This result with how the model was loaded (and the duplicate instances found).
     *
     * @param details the details ({@link LoadOutcome#details()})
     * @return the copy
     */
    public ModelSummary withLoadDetails(LoadDetails details) {
        return copy(status, sideMetrics, hardwareSamples, loadMemory, details);
    }

    /**
     * This result with how its prompt was sized (sweep jobs with a target prompt size).
     *
     * @param value the calibration
     * @return the copy
     */
    public ModelSummary withCalibration(PromptCalibration value) {
        return copy(status, sideMetrics, hardwareSamples, loadMemory, loadDetails, value);
    }

    /**
     * This result with a load stage's figures.
     *
     * @param value the figures ({@code lmsbench load})
     * @return the copy
     */
    public ModelSummary withLoad(dev.lmsbench.core.load.LoadResult value) {
        return copy(status, sideMetrics, hardwareSamples, loadMemory, loadDetails, calibration, value);
    }

    /**
     * This result with the hardware samples taken while the model was loaded and measured.
     *
     * @param samples the samples, in time order
     * @return the copy
     */
    public ModelSummary withHardwareSamples(List<HardwareSample> samples) {
        return copy(status, sideMetrics, samples, loadMemory, loadDetails);
    }

    /**
     * Token totals over the measured, successful requests.
     *
     * @param prompt             prompt tokens
     * @param completion         completion tokens (reasoning included)
     * @param reasoning          reasoning tokens
     * @param source             the weakest {@link TokenCountSource} of the successful requests (warmups included):
     *                             {@code usage} only when every count came from the server, {@code estimate} when any
     *                             was estimated; {@code usage} when there were none
     * @param promptCached       prompt tokens the server took from its prompt cache, over the requests that said
     * @param promptCacheUnknown measured successful requests whose server did not say how many prompt tokens it
     *                           cached: their prefill speed counts every prompt token
     */
    public record TokenTotals(long prompt, long completion, long reasoning, TokenCountSource source,
                              long promptCached, int promptCacheUnknown) {

        /** Requires a source. */
        public TokenTotals {
            Objects.requireNonNull(source, "source");
        }

        /** Totals whose cache state is not known for any request (results stored before it was recorded). */
        public TokenTotals(long prompt, long completion, long reasoning, boolean estimated) {
            this(prompt, completion, reasoning, TokenUsage.sourceOf(estimated), 0, 0);
        }

        /** {@return whether any count was estimated (the source is {@code estimate})} */
        public boolean estimated() {
            return source == TokenCountSource.ESTIMATE;
        }

        /** Visible completion tokens. */
        public long visible() {
            return completion - reasoning;
        }

        /** Whether every measured successful request said how many prompt tokens were cached. */
        public boolean promptCacheKnown() {
            return promptCacheUnknown == 0;
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
     * Summarizes one model's requests, with side metrics. The model-level error type is derived: {@link ErrorType#NONE}
     * without an error, {@link ErrorType#CANCELLED} for a cancelled model, else the dominant type of the failed
     * measured calls (of the failed warmups when no measured call failed), else {@link ErrorType#UNKNOWN}.
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
        return of(model, settings, requests, status, error, null, loadSeconds, startedAt, finishedAt, sideMetrics);
    }

    /**
     * Summarizes one model's requests, with the type of its model-level error.
     *
     * @param model       the model
     * @param settings    the settings it ran with (context, parallel, runs)
     * @param requests    every request of the model, warmups included (they only feed {@link WarmupStats})
     * @param status      how it ended
     * @param error       why it failed, or {@code ""}
     * @param errorType   the type of {@code error}, or {@code null} to derive it as
     *                    {@link #of(ModelInfo, BenchmarkSettings, List, RunStatus, String, double, Instant, Instant,
     *                    List)} does
     * @param loadSeconds measured load time or {@code NaN}
     * @param startedAt   start time
     * @param finishedAt  end time
     * @param sideMetrics secondary figures (hardware profiling), possibly empty
     * @return the summary
     */
    public static ModelSummary of(ModelInfo model, BenchmarkSettings settings, List<RequestResult> requests,
                                  RunStatus status, String error, ErrorType errorType, double loadSeconds,
                                  Instant startedAt, Instant finishedAt, List<SideMetric> sideMetrics) {
        List<RequestResult> warmups = new ArrayList<>();
        List<RequestResult> measured = new ArrayList<>();
        List<RequestResult> stream = new ArrayList<>();
        List<RequestResult> nonStream = new ArrayList<>();
        Set<Integer> indices = new TreeSet<>();
        Set<Integer> failed = new TreeSet<>();
        for (RequestResult r : requests) {
            if (r.warmup()) {
                warmups.add(r);
                continue;
            }
            measured.add(r);
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
        double streamTotal = tokensPerSecondInFlight(stream);
        double nonStreamTotal = tokensPerSecondInFlight(nonStream);
        double total;
        if (!Double.isNaN(streamTotal) && !Double.isNaN(nonStreamTotal)) {
            total = (streamTotal + nonStreamTotal) / 2;
        } else {
            total = Double.isNaN(streamTotal) ? nonStreamTotal : streamTotal;
        }
        long prompt = 0;
        long completion = 0;
        long reasoning = 0;
        long promptCached = 0;
        int promptCacheUnknown = 0;
        TokenCountSource source = TokenCountSource.USAGE;
        for (RequestResult r : requests) {
            if (r.success()) {
                if (r.usage().source().compareTo(source) > 0) {
                    source = r.usage().source();
                }
                if (!r.warmup()) {
                    prompt += r.usage().promptTokens();
                    completion += r.usage().completionTokens();
                    reasoning += r.usage().reasoningTokens();
                    if (r.usage().promptCacheKnown()) {
                        promptCached += r.usage().promptCachedTokens();
                    } else {
                        promptCacheUnknown++;
                    }
                }
            }
        }
        Map<ErrorType, Integer> errorsByType = countErrors(measured);
        String why = Objects.requireNonNullElse(error, "");
        ErrorType type = errorType;
        if (type == null) {
            type = deriveErrorType(status, why, errorsByType, countErrors(warmups));
        }
        double window = windowSeconds(measured);
        int successfulCalls = stream.size() + nonStream.size();
        long outputTokens = 0;
        for (RequestResult r : stream) {
            outputTokens += r.usage().completionTokens();
        }
        for (RequestResult r : nonStream) {
            outputTokens += r.usage().completionTokens();
        }
        double systemTokens = window > 0 && successfulCalls > 0 ? outputTokens / window : Double.NaN;
        double systemRequests = window > 0 && successfulCalls > 0 ? successfulCalls / window : Double.NaN;
        return new ModelSummary(model, settings.contextLength(), settings.parallel(), status, why,
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
                new TokenTotals(prompt, completion, reasoning, source, promptCached, promptCacheUnknown),
                // the warmups proper: a sweep's calibration calls after them (index >= warmupRuns) send another
                // prompt, so their TTFT says nothing of the load
                WarmupStats.of(warmups.stream().filter(r -> r.index() < settings.warmupRuns()).toList()),
                loadSeconds, startedAt, finishedAt,
                dist(stream, r -> r.serverStats().tokensPerSecond()),
                dist(stream, r -> r.serverStats().timeToFirstTokenSeconds()),
                sideMetrics, List.of(), type, errorsByType, systemTokens, systemRequests,
                dist(stream, r -> r.serverStats().promptTokensPerSecond()),
                dist(stream, r -> r.serverStats().promptSeconds()), LoadMemory.UNKNOWN, LoadDetails.UNKNOWN,
                Distribution.of(java.util.stream.Stream.concat(stream.stream(), nonStream.stream())
                        .mapToDouble(r -> r.serverStats().draft().acceptanceRate()).toArray()),
                (int) java.util.stream.Stream.concat(stream.stream(), nonStream.stream()).filter(r -> r.usageCheck()
                        .verdict() == UsageCheck.Verdict.CORRECTED_OFF_BY_ONE).count(),
                (int) stream.stream().filter(r -> r.usageCheck().verdict() == UsageCheck.Verdict.MISMATCH).count(),
                PromptCalibration.NONE, null);
    }

    /**
     * Counts the failed requests per error type.
     *
     * @param requests requests (successful ones are ignored)
     * @return an immutable map in enum order, without zero counts
     */
    public static Map<ErrorType, Integer> countErrors(List<RequestResult> requests) {
        EnumMap<ErrorType, Integer> counts = new EnumMap<>(ErrorType.class);
        for (RequestResult r : requests) {
            if (!r.success()) {
                counts.merge(r.errorType(), 1, Integer::sum);
            }
        }
        return enumOrdered(counts);
    }

    /**
     * The most frequent error type of a count; a tie goes to the type first in enum order.
     *
     * @param counts error counts per type, as {@link #countErrors} makes them
     * @return the dominant type, or {@link ErrorType#NONE} when there is none
     */
    public static ErrorType dominantErrorType(Map<ErrorType, Integer> counts) {
        ErrorType best = ErrorType.NONE;
        int most = 0;
        for (ErrorType t : ErrorType.values()) {
            int n = counts.getOrDefault(t, 0);
            if (n > most) {
                best = t;
                most = n;
            }
        }
        return best;
    }

    private static ErrorType deriveErrorType(RunStatus status, String error, Map<ErrorType, Integer> measured,
                                             Map<ErrorType, Integer> warmups) {
        if (error.isEmpty()) {
            return ErrorType.NONE;
        }
        if (status == RunStatus.CANCELLED) {
            return ErrorType.CANCELLED;
        }
        ErrorType t = dominantErrorType(measured.isEmpty() ? warmups : measured);
        return t == ErrorType.NONE ? ErrorType.UNKNOWN : t;
    }

    /**
     * Seconds from the earliest send to the latest end among the calls, or NaN without calls. A call without an end
     * offset counts as ending when it was sent.
     */
    private static double windowSeconds(List<RequestResult> calls) {
        if (calls.isEmpty()) {
            return Double.NaN;
        }
        long first = calls.getFirst().timings().sentNanos();
        long last = first;
        for (RequestResult r : calls) {
            long sent = r.timings().sentNanos();
            long end = r.timings().endNanos() == RequestTimings.ABSENT ? sent : sent + r.timings().endNanos();
            // nanoTime values may be negative: compare by difference, as System.nanoTime() requires
            if (sent - first < 0) {
                first = sent;
            }
            if (end - last > 0) {
                last = end;
            }
        }
        return (last - first) / 1e9;
    }

    private static Distribution dist(List<RequestResult> results, ToDoubleFunction<RequestResult> metric) {
        return Distribution.of(results.stream().mapToDouble(metric).toArray());
    }

    /**
     * Completion tokens over the time the calls were in flight: the union of their {@code [sent, sent + wall]}
     * intervals, so that sequential calls add their walls (seed 004's tokens / stream wall) and concurrent calls count
     * the time they overlap once (the throughput of {@code par} requests in flight together). Calls without a wall
     * time are left out. This is how {@link #streamTokensPerSecondTotal()} and
     * {@link #nonStreamTokensPerSecondTotal()} are figured; a live view uses it on the calls completed so far.
     *
     * @param results the calls (of one kind: streaming or not)
     * @return tokens per second, or {@code NaN} without a call in flight for any time
     */
    public static double tokensPerSecondInFlight(List<RequestResult> results) {
        long tokens = 0;
        List<long[]> spans = new ArrayList<>();
        for (RequestResult r : results) {
            double w = r.wallSeconds();
            if (!Double.isNaN(w)) {
                tokens += r.usage().completionTokens();
                long sent = r.timings().sentNanos();
                spans.add(new long[]{sent, sent + (long) (w * 1e9)});
            }
        }
        // nanoTime values may be negative: order and compare by difference
        spans.sort((a, b) -> Long.signum(a[0] - b[0]));
        long busy = 0;
        long start = 0;
        long end = 0;
        boolean open = false;
        for (long[] span : spans) {
            if (!open || span[0] - end > 0) {
                if (open) {
                    busy += end - start;
                }
                start = span[0];
                end = span[1];
                open = true;
            } else if (span[1] - end > 0) {
                end = span[1];
            }
        }
        if (open) {
            busy += end - start;
        }
        return busy > 0 ? tokens / (busy / 1e9) : Double.NaN;
    }
}
