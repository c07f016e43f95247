package dev.lmsbench.core.model;

/**
 * How the prompt of a sweep job was sized to a target token count (seed 004's calibration): the prompt is built from
 * a characters-per-token estimate, corrected by the prompt tokens the server reported (or the token counting chain
 * counted) for the warmup requests, with extra calibration requests after the warmup when the last warmup's prompt
 * was outside the tolerance.
 *
 * @param targetTokens      the prompt size asked for, in tokens; 0 when the prompt was not sized (the configured
 *                          prompt is sent as it is), and then the other fields are unknown
 * @param charsPerToken     the estimate the measured requests' prompts were built with, or {@code NaN}
 * @param promptTokens      prompt tokens of the last calibration or warmup request as counted, or -1
 * @param calls             calibration requests made after the warmup (0 when the warmup was within tolerance)
 * @param withinTolerance   whether the last counted prompt was within the tolerance of the target
 * @param source            where the starting estimate came from: {@code cache} (an earlier sweep's calibration),
 *                          {@code default} ({@value #DEFAULT_SOURCE}), or {@code ""} when not sized
 */
public record PromptCalibration(int targetTokens, double charsPerToken, int promptTokens, int calls,
                                boolean withinTolerance, String source) {

    /** The source of a calibration that started from the built-in estimate. */
    public static final String DEFAULT_SOURCE = "default";
    /** The source of a calibration that started from a cached one. */
    public static final String CACHE_SOURCE = "cache";

    /** The prompt was not sized. */
    public static final PromptCalibration NONE = new PromptCalibration(0, Double.NaN, -1, 0, false, "");

    /** Normalizes absent values. */
    public PromptCalibration {
        source = source == null ? "" : source;
        if (targetTokens < 0) {
            throw new IllegalArgumentException("target tokens must be >= 0, got " + targetTokens);
        }
        if (calls < 0) {
            throw new IllegalArgumentException("calls must be >= 0, got " + calls);
        }
    }

    /** Whether the prompt was sized to a target. @return true with a target */
    public boolean sized() {
        return targetTokens > 0;
    }
}
