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
import dev.lmsbench.core.model.ServerInfo;
import dev.lmsbench.core.spi.StoreException;
import dev.lmsbench.core.spi.ReportWriter;
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
import java.util.Map;
import java.util.Objects;
import java.lang.reflect.RecordComponent;

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

    /**
     * The models of a run: those with a stored result for its settings, and those still to measure.
     *
     * @param cached    the cached models' summaries, status {@link RunStatus#CACHED}
     * @param toMeasure the models to measure
     * @param cachedIds for each cached model's id, the stored result it was taken from
     * @param cachedRequests for each cached model's id, the requests of that stored result (so a report's charts,
     *                  distributions and comparisons have the samples behind a cached summary too)
     */
    record Partition(List<ModelSummary> cached, List<ModelInfo> toMeasure, Map<String, Long> cachedIds,
                     Map<String, List<RequestResult>> cachedRequests) {
        Partition {
            cached = List.copyOf(cached);
            toMeasure = List.copyOf(toMeasure);
            cachedIds = Map.copyOf(cachedIds);
            cachedRequests = Map.copyOf(cachedRequests);
        }
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
     * {@code retest} every model is measured. Why each model was or was not taken from the cache is logged, and
     * with {@code verbose} printed on {@code err} as well.
     */
    static Partition partition(SqliteResultStore store, List<ModelInfo> models, RunInfo run, boolean retest,
                               boolean verbose, PrintWriter err) {
        List<ModelSummary> cached = new ArrayList<>();
        List<ModelInfo> toMeasure = new ArrayList<>();
        Map<String, Long> cachedIds = new LinkedHashMap<>();
        Map<String, List<RequestResult>> cachedRequests = new LinkedHashMap<>();
        List<StoredResult> stored = retest ? List.of() : storedResults(store);
        for (ModelInfo m : models) {
            if (retest) {
                LOG.info("cache: measuring {}: --retest", m.id());
                toMeasure.add(m);
                continue;
            }
            Lookup lookup = lookup(stored, m, run);
            if (lookup.hit() != null) {
                ModelSummary hit = lookup.hit().summary().asCached();
                cached.add(hit);
                cachedIds.put(m.id(), lookup.hit().id());
                try {
                    cachedRequests.put(m.id(), store.listRequests(lookup.hit().id()));
                } catch (StoreException e) {
                    LOG.warn("cannot read the requests of stored result {}: {}", lookup.hit().id(), e.getMessage());
                }
                LOG.info("cache: reusing {} from stored result {} (same server, model, settings, profiling and "
                        + "measurement version)", m.id(), lookup.hit().id());
                err.println("[cached] " + Main.oneLine(m.id()) + ": already benchmarked with these settings on "
                        + hit.finishedAt() + " (use --retest to measure again)");
            } else {
                LOG.info("cache: measuring {}: {}", m.id(), lookup.whyNot());
                if (verbose) {
                    err.println("[measure] " + Main.oneLine(m.id()) + ": not taken from the cache: "
                            + lookup.whyNot());
                }
                toMeasure.add(m);
            }
        }
        err.flush();
        return new Partition(cached, toMeasure, cachedIds, cachedRequests);
    }

    /**
     * The outcome of looking a model up: the stored result to reuse, or why none is reused (the reason of the most
     * recent stored result of that model that came closest).
     */
    record Lookup(StoredResult hit, String whyNot) {
    }

    /**
     * The latest stored result of {@code model} that may stand in for measuring it in {@code run}: same server
     * (normalized URL, kind, version, runtime), same model (id, quantization, file size), same settings (the
     * request timeout aside), same profiling on/off, the current measurement version, and a clean success (no
     * failed request). See docs/cli.md, "The results cache".
     */
    static Lookup lookup(List<StoredResult> stored, ModelInfo model, RunInfo run) {
        String closest = null;
        for (int i = stored.size() - 1; i >= 0; i--) {
            StoredResult r = stored.get(i);
            if (!r.summary().model().id().equals(model.id())) {
                continue;
            }
            String why = mismatch(r, model, run);
            if (why == null) {
                return new Lookup(r, "");
            }
            if (closest == null) {
                closest = "stored result " + r.id() + " " + why;
            }
        }
        return new Lookup(null, closest == null ? "no stored result for this model" : closest);
    }

    /** Why a stored result of the same model id cannot stand in for this run's measurement, or null when it can. */
    static String mismatch(StoredResult r, ModelInfo model, RunInfo run) {
        String unusable = unusable(r);
        if (unusable != null) {
            return unusable;
        }
        ServerInfo then = r.run().server();
        ServerInfo now = run.server();
        if (!then.baseUrl().equals(now.baseUrl())) {
            return "was measured on another server (" + then.baseUrl() + ", now " + now.baseUrl() + ")";
        }
        String serverChange = differs("server kind", then.kind(), now.kind());
        if (serverChange == null) {
            serverChange = differs("server version", then.version(), now.version());
        }
        if (serverChange == null) {
            serverChange = differs("server runtime", then.runtime(), now.runtime());
        }
        if (serverChange != null) {
            return "was measured with another " + serverChange;
        }
        ModelInfo stored = r.summary().model();
        String modelChange = differs("quantization", stored.quantization(), model.quantization());
        if (modelChange == null && stored.sizeBytes() != model.sizeBytes()) {
            modelChange = "file size (" + stored.sizeBytes() + " bytes, now " + model.sizeBytes() + ")";
        }
        if (modelChange != null) {
            return "is of another model file: " + modelChange;
        }
        String settings = settingsDiff(r.run().settings(), run.settings());
        if (settings != null) {
            return "was measured with other settings (" + settings + ")";
        }
        if (r.run().profiling() != run.profiling()) {
            return run.profiling() ? "was measured without profiling (no hardware figures)"
                    : "was measured with profiling on";
        }
        return null;
    }

    /** Why a stored result is never reused whatever this run is, or null: failures and old measurements. */
    static String unusable(StoredResult r) {
        ModelSummary s = r.summary();
        if (s.status() != RunStatus.COMPLETED || s.successCount() == 0) {
            return "failed (" + s.successCount() + "/" + s.requestCount() + " ok)";
        }
        if (s.errorCount() > 0) {
            return "had failed requests (" + s.successCount() + "/" + s.requestCount() + " ok)";
        }
        if (r.run().measurementVersion() != RunInfo.MEASUREMENT_VERSION) {
            return "was measured by an older version of lmsbench's measurement (v" + r.run().measurementVersion()
                    + ", now v" + RunInfo.MEASUREMENT_VERSION + ")";
        }
        return null;
    }

    private static String differs(String what, String then, String now) {
        return then.equals(now) ? null : what + " (" + (then.isEmpty() ? "unknown" : then) + ", now "
                + (now.isEmpty() ? "unknown" : now) + ")";
    }

    /**
     * The settings that differ, by name ({@code runs 3, now 5}); null when the settings measure the same (the
     * request timeout does not change what is measured).
     */
    static String settingsDiff(BenchmarkSettings then, BenchmarkSettings now) {
        BenchmarkSettings a = then.withRequestTimeout(now.requestTimeout());
        if (a.equals(now)) {
            return null;
        }
        List<String> diffs = new ArrayList<>();
        for (RecordComponent c : BenchmarkSettings.class.getRecordComponents()) {
            try {
                Object x = c.getAccessor().invoke(a);
                Object y = c.getAccessor().invoke(now);
                if (!Objects.equals(x, y)) {
                    diffs.add(c.getName() + (x instanceof String || y instanceof String ? ""
                            : " " + Main.oneLine(String.valueOf(x)) + ", now " + Main.oneLine(String.valueOf(y))));
                }
            } catch (ReflectiveOperationException e) {
                diffs.add(c.getName());
            }
        }
        String joined = String.join("; ", diffs);
        return joined.isEmpty() ? "settings" : Main.oneLine(joined);
    }

    /**
     * The measured report with the partition's cached models put back in discovery order, each with the requests of
     * the stored result it came from; requests in the order of their models.
     */
    static BenchmarkReport merge(BenchmarkReport measured, Partition partition, List<ModelInfo> order) {
        List<ModelSummary> cached = partition.cached();
        if (cached.isEmpty()) {
            return measured;
        }
        List<ModelSummary> all = new ArrayList<>();
        List<RequestResult> requests = new ArrayList<>();
        for (ModelInfo m : order) {
            cached.stream().filter(c -> c.model().id().equals(m.id())).findFirst().ifPresent(c -> {
                all.add(c);
                requests.addAll(partition.cachedRequests().getOrDefault(m.id(), List.of()));
            });
            measured.models().stream().filter(c -> c.model().id().equals(m.id())).findFirst().ifPresent(c -> {
                all.add(c);
                measured.requests().stream().filter(r -> r.model().equals(m.id())).forEach(requests::add);
            });
        }
        // the run failed only when nothing usable came out of it: cached results are usable
        RunStatus status = measured.status() == RunStatus.FAILED
                && all.stream().anyMatch(m -> m.status() == RunStatus.CACHED || m.status() == RunStatus.COMPLETED)
                ? RunStatus.COMPLETED : measured.status();
        return new BenchmarkReport(measured.run(), status, measured.finishedAt(), all, requests,
                measured.hardware());
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

    /**
     * Records the run's final report in the database (its status, end, machine and models in order), so
     * {@code lmsbench report RUN_ID} and {@code --export-only} rebuild the same results.json. Called after the reports
     * are written; the models themselves were stored as each completed, so a failure here only loses the run's
     * outcome, never a result or a report, and is logged.
     */
    static void recordRun(SqliteResultStore store, BenchmarkReport report, Partition partition) {
        try {
            store.saveRunOutcome(report, partition.cachedIds());
        } catch (StoreException | RuntimeException e) {
            // the reports are written and every model is stored: only the rebuild of this run loses detail
            LOG.error("could not record the end of run {} in the results database: {}", report.run().runId(),
                    e.getMessage());
            LOG.debug("store failure", e);
        }
    }

    /**
     * {@code --export-only}: reports from the latest stored result per model, context length and parallelism. When
     * those all come from one run, the reports are that run's, rebuilt from the database as it reported them (its
     * header, status, end, machine, every model in order, requests and hardware samples: the same results.json). When
     * they come from several runs, the run header, end and machine are the newest run's (by start time), the models
     * are the latest results in the order they were stored, and a note on {@code err} says so. With a
     * {@code baseline} ({@code --compare-with}) every format shows the comparison, as after a run. See docs/cli.md.
     */
    static int exportOnly(Path dbPath, List<ReportWriter> writers, Path outDir, String rankBy,
                          BenchmarkReport baseline, PrintWriter out, PrintWriter err) {
        try (SqliteResultStore store = openExisting(dbPath)) {
            LinkedHashMap<String, StoredResult> latest = new LinkedHashMap<>();
            for (StoredResult r : store.list()) {
                String key = r.summary().model().id() + "|" + r.summary().contextLength() + "|"
                        + r.summary().parallel();
                StoredResult before = latest.get(key);
                if (before != null && before.summary().status() == RunStatus.COMPLETED
                        && r.summary().status() != RunStatus.COMPLETED) {
                    continue; // a later failure does not hide the latest good result
                }
                latest.remove(key);
                latest.put(key, r);
            }
            if (latest.isEmpty()) {
                throw CliException.failure("the results database " + dbPath + " holds no results to export", null);
            }
            List<String> runIds = latest.values().stream().map(r -> r.run().runId()).distinct().toList();
            BenchmarkReport report;
            if (runIds.size() == 1) {
                report = storedRun(store, runIds.getFirst());
                err.println("Exporting run " + Main.oneLine(runIds.getFirst()) + " (" + report.models().size()
                        + " model" + (report.models().size() == 1 ? "" : "s") + ") from " + dbPath);
            } else {
                RunInfo newest = latest.values().stream().map(StoredResult::run)
                        .max(java.util.Comparator.comparing(RunInfo::startedAt)).orElseThrow();
                BenchmarkReport header = storedRun(store, newest.runId());
                List<ModelSummary> summaries = new ArrayList<>();
                List<RequestResult> requests = new ArrayList<>();
                Instant end = Instant.EPOCH;
                for (StoredResult r : latest.values()) {
                    summaries.add(r.summary().withHardwareSamples(store.listHardwareSamples(r.id())));
                    requests.addAll(store.listRequests(r.id()));
                    end = r.summary().finishedAt().isAfter(end) ? r.summary().finishedAt() : end;
                }
                RunStatus status = summaries.stream().allMatch(m -> m.status() == RunStatus.FAILED)
                        ? RunStatus.FAILED : RunStatus.COMPLETED;
                report = new BenchmarkReport(header.run(), status, end, summaries, requests, header.hardware());
                err.println("Exporting the latest stored result of " + summaries.size() + " model"
                        + (summaries.size() == 1 ? "" : "s") + " from " + dbPath + ": they come from "
                        + runIds.size() + " runs; the run header (id, settings, server, machine) is the newest"
                        + " run's, " + Main.oneLine(newest.runId()));
            }
            dev.lmsbench.report.RunComparison compared = baseline == null ? null
                    : dev.lmsbench.report.RunComparison.of(baseline, report);
            RunReports.write(report, writers, outDir, out, err, rankBy, compared);
            if (compared != null) {
                Comparisons.print(Comparisons.ranked(compared, rankBy), out);
            }
            return ExitCodes.OK;
        } catch (StoreException e) {
            throw CliException.failure(e.getMessage(), e);
        }
    }

    /** A run of the database as its report; the run is known to exist (a stored result names it). */
    private static BenchmarkReport storedRun(SqliteResultStore store, String runId) throws StoreException {
        return store.report(runId).orElseThrow(() -> new StoreException("run " + runId + " is not in "
                + store.file(), null));
    }

    /** {@code --export-cache} and {@code --list-cache}: every stored result to a JSON file, then as a table. */
    static int listOrExport(Path dbPath, Cache cache, PrintWriter out, PrintWriter err) {
        try (SqliteResultStore store = openExisting(dbPath)) {
            List<StoredResult> results = store.list();
            if (cache.exportCache != null) {
                try {
                    ReportWriters.exportStoredResults(results, VersionProvider.version(), cache.exportCache);
                } catch (IOException e) {
                    throw CliException.failure("cannot write " + cache.exportCache + ": " + IoErrors.reason(e), e);
                }
                err.println("Exported " + results.size() + " stored result" + (results.size() == 1 ? "" : "s")
                        + " to " + cache.exportCache);
            }
            if (cache.listCache) {
                TextTable t = new TextTable("ID", "Date (UTC)", "Model", "Quant", "Ctx", "Par", "Status", "OK/Req",
                        "TTFT p50 s", "Decode tok/s p50", "Total tok/s", "Est", "Server", "Prof", "Reusable");
                for (StoredResult r : results) {
                    ModelSummary s = r.summary();
                    t.row(Long.toString(r.id()),
                            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT)
                                    .withZone(ZoneOffset.UTC).format(s.finishedAt()),
                            s.model().id(), s.model().quantization().isEmpty() ? "-" : s.model().quantization(),
                            Integer.toString(s.contextLength()), Integer.toString(s.parallel()),
                            s.status().label(), s.successCount() + "/" + s.requestCount(),
                            Durations.num(s.ttft().p50(), 3),
                            Durations.num(s.decodeTokensPerSecond().p50(), 1),
                            Durations.num(s.completionTokensPerSecondTotal(), 1),
                            s.tokens().estimated() ? "yes" : "no", serverLabel(r.run().server()),
                            r.run().profiling() ? "yes" : "no", reusable(r));
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

    /** The server of a stored run for the table: its URL, and its kind and version where known. */
    private static String serverLabel(ServerInfo server) {
        StringBuilder b = new StringBuilder(server.baseUrl().isEmpty() ? "?" : server.baseUrl());
        if (!server.kind().isEmpty()) {
            b.append(" (").append(server.kind());
            if (!server.version().isEmpty()) {
                b.append(' ').append(server.version());
            }
            b.append(')');
        }
        return Main.oneLine(b.toString());
    }

    /**
     * Whether a stored result can be reused by a later run with the same server, model, settings and profiling;
     * if not, why (a failure, failed requests, an older measurement version).
     */
    private static String reusable(StoredResult r) {
        String why = unusable(r);
        return why == null ? "yes" : "no: " + why;
    }

    /** Opens a database that must already exist: the database-only modes never create one. */
    static SqliteResultStore openExisting(Path dbPath) {
        if (!Files.exists(dbPath)) {
            throw CliException.failure("no results database at " + dbPath + " (run a benchmark first, or pass --db)",
                    null);
        }
        return openStore(dbPath);
    }
}
