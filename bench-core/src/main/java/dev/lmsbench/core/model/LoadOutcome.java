package dev.lmsbench.core.model;

import java.util.Objects;

/**
 * What loading a model did.
 *
 * @param managed {@code false} when the backend cannot load models explicitly (plain OpenAI-compatible servers load
 *                on first request); then {@code seconds} is {@code NaN}
 * @param seconds measured load time in seconds, or {@code NaN}
 * @param memory  the memory the server says the loaded model holds, {@link LoadMemory#UNKNOWN} when it did not say
 */
public record LoadOutcome(boolean managed, double seconds, LoadMemory memory) {

    /** Normalizes an absent memory report to {@link LoadMemory#UNKNOWN}. */
    public LoadOutcome {
        memory = Objects.requireNonNullElse(memory, LoadMemory.UNKNOWN);
    }

    /**
     * An outcome without a memory report.
     *
     * @param managed whether the backend loaded explicitly
     * @param seconds measured load time or {@code NaN}
     */
    public LoadOutcome(boolean managed, double seconds) {
        this(managed, seconds, LoadMemory.UNKNOWN);
    }

    /** The backend loads models itself on first use; nothing was measured. */
    public static LoadOutcome notManaged() {
        return new LoadOutcome(false, Double.NaN);
    }

    /** The backend loaded the model explicitly in {@code seconds}. */
    public static LoadOutcome loaded(double seconds) {
        return new LoadOutcome(true, seconds);
    }

    /** The backend loaded the model explicitly in {@code seconds}, and the server said what memory it holds. */
    public static LoadOutcome loaded(double seconds, LoadMemory memory) {
        return new LoadOutcome(true, seconds, memory);
    }
}
