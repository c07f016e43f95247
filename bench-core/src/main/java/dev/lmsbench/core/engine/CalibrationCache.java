package dev.lmsbench.core.engine;

import java.util.OptionalDouble;

/**
 * Where the engine keeps the prompt calibrations of sweep jobs (characters per token of a model's prompts on a
 * server), so that a repeated sweep starts calibrated (seed 004's {@code CALIBRATION_CACHE}). Implementations must be
 * safe to call from the engine thread; a failure must not stop a run (log it and go on).
 */
public interface CalibrationCache {

    /**
     * The cached estimate.
     *
     * @param server       the server's identity (the run's endpoint)
     * @param model        the model id
     * @param targetTokens the prompt size aimed at
     * @return characters per token, or empty when none is cached
     */
    OptionalDouble charsPerToken(String server, String model, int targetTokens);

    /**
     * Keeps an estimate that the server's counts confirmed.
     *
     * @param server        the server's identity (the run's endpoint)
     * @param model         the model id
     * @param targetTokens  the prompt size aimed at
     * @param charsPerToken characters per token
     */
    void put(String server, String model, int targetTokens, double charsPerToken);
}
