package dev.lmsbench.core.model;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Everything a finished (or cancelled) run measured: what report writers receive.
 *
 * @param run        the run
 * @param status     {@link RunStatus#COMPLETED}; {@link RunStatus#CANCELLED} for a partial report;
 *                   {@link RunStatus#FAILED} when every model failed or was skipped (or on an internal error)
 * @param finishedAt when the run ended
 * @param models     one summary per model benchmarked, in order
 * @param requests   every request made, warmups included, in order of completion per model
 * @param hardware   what hardware monitoring detected, including why GPU data is unavailable when it is; null when
 *                   the run was not profiled
 */
public record BenchmarkReport(RunInfo run, RunStatus status, Instant finishedAt, List<ModelSummary> models,
                              List<RequestResult> requests, dev.lmsbench.core.hardware.HardwareInfo hardware) {

    /** Validates and copies the lists. */
    public BenchmarkReport {
        Objects.requireNonNull(run, "run");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(finishedAt, "finishedAt");
        models = List.copyOf(models);
        requests = List.copyOf(requests);
    }

    /** A report of a run that was not profiled (see the canonical constructor for the parameters). */
    public BenchmarkReport(RunInfo run, RunStatus status, Instant finishedAt, List<ModelSummary> models,
                           List<RequestResult> requests) {
        this(run, status, finishedAt, models, requests, null);
    }
}
