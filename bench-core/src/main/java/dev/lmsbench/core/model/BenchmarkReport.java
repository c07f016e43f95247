package dev.lmsbench.core.model;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Everything a finished (or cancelled) run measured: what report writers receive.
 *
 * @param run        the run
 * @param status     {@link RunStatus#COMPLETED}, or {@link RunStatus#CANCELLED} for a partial report
 * @param finishedAt when the run ended
 * @param models     one summary per model benchmarked, in order
 * @param requests   every request made, warmups included, in order of completion per model
 */
public record BenchmarkReport(RunInfo run, RunStatus status, Instant finishedAt, List<ModelSummary> models,
                              List<RequestResult> requests) {

    /** Validates and copies the lists. */
    public BenchmarkReport {
        Objects.requireNonNull(run, "run");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(finishedAt, "finishedAt");
        models = List.copyOf(models);
        requests = List.copyOf(requests);
    }
}
