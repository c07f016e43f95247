package dev.lmsbench.cli;

import dev.lmsbench.cache.ResultStorePaths;
import dev.lmsbench.client.ClientConfig;
import dev.lmsbench.client.LmStudioClient;
import dev.lmsbench.client.OpenAiClient;
import dev.lmsbench.core.config.ConfigKeys;
import dev.lmsbench.core.config.ResolvedConfig;
import dev.lmsbench.cache.SqliteResultStore;
import dev.lmsbench.core.engine.BenchmarkController;
import dev.lmsbench.core.engine.BenchmarkEngine;
import dev.lmsbench.core.event.BenchmarkListener;
import dev.lmsbench.core.model.BenchmarkReport;
import dev.lmsbench.core.model.ModelInfo;
import dev.lmsbench.core.model.RunInfo;
import dev.lmsbench.report.ComparisonRows;
import dev.lmsbench.report.RunComparison;
import dev.lmsbench.sim.SimConfig;
import dev.lmsbench.sim.SimServer;
import dev.lmsbench.web.BenchWebServer;
import dev.lmsbench.web.RunComparer;
import dev.lmsbench.web.StartRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * {@code lmsbench web}: the dashboard server (bench-web) on this machine. A benchmark started through its API is
 * exactly {@code lmsbench run} with the matching flags: the same discovery, filters, cache, engine, store and report
 * files; the dashboard's controller pauses, resumes and stops it.
 */
@Command(name = "web", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        versionProvider = VersionProvider.class,
        description = {"Serves the dashboard's API (docs/web-api.md) on 127.0.0.1 and a free port unless told "
                + "otherwise; benchmarks started through it run as lmsbench run does, one at a time, each into "
                + "its own results/<timestamp> folder, and stream live events. Ctrl-C or POST "
                + "/api/system/shutdown stops it. The dashboard pages (Home, Run, Results, Comparison, Settings; "
                + "docs/dashboard.md) are at its URL."})
final class WebCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(WebCommand.class);

    /** The current or last run's terminal output, for the Run page's log tail. */
    private final LineTail tail = new LineTail(200);

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--host", paramLabel = "HOST", description = {
            "Interface to listen on (default 127.0.0.1). Any other needs --token."})
    String host = "127.0.0.1";

    @Option(names = "--port", paramLabel = "N", description = "Port to listen on (default 0: a free one).")
    int port;

    @Option(names = "--token", paramLabel = "TOKEN", description = {
            "Access token every request must carry (Authorization: Bearer); required with a --host beyond "
                    + "loopback."})
    String token;

    @Option(names = "--db", paramLabel = "FILE", description = {
            "SQLite results database (default: $XDG_DATA_HOME/lm-studio-bench/results/benchmark_cache.db)."})
    Path db;

    @Option(names = "--tray", negatable = true, description = {
            "Also show the tray icon for this dashboard when the desktop has a system tray (on with -w/--webapp; "
                    + "without one it says so and carries on)."})
    boolean tray;

    @Option(names = "--open", description = "Open the dashboard in the default browser once it listens.")
    boolean open;

    @Option(names = "--base-url", paramLabel = "URL", description = {
            "The server whose models the Run page lists and which runs use when the page names none (default: "
                    + "the first configured port that answers, as lmsbench run finds it)."})
    String baseUrl;

    @Option(names = "--sim", description = {
            "Default to the built-in simulator: the Run page lists its models and runs use it unless the page "
                    + "names a server."})
    boolean sim;

    @Option(names = "--output-dir", paramLabel = "DIR", description = {
            "Where each started benchmark writes its reports, one results/<timestamp> folder each (default "
                    + "results); the only folder the API's downloads read."})
    Path outputDir = Path.of("results");

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (port < 0 || port > 65535) {
            throw CliException.usage("--port must be between 0 (a free one) and 65535, got " + port);
        }
        Path dbPath = db != null ? db : ResultStorePaths.defaultDatabase();
        if (sim && baseUrl != null) {
            throw CliException.usage("--sim and --base-url name two servers: give one");
        }
        ConfigPaths paths = ConfigPaths.detect();
        Presets presetStore = new Presets(paths);
        ResolvedConfig config = fileConfig(paths, presetStore);
        BenchmarkController controller = new BenchmarkController();
        SqliteResultStore store = ResultCache.openStore(dbPath);
        SimServer catalogSim = null;
        BenchWebServer server;
        try {
            if (sim) {
                catalogSim = SimServer.start(SimConfig.defaults()); // lists the models a --sim run will have
            }
            String catalogUrl = catalogSim != null ? catalogSim.baseUrl() : baseUrl;
            server = BenchWebServer.builder()
                    .controller(controller)
                    .starter(request -> job(request, dbPath))
                    .results(store)
                    .models(() -> models(catalogUrl, config))
                    .presets(() -> presets(presetStore))
                    .config(() -> fileConfig(paths, presetStore))
                    .runComparer((baseline, current) -> compare(store, baseline, current))
                    .logTail(tail::lines)
                    .host(host)
                    .port(port)
                    .accessToken(token)
                    .outputDir(outputDir.toAbsolutePath())
                    .onShutdown(() -> {
                        try {
                            controller.close(); // stops a running benchmark, waits for it
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    })
                    .build()
                    .start();
        } catch (IllegalStateException e) {
            store.close();
            if (catalogSim != null) {
                catalogSim.close();
            }
            throw CliException.usage(Main.oneLine(e.getMessage()));
        }
        Thread hook = new Thread(server::stop, "lmsbench-web-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        out.println("Dashboard on " + server.url() + " (pages: docs/dashboard.md, API: docs/web-api.md); Ctrl-C stops it");
        out.flush();
        dev.lmsbench.tray.TrayApp trayApp = tray ? startTray(server.url()) : null;
        if (open) {
            Browser.open(server.url(), spec.commandLine().getErr());
        }
        try {
            server.awaitShutdown();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // already shutting down
            }
            store.close();
            if (catalogSim != null) {
                catalogSim.close();
            }
            if (trayApp != null) {
                trayApp.close();
            }
        }
        return ExitCodes.OK;
    }

    /**
     * The Run page's model list: LM Studio's native list (quantization, architecture, size, capabilities) of the
     * dashboard's server, else the OpenAI-compatible one; nothing when no server answers.
     */
    private static List<ModelInfo> models(String url, ResolvedConfig config) {
        String target = url != null ? url : ServerDiscovery.firstAnsweringPort(config).orElse(null);
        if (target == null) {
            return List.of();
        }
        ClientConfig cc = ClientConfig.of(target).withApiToken(config.get(ConfigKeys.API_TOKEN));
        try (LmStudioClient lms = LmStudioClient.create(cc)) {
            return lms.listModels();
        } catch (Exception e) {
            LOG.debug("LM Studio's model list failed at {}; trying the OpenAI-compatible one", target, e);
        }
        try (OpenAiClient openAi = OpenAiClient.create(cc)) {
            return openAi.listModels();
        } catch (Exception e) {
            throw new IllegalStateException("could not list the models of " + target + ": "
                    + Main.oneLine(String.valueOf(e.getMessage())), e);
        }
    }

    /** The configuration a run with no flags would have: built-in defaults, project and user files. */
    private static ResolvedConfig fileConfig(ConfigPaths paths, Presets presetStore) {
        RunCommand run = new RunCommand();
        new CommandLine(run).parseArgs();
        return run.resolveConfig(paths, presetStore);
    }

    /** Every preset (built-in and the user's) with its settings by configuration key. */
    private static Map<String, Map<String, Object>> presets(Presets store) {
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        for (Presets.Preset p : store.list()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("description", p.description());
            m.put("kind", p.builtIn() ? "built-in" : "user");
            try {
                store.layer(p.name()).values().forEach((k, v) -> m.put(k.path(),
                        v instanceof Number || v instanceof Boolean || v instanceof String || v == null ? v
                                : String.valueOf(v)));
            } catch (RuntimeException e) {
                m.put("error", Main.oneLine(String.valueOf(e.getMessage())));
            }
            out.put(p.name(), m);
        }
        return out;
    }

    /** Two stored runs by the reports' comparison (the same table as lmsbench compare). */
    private static Optional<RunComparer.Table> compare(SqliteResultStore store, String baseline, String current)
            throws Exception {
        Optional<BenchmarkReport> a = store.report(baseline);
        Optional<BenchmarkReport> b = store.report(current);
        if (a.isEmpty() || b.isEmpty()) {
            return Optional.empty();
        }
        RunComparison c = RunComparison.of(a.get(), b.get());
        return Optional.of(new RunComparer.Table(ComparisonRows.title(c), ComparisonRows.HEADER,
                ComparisonRows.rows(c)));
    }

    /** The tray beside the dashboard (seed run.py): started when the desktop has one, else one line and on. */
    private dev.lmsbench.tray.TrayApp startTray(String url) {
        dev.lmsbench.tray.TrayConfig config = dev.lmsbench.tray.TrayConfig.of(java.net.URI.create(url));
        if (token != null) {
            config = config.withBearerToken(token);
        }
        PrintWriter err = spec.commandLine().getErr();
        return switch (dev.lmsbench.tray.TrayApp.start(config)) {
            case dev.lmsbench.tray.TrayLaunch.Started s -> {
                err.println("Tray icon shown (Quit in its menu shuts the dashboard down)");
                err.flush();
                yield s.tray();
            }
            case dev.lmsbench.tray.TrayLaunch.Unavailable u -> {
                err.println("lmsbench: no system tray available (" + Main.oneLine(u.reason())
                        + "); the dashboard runs without it");
                err.flush();
                yield null;
            }
        };
    }

    /**
     * The {@code lmsbench run} arguments of a start body, or {@code lmsbench sweep}'s of a sweep
     * ({@code "sweep": true}: {@code --ctx}, {@code --par} and the other sweep flags instead of {@code --context} and
     * {@code --n-parallel}).
     */
    static List<String> runArguments(StartRequest r, Path dbPath, Path outDir, boolean defaultSim,
                                     String defaultBaseUrl) {
        boolean sweep = r.isSweep();
        List<String> args = new ArrayList<>(List.of(sweep ? "sweep" : "run"));
        if (Boolean.TRUE.equals(r.sim()) || r.sim() == null && r.baseUrl() == null && defaultSim) {
            args.add("--sim");
        }
        add(args, "--base-url", r.baseUrl() != null || Boolean.TRUE.equals(r.sim()) || defaultSim ? r.baseUrl()
                : defaultBaseUrl);
        add(args, "--backend", r.backend());
        add(args, "--include-models", r.includeModels());
        add(args, "--exclude-models", r.excludeModels());
        if (r.models() != null) {
            r.models().forEach(m -> add(args, "--model", m));
        }
        add(args, "--limit", r.limit());
        add(args, "--runs", r.runs());
        add(args, "--warmup", r.warmup());
        add(args, "--max-tokens", r.maxTokens());
        if (sweep) {
            add(args, "--ctx", join(r.contexts()));
            add(args, "--sweep-count", r.sweepCount());
            add(args, "--par", join(r.par()));
            add(args, "--target-prompt-tokens", r.targetPromptTokens());
            add(args, "--prompt-fill", r.promptFill());
            add(args, "--max-ttft-ms", r.maxTtftMs());
        } else {
            if (r.contexts() != null && !r.contexts().isEmpty()) {
                if (r.contexts().size() > 1) {
                    throw new IllegalArgumentException("context: one context size per run; several are a sweep "
                            + "(\"sweep\": true)");
                }
                add(args, "--context", r.contexts().getFirst());
            }
            add(args, "--n-parallel", r.parallel());
        }
        add(args, "--preset", r.preset());
        add(args, "--prompt", r.prompt());
        if (Boolean.TRUE.equals(r.retest())) {
            args.add("--retest");
        }
        args.addAll(List.of("--db", dbPath.toString(), "--output-dir", outDir.toString()));
        return args;
    }

    private static String join(List<Integer> values) {
        return values == null || values.isEmpty() ? null
                : String.join(",", values.stream().map(String::valueOf).toList());
    }

    private static void add(List<String> args, String flag, Object value) {
        if (value != null && !(value instanceof String s && s.isBlank())) {
            args.add(flag);
            args.add(String.valueOf(value));
        }
    }

    /** Parses the run's flags now (a bad one is a 400), and runs it on the controller's thread later. */
    private BenchmarkController.JobFactory job(StartRequest request, Path dbPath) {
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT));
        Path candidate = outputDir.resolve(stamp);
        for (int n = 2; java.nio.file.Files.exists(candidate); n++) { // two runs in one second: never one folder
            candidate = outputDir.resolve(stamp + "-" + n);
        }
        Path outDir = candidate;
        List<String> args = runArguments(request, dbPath, outDir, sim, baseUrl);
        tail.clear();
        PrintWriter sink = new PrintWriter(tail, true);
        CommandLine cl = Main.commandLine(sink, sink);
        try {
            cl.parseArgs(args.toArray(String[]::new));
        } catch (CommandLine.ParameterException e) {
            throw new IllegalArgumentException(Main.oneLine(e.getMessage()));
        }
        CommandLine runLine = cl.getSubcommands().get(args.getFirst()); // run, or sweep (a RunCommand too)
        RunCommand run = runLine.getCommand();
        LOG.info("dashboard start: lmsbench {}", String.join(" ", args));
        return listener -> new BenchmarkController.Job() {
            @Override
            public BenchmarkEngine engine() {
                return null; // built by the run, after discovery
            }

            @Override
            public RunInfo run() {
                return null;
            }

            @Override
            public List<ModelInfo> models() {
                return List.of();
            }

            @Override
            public BenchmarkReport execute(Consumer<BenchmarkEngine> attach) throws Exception {
                AtomicReference<BenchmarkReport> report = new AtomicReference<>();
                run.hook = new RunCommand.EngineHook() {
                    @Override
                    public BenchmarkListener listener() {
                        return listener;
                    }

                    @Override
                    public void attach(BenchmarkEngine engine) {
                        attach.accept(engine);
                    }

                    @Override
                    public void finished(BenchmarkReport r) {
                        report.set(r);
                    }
                };
                try {
                    run.call();
                } catch (CliException e) {
                    if (report.get() == null) {
                        throw new Exception(e.getMessage(), e);
                    }
                    LOG.info("dashboard run ended: {}", e.getMessage());
                } finally {
                    LOG.debug("dashboard run output:\n{}", String.join("\n", tail.lines()));
                }
                if (report.get() == null) {
                    throw new Exception("the run ended without a report (see " + outDir.resolve("lmsbench.log")
                            + ")");
                }
                return report.get();
            }
        };
    }
}
