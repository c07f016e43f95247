package dev.lmsbench.core.model;

import java.util.Objects;

/**
 * What loading a model did.
 *
 * @param managed {@code false} when the backend cannot load models explicitly (plain OpenAI-compatible servers load
 *                on first request); then {@code seconds} is {@code NaN}
 * @param seconds measured load time in seconds, or {@code NaN}
 * @param memory  the memory the server says the loaded model holds, {@link LoadMemory#UNKNOWN} when it did not say
 * @param details how the model was loaded and the instance's configuration as the server reports it,
 *                {@link LoadDetails#UNKNOWN} when the backend said nothing
 */
public record LoadOutcome(boolean managed, double seconds, LoadMemory memory, LoadDetails details) {

    /** Normalizes absent reports to {@link LoadMemory#UNKNOWN} and {@link LoadDetails#UNKNOWN}. */
    public LoadOutcome {
        memory = Objects.requireNonNullElse(memory, LoadMemory.UNKNOWN);
        details = Objects.requireNonNullElse(details, LoadDetails.UNKNOWN);
    }

    /**
     * An outcome without load details.
     *
     * @param managed whether the backend loaded explicitly
     * @param seconds measured load time or {@code NaN}
     * @param memory  the memory report
     */
    public LoadOutcome(boolean managed, double seconds, LoadMemory memory) {
        this(managed, seconds, memory, LoadDetails.UNKNOWN);
    }

    /** A copy with load details. @param value the details @return the copy */
    public LoadOutcome withDetails(LoadDetails value) {
        return new LoadOutcome(managed, seconds, memory, value);
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
