package dev.lmsbench.cli;

import dev.lmsbench.cache.ResultStorePaths;
import dev.lmsbench.cache.SqliteResultStore;
import dev.lmsbench.core.model.BenchmarkReport;
import dev.lmsbench.core.spi.ReportWriter;
import dev.lmsbench.core.spi.StoreException;
import dev.lmsbench.report.ReportWriters;
import dev.lmsbench.report.ResultsJsonReader;
import dev.lmsbench.report.RunComparison;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code lmsbench report SOURCE}: writes the reports of a finished run again, without benchmarking, from its
 * results.json or from the results database. The same writers and defaults as {@code run}; the results.json written
 * is the original's, byte for byte (see {@link ResultsJsonReader} and docs/reports.md).
 */
@Command(name = "report", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        versionProvider = VersionProvider.class,
        description = {"Writes the reports of an earlier run again (e.g. in more formats), without benchmarking.",
                "SOURCE is a results.json, a directory holding one, or a run id in the results database."})
final class ReportCommand implements Callable<Integer> {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SOURCE",
            description = "A results.json, a directory holding one, or a run id stored in the results database.")
    String source;

    /** The same output options as run's ({@code --output-dir}, {@code --db}, {@code --format}, {@code --paper}). */
    @ArgGroup(validate = false, heading = "%nOutput:%n", order = 1)
    RunOptions.Output output = new RunOptions.Output();

    /** The same as run's: {@code --rank-by}, and {@code --compare-with} shown in every format. */
    @ArgGroup(validate = false, heading = "%nComparison:%n", order = 2)
    RunOptions.Comparison comparison = new RunOptions.Comparison();

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (output.saveResponses) {
            throw CliException.usage("--save-responses: lmsbench report has no answers to save (a run writes them"
                    + " as each request completes)");
        }
        String rankBy = Comparisons.checkMetric(comparison.rankBy);
        List<ReportWriter> writers = RunReports.writers(output.formats, output.paper);
        Path dbPath = output.db != null ? output.db : ResultStorePaths.defaultDatabase();
        BenchmarkReport report = load(source, dbPath, err);
        RunComparison compared = comparison.compareWith == null ? null
                : RunComparison.of(Comparisons.load(comparison.compareWith, dbPath), report);
        Path outDir = output.outputDir != null ? output.outputDir : Path.of("results",
                java.time.LocalDateTime.now().format(java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss",
                        java.util.Locale.ROOT)));
        try {
            Files.createDirectories(outDir.toAbsolutePath());
        } catch (IOException e) {
            throw CliException.failure("cannot create output directory " + outDir + ": " + IoErrors.reason(e), e);
        }
        // like run: the full log (a writer that failed, with its stack trace) beside the reports
        Logging.logTo(outDir.resolve("lmsbench.log"));
        try {
            RunReports.write(report, writers, outDir, out, err, rankBy, compared);
        } finally {
            Logging.closeRunLog();
        }
        if (compared != null) {
            Comparisons.print(Comparisons.ranked(compared, rankBy), out);
        }
        return ExitCodes.OK;
    }

    /**
     * The run a source names: an existing file or directory is read as results.json (a bad file is a usage error
     * naming it and the field); anything else is a run id looked up in the database.
     *
     * @throws CliException (usage, exit 2) when the source is neither, or the file cannot be read
     */
    static BenchmarkReport load(String source, Path dbPath, PrintWriter err) {
        Path path = null;
        try {
            path = Path.of(source);
        } catch (InvalidPathException e) {
            // not a path: a run id
        }
        if (path != null && Files.isDirectory(path)) {
            Path inside = path.resolve(ReportWriters.RESULTS_JSON);
            if (!Files.exists(inside)) {
                throw CliException.usage("no " + ReportWriters.RESULTS_JSON + " in directory " + path);
            }
            path = inside;
        }
        if (path != null && Files.exists(path)) {
            try {
                BenchmarkReport report = ResultsJsonReader.read(path);
                err.println("Rebuilding the reports of run " + Main.oneLine(report.run().runId()) + " from " + path);
                return report;
            } catch (ResultsJsonReader.InvalidResultsException e) {
                throw CliException.usage(Main.oneLine(e.getMessage()));
            } catch (IOException e) {
                throw CliException.usage("cannot read " + path + ": " + IoErrors.reason(e));
            }
        }
        if (looksLikeAFile(source)) {
            throw CliException.usage("no such file: " + Main.oneLine(source));
        }
        if (!Files.exists(dbPath)) {
            throw CliException.usage("'" + Main.oneLine(source) + "' is not a file, and there is no results database"
                    + " at " + dbPath + " to look it up as a run id (pass --db)");
        }
        try (SqliteResultStore store = ResultCache.openStore(dbPath)) {
            Optional<BenchmarkReport> stored = store.report(source);
            if (stored.isEmpty()) {
                throw CliException.usage("'" + Main.oneLine(source) + "' is neither a results file nor a run id in "
                        + dbPath);
            }
            err.println("Rebuilding the reports of run " + Main.oneLine(source) + " from " + dbPath);
            return stored.get();
        } catch (StoreException e) {
            throw CliException.failure(e.getMessage(), e);
        }
    }

    /** A source that names a file (a .json name or a path with a separator) is never taken for a run id. */
    private static boolean looksLikeAFile(String source) {
        return source.endsWith(".json") || source.contains("/") || source.contains(java.io.File.separator);
    }
}
