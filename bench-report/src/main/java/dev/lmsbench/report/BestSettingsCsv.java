package dev.lmsbench.report;

import dev.lmsbench.core.stats.BestSettings;
import dev.lmsbench.report.Csv.Column;

import java.util.List;

import static dev.lmsbench.report.Csv.Column.decimal;
import static dev.lmsbench.report.Csv.Column.integer;
import static dev.lmsbench.report.Csv.Column.knownInteger;
import static dev.lmsbench.report.Csv.Column.text;

/**
 * The columns of {@code best_settings.csv} (issue 14, item 8): one row per model of a sweep, its best context size and
 * parallelism by total tok/s and the largest context size within the TTFT limit. Unknown cells are empty. See
 * docs/output-formats.md.
 */
final class BestSettingsCsv {

    private BestSettingsCsv() {
    }

    /** Header and cell of every column, in file order. New columns go at the end. */
    static final List<Column<BestSettings>> COLUMNS = List.of(
            text("model", BestSettings::model),
            integer("jobs", BestSettings::jobs),
            knownInteger("best_ctx", BestSettings::contextLength),
            knownInteger("best_par", BestSettings::parallel),
            decimal("best_completion_toks_per_s_total", BestSettings::tokensPerSecond),
            decimal("max_ttft_ms", BestSettings::maxTtftMs),
            knownInteger("ttft_ctx", BestSettings::ttftContextLength),
            knownInteger("ttft_par", BestSettings::ttftParallel),
            decimal("ttft_completion_toks_per_s_total", BestSettings::ttftTokensPerSecond),
            decimal("ttft_s_p50", BestSettings::ttftSeconds));
}
