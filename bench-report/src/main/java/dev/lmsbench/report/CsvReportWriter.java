package dev.lmsbench.report;

import dev.lmsbench.core.model.BenchmarkReport;
import dev.lmsbench.core.spi.ReportWriter;
import dev.lmsbench.core.stats.BestSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes {@code summary.csv}, {@code requests.csv} and {@code load_times.csv}, each atomically, and
 * {@code best_settings.csv} when some model ran more than one job (a sweep). Stateless and thread-safe.
 */
record CsvReportWriter(ReportOptions options) implements ConfigurableWriter {

    static final String NAME = "csv";

    private static final Logger LOG = LoggerFactory.getLogger(CsvReportWriter.class);

    /** A writer with the default options. */
    CsvReportWriter() {
        this(ReportOptions.defaults());
    }

    @Override
    public ReportWriter with(ReportOptions value) {
        return new CsvReportWriter(value);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void write(BenchmarkReport report, Path outputDir) throws IOException {
        Files.createDirectories(outputDir);
        Path summary = outputDir.resolve(ReportWriters.SUMMARY_CSV);
        AtomicFiles.write(summary, out -> Csv.write(out, SummaryCsv.COLUMNS, report.models()));
        Path requests = outputDir.resolve(ReportWriters.REQUESTS_CSV);
        AtomicFiles.write(requests, out -> Csv.write(out, RequestsCsv.COLUMNS, report.requests()));
        Path loadTimes = outputDir.resolve(ReportWriters.LOAD_TIMES_CSV);
        AtomicFiles.write(loadTimes, out -> Csv.write(out, LoadTimesCsv.COLUMNS, report.models()));
        List<BestSettings> best = options.bestSettings(report);
        if (!best.isEmpty()) {
            AtomicFiles.write(outputDir.resolve(ReportWriters.BEST_SETTINGS_CSV),
                    out -> Csv.write(out, BestSettingsCsv.COLUMNS, best));
        }
        if (options.comparison() != null) {
            ComparisonFiles.writeCsv(options.comparison(), outputDir);
        }
        LOG.debug("Wrote {} ({} models) and {} ({} requests)", summary, report.models().size(), requests,
                report.requests().size());
    }

    @Override
    public String toString() {
        return "CsvReportWriter[summary.csv, requests.csv, load_times.csv]";
    }
}
