package dev.lmsbench.core.model;

import java.util.List;
import java.util.Objects;

/**
 * How a model was loaded and what the server says the loaded instance is: the path the load took, the instance, and
 * its configuration as read back from the server (LM Studio's {@code loaded_instances[].config}). Unknown counts are
 * {@code -1}, unknown ratios {@code NaN}; {@link #UNKNOWN} when the backend said nothing.
 *
 * @param method             how the model was loaded: {@code rest} (LM Studio's {@code POST /api/v1/models/load}),
 *                           {@code lms} ({@code lms load}), {@code ollama}, or {@code ""} when unknown or not loaded
 *                           explicitly
 * @param instanceId         the loaded instance's id, or {@code ""}
 * @param contextLength      the instance's context length as the server reports it, or {@code -1}
 * @param parallel           the instance's parallel prediction slots as the server reports them, or {@code -1}
 * @param gpuOffload         the GPU offload the load asked for (0 to 1), or {@code NaN} when it asked for none
 * @param ttlSeconds         the idle TTL the load asked for, or {@code -1}
 * @param notes              what the load could not do as asked, one sanitized line each (a setting the path
 *                           could not send, a fallback from {@code lms} to REST)
 * @param duplicateInstances instances of the model that appeared on the server while it was measured (LM Studio
 *                           loading the model again just in time for concurrent requests): reported, and unloaded
 *                           by the backend with its own
 */
public record LoadDetails(String method, String instanceId, int contextLength, int parallel, double gpuOffload,
                          int ttlSeconds, List<String> notes, List<String> duplicateInstances) {

    /** Nothing known. */
    public static final LoadDetails UNKNOWN = new LoadDetails("", "", -1, -1, Double.NaN, -1, List.of(), List.of());

    /** Normalizes absent values. */
    public LoadDetails {
        method = Objects.requireNonNullElse(method, "");
        instanceId = Objects.requireNonNullElse(instanceId, "");
        contextLength = Math.max(-1, contextLength);
        parallel = Math.max(-1, parallel);
        ttlSeconds = Math.max(-1, ttlSeconds);
        notes = notes == null ? List.of() : List.copyOf(notes);
        duplicateInstances = duplicateInstances == null ? List.of() : List.copyOf(duplicateInstances);
    }

    /** {@return whether anything is known} */
    public boolean present() {
        return !(method.isEmpty() && instanceId.isEmpty() && contextLength < 0 && parallel < 0
                && Double.isNaN(gpuOffload) && ttlSeconds < 0 && notes.isEmpty() && duplicateInstances.isEmpty());
    }

    /** A copy with the duplicate instances found. @param ids the instance ids @return the copy */
    public LoadDetails withDuplicateInstances(List<String> ids) {
        return new LoadDetails(method, instanceId, contextLength, parallel, gpuOffload, ttlSeconds, notes, ids);
    }

    /**
     * The {@link #method()} of a sweep job that ran on the load of the job before it (same model, context size and,
     * where slots are a load setting, parallelism): no load was made for it.
     */
    public static final String REUSED = "reused";

    /** Whether no load was made for this job: it ran on the previous job's load. @return true when reused */
    public boolean reused() {
        return REUSED.equals(method);
    }

    /**
     * The details of a job that runs on this load without loading again: method {@link #REUSED}, no notes.
     *
     * @return the copy
     */
    public LoadDetails asReused() {
        return new LoadDetails(REUSED, instanceId, contextLength, parallel, gpuOffload, ttlSeconds, List.of(),
                List.of());
    }
}
