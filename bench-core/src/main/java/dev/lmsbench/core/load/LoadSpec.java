package dev.lmsbench.core.load;

import dev.lmsbench.core.spi.Workload;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One load stage: what is sent ({@code workload}), when ({@code pattern}), how much (a request count, a duration, or
 * both: whichever ends first), and what the statistics leave out. A rate or concurrency sweep is one stage per value.
 *
 * @param pattern        the arrival pattern
 * @param workload       the requests
 * @param numRequests    requests to send, 0 for no count limit
 * @param duration       how long to send, {@link Duration#ZERO} for no time limit
 * @param warmup         requests sent within this time from the first send are sent but left out of the statistics
 * @param cooldown       requests sent within this time before the last send are left out too (the load is draining)
 * @param maxConcurrency at most this many requests in flight (open-loop sends wait for a free slot; the wait is
 *                       recorded apart from the send lag), 0 for no cap
 * @param seed           the seed of the arrival gaps and of the workload
 * @param percentiles    the percentiles reported, each from 0 to 100 (default 50, 90, 95, 99)
 * @param slo            the objectives goodput counts against, or {@link Slo#NONE}
 * @param tags           labels the user or a suite gives the stage ({@code suite}, {@code baseline},
 *                       {@code workload}, {@code session}, ...), carried into its results; keys and values one line
 */
public record LoadSpec(ArrivalPattern pattern, Workload workload, int numRequests, Duration duration,
                       Duration warmup, Duration cooldown, int maxConcurrency, long seed, List<Double> percentiles,
                       Slo slo, java.util.Map<String, String> tags) {

    /** A stage without tags (see the canonical constructor for the parameters). */
    public LoadSpec(ArrivalPattern pattern, Workload workload, int numRequests, Duration duration,
                    Duration warmup, Duration cooldown, int maxConcurrency, long seed, List<Double> percentiles,
                    Slo slo) {
        this(pattern, workload, numRequests, duration, warmup, cooldown, maxConcurrency, seed, percentiles, slo,
                java.util.Map.of());
    }

    /** The percentiles reported when none are given. */
    public static final List<Double> DEFAULT_PERCENTILES = List.of(50.0, 90.0, 95.0, 99.0);

    /** The most requests one stage may send (docs/limits.md). */
    public static final int MAX_REQUESTS = 10_000_000;

    /** Checks the values. */
    public LoadSpec {
        Objects.requireNonNull(pattern, "pattern");
        Objects.requireNonNull(workload, "workload");
        duration = Objects.requireNonNullElse(duration, Duration.ZERO);
        warmup = Objects.requireNonNullElse(warmup, Duration.ZERO);
        cooldown = Objects.requireNonNullElse(cooldown, Duration.ZERO);
        slo = Objects.requireNonNullElse(slo, Slo.NONE);
        tags = copyTags(tags);
        percentiles = percentiles == null || percentiles.isEmpty() ? DEFAULT_PERCENTILES
                : percentiles.stream().sorted().distinct().toList();
        for (double p : percentiles) {
            if (!(p >= 0 && p <= 100)) {
                throw new IllegalArgumentException("a percentile must be from 0 to 100: " + p);
            }
        }
        if (numRequests < 0 || numRequests > MAX_REQUESTS) {
            throw new IllegalArgumentException("the number of requests must be from 0 to " + MAX_REQUESTS + ": "
                    + numRequests);
        }
        if (duration.isNegative() || warmup.isNegative() || cooldown.isNegative()) {
            throw new IllegalArgumentException("durations must not be negative");
        }
        if (numRequests == 0 && duration.isZero()) {
            throw new IllegalArgumentException("a load stage needs a number of requests or a duration");
        }
        if (maxConcurrency < 0) {
            throw new IllegalArgumentException("the maximum concurrency must be 0 (none) or more: " + maxConcurrency);
        }
    }

    /** The most tags a stage may carry. */
    public static final int MAX_TAGS = 32;

    /** The longest tag key or value, in characters. */
    public static final int MAX_TAG_CHARS = 200;

    /** An ordered copy; keys and values must be one line, not blank keys, within the limits. */
    static java.util.Map<String, String> copyTags(java.util.Map<String, String> tags) {
        if (tags == null || tags.isEmpty()) {
            return java.util.Map.of();
        }
        if (tags.size() > MAX_TAGS) {
            throw new IllegalArgumentException("at most " + MAX_TAGS + " tags, got " + tags.size());
        }
        java.util.Map<String, String> copy = new java.util.TreeMap<>();
        tags.forEach((k, v) -> {
            if (k == null || k.isBlank() || v == null) {
                throw new IllegalArgumentException("a tag needs a key and a value");
            }
            for (String t : new String[] {k, v}) {
                if (t.length() > MAX_TAG_CHARS || t.chars().anyMatch(Character::isISOControl)) {
                    throw new IllegalArgumentException("a tag must be one line of at most " + MAX_TAG_CHARS
                            + " characters: '" + dev.lmsbench.core.text.SafeText.oneLine(t, 40) + "'");
                }
            }
            copy.put(k, v);
        });
        return java.util.Collections.unmodifiableMap(copy);
    }

    /** {@return this stage with another arrival pattern (a sweep's next value)} */
    public LoadSpec withPattern(ArrivalPattern value) {
        return new LoadSpec(value, workload, numRequests, duration, warmup, cooldown, maxConcurrency, seed,
                percentiles, slo, tags);
    }

    /** {@return this stage with other tags} */
    public LoadSpec withTags(java.util.Map<String, String> value) {
        return new LoadSpec(pattern, workload, numRequests, duration, warmup, cooldown, maxConcurrency, seed,
                percentiles, slo, value);
    }

    /**
     * {@return the requests this stage is expected to send, for progress: the count, else the duration times the rate
     * (an estimate; 0 when neither says)}
     */
    public int expectedRequests() {
        if (numRequests > 0) {
            return numRequests;
        }
        double rate = pattern.targetRate();
        return Double.isNaN(rate) ? 0 : (int) Math.min(MAX_REQUESTS, Math.ceil(rate * duration.toNanos() / 1e9));
    }
}
