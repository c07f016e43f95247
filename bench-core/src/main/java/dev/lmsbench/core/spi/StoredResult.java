package dev.lmsbench.core.spi;

import dev.lmsbench.core.model.ModelSummary;
import dev.lmsbench.core.model.RunInfo;

import java.util.Objects;

/**
 * One model's result as kept by a {@link ResultStore}.
 *
 * @param id      the store's id for the row
 * @param run     the run it belongs to
 * @param summary the model's summary
 */
public record StoredResult(long id, RunInfo run, ModelSummary summary) {

    /** Validates required fields. */
    public StoredResult {
        Objects.requireNonNull(run, "run");
        Objects.requireNonNull(summary, "summary");
    }
}
