package dev.lmsbench.core.model;

/** How a run, or one model within it, ended. */
public enum RunStatus {
    /** Every planned request was made (individual requests may still have failed). */
    COMPLETED,
    /** Stopped by the user (Ctrl-C) before all planned requests were made; results so far are kept. */
    CANCELLED,
    /** Could not be benchmarked at all (load failed, every warmup failed, server gone). */
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
