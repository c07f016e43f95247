package dev.lmsbench.core.load;

import dev.lmsbench.core.model.ErrorType;
import dev.lmsbench.core.model.RequestResult;
import dev.lmsbench.core.model.RunMode;
import dev.lmsbench.core.model.TokenCountSource;

import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The figures of one load stage, as {@code vllm bench serve} and GuideLLM define them (docs/load.md): throughput,
 * latency statistics, goodput under the SLOs, errors by type, the arrival rate achieved against the one planned, and
 * the generator's own health. Only the measured requests count: those sent after the warmup and before the cooldown.
 *
 * @param pattern              the arrival pattern
 * @param maxConcurrency       the cap on requests in flight, 0 for none
 * @param seed                 the seed of arrivals and workload
 * @param workload             the workload's name
 * @param workloadParameters   its parameters
 * @param lengthSource         what counted its planned lengths
 * @param sent                 requests the stage sent (its warmup and cooldown included; not the unmeasured first
 *                             request before a fresh load's first stage)
 * @param measured             requests counted by the statistics
 * @param completed            measured requests that succeeded
 * @param failed               measured requests that failed
 * @param durationSeconds      from the first measured send to the last measured request's end
 * @param achievedRate         sends per second over the whole stage: (sent - 1) / (last send - first send)
 * @param requestThroughput    completed / duration
 * @param outputThroughput     output tokens of the completed requests / duration
 * @param totalTokenThroughput (input + output tokens) / duration
 * @param inputTokens          prompt tokens of the completed requests
 * @param outputTokens         completion tokens of the completed requests
 * @param cachedPromptTokens   prompt tokens the server said it took from its cache, -1 when no request said
 * @param ttftMs               time to first token of the completed requests
 * @param ttfcMs               time to first visible content token (GuideLLM's time to first content): later than
 *                             TTFT when a reasoning model thinks first; requests without visible content add none
 * @param tpotMs               time per output token, (e2e - ttft) / (output tokens - 1), per completed request
 * @param itlMs                every gap between token chunks, pooled
 * @param e2eMs                end-to-end latency of the completed requests
 * @param slo                  the goodput objectives
 * @param goodRequests         completed requests within every objective (-1 without objectives)
 * @param goodput              good requests / duration ({@code NaN} without objectives)
 * @param errors               failed measured requests by type, enum order
 * @param generator            the generator's health
 * @param serverCounters       the server's Prometheus counters: the change over the stage of each counter, the
 *                             value after it of each gauge; empty when the server has no {@code /metrics}
 * @param tags                 the stage's tags ({@link LoadSpec#tags()})
 */
public record LoadResult(ArrivalPattern pattern, int maxConcurrency, long seed, String workload,
                         Map<String, String> workloadParameters, TokenCountSource lengthSource, int sent,
                         int measured, int completed, int failed, double durationSeconds, double achievedRate,
                         double requestThroughput, double outputThroughput, double totalTokenThroughput,
                         long inputTokens, long outputTokens, long cachedPromptTokens, LatencyStats ttftMs,
                         LatencyStats ttfcMs, LatencyStats tpotMs, LatencyStats itlMs, LatencyStats e2eMs, Slo slo, int goodRequests,
                         double goodput, Map<ErrorType, Integer> errors, GeneratorHealth generator,
                         Map<String, Double> serverCounters, Map<String, String> tags) {

    /** Copies the maps. */
    public LoadResult {
        Objects.requireNonNull(pattern, "pattern");
        Objects.requireNonNull(generator, "generator");
        Objects.requireNonNull(ttfcMs, "ttfcMs");
        Objects.requireNonNull(lengthSource, "lengthSource");
        slo = Objects.requireNonNullElse(slo, Slo.NONE);
        workloadParameters = Collections.unmodifiableMap(new LinkedHashMap<>(workloadParameters));
        EnumMap<ErrorType, Integer> e = new EnumMap<>(ErrorType.class);
        errors.forEach((k, v) -> {
            if (v != null && v > 0) {
                e.put(k, v);
            }
        });
        errors = Collections.unmodifiableMap(e);
        serverCounters = Collections.unmodifiableMap(new LinkedHashMap<>(serverCounters));
        tags = LoadSpec.copyTags(tags);
    }

    /**
     * Computes a stage's figures.
     *
     * @param spec       the stage
     * @param requests   every request of the stage, the warmup and cooldown ones flagged {@code warmup}
     * @param samples    how each was sent (matched by index)
     * @param cpu        [process CPU percent, machine CPU percent], NaN when unknown
     * @param counters   the server's counters over the stage, or empty
     * @return the figures
     */
    public static LoadResult compute(LoadSpec spec, List<RequestResult> requests, List<LoadSample> samples,
                                     double[] cpu, Map<String, Double> counters) {
        List<Double> ps = spec.percentiles();
        List<RequestResult> measuredRequests = requests.stream()
                .filter(r -> !r.warmup() && r.mode() == RunMode.STREAM).toList();
        List<RequestResult> ok = measuredRequests.stream().filter(RequestResult::success).toList();
        long firstSend = Long.MAX_VALUE;
        long lastEnd = Long.MIN_VALUE;
        for (RequestResult r : measuredRequests) {
            long sentAt = r.timings().sentNanos();
            firstSend = Math.min(firstSend, sentAt);
            long end = r.timings().endNanos();
            lastEnd = Math.max(lastEnd, sentAt + Math.max(0, end));
        }
        double duration = measuredRequests.isEmpty() || lastEnd <= firstSend ? Double.NaN
                : (lastEnd - firstSend) / 1e9;
        long input = 0;
        long output = 0;
        long cached = 0;
        boolean cacheKnown = false;
        double[] ttft = new double[ok.size()];
        double[] ttfc = new double[ok.size()];
        double[] tpot = new double[ok.size()];
        double[] e2e = new double[ok.size()];
        int itlCount = 0;
        for (RequestResult r : ok) {
            itlCount += Math.max(0, r.timings().tokenChunkCount() - 1);
        }
        double[] itl = new double[itlCount];
        int k = 0;
        int good = 0;
        for (int i = 0; i < ok.size(); i++) {
            RequestResult r = ok.get(i);
            input += r.usage().promptTokens();
            output += r.usage().completionTokens();
            if (r.usage().promptCacheKnown()) {
                cacheKnown = true;
                cached += r.usage().promptCachedTokens();
            }
            ttft[i] = r.ttftSeconds() * 1000;
            ttfc[i] = r.firstContentSeconds() * 1000;
            tpot[i] = r.tpotSeconds() * 1000;
            e2e[i] = r.wallSeconds() * 1000;
            for (double gap : r.timings().interTokenSeconds()) {
                itl[k++] = gap * 1000;
            }
            if (spec.slo().any() && spec.slo().met(ttft[i], tpot[i], e2e[i])) {
                good++;
            }
        }
        Map<ErrorType, Integer> errors = new EnumMap<>(ErrorType.class);
        for (RequestResult r : measuredRequests) {
            if (!r.success()) {
                errors.merge(r.errorType(), 1, Integer::sum);
            }
        }
        // the stage's sends (its samples): an unmeasured first request before the stage is not one of them
        long firstAny = Long.MAX_VALUE;
        long lastAny = Long.MIN_VALUE;
        for (LoadSample s : samples) {
            firstAny = Math.min(firstAny, s.sentNanos());
            lastAny = Math.max(lastAny, s.sentNanos());
        }
        double achieved = samples.size() < 2 || lastAny <= firstAny ? Double.NaN
                : (samples.size() - 1) / ((lastAny - firstAny) / 1e9);
        double[] lag = new double[samples.size()];
        double[] wait = new double[samples.size()];
        int peak = 0;
        for (int i = 0; i < samples.size(); i++) {
            LoadSample s = samples.get(i);
            lag[i] = s.lagNanos() / 1e6;
            wait[i] = s.queuedNanos() / 1e6;
            peak = Math.max(peak, s.inFlight());
        }
        // the warning reads the p99 whatever percentiles the stage reports
        double[] sortedLag = lag.clone();
        java.util.Arrays.sort(sortedLag);
        double lagP99 = dev.lmsbench.core.stats.Percentiles.of(sortedLag, 99);
        double lagMax = sortedLag.length == 0 ? Double.NaN : sortedLag[sortedLag.length - 1];
        double clientCpu = cpu.length > 0 ? cpu[0] : Double.NaN;
        double machineCpu = cpu.length > 1 ? cpu[1] : Double.NaN;
        GeneratorHealth health = new GeneratorHealth(LatencyStats.of(lag, ps), LatencyStats.of(wait, ps), clientCpu,
                machineCpu, peak, GeneratorHealth.warningsFor(lagP99, lagMax, clientCpu, machineCpu));
        boolean hasDuration = duration > 0;
        return new LoadResult(spec.pattern(), spec.maxConcurrency(), spec.seed(), spec.workload().name(),
                spec.workload().parameters(), spec.workload().lengthSource(), samples.size(),
                measuredRequests.size(), ok.size(), measuredRequests.size() - ok.size(),
                hasDuration ? duration : Double.NaN, achieved,
                hasDuration ? ok.size() / duration : Double.NaN,
                hasDuration ? output / duration : Double.NaN,
                hasDuration ? (input + output) / duration : Double.NaN,
                input, output, cacheKnown ? cached : -1,
                LatencyStats.of(ttft, ps), LatencyStats.of(ttfc, ps), LatencyStats.of(tpot, ps), LatencyStats.of(itl, ps),
                LatencyStats.of(e2e, ps), spec.slo(), spec.slo().any() ? good : -1,
                spec.slo().any() && hasDuration ? good / duration : Double.NaN, errors, health, counters,
                spec.tags());
    }

    /**
     * {@return the share of completed requests within every objective, {@code NaN} without objectives or requests}
     */
    public double goodFraction() {
        return goodRequests < 0 || completed == 0 ? Double.NaN : (double) goodRequests / completed;
    }
}
