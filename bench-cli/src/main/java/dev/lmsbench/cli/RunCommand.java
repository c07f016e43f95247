package dev.lmsbench.cli;

import dev.lmsbench.cache.ResultStorePaths;
import dev.lmsbench.cache.SqliteResultStore;
import dev.lmsbench.client.ClientConfig;
import dev.lmsbench.client.LmStudioClient;
import dev.lmsbench.client.LmsCli;
import dev.lmsbench.client.OpenAiClient;
import dev.lmsbench.core.config.ConfigException;
import dev.lmsbench.core.config.ConfigKeys;
import dev.lmsbench.core.config.ConfigLayer;
import dev.lmsbench.core.config.ResolvedConfig;
import dev.lmsbench.core.engine.BenchmarkEngine;
import dev.lmsbench.core.hardware.HardwareInfo;
import dev.lmsbench.core.hardware.HardwareMonitor;
import dev.lmsbench.core.hardware.HardwareSampler;
import dev.lmsbench.hardware.HardwareMonitors;
import dev.lmsbench.core.engine.ModelFilter;
import dev.lmsbench.core.engine.ModelSelector;
import dev.lmsbench.core.model.BenchmarkReport;
import dev.lmsbench.core.model.BenchmarkSettings;
import dev.lmsbench.core.model.ModelInfo;
import dev.lmsbench.core.model.ModelSummary;
import dev.lmsbench.core.model.RunInfo;
import dev.lmsbench.core.model.RunStatus;
import dev.lmsbench.core.spi.BackendException;
import dev.lmsbench.core.spi.InferenceBackend;
import dev.lmsbench.core.spi.ModelCatalog;
import dev.lmsbench.core.spi.ReportWriter;
import dev.lmsbench.core.spi.StoreException;
import dev.lmsbench.core.spi.StoredResult;
import dev.lmsbench.report.ReportWriters;
import dev.lmsbench.sim.SimServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
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
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code lmsbench run}: discovers models, benchmarks them, stores and reports the results. */
@Command(name = "run", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = {"Benchmarks every model a server offers (or those you select): load, warmup, N measured runs "
                + "(streaming and non-streaming), unload.",
                "Results go to the output directory (results.json, summary.csv, requests.csv, lmsbench.log) and "
                        + "each finished model to the SQLite results database.",
                "",
                "Examples:",
                "  lmsbench run --sim          (the built-in simulator: no GPU or LM Studio needed)",
                "  lmsbench run --include-models qwen --runs 5",
                "  lmsbench run --base-url http://localhost:8000/v1 --model my-model",
                ""},
        footer = {"", "Defaults come from config/defaults.json where it sets them (see docs/configuration.md).",
                "Exit codes: 0 success, 1 runtime failure, 2 usage or configuration error, 130 interrupted."})
final class RunCommand implements Callable<Integer> {

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

    @ArgGroup(validate = false, heading = "%nComparison (not available yet):%n", order = 9)
    Comparison comparison = new Comparison();

    @ArgGroup(validate = false, heading = "%nOutput:%n", order = 10)
    Output output = new Output();

    @ArgGroup(validate = false, heading = "%nSimulator:%n", order = 11)
    Sim sim = new Sim();

    @Option(names = {"-v", "--verbose"}, description = "Show debug messages on stderr.", order = 100)
    boolean verbose;

    /** LM Studio's CLI, used for discovery when the local default server is benchmarked; null otherwise. */
    private LmsCli lmsCatalog;

    static final class Basic {
        @Option(names = "--runs", paramLabel = "N", order = 1,
                description = "Measured runs per model (default 3; config num_runs).")
        Integer runs;

        @Option(names = "--context", paramLabel = "TOKENS", order = 2, description = {
                "Context length models are loaded with (default 4096; config context_length). Applied through "
                        + "LM Studio's native API; plain OpenAI-compatible servers keep their own setting."})
        Integer context;

        @Option(names = "--prompt", paramLabel = "TEXT", order = 3,
                description = "The prompt sent in every request (config prompt).")
        String prompt;

        @Option(names = "--limit", paramLabel = "N", order = 4,
                description = "Benchmark at most N models (0 = all, the default).")
        int limit = 0;

        @Option(names = "--dev-mode", order = 5, description = {
                "Developer smoke test: only the smallest model, 1 run, no warmup, 32 tokens."})
        boolean devMode;

        @Option(names = "--warmup", paramLabel = "N", order = 6,
                description = "Warmup requests per model, excluded from summaries (default 1; config warmup_runs).")
        Integer warmup;

        @Option(names = "--stream-only", order = 7,
                description = "Skip the non-streaming request of each measured run.")
        boolean streamOnly;
    }

    static final class PresetOptions {
        @Option(names = "--list-presets", order = 1, description = "List built-in and user presets and exit.")
        boolean list;

        @Option(names = "--preset", paramLabel = "NAME", order = 2, description = {
                "Apply a preset: its values sit between the config files and explicit flags."})
        String name;

        @Option(names = "--save-preset", paramLabel = "NAME", order = 3, description = {
                "Save the configuration flags given on this command line as user preset NAME and exit."})
        String save;
    }

    static final class Filters {
        @Option(names = "--only-vision", order = 1, description = "Only models with vision.")
        boolean onlyVision;

        @Option(names = "--only-tools", order = 2, description = "Only models trained for tool use.")
        boolean onlyTools;

        @Option(names = "--quants", paramLabel = "LIST", order = 3, split = ",",
                description = "Only these quantizations, by prefix (e.g. q4,q8_0).")
        List<String> quants;

        @Option(names = "--arch", paramLabel = "LIST", order = 4, split = ",",
                description = "Only these architectures (e.g. llama,qwen3).")
        List<String> arch;

        @Option(names = "--params", paramLabel = "LIST", order = 5, split = ",",
                description = "Only these parameter counts (e.g. 7B,8B).")
        List<String> params;

        @Option(names = "--min-context", paramLabel = "TOKENS", order = 6,
                description = "Only models supporting at least this context length.")
        int minContext;

        @Option(names = "--max-size", paramLabel = "GB", order = 7,
                description = "Only models no larger than this many GB (10^9 bytes) on disk.")
        double maxSizeGb;

        @Option(names = "--include-models", paramLabel = "REGEX", order = 8,
                description = "Only models whose id matches (case-insensitive, anywhere in the id).")
        String include;

        @Option(names = "--exclude-models", paramLabel = "REGEX", order = 9,
                description = "Skip models whose id matches.")
        String exclude;

        @Option(names = {"-m", "--model"}, paramLabel = "ID", order = 10, description = {
                "Benchmark this model without asking the server for its list (repeatable)."})
        List<String> models;
    }

    static final class Cache {
        @Option(names = "--retest", order = 1, description = {
                "Benchmark models even when the database already has a result with the same settings."})
        boolean retest;

        @Option(names = "--list-cache", order = 2, description = "Print the stored results as a table and exit.")
        boolean listCache;

        @Option(names = "--export-cache", paramLabel = "FILE", order = 3,
                description = "Write the stored results to FILE as JSON and exit.")
        Path exportCache;

        @Option(names = "--export-only", order = 4, description = {
                "Write reports (results.json, CSV) from the database's latest result per model, without "
                        + "benchmarking."})
        boolean exportOnly;
    }

    static final class Profiling {
        @Option(names = "--enable-profiling", order = 1, description = {
                "Sample GPU/CPU/RAM while each model is loaded and measured; figures go to results.json, "
                        + "summary.csv and the database."})
        boolean enable;

        @Option(names = "--profile-interval-ms", paramLabel = "MS", order = 2,
                description = "Time between hardware samples (default: 250).")
        Integer intervalMs;

        @Option(names = "--max-temp", paramLabel = "CELSIUS", order = 3,
                description = "Pause between runs until the GPU is cooler (implies --enable-profiling).")
        Double maxTemp;

        @Option(names = "--max-power", paramLabel = "WATTS", order = 4,
                description = "Pause between runs until GPU power drops (implies --enable-profiling).")
        Double maxPower;

        @Option(names = "--disable-gtt", order = 5, description = "Exclude AMD GTT memory from VRAM figures.")
        boolean disableGtt;

        @Option(names = "--gpu-backend", paramLabel = "NAME", order = 6, description = {
                "GPU backend to read: auto (default: the first available by priority), none (CPU and RAM only), "
                        + "or one of nvml, nvidia-smi, rocm-smi, rocm-smi-cli, sysfs, intel_gpu_top "
                        + "(lmsbench hw lists them)."})
        String gpuBackend;

        /** The backend for the monitor factory. */
        String backend() {
            return gpuBackend == null ? HardwareMonitors.AUTO : gpuBackend;
        }

        /** Whether a monitor is needed: profiling, or a limit the guard must watch. */
        boolean requested() {
            return enable || maxTemp != null || maxPower != null;
        }

        /** The sampling interval. */
        Duration interval() {
            return intervalMs == null ? HardwareSampler.DEFAULT_INTERVAL : Duration.ofMillis(intervalMs);
        }
    }

    /** Creates the hardware monitor for {@code --enable-profiling}; tests replace it with a fake. */
    MonitorFactory monitors = MonitorFactory.DETECT;

    static final class Inference {
        @Option(names = "--temperature", paramLabel = "T", order = 1,
                description = "Sampling temperature, 0-2 (default 0.1; config inference.temperature).")
        Double temperature;

        @Option(names = "--top-k", paramLabel = "K", order = 2, description = "Top-k sampling (server default).")
        Integer topK;

        @Option(names = "--top-p", paramLabel = "P", order = 3, description = "Top-p sampling, 0-1.")
        Double topP;

        @Option(names = "--min-p", paramLabel = "P", order = 4, description = "Min-p sampling, 0-1.")
        Double minP;

        @Option(names = "--repeat-penalty", paramLabel = "X", order = 5, description = "Repeat penalty.")
        Double repeatPenalty;

        @Option(names = "--max-tokens", paramLabel = "N", order = 6,
                description = "max_tokens per request (default 256; config inference.max_tokens).")
        Integer maxTokens;
    }

    static final class Load {
        @Option(names = "--n-gpu-layers", paramLabel = "N", order = 1, description = "GPU layers, -1 = all.")
        Integer nGpuLayers;

        @Option(names = "--n-batch", paramLabel = "N", order = 2, description = "Evaluation batch size.")
        Integer nBatch;

        @Option(names = "--n-threads", paramLabel = "N", order = 3, description = "CPU threads, -1 = automatic.")
        Integer nThreads;

        @Option(names = "--flash-attention", negatable = true, order = 4, description = "Flash attention on/off.")
        Boolean flashAttention;

        @Option(names = "--rope-freq-base", paramLabel = "X", order = 5, description = "RoPE frequency base.")
        Double ropeFreqBase;

        @Option(names = "--rope-freq-scale", paramLabel = "X", order = 6, description = "RoPE frequency scale.")
        Double ropeFreqScale;

        @Option(names = "--use-mmap", negatable = true, order = 7, description = "Memory-map the model file.")
        Boolean useMmap;

        @Option(names = "--use-mlock", negatable = true, order = 8, description = "Lock the model in RAM.")
        Boolean useMlock;

        @Option(names = "--kv-cache-quant", paramLabel = "TYPE", order = 9,
                description = "KV-cache quantization: f32, f16, bf16, q8_0, q5_1, q5_0, q4_1, q4_0, iq4_nl.")
        String kvCacheQuant;

        @Option(names = "--num-experts", paramLabel = "N", order = 10,
                description = "Experts used per token by mixture-of-experts models.")
        Integer numExperts;

        @Option(names = "--offload-kv-cache", negatable = true, order = 11,
                description = "Keep the KV cache in GPU memory (--no-offload-kv-cache: in RAM).")
        Boolean offloadKvCache;
    }

    static final class Server {
        @Option(names = "--use-rest-api", negatable = true, order = 1, description = {
                "Use LM Studio's native REST API (config lmstudio.use_rest_api)."})
        Boolean useRestApi;

        @Option(names = "--api-token", paramLabel = "TOKEN", order = 2,
                description = "Bearer token sent with every request (config lmstudio.api_token).")
        String apiToken;

        @Option(names = "--n-parallel", paramLabel = "N", order = 3,
                description = "Requests in flight together in each measured run (default 1).")
        int parallel = 1;

        @Option(names = "--unified-kv-cache", order = 4,
                description = "Not available yet: LM Studio's unified KV cache for parallel requests.")
        boolean unifiedKvCache;

        @Option(names = "--base-url", paramLabel = "URL", order = 5, description = {
                "Server to benchmark (default http://<lmstudio.host>:<first lmstudio.ports>). A URL with a path "
                        + "is used as given; without one /v1 is tried, then the root."})
        String baseUrl;

        @Option(names = "--request-timeout", paramLabel = "SECONDS", order = 6,
                description = "Longest one request may take, end to end (default 300; config request_timeout_s).")
        Integer requestTimeoutSeconds;
    }

    static final class Comparison {
        @Option(names = "--compare-with", paramLabel = "RUN", order = 1,
                description = "Compare with an earlier run (not available yet).")
        String compareWith;

        @Option(names = "--rank-by", paramLabel = "METRIC", order = 2,
                description = "Rank models by a metric (not available yet).")
        String rankBy;
    }

    static final class Output {
        @Option(names = "--output-dir", paramLabel = "DIR", order = 1,
                description = "Where reports and the run log go (default: results/<timestamp>).")
        Path outputDir;

        @Option(names = "--db", paramLabel = "FILE", order = 2, description = {
                "SQLite results database (default: $XDG_DATA_HOME/lm-studio-bench/results/benchmark_cache.db, "
                        + "i.e. ~/.local/share/... when XDG_DATA_HOME is unset)."})
        Path db;
    }

    static final class Sim extends SimCommand.SimOptions {
        @Option(names = "--sim", order = 0, description = {
                "Benchmark the built-in simulator, started on a free loopback port (no GPU or LM Studio needed)."})
        boolean enabled;
    }

    @Override
    public Integer call() {
        Logging.verbose(verbose);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        rejectUnavailable();
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
        ResolvedConfig config = resolveConfig(paths, presetStore);
        Path dbPath = output.db != null ? output.db : ResultStorePaths.defaultDatabase();
        if (cache.listCache || cache.exportCache != null) {
            return cacheCommand(dbPath, out, err);
        }
        BenchmarkSettings settings = settings(config);
        if (sim.any() && !sim.enabled) {
            throw CliException.usage("--sim-tokens-per-second, --sim-ttft-ms and --sim-config need --sim");
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
        Path outDir = output.outputDir != null ? output.outputDir
                : Path.of("results", LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss",
                Locale.ROOT)));
        try {
            Files.createDirectories(outDir);
        } catch (IOException e) {
            throw CliException.failure("cannot create output directory " + outDir + ": " + e.getMessage(), e);
        }
        Logging.logTo(outDir.resolve("lmsbench.log"));
        if (cache.exportOnly) {
            try {
                return exportOnly(dbPath, settings, outDir, out, err);
            } finally {
                Logging.closeRunLog();
            }
        }
        SimServer simServer = null;
        try {
            String baseUrl = server.baseUrl;
            if (server.baseUrl == null && !sim.enabled) {
                LmsCli lms = LmsCli.locate().orElse(null);
                baseUrl = firstAnsweringPort(config).orElseGet(() -> startWithLms(config, lms, err));
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
                    Boolean.TRUE.equals(config.get(ConfigKeys.USE_REST_API)), dbPath, outDir, out, err);
        } finally {
            if (simServer != null) {
                simServer.close();
            }
            Logging.closeRunLog();
        }
    }

    /** Flags whose feature arrives in a later issue: say so instead of ignoring them. */
    private void rejectUnavailable() {
        checkProfiling();
        if (comparison.compareWith != null || comparison.rankBy != null) {
            throw CliException.usage((comparison.compareWith != null ? "--compare-with" : "--rank-by")
                    + ": run comparison is not available yet");
        }
        if (server.unifiedKvCache) {
            throw CliException.usage("--unified-kv-cache is not available yet");
        }
    }

    /** Profiling flags that make no sense alone or out of range are usage errors, not silently ignored. */
    private void checkProfiling() {
        if (!profiling.requested()) {
            List<String> alone = new ArrayList<>();
            if (profiling.intervalMs != null) {
                alone.add("--profile-interval-ms");
            }
            if (profiling.disableGtt) {
                alone.add("--disable-gtt");
            }
            if (profiling.gpuBackend != null) {
                alone.add("--gpu-backend");
            }
            if (!alone.isEmpty()) {
                throw CliException.usage(String.join(", ", alone) + " need --enable-profiling");
            }
        }
        if (profiling.gpuBackend != null) {
            checkGpuBackend(profiling.gpuBackend);
        }
        if (profiling.intervalMs != null && profiling.intervalMs <= 0) {
            throw CliException.usage("--profile-interval-ms must be positive, got " + profiling.intervalMs);
        }
        if (profiling.maxTemp != null && !(profiling.maxTemp > 0)) {
            throw CliException.usage("--max-temp must be a positive temperature in °C, got " + profiling.maxTemp);
        }
        if (profiling.maxPower != null && !(profiling.maxPower > 0)) {
            throw CliException.usage("--max-power must be a positive power in W, got " + profiling.maxPower);
        }
    }

    /** A {@code --gpu-backend} that names no backend is a usage error listing the choices. */
    static void checkGpuBackend(String backend) {
        List<String> choices = new ArrayList<>(List.of(HardwareMonitors.AUTO, HardwareMonitors.NONE));
        choices.addAll(HardwareMonitors.backendNames());
        if (!choices.contains(backend)) {
            throw CliException.usage("--gpu-backend must be one of " + String.join(", ", choices) + ", got '"
                    + backend + "'");
        }
    }

    /** The monitor for this run, or null without profiling; announces what it detected. */
    private HardwareMonitor openMonitor(PrintWriter err) {
        if (!profiling.requested()) {
            return null;
        }
        HardwareMonitor monitor;
        HardwareInfo info;
        try {
            monitor = monitors.create(!profiling.disableGtt, profiling.backend());
            info = monitor.describe();
        } catch (RuntimeException | LinkageError e) {
            // a broken native library must never stop a benchmark: measure without profiling
            LOG.info("hardware detection failed: {}", e.toString());
            LOG.debug("hardware detection failure", e);
            err.println("Hardware profiling unavailable (" + e + "); benchmarking without it");
            err.flush();
            return null;
        }
        err.println("Hardware profiling every " + profiling.interval().toMillis() + " ms: GPU backend "
                + info.gpuBackend() + ("none".equals(info.gpuBackend()) ? " (CPU and RAM only)" : "") + limits());
        if ("none".equals(info.gpuBackend())) {
            // say why each GPU backend is unavailable, so "no GPU data" is never a silent zero
            info.notes().stream().filter(n -> !n.startsWith("oshi:") && !n.startsWith("none:"))
                    .forEach(n -> err.println("  GPU data unavailable: " + n));
        }
        err.flush();
        info.notes().forEach(note -> LOG.info("hardware: {}", note));
        return monitor;
    }

    private String limits() {
        List<String> l = new ArrayList<>();
        if (profiling.maxTemp != null) {
            l.add("max " + Durations.num(profiling.maxTemp, 1) + " °C");
        }
        if (profiling.maxPower != null) {
            l.add("max " + Durations.num(profiling.maxPower, 1) + " W");
        }
        return l.isEmpty() ? "" : "; pausing between runs above " + String.join(", ", l);
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
        if (server.parallel < 1) {
            throw CliException.usage("--n-parallel must be at least 1, got " + server.parallel);
        }
        try {
            BenchmarkSettings s = config.settings(server.parallel, !basic.streamOnly);
            if (basic.devMode) {
                s = s.withRuns(1).withWarmupRuns(0).withMaxTokens(Math.min(32, s.maxTokens()));
            }
            return s;
        } catch (IllegalArgumentException e) {
            throw CliException.usage(e.getMessage());
        }
    }

    private int benchmark(BenchmarkSettings settings, ModelFilter filter, ModelSelector selector, String baseUrl,
                          String endpoint, String apiToken, boolean useRestApi, Path dbPath, Path outDir,
                          PrintWriter out, PrintWriter err) {
        ClientConfig clientConfig = new ClientConfig(baseUrl, apiToken, Duration.ofSeconds(10));
        try (InferenceBackend client = backendFor(clientConfig, useRestApi)) {
            List<ModelInfo> discovered = discover((ModelCatalog) client, baseUrl);
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
            SqliteResultStore store = openStore(dbPath);
            try (store) {
                RunInfo run = RunInfo.start(endpoint, settings, VersionProvider.version());
                List<ModelSummary> cached = new ArrayList<>();
                List<ModelInfo> toMeasure = new ArrayList<>();
                List<StoredResult> stored = cache.retest ? List.of() : storedResults(store);
                for (ModelInfo m : models) {
                    Optional<ModelSummary> hit = cache.retest ? Optional.empty() : cachedResult(stored, m, settings);
                    if (hit.isPresent()) {
                        cached.add(hit.get());
                        err.println("[cached] " + m.id() + ": already benchmarked with these settings on "
                                + hit.get().finishedAt() + " (use --retest to measure again)");
                    } else {
                        toMeasure.add(m);
                    }
                }
                err.flush();
                BenchmarkReport measured;
                boolean interruptedRun;
                if (toMeasure.isEmpty()) {
                    measured = new BenchmarkReport(run, RunStatus.COMPLETED, java.time.Instant.now(), List.of(),
                            List.of());
                    interruptedRun = false;
                } else {
                    BenchmarkEngine.Builder builder = BenchmarkEngine.builder();
                    HardwareMonitor monitor = openMonitor(err);
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
                    BenchmarkEngine engine = builder
                            .backend(client)
                            .store(store)
                            .listener(new ProgressPrinter(err, ProgressPrinter.stderrIsTerminal()))
                            .build();
                    try (monitor; Interrupts interrupts = new Interrupts(engine::cancel)) {
                        measured = engine.run(run, toMeasure);
                        interruptedRun = interrupts.interrupted();
                        BenchmarkReport report = merge(measured, cached, models);
                        writeReports(report, outDir, out, err);
                        if (interruptedRun || report.status() == RunStatus.CANCELLED) {
                            return ExitCodes.INTERRUPTED;
                        }
                    }
                }
                BenchmarkReport report = merge(measured, cached, models);
                if (toMeasure.isEmpty()) {
                    writeReports(report, outDir, out, err);
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

    /** The measured report with cached models put back in discovery order. */
    private static BenchmarkReport merge(BenchmarkReport measured, List<ModelSummary> cached,
                                         List<ModelInfo> order) {
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
    static boolean sameMeasurement(BenchmarkSettings a, BenchmarkSettings b) {
        return a.withRequestTimeout(b.requestTimeout()).equals(b);
    }

    private static ModelInfo smallest(List<ModelInfo> models) {
        return models.stream()
                .min(java.util.Comparator.comparingLong(m -> m.sizeBytes() < 0 ? Long.MAX_VALUE : m.sizeBytes()))
                .orElseThrow();
    }

    private int exportOnly(Path dbPath, BenchmarkSettings settings, Path outDir, PrintWriter out, PrintWriter err) {
        if (!Files.exists(dbPath)) {
            throw CliException.failure("no results database at " + dbPath + " (run a benchmark first, or pass --db)",
                    null);
        }
        try (SqliteResultStore store = openStore(dbPath)) {
            java.util.LinkedHashMap<String, StoredResult> latest = new java.util.LinkedHashMap<>();
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
            List<dev.lmsbench.core.model.RequestResult> requests = new ArrayList<>();
            for (StoredResult r : latest.values()) {
                summaries.add(r.summary().withHardwareSamples(store.listHardwareSamples(r.id())));
                requests.addAll(store.listRequests(r.id()));
            }
            RunInfo run = RunInfo.start("results database " + dbPath, settings, VersionProvider.version());
            BenchmarkReport report = new BenchmarkReport(run, RunStatus.COMPLETED, java.time.Instant.now(), summaries,
                    requests);
            err.println("Exporting the latest stored result of " + summaries.size() + " model"
                    + (summaries.size() == 1 ? "" : "s") + " from " + dbPath);
            writeReports(report, outDir, out, err);
            return ExitCodes.OK;
        } catch (StoreException e) {
            throw CliException.failure(e.getMessage(), e);
        }
    }

    /**
     * Without {@code --base-url}: the first of {@code lmstudio.ports} on {@code lmstudio.host} where a server answers
     * (LM Studio uses 1234, or 1235 when 1234 is taken); the first port when none answers, so the error names it.
     */
    private static Optional<String> firstAnsweringPort(ResolvedConfig config) {
        String host = config.get(ConfigKeys.HOST);
        for (int port : config.get(ConfigKeys.PORTS)) {
            String url = "http://" + host + ":" + port;
            if (answers(url, config.get(ConfigKeys.API_TOKEN))) {
                return Optional.of(url);
            }
            LOG.info("nothing answers at {}", url);
        }
        return Optional.empty();
    }

    private static boolean answers(String url, String token) {
        try (OpenAiClient probe = OpenAiClient.create(new ClientConfig(url, token, Duration.ofSeconds(2)))) {
            probe.listModels();
            return true;
        } catch (BackendException e) {
            return e.kind() != BackendException.Kind.CONNECTION; // a server answers there, even if not with a list
        }
    }

    /**
     * No server answers on the configured ports: start LM Studio's with {@code lms server start} when {@code lms}
     * exists and wait until it answers; else return the first port's URL so the error names it.
     */
    private static String startWithLms(ResolvedConfig config, LmsCli lms, PrintWriter err) {
        int port = config.get(ConfigKeys.PORTS).get(0);
        String url = "http://" + config.get(ConfigKeys.HOST) + ":" + port;
        if (lms == null) {
            return url;
        }
        err.println("No server answers on ports " + config.get(ConfigKeys.PORTS) + "; starting LM Studio's server: "
                + lms.executable() + " server start --port " + port);
        err.flush();
        try {
            lms.startServer(port, Duration.ofSeconds(60));
        } catch (BackendException e) {
            throw CliException.failure("cannot start LM Studio's server: " + Main.oneLine(e.getMessage())
                    + ". Start it in LM Studio, or try --sim.", e);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (answers(url, config.get(ConfigKeys.API_TOKEN))) {
                LOG.info("LM Studio's server answers at {}", url);
                return url;
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw CliException.failure("started LM Studio's server with lms, but nothing answers at " + url
                + " within 60 s", null);
    }

    /**
     * LM Studio's native client when the server speaks LM Studio's REST API (model metadata, explicit load and unload
     * with the load configuration, server-side stats, Model-unloaded retry), else the OpenAI-compatible client.
     */
    private static InferenceBackend backendFor(ClientConfig clientConfig, boolean useRestApi) {
        if (useRestApi) {
            LmStudioClient native_ = LmStudioClient.create(clientConfig);
            try {
                native_.nativeModels();
                LOG.info("{} speaks LM Studio's native REST API: using it", clientConfig.baseUrl());
                return native_;
            } catch (BackendException e) {
                LOG.info("no LM Studio native API at {} ({}); using the OpenAI-compatible API",
                        clientConfig.baseUrl(), Main.oneLine(e.getMessage()));
                native_.close();
            }
        }
        return OpenAiClient.create(clientConfig);
    }

    private List<ModelInfo> discover(ModelCatalog client, String baseUrl) {
        if (filters.models != null && !filters.models.isEmpty()) {
            List<ModelInfo> named = new ArrayList<>();
            for (String id : filters.models) {
                if (id.isBlank()) {
                    throw CliException.usage("--model must not be empty");
                }
                named.add(ModelInfo.named(id.strip()));
            }
            return named;
        }
        if (lmsCatalog != null) {
            try {
                List<ModelInfo> models = lmsCatalog.listModels();
                LOG.info("discovered {} models with {} ls --json", models.size(), lmsCatalog.executable());
                return models;
            } catch (BackendException e) {
                LOG.warn("{} ls --json failed ({}); asking the server for its models instead",
                        lmsCatalog.executable(), Main.oneLine(e.getMessage()));
            }
        }
        try {
            return client.listModels();
        } catch (BackendException e) {
            String hint;
            if (e.kind() == BackendException.Kind.CONNECTION || e.kind() == BackendException.Kind.TIMEOUT) {
                hint = " Is the server running? Start LM Studio's server, set --base-url, or try --sim.";
            } else if (e.httpStatus() == 401 || e.httpStatus() == 403) {
                hint = " The server wants a token: pass --api-token.";
            } else {
                hint = " If it has no model list, name models with --model; or try --sim.";
            }
            throw CliException.failure("cannot list models at " + baseUrl + ": " + Main.oneLine(e.getMessage())
                    + "." + hint, e);
        }
    }

    private static SqliteResultStore openStore(Path dbPath) {
        try {
            return SqliteResultStore.open(dbPath);
        } catch (StoreException e) {
            throw CliException.failure(e.getMessage(), e);
        }
    }

    private void writeReports(BenchmarkReport report, Path outDir, PrintWriter out, PrintWriter err) {
        List<String> written = new ArrayList<>();
        for (ReportWriter w : ReportWriters.all()) {
            try {
                w.write(report, outDir);
                written.add(w.name());
            } catch (IOException | RuntimeException e) {
                LOG.error("could not write the {} report into {}: {}", w.name(), outDir, e.getMessage());
                LOG.debug("report failure", e);
            }
        }
        printSummaryTable(report.models(), out);
        out.println();
        out.println("Reports (" + String.join(", ", written) + ") and log written to " + outDir);
        out.flush();
        err.flush();
    }

    static void printSummaryTable(List<ModelSummary> models, PrintWriter out) {
        TextTable t = new TextTable("Model", "Quant", "Status", "OK/Req", "TTFT p50 s", "TTFT p90 s",
                "Decode tok/s p50", "Prefill tok/s p50", "Total tok/s", "Load s");
        boolean anyEstimated = false;
        for (ModelSummary s : models) {
            anyEstimated |= s.tokens().estimated();
            t.row(s.model().id(), s.model().quantization().isEmpty() ? "-" : s.model().quantization(),
                    s.status().label(), s.successCount() + "/" + s.requestCount(),
                    Durations.num(s.ttft().p50(), 3), Durations.num(s.ttft().p90(), 3),
                    Durations.num(s.decodeTokensPerSecond().p50(), 1) + (s.tokens().estimated() ? "*" : ""),
                    Durations.num(s.prefillTokensPerSecond().p50(), 1) + (s.tokens().estimated() ? "*" : ""),
                    Durations.num(s.completionTokensPerSecondTotal(), 1) + (s.tokens().estimated() ? "*" : ""),
                    Durations.num(s.loadSeconds(), 2));
        }
        out.println();
        t.print(out);
        if (anyEstimated) {
            out.println("* token counts estimated: the server sent no usage (see docs/metrics.md)");
        }
    }

    private int cacheCommand(Path dbPath, PrintWriter out, PrintWriter err) {
        if (!Files.exists(dbPath)) {
            throw CliException.failure("no results database at " + dbPath + " (run a benchmark first, or pass --db)",
                    null);
        }
        try (SqliteResultStore store = openStore(dbPath)) {
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
                                    .withZone(java.time.ZoneOffset.UTC).format(s.finishedAt()),
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
}
