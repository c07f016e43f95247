package dev.lmsbench.cli;

import dev.lmsbench.client.OpenAiClient;
import dev.lmsbench.core.engine.SweepPlan;
import dev.lmsbench.core.event.BenchmarkListener;
import dev.lmsbench.core.load.ArrivalPattern;
import dev.lmsbench.core.load.LoadSpec;
import dev.lmsbench.core.load.Slo;
import dev.lmsbench.core.model.BenchmarkReport;
import dev.lmsbench.core.model.BenchmarkSettings;
import dev.lmsbench.core.model.ModelInfo;
import dev.lmsbench.core.model.PromptCache;
import dev.lmsbench.core.model.RunInfo;
import dev.lmsbench.core.spi.InferenceBackend;
import dev.lmsbench.core.spi.TokenCounter;
import dev.lmsbench.core.spi.Workload;
import dev.lmsbench.workloads.Workloads;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code lmsbench load}: a serving benchmark under load (seed 002): a workload's requests sent to one model at the
 * times an arrival pattern plans (open loop: a rate, Poisson or gamma arrivals, all at once) or by a fixed number of
 * streams (closed loop), one stage per rate or concurrency of a sweep. It is {@code run}'s machinery with another
 * plan: each stage is a job whose load stage the engine runs; the figures are vLLM's and GuideLLM's (docs/load.md).
 */
@Command(name = "load", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = {"Serving benchmark under load: sends a workload's requests to one model at planned times "
                + "(--rate: Poisson by default, or --pattern constant|gamma|max) or with a fixed number in flight "
                + "(--concurrency, --pattern synchronous), and reports request and token throughput, TTFT, TPOT, ITL "
                + "and E2E (mean, median, std, percentiles), goodput under --goodput SLOs, errors by type, the rate "
                + "achieved against the target, the server's /metrics and the load generator's own health.",
                "A list of rates or concurrencies sweeps them, one stage each. Writes results.json (and the formats "
                        + "of --format) to results/load-<time>/ and each stage to the results database.",
                "",
                "Examples:",
                "  lmsbench load --sim --rate 20 --num-requests 500 --workload random",
                "  lmsbench load --sim --concurrency 1,4,16 --duration 30s --goodput ttft:200 tpot:50",
                "  lmsbench load --base-url http://localhost:8080/v1 --rate 2,4,8 --pattern gamma --burstiness 0.5",
                "  lmsbench load --sim --workload multi-round --workload-option users=8 --workload-option rounds=4",
                ""},
        footer = {"", "Selection, server, load-config and output flags of 'lmsbench run' apply; --runs, --warmup, "
                + "--prompt, --max-tokens and --stream-only do not (the workload and the stage decide).",
                "Exit codes: 0 success, 1 runtime failure, 2 usage or configuration error, 130 interrupted."})
final class LoadCommand extends RunCommand {

    /** The requests a stage sends when neither --num-requests nor --duration is given. */
    static final int DEFAULT_REQUESTS = 200;
    /** The most stages one load command may plan. */
    static final int MAX_STAGES = 1000;

    @ArgGroup(validate = false, heading = "%nLoad:%n", order = 0)
    Load loadOptions = new Load();

    /** The load flags. */
    static final class Load {
        @Option(names = "--workload", paramLabel = "NAME", order = 1, defaultValue = "random", description = {
                "What to send: random (default), multi-round, agentic, sharegpt, prefix (docs/workloads.md)."})
        String workload = "random";

        @Option(names = "--workload-option", paramLabel = "KEY=VALUE", order = 2, description = {
                "A workload option, repeatable (e.g. users=8, rounds=4, prefix_len=1024; docs/workloads.md)."})
        List<String> workloadOptions = new ArrayList<>();

        @Option(names = "--input-len", paramLabel = "TOKENS", order = 3, description = {
                "Prompt length of the random workload (its input_len; default 256)."})
        Integer inputLen;

        @Option(names = "--output-len", paramLabel = "TOKENS", order = 4, description = {
                "Answer length (max_tokens) of the random and prefix workloads (output_len)."})
        Integer outputLen;

        @Option(names = "--range-ratio", paramLabel = "R", order = 5, description = {
                "The random workload's lengths vary by +-R (0 to <1, vLLM's --random-range-ratio; default 0)."})
        Double rangeRatio;

        @Option(names = "--dataset", paramLabel = "FILE", order = 6, description = {
                "A ShareGPT-format JSON file for the sharegpt workload (default: the bundled sample)."})
        Path dataset;

        @Option(names = "--rate", paramLabel = "PER_S", split = ",", order = 7, description = {
                "Requests per second, open loop (sent at their planned time whether or not earlier ones ended); "
                        + "a comma-separated list sweeps the rates."})
        List<Double> rates;

        @Option(names = "--concurrency", paramLabel = "N", split = ",", order = 8, description = {
                "Closed loop: N requests in flight, the next sent when one ends; a list sweeps them."})
        List<Integer> concurrencies;

        @Option(names = "--pattern", paramLabel = "KIND", order = 9, description = {
                "poisson (default with --rate), constant, gamma (with --burstiness), max (every request at once; "
                        + "the default without --rate or --concurrency), synchronous (one at a time)."})
        String pattern;

        @Option(names = "--burstiness", paramLabel = "B", order = 10, description = {
                "Gamma arrivals' shape (vLLM's --burstiness): below 1 burstier than Poisson, 1 is Poisson."})
        Double burstiness;

        @Option(names = "--max-concurrency", paramLabel = "N", order = 11, description = {
                "At most N requests in flight in an open loop; later sends wait for a slot (recorded apart from "
                        + "the send lag)."})
        int maxConcurrency;

        @Option(names = "--num-requests", paramLabel = "N", order = 12, description = {
                "Requests per stage (default " + DEFAULT_REQUESTS + " unless --duration is given; with both, "
                        + "whichever ends first)."})
        Integer numRequests;

        @Option(names = "--duration", paramLabel = "TIME", order = 13, description = {
                "How long each stage sends: 90s, 5m, 1h or seconds."})
        String duration;

        @Option(names = "--warmup-time", paramLabel = "TIME", order = 14, description = {
                "Requests sent within this time of a stage's first send are left out of its figures."})
        String warmup;

        @Option(names = "--cooldown-time", paramLabel = "TIME", order = 15, description = {
                "Requests sent within this time of a stage's last send are left out too (the load is draining)."})
        String cooldown;

        @Option(names = "--seed", paramLabel = "N", order = 16, defaultValue = "0", description = {
                "Seed of the arrivals and the workload (default ${DEFAULT-VALUE}): the same seed, the same stage."})
        long seed;

        @Option(names = "--percentiles", paramLabel = "LIST", split = ",", order = 17, description = {
                "Percentiles to report, 0 to 100, comma-separated (default 50,90,95,99)."})
        List<Double> percentiles;

        @Option(names = "--goodput", paramLabel = "SLO", arity = "1..*", order = 18, description = {
                "Goodput objectives in ms, e.g. --goodput ttft:200 tpot:50 e2e:5000: requests per second that "
                        + "met every one."})
        List<String> goodput;

        @Option(names = "--tag", paramLabel = "KEY=VALUE", order = 19, description = {
                "A label carried into the results (results.json load_test.tags, the database, the dashboard), "
                        + "repeatable: e.g. --tag baseline=after-driver-update."})
        List<String> tags = new ArrayList<>();
    }

    /** The token counters of the run's backend (set in {@link #plan}), for the workload's lengths. */
    private final List<TokenCounter> counters = new ArrayList<>();

    @Override
    public Integer call() {
        if (basic.runs != null || basic.warmup != null || basic.prompt != null || basic.streamOnly
                || inference.maxTokens != null) {
            throw CliException.usage("--runs, --warmup, --prompt, --max-tokens and --stream-only do not apply to "
                    + "a load test: the workload decides prompts and lengths, --num-requests/--duration the count, "
                    + "--warmup-time the warmup");
        }
        if (comparison.compareWith != null) {
            throw CliException.usage("--compare-with compares runs: compare load tests with 'lmsbench suite'");
        }
        // fail before anything starts: every flag is checked here, the workload with the backend's counters later
        checkFlags();
        return super.call();
    }

    /** A workload for checking the flags: never started. */
    private static final Workload CHECK = new Workload() {
        @Override public String name() { return "check"; }
        @Override public Map<String, String> parameters() { return Map.of(); }
        @Override public dev.lmsbench.core.model.TokenCountSource lengthSource() {
            return dev.lmsbench.core.model.TokenCountSource.ESTIMATE;
        }
        @Override public Session start(long seed) { throw new UnsupportedOperationException(); }
    };

    /** Checks every load flag and the workload's options (a suite checks its combinations with it). */
    void checkFlags() {
        stages(CHECK);
        workload(List.of(), "");
    }

    @Override
    Path defaultOutputDir() {
        return Path.of("results", "load-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern(
                "yyyyMMdd-HHmmss", Locale.ROOT)));
    }

    @Override
    BenchmarkSettings adjust(BenchmarkSettings settings, PrintWriter err) {
        // the workload makes each prompt unique or shares prefixes on purpose (prefix, multi-round): a nonce
        // would defeat what it measures; --prompt-cache off still adds one to every request
        return basic.promptCache == null ? settings.withPromptCache(PromptCache.REUSE) : settings;
    }

    @Override
    boolean usesResultCache() {
        return false;
    }

    @Override
    BenchmarkListener progressListener(PrintWriter err) {
        return new LoadProgress(err, ProgressPrinter.stderrIsTerminal());
    }

    @Override
    SweepPlan plan(List<ModelInfo> models, RunInfo run, InferenceBackend client, PrintWriter err) {
        ModelInfo model = models.getFirst();
        if (models.size() > 1) {
            err.println("load: testing " + Main.oneLine(model.id()) + " (the first of " + models.size()
                    + " models; choose one with --model)");
            err.flush();
        }
        counters.clear();
        if (client instanceof OpenAiClient openAi) {
            counters.add(openAi.serverTokenizer());
        }
        if (tokenizer() != null) {
            counters.add(tokenizer());
        }
        Workload workload = workload(counters, model.id());
        List<SweepPlan.Job> jobs = new ArrayList<>();
        for (LoadSpec stage : stages(workload)) {
            jobs.add(new SweepPlan.Job(model, run.settings().contextLength(), run.settings().parallel(), stage));
        }
        return new SweepPlan(jobs);
    }

    /** The workload of {@code --workload} and its options, its lengths counted for {@code model}. */
    private Workload workload(List<TokenCounter> tokenCounters, String model) {
        Map<String, String> options = new LinkedHashMap<>();
        for (String o : loadOptions.workloadOptions) {
            int eq = o.indexOf('=');
            if (eq <= 0) {
                throw CliException.usage("--workload-option '" + Main.oneLine(o) + "' is not KEY=VALUE");
            }
            options.put(o.substring(0, eq).trim(), o.substring(eq + 1).trim());
        }
        if (loadOptions.inputLen != null) {
            options.put("input_len", Integer.toString(loadOptions.inputLen));
        }
        if (loadOptions.outputLen != null) {
            options.put("output_len", Integer.toString(loadOptions.outputLen));
        }
        if (loadOptions.rangeRatio != null) {
            options.put("range_ratio", Double.toString(loadOptions.rangeRatio));
        }
        if (loadOptions.dataset != null) {
            options.put("dataset", loadOptions.dataset.toString());
        }
        try {
            return Workloads.create(loadOptions.workload, options, tokenCounters, model);
        } catch (IllegalArgumentException e) {
            throw CliException.usage("--workload " + Main.oneLine(loadOptions.workload) + ": "
                    + Main.oneLine(e.getMessage()));
        }
    }

    /** The stages of the flags: one per rate or concurrency. */
    List<LoadSpec> stages(Workload workload) {
        Load o = loadOptions;
        if (o.rates != null && o.concurrencies != null) {
            throw CliException.usage("--rate and --concurrency exclude each other (open or closed loop); cap an open"
                    + " loop with --max-concurrency");
        }
        String kind = o.pattern == null ? null : o.pattern.toLowerCase(Locale.ROOT);
        if (kind == null) {
            kind = o.rates != null ? (o.burstiness != null ? "gamma" : "poisson")
                    : o.concurrencies != null ? "concurrency" : "max";
        }
        List<ArrivalPattern> patterns = new ArrayList<>();
        try {
            switch (kind) {
                case "poisson", "constant", "gamma" -> {
                    if (o.rates == null || o.rates.isEmpty()) {
                        throw CliException.usage("--pattern " + kind + " needs --rate");
                    }
                    if (o.burstiness != null && !kind.equals("gamma")) {
                        throw CliException.usage("--burstiness shapes gamma arrivals: give --pattern gamma");
                    }
                    for (double r : o.rates) {
                        patterns.add(switch (kind) {
                            case "poisson" -> new ArrivalPattern.Poisson(r);
                            case "constant" -> new ArrivalPattern.ConstantRate(r);
                            default -> new ArrivalPattern.Gamma(r, o.burstiness == null ? 1.0 : o.burstiness);
                        });
                    }
                }
                case "concurrency" -> {
                    if (o.concurrencies == null || o.concurrencies.isEmpty()) {
                        throw CliException.usage("--pattern concurrency needs --concurrency N");
                    }
                    for (int c : o.concurrencies) {
                        patterns.add(new ArrivalPattern.Concurrency(c));
                    }
                }
                case "synchronous", "max" -> {
                    if (o.rates != null || o.concurrencies != null) {
                        throw CliException.usage("--pattern " + kind + " takes neither --rate nor --concurrency");
                    }
                    patterns.add(kind.equals("max") ? new ArrivalPattern.MaxThroughput()
                            : new ArrivalPattern.Synchronous());
                }
                default -> throw CliException.usage("--pattern must be poisson, constant, gamma, max, synchronous "
                        + "or concurrency, got '" + Main.oneLine(o.pattern) + "'");
            }
        } catch (IllegalArgumentException e) {
            throw CliException.usage((o.rates != null ? "--rate" : "--concurrency") + ": "
                    + Main.oneLine(e.getMessage()));
        }
        if (patterns.size() > MAX_STAGES) {
            throw CliException.usage("at most " + MAX_STAGES + " rates or concurrencies, got " + patterns.size());
        }
        if (o.burstiness != null && !kind.equals("gamma")) {
            throw CliException.usage("--burstiness shapes gamma arrivals: give --rate (and --pattern gamma)");
        }
        if (o.maxConcurrency < 0 || o.maxConcurrency > LoadSpec.MAX_REQUESTS) {
            throw CliException.usage("--max-concurrency must be 0 (no cap) or more, got " + o.maxConcurrency);
        }
        if (o.maxConcurrency > 0 && !kind.equals("poisson") && !kind.equals("constant") && !kind.equals("gamma")
                && !kind.equals("max")) {
            throw CliException.usage("--max-concurrency caps an open loop; --concurrency already fixes the streams");
        }
        Duration duration = time("--duration", o.duration);
        int n = o.numRequests != null ? o.numRequests : duration.isZero() ? DEFAULT_REQUESTS : 0;
        if (basic.devMode && o.numRequests == null && duration.isZero()) {
            n = 20;
        }
        if (n < 0 || n > LoadSpec.MAX_REQUESTS || (o.numRequests != null && n == 0 && duration.isZero())) {
            throw CliException.usage("--num-requests must be between 1 and " + LoadSpec.MAX_REQUESTS + ", got " + n);
        }
        Slo slo;
        try {
            slo = o.goodput == null ? Slo.NONE : Slo.parse(String.join(" ", o.goodput));
        } catch (IllegalArgumentException e) {
            throw CliException.usage("--goodput: " + Main.oneLine(e.getMessage()));
        }
        if (o.goodput != null && !slo.any()) {
            throw CliException.usage("--goodput needs at least one objective, e.g. ttft:200");
        }
        if (o.percentiles != null) {
            for (double p : o.percentiles) {
                if (!(p >= 0 && p <= 100)) {
                    throw CliException.usage("--percentiles must be from 0 to 100, got " + p);
                }
            }
        }
        Map<String, String> tags = new LinkedHashMap<>();
        for (String t : o.tags) {
            int eq = t.indexOf('=');
            if (eq <= 0) {
                throw CliException.usage("--tag '" + Main.oneLine(t) + "' is not KEY=VALUE");
            }
            tags.put(t.substring(0, eq).trim(), t.substring(eq + 1).trim());
        }
        List<LoadSpec> out = new ArrayList<>();
        for (ArrivalPattern p : patterns) {
            try {
                out.add(new LoadSpec(p, workload, n, duration, time("--warmup-time", o.warmup),
                        time("--cooldown-time", o.cooldown), o.maxConcurrency, o.seed, o.percentiles, slo, tags));
            } catch (IllegalArgumentException e) {
                throw CliException.usage(Main.oneLine(e.getMessage()));
            }
        }
        return out;
    }

    /** {@code 90s}, {@code 5m}, {@code 1h}, {@code 250ms} or plain seconds; absent is zero. */
    static Duration time(String flag, String text) {
        if (text == null || text.isBlank()) {
            return Duration.ZERO;
        }
        String t = text.trim().toLowerCase(Locale.ROOT);
        double factor = 1;
        String number = t;
        if (t.endsWith("ms")) {
            factor = 0.001;
            number = t.substring(0, t.length() - 2);
        } else if (t.endsWith("s")) {
            number = t.substring(0, t.length() - 1);
        } else if (t.endsWith("m")) {
            factor = 60;
            number = t.substring(0, t.length() - 1);
        } else if (t.endsWith("h")) {
            factor = 3600;
            number = t.substring(0, t.length() - 1);
        }
        double seconds;
        try {
            seconds = Double.parseDouble(number.trim()) * factor;
        } catch (NumberFormatException e) {
            throw CliException.usage(flag + " must be a time such as 90s, 5m or 1h, got '" + Main.oneLine(text)
                    + "'");
        }
        if (!(seconds >= 0) || seconds > 7 * 24 * 3600) {
            throw CliException.usage(flag + " must be from 0 to 7 days, got '" + Main.oneLine(text) + "'");
        }
        return Duration.ofNanos(Math.round(seconds * 1e9));
    }

    @Override
    void afterReport(BenchmarkReport report, Path outDir, PrintWriter out) {
        // RunReports printed the load tables in place of the run summary
    }
}
