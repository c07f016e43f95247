package dev.lmsbench.core.model;

/**
 * Sampling parameters sent with each request (seed section {@code inference}). {@code null} fields are not sent, so
 * the server's defaults apply.
 *
 * @param temperature   temperature, 0 to 2
 * @param topK          top-k sampling ({@code top_k})
 * @param topP          nucleus sampling ({@code top_p}), 0 to 1
 * @param minP          min-p sampling ({@code min_p}), 0 to 1
 * @param repeatPenalty repeat penalty ({@code repeat_penalty}), > 0
 */
public record SamplingParams(double temperature, Integer topK, Double topP, Double minP, Double repeatPenalty) {

    /** Temperature 0.1, everything else the server's default. */
    public static final SamplingParams DEFAULT = new SamplingParams(0.1, null, null, null, null);

    /** Validates ranges. */
    public SamplingParams {
        if (!(temperature >= 0 && temperature <= 2)) {
            throw new IllegalArgumentException("temperature must be between 0 and 2, got " + temperature);
        }
        if (topK != null && topK < 0) {
            throw new IllegalArgumentException("top_k must be >= 0, got " + topK);
        }
        if (topP != null && !(topP >= 0 && topP <= 1)) {
            throw new IllegalArgumentException("top_p must be between 0 and 1, got " + topP);
        }
        if (minP != null && !(minP >= 0 && minP <= 1)) {
            throw new IllegalArgumentException("min_p must be between 0 and 1, got " + minP);
        }
        if (repeatPenalty != null && !(repeatPenalty > 0)) {
            throw new IllegalArgumentException("repeat_penalty must be > 0, got " + repeatPenalty);
        }
    }

    /** Only a temperature. @param temperature the temperature @return the parameters */
    public static SamplingParams ofTemperature(double temperature) {
        return new SamplingParams(temperature, null, null, null, null);
    }
}
