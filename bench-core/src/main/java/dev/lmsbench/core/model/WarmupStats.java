package dev.lmsbench.core.model;

import java.util.List;

/**
 * What the warmup requests tell about model loading (seed 004's load estimate): the first request after a model is
 * loaded is slow when the server loads it lazily or fills caches.
 *
 * @param count                   number of successful streamed warmup requests
 * @param firstTtftSeconds        TTFT of the first warmup request, or {@code NaN}
 * @param subsequentTtftSeconds   mean TTFT of the later warmup requests, or {@code NaN} with fewer than two
 * @param loadEstimateSeconds     {@code firstTtft - subsequentTtft}, or {@code NaN} with fewer than two
 */
public record WarmupStats(int count, double firstTtftSeconds, double subsequentTtftSeconds,
                          double loadEstimateSeconds) {

    /** No warmup was made. */
    public static final WarmupStats NONE = new WarmupStats(0, Double.NaN, Double.NaN, Double.NaN);

    /** Derives the statistics from the warmup requests of one model, in the order they were made. */
    public static WarmupStats of(List<RequestResult> warmups) {
        double[] ttfts = warmups.stream()
                .filter(r -> r.warmup() && r.success() && r.mode() == RunMode.STREAM)
                .mapToDouble(RequestResult::ttftSeconds)
                .filter(d -> !Double.isNaN(d))
                .toArray();
        if (ttfts.length == 0) {
            return NONE;
        }
        if (ttfts.length == 1) {
            return new WarmupStats(1, ttfts[0], Double.NaN, Double.NaN);
        }
        double sum = 0;
        for (int i = 1; i < ttfts.length; i++) {
            sum += ttfts[i];
        }
        double subsequent = sum / (ttfts.length - 1);
        return new WarmupStats(ttfts.length, ttfts[0], subsequent, ttfts[0] - subsequent);
    }
}
