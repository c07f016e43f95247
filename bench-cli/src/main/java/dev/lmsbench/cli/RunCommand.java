package dev.lmsbench.cli;

import dev.lmsbench.cache.ResultStorePaths;
import dev.lmsbench.cache.SqliteResultStore;
import dev.lmsbench.client.ClientConfig;
import dev.lmsbench.client.OpenAiClient;
import dev.lmsbench.core.engine.BenchmarkEngine;
import dev.lmsbench.core.engine.ModelSelector;
import dev.lmsbench.core.model.BenchmarkReport;
import dev.lmsbench.core.model.BenchmarkSettings;
import dev.lmsbench.core.model.ModelInfo;
import dev.lmsbench.core.model.ModelSummary;
import dev.lmsbench.core.model.RunInfo;
import dev.lmsbench.core.model.RunStatus;
import dev.lmsbench.core.spi.BackendException;
import dev.lmsbench.core.spi.ReportWriter;
import dev.lmsbench.core.spi.StoreException;
import dev.lmsbench.core.spi.StoredResult;
import dev.lmsbench.report.ReportWriters;
import dev.lmsbench.sim.SimServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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
import java.util.List;
import java.util.Locale;
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

    @ArgGroup(validate = false, heading = "%nServer:%n", order = 1)
    Server server = new Server();

    @ArgGroup(validate = false, heading = "%nBasic:%n", order = 2)
    Basic basic = new Basic();

    @ArgGroup(validate = false, heading = "%nFilters:%n", order = 3)
    Filters filters = new Filters();

    @ArgGroup(validate = false, heading = "%nInference:%n", order = 4)
    Inference inference = new Inference();

    @ArgGroup(validate = false, heading = "%nOutput and cache:%n", order = 5)
    Output output = new Output();

    @ArgGroup(validate = false, heading = "%nSimulator:%n", order = 6)
    Sim sim = new Sim();

    @Option(names = {"-v", "--verbose"}, description = "Show debug messages on stderr.", order = 100)
    boolean verbose;

    static final class Server {
        @Option(names = "--base-url", paramLabel = "URL", order = 1, description = {
                "Server to benchmark (default: ${DEFAULT-VALUE}). A URL with a path (http://host:8000/v1) is used as "
                        + "given; without a path /v1 is tried, then the root."})
        String baseUrl = "http://localhost:1234";

        @Option(names = "--api-token", paramLabel = "TOKEN", order = 2,
                description = "Bearer token sent with every request (LM Studio API token, OpenAI key).")
        String apiToken;

        @Option(names = "--request-timeout", paramLabel = "SECONDS", order = 3,
                description = "Longest one request may take, end to end (default: ${DEFAULT-VALUE}).")
        int requestTimeoutSeconds = 300;
    }

    static final class Basic {
        @Option(names = "--runs", paramLabel = "N", order = 1,
                description = "Measured runs per model (default: ${DEFAULT-VALUE}).")
        int runs = 3;

        @Option(names = "--warmup", paramLabel = "N", order = 2,
                description = "Warmup requests per model, excluded from summaries (default: ${DEFAULT-VALUE}).")
        int warmup = 1;

        @Option(names = "--prompt", paramLabel = "TEXT", order = 3,
                description = "The prompt sent in every request (default: \"${DEFAULT-VALUE}\").")
        String prompt = BenchmarkSettings.DEFAULT_PROMPT;

        @Option(names = "--context", paramLabel = "TOKENS", order = 4, description = {
                "Context length, recorded with every result (default: ${DEFAULT-VALUE}). Plain OpenAI-compatible "
                        + "servers keep their own setting; loading LM Studio models at this length is not "
                        + "available yet."})
        int context = 4096;

        @Option(names = "--n-parallel", paramLabel = "N", order = 5,
                description = "Requests in flight together in each measured run (default: ${DEFAULT-VALUE}).")
        int parallel = 1;

        @Option(names = "--stream-only", order = 6,
                description = "Skip the non-streaming request of each measured run.")
        boolean streamOnly;
    }

    static final class Filters {
        @Option(names = {"-m", "--model"}, paramLabel = "ID", order = 1, description = {
                "Benchmark this model without asking the server for its list (repeatable); for servers "
                        + "without a model list."})
        List<String> models;

        @Option(names = "--include-models", paramLabel = "REGEX", order = 2,
                description = "Only models whose id matches (case-insensitive, anywhere in the id).")
        String include;

        @Option(names = "--exclude-models", paramLabel = "REGEX", order = 3,
                description = "Skip models whose id matches.")
        String exclude;

        @Option(names = "--limit", paramLabel = "N", order = 4,
                description = "Benchmark at most N models (0 = all, default: ${DEFAULT-VALUE}).")
        int limit = 0;
    }

    static final class Inference {
        @Option(names = "--max-tokens", paramLabel = "N", order = 1,
                description = "max_tokens per request (default: ${DEFAULT-VALUE}).")
        int maxTokens = 256;

        @Option(names = "--temperature", paramLabel = "T", order = 2,
                description = "Sampling temperature (default: ${DEFAULT-VALUE}).")
        double temperature = 0.1;
    }

    static final class Output {
        @Option(names = "--output-dir", paramLabel = "DIR", order = 1,
                description = "Where reports and the run log go (default: results/<timestamp>).")
        Path outputDir;

        @Option(names = "--db", paramLabel = "FILE", order = 2, description = {
                "SQLite results database (default: $XDG_DATA_HOME/lm-studio-bench/results/benchmark_cache.db, "
                        + "i.e. ~/.local/share/... when XDG_DATA_HOME is unset)."})
        Path db;

        @Option(names = "--list-cache", order = 3, description = "Print the stored results as a table and exit.")
        boolean listCache;

        @Option(names = "--export-cache", paramLabel = "FILE", order = 4,
                description = "Write the stored results to FILE as JSON and exit.")
        Path exportCache;
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
        Path dbPath = output.db != null ? output.db : ResultStorePaths.defaultDatabase();
        if (output.listCache || output.exportCache != null) {
            return cacheCommand(dbPath, out, err);
        }
        BenchmarkSettings settings = settings();
        if (sim.any() && !sim.enabled) {
            throw CliException.usage("--sim-tokens-per-second, --sim-ttft-ms and --sim-config need --sim");
        }
        ModelSelector selector;
        try {
            selector = new ModelSelector(filters.include, filters.exclude, filters.limit);
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
        SimServer simServer = null;
        try {
            String baseUrl = server.baseUrl;
            String endpoint = baseUrl;
            if (sim.enabled) {
                simServer = startSim();
                baseUrl = simServer.baseUrl();
                endpoint = "sim:" + baseUrl;
            }
            LOG.info("lmsbench {} benchmarking {} into {}", VersionProvider.version(), endpoint, outDir);
            return benchmark(settings, selector, baseUrl, endpoint, dbPath, outDir, out, err);
        } finally {
            if (simServer != null) {
                simServer.close();
            }
            Logging.closeRunLog();
        }
    }

    private SimServer startSim() {
        try {
            return SimServer.start(sim.config("127.0.0.1", 0, server.apiToken));
        } catch (CliException e) {
            throw e;
        } catch (RuntimeException e) {
            throw CliException.failure("cannot start the built-in simulator: " + Main.oneLine(e.getMessage()), e);
        }
    }

    private BenchmarkSettings settings() {
        try {
            return new BenchmarkSettings(basic.prompt, inference.maxTokens, basic.context, basic.runs, basic.warmup,
                    basic.parallel, inference.temperature, Duration.ofSeconds(positive("--request-timeout",
                    server.requestTimeoutSeconds)), !basic.streamOnly);
        } catch (IllegalArgumentException e) {
            throw CliException.usage(optionFor(e.getMessage()));
        }
    }

    private static int positive(String flag, int value) {
        if (value < 1) {
            throw CliException.usage(flag + " must be at least 1, got " + value);
        }
        return value;
    }

    /** Maps the core's validation messages onto the flag the user typed. */
    private static String optionFor(String message) {
        String m = message;
        m = m.replaceFirst("^runs must be >= 1", "--runs must be at least 1");
        m = m.replaceFirst("^warmup runs must be >= 0", "--warmup must be at least 0");
        m = m.replaceFirst("^max tokens must be >= 1", "--max-tokens must be at least 1");
        m = m.replaceFirst("^context length must be >= 0", "--context must be at least 0");
        m = m.replaceFirst("^parallel must be >= 1", "--n-parallel must be at least 1");
        m = m.replaceFirst("^temperature must be", "--temperature must be");
        m = m.replaceFirst("^prompt must not be empty", "--prompt must not be empty");
        return m;
    }

    private int benchmark(BenchmarkSettings settings, ModelSelector selector, String baseUrl, String endpoint,
                          Path dbPath, Path outDir, PrintWriter out, PrintWriter err) {
        ClientConfig clientConfig = new ClientConfig(baseUrl, server.apiToken, Duration.ofSeconds(10));
        try (OpenAiClient client = OpenAiClient.create(clientConfig)) {
            List<ModelInfo> discovered = discover(client, baseUrl);
            ModelSelector.Selection selection = selector.select(discovered);
            if (selection.models().isEmpty()) {
                if (selection.emptiedBy().isPresent()) {
                    throw CliException.usage("no model left to benchmark after " + selection.emptiedBy().get()
                            + " (the server lists " + discovered.size() + ")");
                }
                throw CliException.failure("the server at " + baseUrl + " lists no models; load one, or name one "
                        + "with --model", null);
            }
            SqliteResultStore store = openStore(dbPath);
            try (store) {
                RunInfo run = RunInfo.start(endpoint, settings, VersionProvider.version());
                BenchmarkEngine engine = BenchmarkEngine.builder()
                        .backend(client)
                        .store(store)
                        .listener(new ProgressPrinter(err, ProgressPrinter.stderrIsTerminal()))
                        .build();
                BenchmarkReport report;
                try (Interrupts interrupts = new Interrupts(engine::cancel)) {
                    report = engine.run(run, selection.models());
                    writeReports(report, outDir, out, err);
                    if (interrupts.interrupted() || report.status() == RunStatus.CANCELLED) {
                        return ExitCodes.INTERRUPTED;
                    }
                }
                if (report.models().stream().allMatch(m -> m.status() == RunStatus.FAILED)) {
                    throw CliException.failure("every model failed (see " + outDir.resolve("lmsbench.log") + ")",
                            null);
                }
                return ExitCodes.OK;
            }
        }
    }

    private List<ModelInfo> discover(OpenAiClient client, String baseUrl) {
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
            if (output.exportCache != null) {
                try {
                    ReportWriters.exportStoredResults(results, VersionProvider.version(), output.exportCache);
                } catch (IOException e) {
                    throw CliException.failure("cannot write " + output.exportCache + ": " + e.getMessage(), e);
                }
                err.println("Exported " + results.size() + " stored result" + (results.size() == 1 ? "" : "s")
                        + " to " + output.exportCache);
            }
            if (output.listCache) {
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
