package dev.lmsbench.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lmsbench.cache.ResultStorePaths;
import dev.lmsbench.cache.SqliteResultStore;
import dev.lmsbench.core.engine.BenchmarkEngine;
import dev.lmsbench.core.engine.SweepMath;
import dev.lmsbench.core.engine.SweepPlan;
import dev.lmsbench.core.event.BenchmarkListener;
import dev.lmsbench.core.model.BenchmarkReport;
import dev.lmsbench.core.model.BenchmarkSettings;
import dev.lmsbench.core.model.ModelInfo;
import dev.lmsbench.core.model.ModelSummary;
import dev.lmsbench.core.model.RequestResult;
import dev.lmsbench.core.model.RunInfo;
import dev.lmsbench.core.model.RunStatus;
import dev.lmsbench.core.spi.InferenceBackend;
import dev.lmsbench.core.spi.StoreException;
import dev.lmsbench.core.spi.StoredResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code lmsbench sweep}: every (model, context size, parallelism) job (seed 004), one after the other, with the
 * selection, server and output flags of {@code run}. It is {@code run}'s machinery with another plan: the jobs of
 * {@code --ctx} (or a sweep of {@code --sweep-count} sizes from 1/8 of each model's maximum context) times
 * {@code --par}, a retry backoff, prompts sized by {@code --target-prompt-tokens}/{@code --prompt-fill}, no results
 * cache (every job is measured) and {@code --resume} for a sweep that was stopped.
 */
@Command(name = "sweep", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = {"Benchmarks every model at several context sizes and parallelism levels (seed 004): one job per "
                + "(model, context size, parallelism), each with its own load where the context or slots change, "
                + "warmup (at least 3), prompt calibration, measured runs (a streaming and a non-streaming call per "
                + "request) and retries (1 s, 5 s, 15 s, 30 s).",
                "Writes requests.csv, summary.csv and load_times.csv (and the other formats of --format) to "
                        + "results/sweep-<time>/, each finished job to the results database; --resume goes on with "
                        + "a stopped sweep.",
                "",
                "Examples:",
                "  lmsbench sweep --sim --ctx 1024,4096 --par 1,4 --runs 3",
                "  lmsbench sweep --include-models qwen --sweep-count 4 --par 1,2,4,8 --prompt-fill 0.5",
                "  lmsbench sweep --resume      (the newest sweep that did not finish, with the same flags)",
                ""},
        footer = {"", "Every flag of 'lmsbench run' applies, except --context and --n-parallel (use --ctx and --par).",
                "Exit codes: 0 success, 1 runtime failure, 2 usage or configuration error, 130 interrupted."})
final class SweepCommand extends RunCommand {

    private static final Logger LOG = LoggerFactory.getLogger(SweepCommand.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The state file of a sweep in its output folder: its run id and whether it finished. */
    static final String STATE_FILE = "sweep.json";
    /** The most jobs one sweep may plan (docs/limits.md). */
    static final int MAX_JOBS = 10_000;

    @ArgGroup(validate = false, heading = "%nSweep:%n", order = 0)
    Sweep sweep = new Sweep();

    /** The sweep flags. */
    static final class Sweep {
        @Option(names = "--ctx", paramLabel = "TOKENS", split = ",", order = 1, description = {
                "Context sizes to load each model with, comma-separated (e.g. 2048,8192,32768). Default: a sweep "
                        + "from 1/8 of each model's maximum context to the full size in --sweep-count steps."})
        List<Integer> contexts;

        @Option(names = "--sweep-count", paramLabel = "N", order = 2, defaultValue = "4", description = {
                "Context sizes per model when --ctx is absent (1 to 64; default ${DEFAULT-VALUE})."})
        int sweepCount = SweepPlan.DEFAULT_SWEEP_COUNT;

        @Option(names = "--par", paramLabel = "N", split = ",", order = 3, description = {
                "Parallelism levels, comma-separated (e.g. 1,2,4,8): logical requests in flight at once. Default 1."})
        List<Integer> parallel;

        @Option(names = "--target-prompt-tokens", paramLabel = "N", order = 4, description = {
                "Size every prompt to about N tokens, calibrated from the server's usage (see docs/cli.md)."})
        int targetPromptTokens;

        @Option(names = "--prompt-fill", paramLabel = "F", order = 5, description = {
                "Size every prompt to this fraction of the job's context size (0 to 1), when "
                        + "--target-prompt-tokens is absent."})
        double promptFill;

        @Option(names = "--retry-backoff", paramLabel = "SECONDS", order = 6, description = {
                "Waits before the retries of a failed call, comma-separated seconds (default 1,5,15,30), or 'none'. "
                        + "After the last the call is recorded as error_final."})
        String retryBackoff;

        @Option(names = "--max-ttft-ms", paramLabel = "MS", order = 7, description = {
                "The TTFT limit of the best settings: the largest context whose median TTFT stays within it."})
        Double maxTtftMs;

        @Option(names = "--resume", paramLabel = "DIR", arity = "0..1", fallbackValue = "", order = 8, description = {
                "Go on with a stopped sweep: its finished jobs are kept, the others measured. Without DIR the newest "
                        + "unfinished sweep under results/ (or --output-dir). Give the same flags as before."})
        String resume;
    }

    /** The resumed sweep's folder, run id and start; null for a new sweep. */
    private SweepState resumed;
    /** Every job of the plan (the finished ones of a resumed sweep included), in running order. */
    private SweepPlan fullPlan;
    /** The finished jobs of the resumed sweep, by job key. */
    private final Map<String, StoredResult> finished = new LinkedHashMap<>();
    private SqliteResultStore store;
    private Path stateFile;

    record SweepState(Path dir, String runId, Instant startedAt) {
    }

    static String key(String model, int ctx, int par) {
        return model + "\u0000" + ctx + "\u0000" + par;
    }

    @Override
    public Integer call() {
        if (basic.context != null) {
            throw CliException.usage("--context sets one context size: a sweep takes --ctx LIST");
        }
        if (server.parallel != 1) {
            throw CliException.usage("--n-parallel sets one parallelism: a sweep takes --par LIST");
        }
        if (sweep.targetPromptTokens < 0 || sweep.targetPromptTokens > 10_000_000) {
            throw CliException.usage("--target-prompt-tokens must be between 1 and 10000000, got "
                    + sweep.targetPromptTokens);
        }
        if (!(sweep.promptFill >= 0 && sweep.promptFill <= 1)) {
            throw CliException.usage("--prompt-fill must be between 0 and 1, got " + sweep.promptFill);
        }
        if (sweep.sweepCount < 1 || sweep.sweepCount > 64) {
            throw CliException.usage("--sweep-count must be between 1 and 64, got " + sweep.sweepCount);
        }
        if (sweep.maxTtftMs != null && !(sweep.maxTtftMs > 0 && sweep.maxTtftMs <= 3_600_000)) {
            throw CliException.usage("--max-ttft-ms must be above 0 and at most 3600000, got " + sweep.maxTtftMs);
        }
        checkList("--ctx", sweep.contexts, 1, 10_000_000);
        checkList("--par", sweep.parallel, 1, MAX_PARALLEL);
        retryWaits(sweep.retryBackoff); // validates
        if (sweep.resume != null) {
            resumed = findResumable(sweep.resume.isEmpty() ? output.outputDir : Path.of(sweep.resume));
            output.outputDir = resumed.dir();
        }
        return super.call();
    }

    private static void checkList(String flag, List<Integer> values, int min, int max) {
        if (values == null) {
            return;
        }
        if (values.isEmpty()) {
            throw CliException.usage(flag + " needs at least one value");
        }
        for (Integer v : values) {
            if (v == null || v < min || v > max) {
                throw CliException.usage(flag + " values must be between " + min + " and " + max + ", got " + v);
            }
        }
    }

    /** {@code 1,5,15,30} as waits; {@code none} for no retries; absent: {@link SweepMath#RETRY_BACKOFF}. */
    static List<Duration> retryWaits(String text) {
        if (text == null) {
            return SweepMath.RETRY_BACKOFF;
        }
        String t = text.strip();
        if (t.equalsIgnoreCase("none") || t.isEmpty()) {
            return List.of();
        }
        List<Duration> out = new ArrayList<>();
        for (String part : t.split(",", -1)) {
            double seconds;
            try {
                seconds = Double.parseDouble(part.strip());
            } catch (NumberFormatException e) {
                throw CliException.usage("--retry-backoff takes comma-separated seconds or 'none', got '"
                        + Main.oneLine(text) + "'");
            }
            if (!(seconds >= 0 && seconds <= 3600)) {
                throw CliException.usage("--retry-backoff waits must be between 0 and 3600 s, got " + part.strip());
            }
            out.add(Duration.ofNanos((long) (seconds * 1e9)));
        }
        if (out.size() > 20) {
            throw CliException.usage("--retry-backoff takes at most 20 waits, got " + out.size());
        }
        return out;
    }

    @Override
    Path defaultOutputDir() {
        return Path.of("results", "sweep-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern(
                "yyyyMMdd-HHmmss", Locale.ROOT)));
    }

    @Override
    BenchmarkSettings adjust(BenchmarkSettings settings, PrintWriter err) {
        if (basic.devMode) {
            return settings;
        }
        int warmup = SweepMath.warmupCount(settings.warmupRuns());
        if (warmup != settings.warmupRuns() && basic.warmup != null) {
            err.println("note: a sweep job warms up with at least " + SweepMath.MIN_WARMUP + " requests (the load "
                    + "estimate needs them): --warmup " + settings.warmupRuns() + " raised to " + warmup);
            err.flush();
        }
        return settings.withWarmupRuns(warmup);
    }

    @Override
    boolean usesResultCache() {
        return false;
    }

    @Override
    RunInfo runInfo(String endpoint, BenchmarkSettings settings, SqliteResultStore db, Path outDir) {
        this.store = db;
        this.stateFile = outDir.resolve(STATE_FILE);
        RunInfo run;
        if (resumed != null) {
            run = new RunInfo(resumed.runId(), resumed.startedAt(), endpoint, settings, VersionProvider.version());
            try {
                for (StoredResult r : db.list()) {
                    ModelSummary s = r.summary();
                    if (r.run().runId().equals(resumed.runId())
                            && (s.status() == RunStatus.COMPLETED || s.status() == RunStatus.FAILED)) {
                        finished.put(key(s.model().id(), s.contextLength(), s.parallel()), r);
                    }
                }
            } catch (StoreException e) {
                throw CliException.failure("cannot read the finished jobs of sweep " + resumed.runId()
                        + " from the results database: " + e.getMessage(), e);
            }
        } else {
            run = RunInfo.start(endpoint, settings, VersionProvider.version());
        }
        writeState(run, "running");
        return run;
    }

    @Override
    SweepPlan plan(List<ModelInfo> models, RunInfo run, InferenceBackend client, PrintWriter err) {
        List<Integer> par = sweep.parallel == null ? List.of(1) : sweep.parallel;
        SweepPlan plan;
        try {
            plan = sweep.contexts != null ? SweepPlan.of(models, sweep.contexts, par)
                    : SweepPlan.sweep(models, sweep.sweepCount, par);
        } catch (IllegalArgumentException e) {
            throw CliException.usage(e.getMessage());
        }
        if (plan.jobs().size() > MAX_JOBS) {
            throw CliException.usage("the sweep plans " + plan.jobs().size() + " jobs, more than " + MAX_JOBS
                    + ": select fewer models, context sizes or parallelism levels");
        }
        plan = plan.withRetryBackoff(retryWaits(sweep.retryBackoff))
                .withPromptTarget(sweep.targetPromptTokens, sweep.promptFill);
        fullPlan = plan;
        int loads = plan.loads(client.loadsParallelSlots());
        LOG.info("sweep: {} jobs, {} loads", plan.jobs().size(), loads);
        if (resumed != null) {
            SweepPlan rest = plan.without(j -> finished.containsKey(key(j.model().id(), j.contextLength(),
                    j.parallel())));
            err.println("[resume] sweep " + resumed.runId() + ": " + (plan.jobs().size() - rest.jobs().size())
                    + " of " + plan.jobs().size() + " jobs already finished, measuring the other "
                    + rest.jobs().size());
            err.flush();
            return rest;
        }
        return plan;
    }

    @Override
    void configure(BenchmarkEngine.Builder builder, Path outDir) {
        Path db = output.db != null ? output.db : ResultStorePaths.defaultDatabase();
        builder.calibrations(new CalibrationFile(db.toAbsolutePath().resolveSibling("calibration.json")));
    }

    /** On a terminal the live table, redrawn in place (docs/cli.md, "Live table"); otherwise run's plain lines. */
    @Override
    BenchmarkListener progressListener(PrintWriter err) {
        return ProgressPrinter.stderrIsTerminal() ? new SweepTable(err, true) : super.progressListener(err);
    }

    @Override
    BenchmarkReport merged(BenchmarkReport measured, ResultCache.Partition partition, List<ModelInfo> models) {
        if (finished.isEmpty() || fullPlan == null) {
            return measured;
        }
        List<ModelSummary> all = new ArrayList<>();
        List<RequestResult> requests = new ArrayList<>();
        for (SweepPlan.Job j : fullPlan.jobs()) {
            String k = key(j.model().id(), j.contextLength(), j.parallel());
            StoredResult earlier = finished.get(k);
            if (earlier != null) {
                all.add(earlier.summary());
                try {
                    requests.addAll(store.listRequests(earlier.id()));
                } catch (StoreException e) {
                    LOG.warn("cannot read the requests of stored job {}: {}", earlier.id(), e.getMessage());
                }
                continue;
            }
            measured.models().stream().filter(s -> key(s.model().id(), s.contextLength(), s.parallel()).equals(k))
                    .findFirst().ifPresent(s -> {
                        all.add(s);
                        measured.requests().stream().filter(r -> key(r.model(), r.contextLength(), r.parallel())
                                .equals(k)).forEach(requests::add);
                    });
        }
        RunStatus status = measured.status() == RunStatus.FAILED
                && all.stream().anyMatch(m -> m.status() == RunStatus.COMPLETED) ? RunStatus.COMPLETED
                : measured.status();
        return new BenchmarkReport(measured.run(), status, measured.finishedAt(), all, requests, measured.hardware());
    }

    @Override
    double maxTtftMs() {
        return sweep.maxTtftMs == null ? Double.NaN : sweep.maxTtftMs;
    }

    @Override
    void afterReport(BenchmarkReport report, Path outDir, PrintWriter out) {
        RunReports.printBestSettings(report, maxTtftMs(), out);
        if (report.status() != RunStatus.CANCELLED) {
            writeState(report.run(), "finished");
        }
    }

    /** Writes {@code sweep.json}: the run id, its start and whether it finished. Never fails the sweep. */
    private void writeState(RunInfo run, String status) {
        if (stateFile == null) {
            return;
        }
        ObjectNode n = JSON.createObjectNode();
        n.put("run_id", run.runId());
        n.put("started_at", run.startedAt().toString());
        n.put("status", status);
        try {
            Path tmp = stateFile.resolveSibling(STATE_FILE + ".tmp");
            JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), n);
            Files.move(tmp, stateFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            LOG.warn("cannot write {}: {}", stateFile, IoErrors.reason(e));
        }
    }

    /** The sweep {@code --resume} goes on with: {@code dir} when given, else the newest unfinished under results/. */
    static SweepState findResumable(Path dir) {
        List<Path> candidates = new ArrayList<>();
        if (dir != null) {
            candidates.add(dir);
        } else {
            Path root = Path.of("results");
            if (Files.isDirectory(root)) {
                try (Stream<Path> s = Files.list(root)) {
                    s.filter(p -> Files.isRegularFile(p.resolve(STATE_FILE))).forEach(candidates::add);
                } catch (IOException e) {
                    throw CliException.failure("cannot list " + root + ": " + IoErrors.reason(e), e);
                }
            }
        }
        List<SweepState> unfinished = new ArrayList<>();
        String lastProblem = null;
        for (Path p : candidates) {
            Path f = p.resolve(STATE_FILE);
            try {
                if (!Files.isRegularFile(f) || Files.size(f) > 64_000) {
                    lastProblem = f + " is missing or not a sweep state file";
                    continue;
                }
                JsonNode n = JSON.readTree(f.toFile());
                String status = n.path("status").asText("");
                if (!"running".equals(status)) {
                    lastProblem = "the sweep in " + p + " finished";
                    continue;
                }
                unfinished.add(new SweepState(p, Main.oneLine(n.path("run_id").asText("")),
                        Instant.parse(n.path("started_at").asText(""))));
            } catch (IOException | RuntimeException e) {
                lastProblem = f + " cannot be read: " + Main.oneLine(String.valueOf(e.getMessage()));
            }
        }
        if (unfinished.isEmpty()) {
            throw CliException.usage("--resume: no unfinished sweep"
                    + (dir != null ? " in " + dir : " under results/") + (lastProblem == null ? "" : " ("
                    + lastProblem + ")"));
        }
        unfinished.sort(Comparator.comparing(SweepState::startedAt));
        SweepState newest = unfinished.getLast();
        if (newest.runId().isBlank()) {
            throw CliException.usage("--resume: " + newest.dir().resolve(STATE_FILE) + " names no run id");
        }
        return newest;
    }
}
