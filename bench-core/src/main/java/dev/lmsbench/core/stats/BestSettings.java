package dev.lmsbench.core.stats;

import dev.lmsbench.core.model.ModelSummary;
import dev.lmsbench.core.model.RunStatus;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The best settings of one model over its sweep jobs (issue 14, item 8): the context size and parallelism with the
 * highest total completion tok/s ({@link ModelSummary#completionTokensPerSecondTotal()}), and the largest context size
 * whose median TTFT still meets a limit, with the parallelism of the highest total tok/s among that context's jobs
 * that meet it. Only completed jobs count ({@link RunStatus#COMPLETED}, and {@link RunStatus#CACHED} ones reported
 * again from the results database); a job without a total tok/s (every request failed) is never the best.
 *
 * @param model                  the model id
 * @param jobs                   the model's jobs, whatever their status
 * @param contextLength          context size of the best job, or -1 when no completed job has a total tok/s
 * @param parallel               parallelism of the best job, or -1
 * @param tokensPerSecond        its total tok/s, or {@code NaN}
 * @param maxTtftMs              the TTFT limit (milliseconds), or {@code NaN} when none was given
 * @param ttftContextLength      the largest context size with a job whose TTFT p50 is at most the limit, or -1 when
 *                               none meets it (or there is no limit)
 * @param ttftParallel           the parallelism of the highest total tok/s among that context's jobs meeting it, or -1
 * @param ttftTokensPerSecond    that job's total tok/s, or {@code NaN}
 * @param ttftSeconds            that job's TTFT p50 in seconds, or {@code NaN}
 */
public record BestSettings(String model, int jobs, int contextLength, int parallel, double tokensPerSecond,
                           double maxTtftMs, int ttftContextLength, int ttftParallel, double ttftTokensPerSecond,
                           double ttftSeconds) {

    /** Requires a model. */
    public BestSettings {
        Objects.requireNonNull(model, "model");
    }

    /**
     * The best settings of each model, in the order the models first appear in {@code jobs}.
     *
     * @param jobs      the jobs' results (one per model, context size and parallelism)
     * @param maxTtftMs the TTFT limit in milliseconds ({@code --max-ttft-ms}); {@code NaN} or {@code <= 0} for none
     * @return one entry per model
     */
    public static List<BestSettings> of(List<ModelSummary> jobs, double maxTtftMs) {
        Objects.requireNonNull(jobs, "jobs");
        double limit = maxTtftMs > 0 && Double.isFinite(maxTtftMs) ? maxTtftMs : Double.NaN;
        Map<String, List<ModelSummary>> byModel = new LinkedHashMap<>();
        for (ModelSummary s : jobs) {
            byModel.computeIfAbsent(s.model().id(), k -> new ArrayList<>()).add(s);
        }
        List<BestSettings> result = new ArrayList<>();
        byModel.forEach((model, list) -> result.add(best(model, list, limit)));
        return List.copyOf(result);
    }

    /**
     * Whether best settings say anything beyond the summary: some model ran more than one job.
     *
     * @param jobs the jobs' results
     * @return true when a model id occurs more than once
     */
    public static boolean worthShowing(List<ModelSummary> jobs) {
        return jobs.stream().map(s -> s.model().id()).distinct().count() < jobs.size();
    }

    /** Whether some completed job had a total tok/s. @return true with a best job */
    public boolean hasBest() {
        return contextLength >= 0;
    }

    /** Whether some job met the TTFT limit. @return true with a job within the limit */
    public boolean meetsTtft() {
        return ttftContextLength >= 0;
    }

    private static BestSettings best(String model, List<ModelSummary> jobs, double limitMs) {
        ModelSummary best = null;
        ModelSummary within = null;
        for (ModelSummary s : jobs) {
            if (!completed(s) || !Double.isFinite(s.completionTokensPerSecondTotal())) {
                continue;
            }
            if (best == null || s.completionTokensPerSecondTotal() > best.completionTokensPerSecondTotal()) {
                best = s;
            }
            double ttft = s.ttft().p50();
            if (!Double.isNaN(limitMs) && Double.isFinite(ttft) && ttft <= limitMs / 1000) {
                if (within == null || s.contextLength() > within.contextLength()
                        || s.contextLength() == within.contextLength()
                        && s.completionTokensPerSecondTotal() > within.completionTokensPerSecondTotal()) {
                    within = s;
                }
            }
        }
        return new BestSettings(model, jobs.size(),
                best == null ? -1 : best.contextLength(), best == null ? -1 : best.parallel(),
                best == null ? Double.NaN : best.completionTokensPerSecondTotal(), limitMs,
                within == null ? -1 : within.contextLength(), within == null ? -1 : within.parallel(),
                within == null ? Double.NaN : within.completionTokensPerSecondTotal(),
                within == null ? Double.NaN : within.ttft().p50());
    }

    private static boolean completed(ModelSummary s) {
        return s.status() == RunStatus.COMPLETED || s.status() == RunStatus.CACHED;
    }
}
