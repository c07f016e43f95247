package dev.lmsbench.cli;

import dev.lmsbench.cache.ResultStorePaths;
import dev.lmsbench.cache.SqliteResultStore;
import dev.lmsbench.cli.RunOptions.Basic;
import dev.lmsbench.cli.RunOptions.Cache;
import dev.lmsbench.cli.RunOptions.Comparison;
import dev.lmsbench.cli.RunOptions.Filters;
import dev.lmsbench.cli.RunOptions.Inference;
import dev.lmsbench.cli.RunOptions.Load;
import dev.lmsbench.cli.RunOptions.Output;
import dev.lmsbench.cli.RunOptions.PresetOptions;
import dev.lmsbench.cli.RunOptions.Profiling;
import dev.lmsbench.cli.RunOptions.Server;
import dev.lmsbench.cli.RunOptions.Sim;
import dev.lmsbench.client.ClientConfig;
import dev.lmsbench.client.LmStudioClient;
import dev.lmsbench.client.LmsCli;
import dev.lmsbench.client.OpenAiClient;
import dev.lmsbench.core.config.ConfigException;
import dev.lmsbench.core.config.ConfigKeys;
import dev.lmsbench.core.config.ConfigLayer;
import dev.lmsbench.core.config.ResolvedConfig;
import dev.lmsbench.core.engine.BenchmarkEngine;
import dev.lmsbench.core.engine.ModelFilter;
import dev.lmsbench.core.engine.ModelSelector;
import dev.lmsbench.core.engine.SweepPlan;
import dev.lmsbench.core.hardware.HardwareMonitor;
import dev.lmsbench.core.model.BenchmarkReport;
import dev.lmsbench.core.model.BenchmarkSettings;
import dev.lmsbench.core.model.ModelInfo;
import dev.lmsbench.core.model.ModelSummary;
import dev.lmsbench.core.model.RunInfo;
import dev.lmsbench.core.model.RunStatus;
import dev.lmsbench.core.model.ServerInfo;
import dev.lmsbench.core.spi.InferenceBackend;
import dev.lmsbench.core.spi.ModelCatalog;
import dev.lmsbench.core.spi.ReportWriter;
import dev.lmsbench.sim.SimServer;
import dev.lmsbench.tokenizers.TokenizerJson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import dev.lmsbench.report.RunComparison;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
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
import java.util.concurrent.Callable;

/**
 * {@code lmsbench run}: discovers models, benchmarks them, stores and reports the results. The options live in
 * {@link RunOptions}; this class layers the configuration and wires the run from {@link ServerDiscovery},
 * {@link ResultCache}, {@link ProfilingSetup} and {@link RunReports}.
 */
@Command(name = "run", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = {"Benchmarks every model a server offers (or those you select): load, warmup, N measured runs "
                + "(streaming and non-streaming), unload.",
                "Results go to the output directory (results.json, summary.csv, requests.csv by default; report.md "
                        + "with --format md; lmsbench.log) and each finished model to the SQLite results database.",
                "",
                "Examples:",
                "  lmsbench run --sim          (the built-in simulator: no GPU or LM Studio needed)",
                "  lmsbench run --include-models qwen --runs 5",
                "  lmsbench run --base-url http://localhost:8000/v1 --model my-model",
                ""},
        footer = {"", "Defaults come from config/defaults.json where it sets them (see docs/configuration.md).",
                "Exit codes: 0 success, 1 runtime failure, 2 usage or configuration error, 130 interrupted."})
class RunCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

    @Spec
    CommandSpec spec;

    @ArgGroup(validate = false, heading = "%nBasic:%n", order = 1)
    Basic basic = new Basic();

    @ArgGroup(validate = false, heading = "%nPresets:%n", order = 2)
    PresetOptions presets = new PresetOptions();

    @ArgGroup(validate = false, heading = "%nFilters:%n", order = 3)
    Filters filters = new Filters();

    @ArgGroup(validate = false, heading = "%nCache:%n", order = 4)
    Cache cache = new Cache();

    @ArgGroup(validate = false, heading = "%nProfiling:%n", order = 5)
    Profiling profiling = new Profiling();

    @ArgGroup(validate = false, heading = "%nInference:%n", order = 6)
    Inference inference = new Inference();

    @ArgGroup(validate = false, heading = "%nLoad config (LM Studio native API):%n", order = 7)
    Load load = new Load();

    @ArgGroup(validate = false, heading = "%nREST API and server:%n", order = 8)
    Server server = new Server();

    @ArgGroup(validate = false, heading = "%nComparison:%n", order = 9)
    Comparison comparison = new Comparison();

    @ArgGroup(validate = false, heading = "%nOutput:%n", order = 10)
    Output output = new Output();

    @ArgGroup(validate = false, heading = "%nSimulator:%n", order = 11)
    Sim sim = new Sim();

    @Option(names = {"-v", "--verbose"}, description = "Show debug messages on stderr.", order = 100)
    boolean verbose;

    /** LM Studio's CLI, used for discovery when the local default server is benchmarked; null otherwise. */
    private LmsCli lmsCatalog;

    /** The run {@code --compare-with} names, read before the benchmark; null without the flag. */
    private BenchmarkReport baselineReport;

    /** Set once the engine starts: from then on the output folder holds reports worth keeping. */
    private boolean benchmarkStarted;
    /** {@code --tokenizer}, loaded once per run; closed when the run ends. */
    private TokenizerJson tokenizerJson;

    /** {@return {@code --tokenizer} as loaded for this run, or null without one} */
    TokenizerJson tokenizer() {
        return tokenizerJson;
    }

    /**
     * Set by {@code lmsbench web}: the run's engine also reports to the dashboard's controller, which pauses and stops
     * it; the dashboard handles Ctrl-C. Null for a run from the command line.
     */
    interface EngineHook {
        /** @return the controller's listener, added to the engine */
        dev.lmsbench.core.event.BenchmarkListener listener();

        /** @param engine the run's engine, the moment it is built */
        void attach(BenchmarkEngine engine);

        /** @param report the run's report, after its files are written */
        void finished(BenchmarkReport report);
    }

    /** See {@link EngineHook}; null for a run from the command line. */
    EngineHook hook;

    /** Creates the hardware monitor for {@code --enable-profiling}; tests replace it with a fake. */
    MonitorFactory monitors = MonitorFactory.DETECT;

    @Override
    public Integer call() {
        Logging.verbose(verbose);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        rejectUnavailable();
        checkRanges();
        ConfigPaths paths = ConfigPaths.detect();
        Presets presetStore = new Presets(paths);
        if (presets.list) {
            printPresets(presetStore, out);
            return ExitCodes.OK;
        }
        if (presets.save != null) {
            Path file = presetStore.save(presets.save, flagLayer());
            out.println("Saved preset '" + presets.save + "' to " + file);
            out.flush();
            return ExitCodes.OK;
        }
        List<ReportWriter> writers = RunReports.writers(output.formats, output.paper, maxTtftMs());
        ResolvedConfig config = resolveConfig(paths, presetStore);
        Path dbPath = output.db != null ? output.db : ResultStorePaths.defaultDatabase();
        // read the earlier run before benchmarking, so a wrong source costs no benchmark time
        baselineReport = comparison.compareWith == null ? null
                : Comparisons.load(comparison.compareWith, dbPath);
        if (cache.listCache || cache.exportCache != null) {
            return ResultCache.listOrExport(dbPath, cache, out, err);
        }
        BenchmarkSettings settings = settings(config);
        tokenizerJson = loadTokenizer(config.get(ConfigKeys.TOKENIZER_FILE));
        if (sim.any() && !sim.enabled) {
            throw CliException.usage("--sim-tokens-per-second, --sim-ttft-ms, --sim-load-ms, --sim-config and --sim-polite need --sim");
        }
        ModelSelector selector;
        ModelFilter filter;
        try {
            selector = new ModelSelector(filters.include, filters.exclude, basic.devMode ? 0 : basic.limit);
            filter = new ModelFilter(filters.onlyVision, filters.onlyTools, filters.quants, filters.arch,
                    filters.params, filters.minContext, (long) (filters.maxSizeGb * 1e9));
        } catch (IllegalArgumentException e) {
            throw CliException.usage(e.getMessage());
        }
        Path outDir = output.outputDir != null ? output.outputDir : defaultOutputDir();
        boolean createdOutDir = !Files.exists(outDir);
        try {
            Files.createDirectories(outDir);
        } catch (IOException e) {
            throw CliException.failure("cannot create output directory " + outDir + ": " + IoErrors.reason(e), e);
        }
        Logging.logTo(outDir.resolve("lmsbench.log"));
        if (cache.exportOnly) {
            try {
                return ResultCache.exportOnly(dbPath, writers, outDir, comparison.rankBy, baselineReport, out,
                        err);
            } finally {
                Logging.closeRunLog();
            }
        }
        SimServer simServer = null;
        try {
            String baseUrl = server.baseUrl;
            if (server.baseUrl == null && !sim.enabled) {
                LmsCli lms = LmsCli.locate().orElse(null);
                baseUrl = ServerDiscovery.firstAnsweringPort(config)
                        .orElseGet(() -> ServerDiscovery.startWithLms(config, lms, err));
                lmsCatalog = lms;
            }
            String endpoint = baseUrl;
            if (sim.enabled) {
                simServer = startSim(config.get(ConfigKeys.API_TOKEN));
                baseUrl = simServer.baseUrl();
                endpoint = "sim:" + baseUrl;
            }
            LOG.info("lmsbench {} benchmarking {} into {}", VersionProvider.version(), endpoint, outDir);
            for (ResolvedConfig.Entry e : config.entries()) {
                LOG.debug("config {} = {} ({})", e.key().path(),
                        e.key() == ConfigKeys.API_TOKEN && e.value() != null ? "<redacted>" : e.value(), e.source());
            }
            return benchmark(settings, filter, selector, baseUrl, endpoint, config.get(ConfigKeys.API_TOKEN),
                    Boolean.TRUE.equals(config.get(ConfigKeys.USE_REST_API)), config.get(ConfigKeys.BACKEND),
                    "v1".equals(config.get(ConfigKeys.LMSTUDIO_CHAT_API)) ? LmStudioClient.ChatApi.V1_CHAT
                            : LmStudioClient.ChatApi.V0_COMPLETIONS, dbPath, writers, outDir, out, err);
        } catch (CliException e) {
            if (!benchmarkStarted && createdOutDir) {
                // nothing was measured: leave no empty results folder behind (the message says what went wrong)
                Logging.closeRunLog();
                removeOutputDir(outDir);
            }
            throw e;
        } finally {
            if (simServer != null) {
                simServer.close();
            }
            if (tokenizerJson != null) {
                tokenizerJson.close();
            }
            Logging.closeRunLog();
        }
    }

    /**
     * Loads {@code --tokenizer} (config {@code tokenizer_file}) before anything is measured, so a missing or malformed
     * file is a usage error (exit 2) with one line. @return the tokenizer, or null when none is configured
     */
    static TokenizerJson loadTokenizer(String file) {
        if (file == null || file.isBlank()) {
            return null;
        }
        try {
            return TokenizerJson.load(Path.of(file));
        } catch (IOException | java.nio.file.InvalidPathException e) {
            throw CliException.usage("--tokenizer (config tokenizer_file): " + Main.oneLine(e.getMessage()));
        }
    }

    /** The most requests one measured run may have in flight together ({@code --n-parallel}); see docs/limits.md. */
    static final int MAX_PARALLEL = 1024;
    /** The most models {@code --limit} may name. */
    static final int MAX_LIMIT = 100_000;

    /** Flags outside their range are usage errors, never silently accepted. */
    private void checkRanges() {
        if (basic.limit < 0 || basic.limit > MAX_LIMIT) {
            throw CliException.usage("--limit must be between 0 (all models) and " + MAX_LIMIT + ", got "
                    + basic.limit);
        }
        if (filters.minContext < 0) {
            throw CliException.usage("--min-context must be 0 or more, got " + filters.minContext);
        }
        if (!(filters.maxSizeGb >= 0) || Double.isInfinite(filters.maxSizeGb) || filters.maxSizeGb > 1e6) {
            throw CliException.usage("--max-size must be a size in GB between 0 (no limit) and 1000000, got "
                    + filters.maxSizeGb);
        }
        if (server.parallel < 1 || server.parallel > MAX_PARALLEL) {
            throw CliException.usage("--n-parallel must be between 1 and " + MAX_PARALLEL + ", got "
                    + server.parallel);
        }
        if (server.baseUrl != null) {
            server.baseUrl = ServerDiscovery.checkBaseUrl(server.baseUrl);
        }
    }

    /** Removes a folder this run created when nothing but the run log is in it; never throws. */
    private static void removeOutputDir(Path outDir) {
        try (var files = Files.list(outDir)) {
            List<Path> inside = files.toList();
            if (inside.stream().allMatch(f -> f.getFileName().toString().equals("lmsbench.log"))) {
                for (Path f : inside) {
                    Files.deleteIfExists(f);
                }
                Files.deleteIfExists(outDir);
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("could not remove the unused output directory {}", outDir, e);
        }
    }

    /**
     * Writes the reports and prints the summary table ordered by {@code --rank-by}, then the comparison with
     * {@code --compare-with}'s run when one was given.
     */
    private void finishReport(BenchmarkReport report, List<dev.lmsbench.core.spi.ReportWriter> writers, Path outDir,
                              PrintWriter out, PrintWriter err) {
        RunComparison compared = baselineReport == null ? null : RunComparison.of(baselineReport, report);
        RunReports.write(report, writers, outDir, out, err, comparison.rankBy, compared);
        if (compared != null) {
            Comparisons.print(Comparisons.ranked(compared, comparison.rankBy), out);
        }
        afterReport(report, outDir, out);
    }

    /** Writes the reports, records the run's outcome in the database and hands the report to the dashboard. */
    private void finishRun(BenchmarkReport report, SqliteResultStore store, ResultCache.Partition partition,
                           List<ReportWriter> writers, Path outDir, PrintWriter out, PrintWriter err) {
        finishReport(report, writers, outDir, out, err);
        ResultCache.recordRun(store, report, partition);
        if (hook != null) {
            hook.finished(report);
        }
    }

    /** Flags whose feature arrives in a later issue: say so instead of ignoring them. */
    private void rejectUnavailable() {
        ProfilingSetup.check(profiling);
        Comparisons.checkMetric(comparison.rankBy);
        if (server.unifiedKvCache) {
            throw CliException.usage("--unified-kv-cache: LM Studio's REST load rejects the setting and lms load has"
                    + " no flag for it; set \"Unified KV Cache\" in the app's load settings for the model instead");
        }
    }

    /** The configuration flags given on this command line, as a layer. */
    ConfigLayer flagLayer() {
        ConfigLayer layer = ConfigLayer.empty("command-line flags");
        CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
        for (CommandLine.Model.OptionSpec o : spec.options()) {
            if (parsed == null || !parsed.hasMatchedOption(o)) {
                continue;
            }
            var key = ConfigKeys.byFlag(o.longestName());
            if (key.isEmpty()) {
                continue;
            }
            Map<String, Object> one = new LinkedHashMap<>();
            one.put(key.get().path(), o.getValue());
            try {
                // errors name the flag the user typed, not the config key behind it
                layer = new ConfigLayer("command-line flags", ConfigLayer.of(o.longestName(), one).values())
                        .withParent(layer);
            } catch (ConfigException e) {
                throw CliException.usage(o.longestName() + ": " + e.getMessage()
                        .substring(e.getMessage().indexOf("': ") + 3));
            }
        }
        return layer;
    }

    /** Built-in defaults < project config < user config < preset < flags. */
    ResolvedConfig resolveConfig(ConfigPaths paths, Presets presetStore) {
        try {
            List<ConfigLayer> layers = new ArrayList<>();
            if (ConfigPaths.exists(paths.projectDefaults())) {
                layers.add(ConfigFiles.read(paths.projectDefaults(), paths.projectDefaults().toString()));
            }
            if (ConfigPaths.exists(paths.userDefaults())) {
                layers.add(ConfigFiles.read(paths.userDefaults(), paths.userDefaults().toString()));
            }
            if (presets.name != null) {
                layers.add(presetStore.layer(presets.name));
            }
            layers.add(flagLayer());
            return ResolvedConfig.resolve(layers);
        } catch (ConfigException e) {
            throw CliException.usage(e.getMessage());
        }
    }

    private static void printPresets(Presets presetStore, PrintWriter out) {
        TextTable t = new TextTable("Preset", "Kind", "Description");
        for (Presets.Preset p : presetStore.list()) {
            t.row(p.name(), p.builtIn() ? "built-in" : "user", p.description());
        }
        t.print(out);
    }

    private SimServer startSim(String apiToken) {
        try {
            return SimServer.start(sim.config("127.0.0.1", 0, apiToken));
        } catch (CliException e) {
            throw e;
        } catch (RuntimeException e) {
            throw CliException.failure("cannot start the built-in simulator: " + Main.oneLine(e.getMessage()), e);
        }
    }

    private BenchmarkSettings settings(ResolvedConfig config) {
        try {
            BenchmarkSettings s = config.settings(server.parallel, !basic.streamOnly);
            if (basic.devMode) {
                s = s.withRuns(1).withWarmupRuns(0).withMaxTokens(Math.min(32, s.maxTokens()));
            }
            return adjust(s, spec.commandLine().getErr());
        } catch (IllegalArgumentException e) {
            throw CliException.usage(e.getMessage());
        }
    }

    // ---- what a sweep (SweepCommand) does differently; a run is the plan of one job per model ----

    /** {@code results/yyyyMMdd-HHmmss} for a run. @return the output folder when {@code --output-dir} is absent */
    Path defaultOutputDir() {
        return Path.of("results", LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss",
                Locale.ROOT)));
    }

    /** The settings as the command runs them (a sweep clamps the warmup). @return the settings */
    BenchmarkSettings adjust(BenchmarkSettings settings, PrintWriter err) {
        return settings;
    }

    /** The TTFT limit of the reports' best settings (a sweep's {@code --max-ttft-ms}), NaN for none. */
    double maxTtftMs() {
        return Double.NaN;
    }

    /** Whether finished models are taken from the results cache (a run: yes; a sweep measures every job). */
    boolean usesResultCache() {
        return true;
    }

    /** The run's identity (a resumed sweep keeps its run id). @return the run */
    RunInfo runInfo(String endpoint, BenchmarkSettings settings, SqliteResultStore store, Path outDir) {
        return RunInfo.start(endpoint, settings, VersionProvider.version());
    }

    /** The jobs of the models to measure: one per model at the settings' context and parallelism. @return the plan */
    SweepPlan plan(List<ModelInfo> models, RunInfo run, InferenceBackend client, PrintWriter err) {
        return new SweepPlan(models.stream().map(m -> new SweepPlan.Job(m, run.settings().contextLength(),
                run.settings().parallel())).toList());
    }

    /** Adds what the command's engine needs beyond a run's (a sweep: the calibration cache). */
    void configure(BenchmarkEngine.Builder builder, Path outDir) {
    }

    /** The listener that shows progress on stderr. @return the listener */
    dev.lmsbench.core.event.BenchmarkListener progressListener(PrintWriter err) {
        return new ProgressPrinter(err, ProgressPrinter.stderrIsTerminal());
    }

    /** The report of the run: the measured jobs with the cached (a run) or earlier (a resumed sweep) ones. */
    BenchmarkReport merged(BenchmarkReport measured, ResultCache.Partition partition, List<ModelInfo> models) {
        return ResultCache.merge(measured, partition, models);
    }

    /** After the reports are written and the summary table printed (a sweep prints the best settings). */
    void afterReport(BenchmarkReport report, Path outDir, PrintWriter out) {
    }

    private int benchmark(BenchmarkSettings settings, ModelFilter filter, ModelSelector selector, String baseUrl,
                          String endpoint, String apiToken, boolean useRestApi, String backend,
                          LmStudioClient.ChatApi chatApi, Path dbPath, List<ReportWriter> writers, Path outDir,
                          PrintWriter out, PrintWriter err) {
        ClientConfig clientConfig = ServerDiscovery.clientConfig(baseUrl, apiToken, settings.requestTimeout());
        // the simulator's models are virtual: a real lms would load into LM Studio, not into it
        LmsCli lms = endpoint.startsWith("sim:") ? null : LmsCli.locate().orElse(null);
        try (InferenceBackend client = BackendChoice.open(clientConfig, backend, useRestApi, lms, chatApi)) {
            checkLmStudioOnly(settings, client, baseUrl);
            List<ModelInfo> discovered = ServerDiscovery.discover((ModelCatalog) client, baseUrl, filters.models,
                    lmsCatalog);
            ModelSelector.Selection filtered = filter.apply(discovered);
            ModelSelector.Selection selection = filtered.models().isEmpty() ? filtered
                    : selector.select(filtered.models());
            if (selection.models().isEmpty()) {
                if (selection.emptiedBy().isPresent()) {
                    throw CliException.usage("no model left to benchmark after " + selection.emptiedBy().get()
                            + " (the server lists " + discovered.size() + ")");
                }
                throw CliException.failure("the server at " + baseUrl + " lists no models; load one, or name one "
                        + "with --model", null);
            }
            List<ModelInfo> models = basic.devMode ? List.of(smallest(selection.models())) : selection.models();
            benchmarkStarted = true;
            SqliteResultStore store = ResultCache.openStore(dbPath);
            try (store) {
                RunInfo run = runInfo(endpoint, settings, store, outDir)
                        .withServer(serverIdentity(client, endpoint))
                        .withProfiling(profiling.requested());
                LOG.info("server: {}", run.server());
                ResultCache.Partition partition = usesResultCache()
                        ? ResultCache.partition(store, models, run, cache.retest, verbose, err)
                        : new ResultCache.Partition(List.of(), models, Map.of(), Map.of());
                List<ModelInfo> toMeasure = partition.toMeasure();
                BenchmarkReport report;
                if (toMeasure.isEmpty()) {
                    report = ResultCache.merge(new BenchmarkReport(run, RunStatus.COMPLETED, Instant.now(), List.of(),
                            List.of()), partition, models);
                    finishRun(report, store, partition, writers, outDir, out, err);
                } else {
                    BenchmarkEngine.Builder builder = BenchmarkEngine.builder();
                    HardwareMonitor monitor = ProfilingSetup.openMonitor(profiling, monitors, err);
                    if (!endpoint.startsWith("sim:")) {
                        // the simulator's models are virtual: it refuses loads against its own budget
                        LocalMemory memory = LocalMemory.system();
                        builder.memoryBudget(monitor == null ? memory::budgetBytes
                                : () -> memory.budgetBytes(monitor.sample()));
                    }
                    if (monitor != null) {
                        builder.monitor(monitor, profiling.interval()).thermalLimits(
                                profiling.maxTemp == null ? Double.NaN : profiling.maxTemp,
                                profiling.maxPower == null ? Double.NaN : profiling.maxPower);
                    }
                    // the token counting chain for servers that send no usage: the server's own tokenizer,
                    // then --tokenizer; without either the client's estimate stays
                    if (client instanceof OpenAiClient openAi) {
                        builder.tokenCounter(openAi.serverTokenizer());
                    }
                    if (tokenizerJson != null) {
                        builder.tokenCounter(tokenizerJson);
                    }
                    if (output.saveResponses) {
                        builder.listener(new ResponseSaver(outDir));
                    }
                    if (hook != null) {
                        builder.listener(hook.listener());
                    }
                    configure(builder, outDir);
                    BenchmarkEngine engine = builder
                            .backend(client)
                            .store(store)
                            .listener(progressListener(err))
                            .build();
                    if (hook != null) {
                        hook.attach(engine);
                    }
                    try (monitor; Interrupts interrupts = hook == null ? new Interrupts(engine::cancel) : null) {
                        BenchmarkReport measured = engine.run(run, plan(toMeasure, run, client, err));
                        boolean interruptedRun = interrupts != null && interrupts.interrupted();
                        report = merged(measured, partition, models);
                        finishRun(report, store, partition, writers, outDir, out, err);
                        if (interruptedRun || report.status() == RunStatus.CANCELLED) {
                            return ExitCodes.INTERRUPTED;
                        }
                    }
                }
                if (!report.models().isEmpty()
                        && report.models().stream().allMatch(m -> m.status() == RunStatus.FAILED
                        || m.status() == RunStatus.SKIPPED)) {
                    throw CliException.failure("every model failed or was skipped (see "
                            + outDir.resolve("lmsbench.log") + ")", null);
                }
                return ExitCodes.OK;
            }
        }
    }

    /**
     * Settings only LM Studio's native API applies: a draft model is refused elsewhere (it would silently measure
     * something else than asked), GPU offload and TTL are named in a warning.
     */
    private static void checkLmStudioOnly(BenchmarkSettings settings, InferenceBackend client, String baseUrl) {
        boolean lmStudio = client instanceof LmStudioClient;
        if (lmStudio) {
            return;
        }
        if (!settings.draftModel().isEmpty()) {
            throw CliException.usage("--draft-model: only LM Studio's native API takes a draft model per request, and "
                    + baseUrl + " is not benchmarked through it (" + describe(client) + "); for llama.cpp start "
                    + "llama-server with its own draft model (-md)");
        }
        List<String> ignored = new ArrayList<>();
        if (settings.load().gpuOffload() != null) {
            ignored.add("--gpu-offload");
        }
        if (settings.load().ttlSeconds() != null) {
            ignored.add("--ttl");
        }
        if (!ignored.isEmpty()) {
            LOG.warn("{} not applied: only LM Studio's native API (with lms) sets them; {} keeps its own settings",
                    String.join(", ", ignored), baseUrl);
        }
    }

    private static String describe(InferenceBackend client) {
        String kind = client.server().kind();
        return kind.isEmpty() ? "an OpenAI-compatible API" : Main.oneLine(kind);
    }

    /**
     * Which server is measured, for the cache identity: what the client learned of it; for the built-in simulator
     * (on a new port every run) its configuration, so a simulator with other speeds is another server.
     */
    private ServerInfo serverIdentity(InferenceBackend client, String endpoint) {
        if (endpoint.startsWith("sim:")) {
            // the API measured through (LM Studio's v0 or v1 chat, OpenAI's) changes the figures beside the client's
            String fingerprint = sim.config("127.0.0.1", 0, null).toString() + " via " + describe(client);
            return new ServerInfo("sim:builtin", "sim", VersionProvider.version(), "config " + sha256(fingerprint));
        }
        try {
            return client.server();
        } catch (RuntimeException e) {
            LOG.debug("the client could not describe the server", e);
            return ServerInfo.of(endpoint);
        }
    }

    private static String sha256(String text) {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(digest, 0, 6);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    private static ModelInfo smallest(List<ModelInfo> models) {
        return models.stream()
                .min(Comparator.comparingLong(m -> m.sizeBytes() < 0 ? Long.MAX_VALUE : m.sizeBytes()))
                .orElseThrow();
    }
}
