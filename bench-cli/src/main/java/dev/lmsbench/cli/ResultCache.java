package dev.lmsbench.cli;

import dev.lmsbench.cache.SqliteResultStore;
import dev.lmsbench.cli.RunOptions.Cache;
import dev.lmsbench.core.model.BenchmarkReport;
import dev.lmsbench.core.model.BenchmarkSettings;
import dev.lmsbench.core.model.ModelInfo;
import dev.lmsbench.core.model.ModelSummary;
import dev.lmsbench.core.model.RequestResult;
import dev.lmsbench.core.model.RunInfo;
import dev.lmsbench.core.model.RunStatus;
import dev.lmsbench.core.spi.StoreException;
import dev.lmsbench.core.spi.StoredResult;
import dev.lmsbench.report.ReportWriters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The results database as {@code lmsbench run} uses it: which models already have a result measured with the same
 * settings (reported as cached instead of measured again), merging those with the measured ones, and the
 * database-only modes {@code --export-only}, {@code --list-cache} and {@code --export-cache}.
 */
final class ResultCache {

    /** Logs under {@link RunCommand}'s name, as the run log always has. */
    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

    private ResultCache() {
    }

    /** The models of a run: those with a stored result for its settings, and those still to measure. */
    record Partition(List<ModelSummary> cached, List<ModelInfo> toMeasure) {
    }

    /** Opens the results database; a failure is a runtime error. */
    static SqliteResultStore openStore(Path dbPath) {
        try {
            return SqliteResultStore.open(dbPath);
        } catch (StoreException e) {
            throw CliException.failure(e.getMessage(), e);
        }
    }

    /**
     * Splits {@code models} into cached ones (announced on {@code err}) and ones to measure, in their order; with
     * {@code retest} every model is measured.
     */
    static Partition partition(SqliteResultStore store, List<ModelInfo> models, BenchmarkSettings settings,
                               boolean retest, PrintWriter err) {
        List<ModelSummary> cached = new ArrayList<>();
        List<ModelInfo> toMeasure = new ArrayList<>();
        List<StoredResult> stored = retest ? List.of() : storedResults(store);
        for (ModelInfo m : models) {
            Optional<ModelSummary> hit = retest ? Optional.empty() : cachedResult(stored, m, settings);
            if (hit.isPresent()) {
                cached.add(hit.get());
                err.println("[cached] " + m.id() + ": already benchmarked with these settings on "
                        + hit.get().finishedAt() + " (use --retest to measure again)");
            } else {
                toMeasure.add(m);
            }
        }
        err.flush();
        return new Partition(cached, toMeasure);
    }

    /** The measured report with cached models put back in discovery order. */
    static BenchmarkReport merge(BenchmarkReport measured, List<ModelSummary> cached, List<ModelInfo> order) {
        if (cached.isEmpty()) {
            return measured;
        }
        List<ModelSummary> all = new ArrayList<>();
        for (ModelInfo m : order) {
            cached.stream().filter(c -> c.model().id().equals(m.id())).findFirst().ifPresent(all::add);
            measured.models().stream().filter(c -> c.model().id().equals(m.id())).findFirst().ifPresent(all::add);
        }
        return new BenchmarkReport(measured.run(), measured.status(), measured.finishedAt(), all,
                measured.requests(), measured.hardware());
    }

    /** Every stored result, read once per run; an unreadable database means measuring everything. */
    private static List<StoredResult> storedResults(SqliteResultStore store) {
        try {
            return store.list();
        } catch (StoreException e) {
            LOG.warn("cannot read the results database, measuring everything: {}", e.getMessage());
            return List.of();
        }
    }

    /** The latest stored result of this model measured with exactly these settings, marked cached. */
    private static Optional<ModelSummary> cachedResult(List<StoredResult> stored, ModelInfo model,
                                                       BenchmarkSettings settings) {
        StoredResult latest = null;
        for (StoredResult r : stored) {
            if (r.summary().model().id().equals(model.id()) && r.summary().status() == RunStatus.COMPLETED
                    && sameMeasurement(r.run().settings(), settings)) {
                latest = r;
            }
        }
        return Optional.ofNullable(latest).map(r -> r.summary().asCached());
    }

    /** Settings that change what is measured (the timeout does not). */
    private static boolean sameMeasurement(BenchmarkSettings a, BenchmarkSettings b) {
        return a.withRequestTimeout(b.requestTimeout()).equals(b);
    }

    /** {@code --export-only}: reports from the latest stored result per model, context length and parallelism. */
    static int exportOnly(Path dbPath, BenchmarkSettings settings, Path outDir, PrintWriter out, PrintWriter err) {
        try (SqliteResultStore store = openExisting(dbPath)) {
            LinkedHashMap<String, StoredResult> latest = new LinkedHashMap<>();
            for (StoredResult r : store.list()) {
                String key = r.summary().model().id() + "|" + r.summary().contextLength() + "|"
                        + r.summary().parallel();
                latest.remove(key);
                latest.put(key, r);
            }
            if (latest.isEmpty()) {
                throw CliException.failure("the results database " + dbPath + " holds no results to export", null);
            }
            List<ModelSummary> summaries = new ArrayList<>();
            List<RequestResult> requests = new ArrayList<>();
            for (StoredResult r : latest.values()) {
                summaries.add(r.summary().withHardwareSamples(store.listHardwareSamples(r.id())));
                requests.addAll(store.listRequests(r.id()));
            }
            RunInfo run = RunInfo.start("results database " + dbPath, settings, VersionProvider.version());
            BenchmarkReport report = new BenchmarkReport(run, RunStatus.COMPLETED, Instant.now(), summaries,
                    requests);
            err.println("Exporting the latest stored result of " + summaries.size() + " model"
                    + (summaries.size() == 1 ? "" : "s") + " from " + dbPath);
            RunReports.write(report, outDir, out, err);
            return ExitCodes.OK;
        } catch (StoreException e) {
            throw CliException.failure(e.getMessage(), e);
        }
    }

    /** {@code --export-cache} and {@code --list-cache}: every stored result to a JSON file, then as a table. */
    static int listOrExport(Path dbPath, Cache cache, PrintWriter out, PrintWriter err) {
        try (SqliteResultStore store = openExisting(dbPath)) {
            List<StoredResult> results = store.list();
            if (cache.exportCache != null) {
                try {
                    ReportWriters.exportStoredResults(results, VersionProvider.version(), cache.exportCache);
                } catch (IOException e) {
                    throw CliException.failure("cannot write " + cache.exportCache + ": " + e.getMessage(), e);
                }
                err.println("Exported " + results.size() + " stored result" + (results.size() == 1 ? "" : "s")
                        + " to " + cache.exportCache);
            }
            if (cache.listCache) {
                TextTable t = new TextTable("ID", "Date (UTC)", "Model", "Quant", "Ctx", "Par", "OK/Req",
                        "TTFT p50 s", "Decode tok/s p50", "Total tok/s", "Est");
                for (StoredResult r : results) {
                    ModelSummary s = r.summary();
                    t.row(Long.toString(r.id()),
                            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT)
                                    .withZone(ZoneOffset.UTC).format(s.finishedAt()),
                            s.model().id(), s.model().quantization().isEmpty() ? "-" : s.model().quantization(),
                            Integer.toString(s.contextLength()), Integer.toString(s.parallel()),
                            s.successCount() + "/" + s.requestCount(), Durations.num(s.ttft().p50(), 3),
                            Durations.num(s.decodeTokensPerSecond().p50(), 1),
                            Durations.num(s.completionTokensPerSecondTotal(), 1),
                            s.tokens().estimated() ? "yes" : "no");
                }
                out.println(results.size() + " stored result" + (results.size() == 1 ? "" : "s") + " in " + dbPath);
                if (!results.isEmpty()) {
                    t.print(out);
                }
                out.flush();
            }
            return ExitCodes.OK;
        } catch (StoreException e) {
            throw CliException.failure(e.getMessage(), e);
        }
    }

    /** Opens a database that must already exist: the database-only modes never create one. */
    private static SqliteResultStore openExisting(Path dbPath) {
        if (!Files.exists(dbPath)) {
            throw CliException.failure("no results database at " + dbPath + " (run a benchmark first, or pass --db)",
                    null);
        }
        return openStore(dbPath);
    }
}
