package dev.lmsbench.report;

import dev.lmsbench.core.model.ModelSummary;
import dev.lmsbench.core.model.PromptCalibration;
import dev.lmsbench.report.Csv.Column;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import static dev.lmsbench.report.Csv.Column.bool;
import static dev.lmsbench.report.Csv.Column.decimal;
import static dev.lmsbench.report.Csv.Column.integer;
import static dev.lmsbench.report.Csv.Column.text;

/**
 * The columns of {@code load_times.csv} (seed 004): one row per job (model, context length, parallelism) with how
 * the model was loaded for it, what its warmup showed about loading, and how its prompt was sized. See
 * docs/output-formats.md.
 */
final class LoadTimesCsv {

    private LoadTimesCsv() {
    }

    /**
     * The prompt calibration columns, also at the end of {@code summary.csv}: the target prompt tokens (0 when the
     * prompt was not sized; the other cells are then empty, the call count 0), the chars-per-token estimate used, the
     * prompt tokens last counted, the calibration calls after the warmup, whether the last count was within the
     * tolerance, and where the estimate started ({@code cache} or {@code default}).
     */
    static final List<Column<ModelSummary>> CALIBRATION = calibration(ModelSummary::calibration);

    /** Header and cell of every column, in file order. New columns go at the end. */
    static final List<Column<ModelSummary>> COLUMNS = concat(List.of(
            text("model", s -> s.model().id()),
            integer("ctx", ModelSummary::contextLength),
            integer("par", ModelSummary::parallel),
            text("status", s -> s.status().label()),
            bool("reloaded", LoadTimesCsv::reloaded),
            decimal("load_time_s", ModelSummary::loadSeconds),
            text("load_method", s -> s.loadDetails().method()),
            integer("warmup_count", s -> s.warmup().count()),
            decimal("warmup_ttft_first_s", s -> s.warmup().firstTtftSeconds()),
            decimal("warmup_ttft_avg_s", s -> s.warmup().subsequentTtftSeconds()),
            decimal("warmup_load_est_s", s -> s.warmup().loadEstimateSeconds())), CALIBRATION);

    /**
     * Whether the job (re)loaded its model: false when it ran on the previous job's load ({@code load_method}
     * {@code reused}) or when nothing says a load happened (no load time and no load method: a backend that does not
     * load explicitly).
     */
    static boolean reloaded(ModelSummary s) {
        if (s.loadDetails().reused()) {
            return false;
        }
        return Double.isFinite(s.loadSeconds()) || !s.loadDetails().method().isEmpty();
    }

    static <T> List<Column<T>> calibration(Function<T, PromptCalibration> of) {
        return List.of(
                new Column<>("target_prompt_tokens", r -> Integer.toString(of.apply(r).targetTokens())),
                new Column<>("chars_per_token", r -> of.apply(r).sized() ? Csv.decimal(of.apply(r).charsPerToken())
                        : ""),
                new Column<>("calibrated_prompt_tokens", r -> of.apply(r).sized() && of.apply(r).promptTokens() >= 0
                        ? Integer.toString(of.apply(r).promptTokens()) : ""),
                new Column<>("calibration_calls", r -> Integer.toString(of.apply(r).calls())),
                new Column<>("calibration_within_tolerance", r -> of.apply(r).sized()
                        ? Boolean.toString(of.apply(r).withinTolerance()) : ""),
                text("calibration_source", r -> of.apply(r).source()));
    }

    static <T> List<Column<T>> concat(List<Column<T>> first, List<Column<T>> second) {
        List<Column<T>> all = new ArrayList<>(first);
        all.addAll(second);
        return List.copyOf(all);
    }
}
