package dev.lmsbench.core.model;

/** Whether a request streamed its answer (SSE) or received it in one response. */
public enum RunMode {
    /** {@code stream: true}: timings per token are available. */
    STREAM,
    /** {@code stream: false}: only the end-to-end time is available. */
    NONSTREAM;

    /** The lower-case name used in CSV and JSON ({@code stream}, {@code nonstream}). */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
