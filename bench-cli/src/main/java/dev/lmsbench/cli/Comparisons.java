package dev.lmsbench.cli;

import dev.lmsbench.cache.SqliteResultStore;
import dev.lmsbench.core.model.BenchmarkReport;
import dev.lmsbench.core.spi.StoreException;
import dev.lmsbench.report.ComparisonRows;
import dev.lmsbench.report.Ranking;
import dev.lmsbench.report.ReportWriters;
import dev.lmsbench.report.ResultsJsonReader;
import dev.lmsbench.report.RunComparison;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Loads the sides of a comparison ({@code lmsbench compare}, {@code run --compare-with}) and prints it: a results
 * file (or a directory holding {@code results.json}), else a run id stored in the results database.
 */
final class Comparisons {

    private Comparisons() {
    }

    /**
     * The report a source names: an existing file or directory is read as results.json; anything else is looked up
     * as a run id in the database.
     *
     * @throws CliException (usage, exit 2) when the source names neither, or the file cannot be read
     */
    static BenchmarkReport load(String source, Path dbPath) {
        Path path = null;
        try {
            path = Path.of(source);
        } catch (InvalidPathException e) {
            // not a path: a run id
        }
        if (path != null && Files.isDirectory(path)) {
            path = path.resolve(ReportWriters.RESULTS_JSON);
        }
        if (path != null && Files.exists(path)) {
            try {
                return ResultsJsonReader.read(path);
            } catch (ResultsJsonReader.InvalidResultsException e) {
                throw CliException.usage(e.getMessage());
            } catch (IOException e) {
                throw CliException.usage("cannot read " + path + ": " + IoErrors.reason(e));
            }
        }
        BenchmarkReport stored = Files.exists(dbPath) ? storedRun(source, dbPath) : null;
        if (stored == null) {
            throw CliException.usage("'" + Main.oneLine(source) + "' is neither a results file nor a run id in "
                    + dbPath);
        }
        return stored;
    }

    /** A run stored in the database, as it was reported; null when the database has no such run id. */
    private static BenchmarkReport storedRun(String runId, Path dbPath) {
        try (SqliteResultStore store = ResultCache.openStore(dbPath)) {
            return store.report(runId).orElse(null);
        } catch (StoreException e) {
            throw CliException.failure(e.getMessage(), e);
        }
    }

    /** Rejects an unknown {@code --rank-by} metric (exit 2, naming the valid ones). */
    static String checkMetric(String metric) {
        if (metric != null && !Ranking.METRICS.contains(metric.trim().toLowerCase(Locale.ROOT))) {
            throw CliException.usage("--rank-by: unknown metric '" + Main.oneLine(metric) + "'; valid: "
                    + String.join(", ", Ranking.METRICS));
        }
        return metric;
    }

    /** Prints the comparison: one line per model and figure, then the models present in one run only. */
    static void print(RunComparison comparison, PrintWriter out) {
        out.println();
        out.println(Main.oneLine(ComparisonRows.title(comparison)));
        if (comparison.models().isEmpty()) {
            out.println("No model is in both runs.");
        } else {
            TextTable t = new TextTable(ComparisonRows.HEADER.toArray(String[]::new));
            for (List<String> row : ComparisonRows.rows(comparison)) {
                t.row(row.stream().map(Main::oneLine).toArray(String[]::new));
            }
            t.print(out);
        }
        for (String id : comparison.onlyBaseline()) {
            out.println("Only in the baseline: " + Main.oneLine(id));
        }
        for (String id : comparison.onlyCurrent()) {
            out.println("Only in this run: " + Main.oneLine(id));
        }
        out.flush();
    }

    /** Sorts a comparison's models like the summary table ({@code --rank-by}); unchanged without a metric. */
    static RunComparison ranked(RunComparison c, String metric) {
        return metric == null ? c : c.rankedBy(metric);
    }
}
