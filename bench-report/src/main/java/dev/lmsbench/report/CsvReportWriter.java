package dev.lmsbench.report;

import dev.lmsbench.core.model.BenchmarkReport;
import dev.lmsbench.core.spi.ReportWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes {@code summary.csv} and {@code requests.csv}, each atomically. Stateless and thread-safe. */
final class CsvReportWriter implements ConfigurableWriter {

    static final String NAME = "csv";

    private static final Logger LOG = LoggerFactory.getLogger(CsvReportWriter.class);


    private final ReportOptions options;

    /** A writer with the default options. */
    CsvReportWriter() {
        this(ReportOptions.defaults());
    }

    CsvReportWriter(ReportOptions options) {
        this.options = java.util.Objects.requireNonNull(options, "options");
    }

    @Override
    public ReportOptions options() {
        return options;
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
        if (options.comparison() != null) {
            ComparisonFiles.writeCsv(options.comparison(), outputDir);
        }
        LOG.debug("Wrote {} ({} models) and {} ({} requests)", summary, report.models().size(), requests,
                report.requests().size());
    }

    @Override
    public String toString() {
        return "CsvReportWriter[summary.csv, requests.csv]";
    }
}
