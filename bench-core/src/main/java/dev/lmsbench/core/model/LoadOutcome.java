package dev.lmsbench.core.model;

/**
 * What loading a model did.
 *
 * @param managed     {@code false} when the backend cannot load models explicitly (plain OpenAI-compatible servers load
 *                    on first request); then {@code seconds} is {@code NaN}
 * @param seconds     measured load time in seconds, or {@code NaN}
 */
public record LoadOutcome(boolean managed, double seconds) {

    /** The backend loads models itself on first use; nothing was measured. */
    public static LoadOutcome notManaged() {
        return new LoadOutcome(false, Double.NaN);
    }

    /** The backend loaded the model explicitly in {@code seconds}. */
    public static LoadOutcome loaded(double seconds) {
        return new LoadOutcome(true, seconds);
    }
}
