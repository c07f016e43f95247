package dev.lmsbench.web;

import java.util.List;
import java.util.Optional;

/**
 * Compares two stored runs for {@code GET /api/compare} (the dashboard's Comparison page) with the program's
 * noise-aware method; the CLI wires the reports' comparison (medians, bootstrap interval, verdict) into it.
 * Called on HTTP threads; must be thread-safe.
 */
@FunctionalInterface
public interface RunComparer {

    /**
     * One comparison as a table: the title line naming the runs and the method, the column names, the rows of text.
     *
     * @param title  the heading
     * @param header the column names
     * @param rows   the cells of each row, as many as {@code header}
     */
    record Table(String title, List<String> header, List<List<String>> rows) {
        /** Copies the lists. */
        public Table {
            header = List.copyOf(header);
            rows = rows.stream().map(List::copyOf).toList();
        }
    }

    /**
     * @param baselineRunId the run compared against
     * @param currentRunId  the run compared
     * @return the comparison, or empty when either run is not stored
     * @throws Exception when the runs could not be read (the API answers 500)
     */
    Optional<Table> compare(String baselineRunId, String currentRunId) throws Exception;
}
