package dev.lmsbench.cli;

import dev.lmsbench.core.load.ArrivalPattern;
import dev.lmsbench.core.load.LoadResult;
import dev.lmsbench.core.model.BenchmarkReport;
import dev.lmsbench.core.model.ModelSummary;
import dev.lmsbench.core.model.RequestResult;
import dev.lmsbench.report.ResultsJsonReader;
import dev.lmsbench.report.SuiteReports;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
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
import java.util.concurrent.Callable;

/**
 * {@code lmsbench suite FILE}: the Cartesian product of a suite's baselines x workloads x rates (seed 002). Each
 * (baseline, workload) is one {@code lmsbench load} with a stage per rate, tagged with the suite, its session, the
 * baseline and the workload; the suite command only wires them and files the results as the seed lays them out:
 * {@code {baseline}_{workload}_{qps}_{timestamp}.json} per combination and {@code {workload}_comparison.png} (with
 * its data, {@code {workload}_comparison.csv}) per workload, in {@code results/suites/{suite}/}.
 */
@Command(name = "suite", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = {"Runs a suite (seed 002): every baseline (LM Studio, an OpenAI-compatible URL, Ollama, the "
                + "built-in simulator with its settings) x every workload x every rate (or concurrency) of a YAML "
                + "file, one load test per baseline and workload.",
                "Writes {baseline}_{workload}_{qps}_{timestamp}.json per combination and {workload}_comparison.png "
                        + "(latency and throughput against the rate, one line per baseline) to "
                        + "results/suites/<suite>/; every stage goes to the results database as it ends.",
                "",
                "Examples:",
                "  lmsbench suite config/suites/example-sim.yaml",
                "  lmsbench suite my-suite.yaml --dry-run     (check the file and list the combinations)",
                ""},
        footer = {"", "Every key of a suite file: config/suites/TEMPLATE-suite.yaml (docs/suites.md).",
                "Exit codes: 0 success, 1 a combination failed, 2 usage error or a malformed suite (the file, line "
                        + "and key are named), 130 interrupted."})
final class SuiteCommand implements Callable<Integer> {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "The suite file (YAML).")
    Path file;

    @Option(names = "--output-dir", paramLabel = "DIR", description = {
            "Where suites write their folder (default results/suites): DIR/<suite name>/."})
    Path outputDir;

    @Option(names = "--db", paramLabel = "FILE", description = {
            "The results database (default: the one 'lmsbench run' uses)."})
    Path db;

    @Option(names = "--dry-run", description = "Check the suite and print its combinations; run nothing.")
    boolean dryRun;

    @Option(names = {"-v", "--verbose"}, description = "Show debug messages on stderr.")
    boolean verbose;

    /** What one (baseline, workload) load test gave. */
    private record Combination(SuiteFile.Baseline baseline, SuiteFile.WorkloadEntry workload, int exitCode,
                               List<ModelSummary> stages) {
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        SuiteFile.Suite suite = SuiteFile.read(file);
        Path root = (outputDir != null ? outputDir : Path.of("results", "suites")).resolve(suite.name());
        String session = STAMP.format(Instant.now()) + "-" + String.format(Locale.ROOT, "%04x",
                java.util.concurrent.ThreadLocalRandom.current().nextInt(0x10000));
        Map<String, Path> simConfigs = simConfigs(suite, root.resolve("baselines"));
        // every combination's flags are checked before the first one runs
        for (SuiteFile.Baseline b : suite.baselines()) {
            for (SuiteFile.WorkloadEntry w : suite.workloads()) {
                check(suite, loadArgs(suite, b, w, simConfigs, session, root.resolve("runs").resolve("check")));
            }
        }
        int combinations = suite.baselines().size() * suite.workloads().size();
        String values = suite.qps().isEmpty() ? "concurrency " + join(suite.concurrency())
                : "qps " + join(suite.qps());
        err.println("suite " + suite.name() + ": " + suite.baselines().size() + " baseline(s) x "
                + suite.workloads().size() + " workload(s) x " + values + " (" + combinations + " load tests), "
                + "session " + session);
        if (dryRun) {
            for (SuiteFile.Baseline b : suite.baselines()) {
                for (SuiteFile.WorkloadEntry w : suite.workloads()) {
                    out.println(b.name() + " x " + w.name() + ": lmsbench " + String.join(" ", redacted(loadArgs(
                            suite, b, w, simConfigs, session, root.resolve("runs").resolve(b.name() + "_"
                                    + w.name())))));
                }
            }
            out.flush();
            err.flush();
            return ExitCodes.OK;
        }
        List<Combination> done = new ArrayList<>();
        int position = 0;
        boolean interrupted = false;
        outer:
        for (SuiteFile.Baseline b : suite.baselines()) {
            for (SuiteFile.WorkloadEntry w : suite.workloads()) {
                position++;
                Path runDir = root.resolve("runs").resolve(b.name() + "_" + w.name() + "_" + STAMP.format(
                        Instant.now()));
                err.println("suite [" + position + "/" + combinations + "] " + b.name() + " x " + w.name());
                err.flush();
                out.println();
                out.println("== " + b.name() + " x " + w.name() + " ==");
                out.flush();
                int code = Main.execute(loadArgs(suite, b, w, simConfigs, session, runDir).toArray(String[]::new),
                        out, err);
                List<ModelSummary> stages = List.of();
                Path results = runDir.resolve(dev.lmsbench.report.ReportWriters.RESULTS_JSON);
                if (Files.isRegularFile(results)) {
                    try {
                        BenchmarkReport report = ResultsJsonReader.read(results);
                        stages = report.models().stream().filter(m -> m.load() != null).toList();
                        writeCombinations(report, b, w, root);
                    } catch (IOException e) {
                        err.println("lmsbench: suite: cannot read " + results + ": " + Main.oneLine(e.getMessage()));
                    }
                }
                done.add(new Combination(b, w, code, stages));
                if (code == ExitCodes.INTERRUPTED) {
                    interrupted = true;
                    break outer;
                }
            }
        }
        writeComparisons(suite, done, root, err);
        printSummary(done, out);
        out.println();
        out.println("Suite " + suite.name() + " (session " + session + ") written to " + root);
        out.flush();
        err.flush();
        if (interrupted) {
            return ExitCodes.INTERRUPTED;
        }
        long failed = done.stream().filter(c -> c.exitCode() != ExitCodes.OK).count();
        if (failed > 0) {
            throw CliException.failure(failed + " of " + combinations + " load tests of the suite failed (see "
                    + root.resolve("runs") + ")", null);
        }
        return ExitCodes.OK;
    }

    /** Each sim baseline's settings as the simulator's JSON config file, checked by the simulator's reader. */
    private Map<String, Path> simConfigs(SuiteFile.Suite suite, Path dir) {
        Map<String, Path> files = new LinkedHashMap<>();
        for (int i = 0; i < suite.baselines().size(); i++) {
            SuiteFile.Baseline b = suite.baselines().get(i);
            if (b.sim() == null) {
                continue;
            }
            Path f = dir.resolve(b.name() + ".sim.json");
            try {
                Files.createDirectories(dir);
                Files.writeString(f, b.sim().toString());
            } catch (IOException e) {
                throw CliException.failure("cannot write " + f + ": " + IoErrors.reason(e), e);
            }
            try {
                dev.lmsbench.sim.SimConfig.fromJson(f);
            } catch (IllegalArgumentException e) {
                throw CliException.usage(suite.file() + ": baselines[" + i + "].sim: "
                        + Main.oneLine(e.getMessage()).replace(f.toString() + ": ", ""));
            }
            files.put(b.name(), f);
        }
        return files;
    }

    /** The {@code lmsbench load} arguments of one (baseline, workload). */
    private List<String> loadArgs(SuiteFile.Suite suite, SuiteFile.Baseline b, SuiteFile.WorkloadEntry w,
                                  Map<String, Path> simConfigs, String session, Path runDir) {
        List<String> a = new ArrayList<>(List.of("load"));
        switch (b.kind()) {
            case "sim" -> {
                a.add("--sim");
                if (simConfigs.containsKey(b.name())) {
                    a.addAll(List.of("--sim-config", simConfigs.get(b.name()).toString()));
                }
                if (b.polite()) {
                    a.add("--sim-polite");
                }
            }
            case "lmstudio" -> a.addAll(List.of("--base-url", b.url() != null ? b.url() : "http://localhost:1234",
                    "--backend", "lmstudio"));
            case "ollama" -> a.addAll(List.of("--base-url", b.url() != null ? b.url() : "http://localhost:11434",
                    "--backend", "ollama"));
            default -> a.addAll(List.of("--base-url", b.url(), "--backend", "openai"));
        }
        if (b.model() != null) {
            a.addAll(List.of("--model", b.model()));
        }
        if (b.apiToken() != null) {
            a.addAll(List.of("--api-token", b.apiToken()));
        }
        a.addAll(List.of("--workload", w.type()));
        w.options().forEach((k, v) -> a.addAll(List.of("--workload-option", k + "=" + v)));
        if (suite.qps().isEmpty()) {
            a.addAll(List.of("--concurrency", join(suite.concurrency())));
        } else {
            a.addAll(List.of("--rate", join(suite.qps())));
        }
        a.addAll(suite.load());
        a.addAll(List.of("--tag", "suite=" + suite.name(), "--tag", "session=" + session, "--tag",
                "baseline=" + b.name(), "--tag", "workload=" + w.name()));
        a.addAll(List.of("--output-dir", runDir.toString(), "--format", "json,csv"));
        if (db != null) {
            a.addAll(List.of("--db", db.toString()));
        }
        if (verbose) {
            a.add("-v");
        }
        return a;
    }

    /** The suite key each load flag came from, for errors found by the load command's own checks. */
    private static final Map<String, String> KEYS = Map.ofEntries(Map.entry("--rate", "qps"),
            Map.entry("--concurrency", "concurrency"), Map.entry("--pattern", "pattern"),
            Map.entry("--burstiness", "burstiness"), Map.entry("--num-requests", "num_requests"),
            Map.entry("--duration", "duration"), Map.entry("--warmup-time", "warmup_time"),
            Map.entry("--cooldown-time", "cooldown_time"), Map.entry("--seed", "seed"),
            Map.entry("--percentiles", "percentiles"), Map.entry("--goodput", "goodput"),
            Map.entry("--max-concurrency", "max_concurrency"), Map.entry("--n-parallel", "n_parallel"),
            Map.entry("--context", "context"), Map.entry("--request-timeout", "request_timeout"),
            Map.entry("--tag", "tags"));

    /** Parses one combination's arguments as {@code lmsbench load} would and runs its flag checks. */
    private void check(SuiteFile.Suite suite, List<String> args) {
        CommandLine cl = Main.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
        try {
            cl.parseArgs(args.toArray(String[]::new));
            LoadCommand load = cl.getSubcommands().get("load").getCommand();
            load.checkFlags();
        } catch (CliException | CommandLine.ParameterException e) {
            String message = Main.oneLine(e.getMessage());
            String key = KEYS.entrySet().stream().filter(k -> message.contains(k.getKey())).map(Map.Entry::getValue)
                    .findFirst().orElse("");
            Integer line = suite.lines().get(key);
            throw CliException.usage(suite.file() + (line != null && line > 0 ? ":" + line : "") + ": "
                    + (key.isEmpty() ? "" : key + ": ") + message);
        }
    }

    /** Each stage of a combination as its own document, {@code {baseline}_{workload}_{qps}_{timestamp}.json}. */
    private static void writeCombinations(BenchmarkReport report, SuiteFile.Baseline b, SuiteFile.WorkloadEntry w,
                                          Path root) throws IOException {
        for (ModelSummary m : report.models()) {
            if (m.load() == null) {
                continue;
            }
            List<RequestResult> requests = report.requests().stream().filter(r -> !r.startedAt()
                    .isBefore(m.startedAt()) && !r.startedAt().isAfter(m.finishedAt())).toList();
            BenchmarkReport one = new BenchmarkReport(report.run(), m.status() == dev.lmsbench.core.model.RunStatus
                    .COMPLETED ? dev.lmsbench.core.model.RunStatus.COMPLETED : report.status(), m.finishedAt(),
                    List.of(m), requests, report.hardware());
            SuiteReports.writeCombination(one, root.resolve(b.name() + "_" + w.name() + "_" + load(m.load()) + "_"
                    + STAMP.format(m.startedAt()) + ".json"));
        }
    }

    /** {@code 4}, {@code 2.5}, or {@code c8} for a concurrency: the offered load in file names. */
    static String load(LoadResult l) {
        if (l.pattern() instanceof ArrivalPattern.Concurrency c) {
            return "c" + c.streams();
        }
        double rate = l.pattern().targetRate();
        return Double.isNaN(rate) ? l.pattern().kind() : number(rate);
    }

    private static double x(LoadResult l) {
        return l.pattern().openLoop() ? l.pattern().targetRate() : l.pattern().concurrency();
    }

    private static void writeComparisons(SuiteFile.Suite suite, List<Combination> done, Path root,
                                         PrintWriter err) {
        String axis = suite.qps().isEmpty() ? "concurrent streams" : "requests per second (offered)";
        for (SuiteFile.WorkloadEntry w : suite.workloads()) {
            List<SuiteReports.Point> points = new ArrayList<>();
            for (Combination c : done) {
                if (c.workload().equals(w)) {
                    for (ModelSummary m : c.stages()) {
                        points.add(new SuiteReports.Point(c.baseline().name(), x(m.load()), m.load()));
                    }
                }
            }
            if (points.isEmpty()) {
                continue;
            }
            try {
                SuiteReports.writeComparison(w.name(), axis, points, root);
            } catch (IOException | RuntimeException e) {
                err.println("lmsbench: suite: cannot write the " + w.name() + " comparison: "
                        + Main.oneLine(String.valueOf(e.getMessage())));
            }
        }
    }

    private static void printSummary(List<Combination> done, PrintWriter out) {
        out.println();
        TextTable t = new TextTable("Baseline", "Workload", "Load", "OK/Sent", "Req/s", "Out tok/s", "TTFT p50 ms",
                "E2E p50 ms", "Goodput /s", "Generator");
        for (Combination c : done) {
            if (c.stages().isEmpty()) {
                t.row(c.baseline().name(), c.workload().name(), "-", "-", "-", "-", "-", "-", "-",
                        "failed (exit " + c.exitCode() + ")");
            }
            for (ModelSummary m : c.stages()) {
                LoadResult l = m.load();
                t.row(c.baseline().name(), c.workload().name(), l.pattern().label(), l.completed() + "/" + l.sent(),
                        Durations.num(l.requestThroughput(), 2), Durations.num(l.outputThroughput(), 1),
                        Durations.num(l.ttftMs().median(), 1), Durations.num(l.e2eMs().median(), 1),
                        l.slo().any() ? Durations.num(l.goodput(), 2) : "-",
                        l.generator().healthy() ? "ok" : "WARNING");
            }
        }
        t.print(out);
    }

    private static String join(List<? extends Number> values) {
        return String.join(",", values.stream().map(v -> v instanceof Double d ? number(d) : v.toString())
                .toList());
    }

    private static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e12 ? Long.toString((long) v)
                : java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }

    private static List<String> redacted(List<String> args) {
        List<String> copy = new ArrayList<>(args);
        for (int i = 0; i + 1 < copy.size(); i++) {
            if (copy.get(i).equals("--api-token")) {
                copy.set(i + 1, "<redacted>");
            }
        }
        return copy;
    }
}
