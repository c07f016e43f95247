package dev.lmsbench.core.model;

/** How a run, or one model within it, ended. */
public enum RunStatus {
    /**
     * Every planned request was made and at least one measured request succeeded (others may have failed: see the
     * summary's success and error counts).
     */
    COMPLETED,
    /** Stopped by the user (Ctrl-C) before all planned requests were made; results so far are kept. */
    CANCELLED,
    /**
     * A model: could not be benchmarked (load failed, every warmup failed, or every measured request failed; the
     * summary's error type and error say why). A run: every model failed or was skipped, or the run stopped on an
     * internal error.
     */
    FAILED,
    /** Not measured in this run: an earlier result with the same settings was taken from the results database. */
    CACHED,
    /** Not benchmarked because the machine lacks the memory to load it (the server refused); the reason is kept. */
    SKIPPED;

    /** The lower-case name used in CSV and JSON. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
